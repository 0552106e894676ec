package launch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
)

// ManifestPath is where `cleave apply` writes the manifest, relative to the
// module's root.
const ManifestPath = "cleavesvc/services.json"

// Manifest is cleavesvc/services.json: the services of a split module.
type Manifest struct {
	Module   string            `json:"module"`
	App      string            `json:"app"`
	Monolith string            `json:"monolith,omitempty"` // the original program's main package, if recorded
	Services []ManifestService `json:"services"`
}

// ManifestService is one service of a Manifest.
type ManifestService struct {
	Name   string   `json:"name"`
	Main   string   `json:"main"` // package path relative to the module root, "./cleavesvc/cmd/<name>"
	Edge   bool     `json:"edge"`
	Serves []string `json:"serves"`
	Links  []string `json:"links"`
	// Routes are the HTTP routes the edge forwards to the service.
	Routes []ManifestRoute `json:"routes,omitempty"`
	// GRPC are the gRPC methods the edge forwards to the service
	// ("/pkg.Service/Method").
	GRPC []string `json:"grpc,omitempty"`
}

// ManifestRoute is an HTTP route a service serves.
type ManifestRoute struct {
	Method string `json:"method,omitempty"` // empty: any
	Route  string `json:"route"`
}

// ReadManifest reads dir's cleavesvc/services.json.
func ReadManifest(dir string) (*Manifest, error) {
	file := filepath.Join(dir, filepath.FromSlash(ManifestPath))
	data, err := os.ReadFile(file)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("read manifest: %s does not exist (run `cleave apply` first)", file)
		}
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("read manifest %s: %w", file, err)
	}
	if len(m.Services) == 0 {
		return nil, fmt.Errorf("read manifest %s: no services", file)
	}
	seen := map[string]bool{}
	for i, s := range m.Services {
		if s.Name == "" || s.Main == "" {
			return nil, fmt.Errorf("read manifest %s: service %d has no name or main", file, i)
		}
		if seen[s.Name] {
			return nil, fmt.Errorf("read manifest %s: service %s listed twice", file, s.Name)
		}
		seen[s.Name] = true
	}
	if m.App == "" {
		m.App = path.Base(m.Module)
	}
	return &m, nil
}

// Service returns the named service of m.
func (m *Manifest) Service(name string) (ManifestService, bool) {
	for _, s := range m.Services {
		if s.Name == name {
			return s, true
		}
	}
	return ManifestService{}, false
}

// Build compiles main packages of the module in dir into binDir, one
// executable per entry of mains (output name → package, e.g. "orders" →
// "./cleavesvc/cmd/orders"), in one go build, and returns the executables'
// paths by name. Compiler errors come back with the go command's output.
func Build(ctx context.Context, dir, binDir string, mains map[string]string) (map[string]string, error) {
	binDir, err := filepath.Abs(binDir)
	if err != nil {
		return nil, fmt.Errorf("build: %w", err)
	}
	if err := os.MkdirAll(binDir, 0o755); err != nil {
		return nil, fmt.Errorf("build: %w", err)
	}
	// One go build writes each executable under its package's last path
	// element; build apart only what would collide or is misnamed.
	var together []string
	byBase := map[string]string{}
	alone := map[string]string{}
	for name, pkg := range mains {
		base := path.Base(strings.TrimSuffix(pkg, "/"))
		if _, dup := byBase[base]; dup || base != name {
			alone[name] = pkg
			continue
		}
		byBase[base] = name
		together = append(together, pkg)
	}
	run := func(args ...string) error {
		cmd := exec.CommandContext(ctx, "go", append([]string{"build"}, args...)...)
		cmd.Dir = dir
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("build: go build %s: %w\n%s", strings.Join(args, " "), err, strings.TrimSpace(out.String()))
		}
		return nil
	}
	if len(together) > 0 {
		if err := run(append([]string{"-o", binDir + string(filepath.Separator)}, together...)...); err != nil {
			return nil, err
		}
	}
	for name, pkg := range alone {
		if err := run("-o", filepath.Join(binDir, name+exeSuffix()), pkg); err != nil {
			return nil, err
		}
	}
	paths := map[string]string{}
	for name := range mains {
		paths[name] = filepath.Join(binDir, name+exeSuffix())
	}
	return paths, nil
}

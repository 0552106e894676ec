package rewriter_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cleave-go/cleave/rewriter"
)

// offline runs the go command in dir as a user without network builds a
// vendored module: -mod left to the go command (vendor), GOPROXY=off.
// -trimpath, as apply's type-check, lets the build cache serve the
// vendored packages apply compiled in its copy of the module.
func offline(t *testing.T, dir string, env []string, args ...string) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "GOWORK=off", "GOFLAGS=-trimpath", "GOPROXY=off"), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s in %s: %v\n%s", strings.Join(args, " "), dir, err, out)
	}
}

// TestVendoredModule applies a split to a module that vendors its
// dependencies, one of which nothing but its vendor/ holds
// (testdata/vendor/vendored.txtar), into a copy: the copy stays vendored,
// vendor/ gains the runtime and what it needs, and the split builds, vets
// and passes the module's tests over NATS with -mod=vendor and GOPROXY=off.
// A dry run shows vendor/modules.txt's diff and writes nothing; applied in
// place, a second apply changes nothing.
func TestVendoredModule(t *testing.T) {
	dir := extract(t, filepath.Join("testdata", "vendor", "vendored.txtar"))
	p := truthPlan(t, dir, filepath.Join(dir, "services.yaml"))
	before := snapshot(t, dir)
	res, err := rewriter.Apply(context.Background(), dir, p, rewriter.Options{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Diff, "+++ b/vendor/modules.txt") || res.Wrote {
		t.Errorf("dry run: wrote %v, diff without vendor/modules.txt:\n%s", res.Wrote, res.Diff)
	}
	if !equalTrees(before, snapshot(t, dir)) {
		t.Fatal("the dry run changed the module")
	}
	out := filepath.Join(t.TempDir(), "out")
	res, err = rewriter.Apply(context.Background(), dir, p, rewriter.Options{Out: out})
	if err != nil {
		t.Fatal(err)
	}
	if !equalTrees(before, snapshot(t, dir)) {
		t.Fatal("apply --out changed the module")
	}
	if !res.Wrote || len(res.Generated) == 0 {
		t.Fatalf("Apply wrote %v, generated %q; want a split", res.Wrote, res.Generated)
	}
	if !strings.Contains(strings.Join(res.Vendor, " "), "github.com/nats-io/nats.go@") {
		t.Errorf("Result.Vendor = %q; want the runtime's modules, nats.go among them", res.Vendor)
	}
	shoutDir := ""
	for _, r := range readMod(t, out).Replace {
		if r.Old.Path == "example.com/shout" {
			shoutDir = r.New.Path
		}
	}
	txt := string(readFile(t, filepath.Join(out, "vendor", "modules.txt")))
	for _, want := range []string{
		"# " + runtimeModule + " v0.0.0-00010101000000-000000000000 => ",
		"\n" + runtimeModule + "/bus\n",
		"# example.com/greet v1.2.0\n## explicit; go 1.21\nexample.com/greet\n",
		"\n# example.com/shout => " + shoutDir + "\n",
		"\ngithub.com/nats-io/nats-server/v2/server\n",
	} {
		if !strings.Contains(txt, want) {
			t.Errorf("vendor/modules.txt lacks %q:\n%s", want, txt)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "vendor", "example.com", "greet", "LICENSE")); err != nil {
		t.Errorf("vendor/ lost the vendored module's license: %v", err)
	}
	offline(t, out, nil, "build", "./...")
	offline(t, out, nil, "vet", "./...")
	offline(t, out, []string{"CLEAVE_TRANSPORT=nats", "CLEAVE_EVENTS_WAIT=1"}, "test", "-count=1", "./...")

	// In place, twice: the second apply finds vendor/ as it would make it.
	res, err = rewriter.Apply(context.Background(), dir, p, rewriter.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Wrote {
		t.Fatal("apply in place wrote nothing")
	}
	offline(t, dir, nil, "build", "./...")
	after := snapshot(t, dir)
	res, err = rewriter.Apply(context.Background(), dir, p, rewriter.Options{})
	if err != nil {
		t.Fatalf("second Apply: %v", err)
	}
	if res.Changed || res.Wrote {
		t.Errorf("second apply changed the module:\n%s", res.Diff)
	}
	if !equalTrees(after, snapshot(t, dir)) {
		t.Fatal("the second apply changed the module")
	}
}

// TestVendoredModuleMissing applies with a runtime that needs a module
// neither the module's vendor/ nor the module cache holds: apply names it
// and writes nothing.
func TestVendoredModuleMissing(t *testing.T) {
	t.Setenv("GOPROXY", "off")
	dir := extract(t, filepath.Join("testdata", "vendor", "vendored.txtar"))
	p := truthPlan(t, dir, filepath.Join(dir, "services.yaml"))
	// A copy of the runtime whose bus imports a module no one serves.
	rt := filepath.Join(t.TempDir(), "runtime")
	if err := os.CopyFS(rt, os.DirFS(filepath.Join(runtimeRoot(), "runtime"))); err != nil {
		t.Fatal(err)
	}
	gomod := string(readFile(t, filepath.Join(rt, "go.mod"))) + "\nrequire example.com/nowhere v1.0.0\n"
	writeFiles(t, rt, map[string]string{
		"go.mod":         gomod,
		"bus/nowhere.go": "package bus\n\nimport _ \"example.com/nowhere\"\n",
	})
	before := snapshot(t, dir)
	out := filepath.Join(t.TempDir(), "out")
	_, err := rewriter.Apply(context.Background(), dir, p, rewriter.Options{Out: out, Runtime: rt})
	if err == nil || !strings.Contains(err.Error(), "example.com/nowhere@v1.0.0") || !strings.Contains(err.Error(), "neither vendored nor in the module cache") {
		t.Fatalf("Apply = %v; want an error naming example.com/nowhere@v1.0.0", err)
	}
	if !equalTrees(before, snapshot(t, dir)) {
		t.Fatal("the module changed")
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatalf("apply wrote %s (%v)", out, err)
	}
}

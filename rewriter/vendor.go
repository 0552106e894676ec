package rewriter

import (
	"bytes"
	"errors"
	"fmt"
	"go/version"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// A module that vendors its dependencies (vendor/modules.txt) is loaded and
// type-checked with -mod=vendor, and stays vendored: its go.mod and go.sum
// and its vendor/ are what go mod tidy and go mod vendor make in a copy of
// the rewritten module, with every module vendor/ holds served from vendor/
// itself (a module directory put together from the vendored packages,
// which replaces the module in the copy's go.mod for the time of the two
// commands). The modules the runtime adds come from the module cache first
// (GOPROXY=off); only if one is missing there does the go command fetch it
// as the environment says. A vendored module the rewritten module needs
// more packages of than vendor/ holds (golang.org/x/crypto/chacha20 for
// nats-server) is taken whole from the module cache. vendor/ is replaced
// as a whole, by a rename, together with the other files apply writes.

// vendored reports whether the module in dir vendors its dependencies
// (vendor/modules.txt). From go 1.14 on the go command builds it from
// vendor/ by default; before, the go directive apply raises makes it so.
func vendored(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "vendor", "modules.txt"))
	return err == nil
}

// vendoring is the state of a vendored module's apply: a copy of the
// rewritten module whose vendor/ go mod vendor made.
type vendoring struct {
	root string // temporary directory holding mod and synth
	mod  string // the copy of the module
	// modulesTxt is vendor/modules.txt as go mod vendor wrote it in the
	// copy (the replacements name synthesized directories); fixModulesTxt
	// makes it agree with a go.mod.
	modulesTxt []byte
	gomod      []byte   // the rewritten go.mod, its directory paths relative to mod
	added      []string // module@version vendor/ gains
}

// vendoredModule is one module of vendor/modules.txt.
type vendoredModule struct {
	path, version string
	goVersion     string // from its "## go" annotation
	pkgs          []string
}

// parseModulesTxt returns the modules vendor/modules.txt lists with a version.
func parseModulesTxt(data []byte) []*vendoredModule {
	var mods []*vendoredModule
	var cur *vendoredModule
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "# "); ok {
			cur = nil
			f := strings.Fields(rest)
			if len(f) >= 2 && semver.IsValid(f[1]) {
				cur = &vendoredModule{path: f[0], version: f[1]}
				mods = append(mods, cur)
			}
			continue
		}
		if cur == nil {
			continue
		}
		if ann, ok := strings.CutPrefix(line, "## "); ok {
			for _, a := range strings.Split(ann, ";") {
				if v, ok := strings.CutPrefix(strings.TrimSpace(a), "go "); ok {
					cur.goVersion = v
				}
			}
			continue
		}
		if f := strings.Fields(line); len(f) == 1 {
			cur.pkgs = append(cur.pkgs, f[0])
		}
	}
	return mods
}

// replacement returns what mf replaces m@v with, as the go command reads
// it: the replacement of that version, else of every version.
func replacement(mf *modfile.File, p, v string) (module.Version, bool) {
	var all *modfile.Replace
	for _, r := range mf.Replace {
		if r.Old.Path != p {
			continue
		}
		if r.Old.Version == v && v != "" {
			return r.New, true
		}
		if r.Old.Version == "" {
			all = r
		}
	}
	if all != nil {
		return all.New, true
	}
	return module.Version{}, false
}

// moduleLine is the header of a module in vendor/modules.txt, as go mod
// vendor writes it.
func moduleLine(m, r module.Version) string {
	var b strings.Builder
	b.WriteString("# " + m.Path)
	if m.Version != "" {
		b.WriteString(" " + m.Version)
	}
	if r.Path != "" {
		b.WriteString(" => " + r.Path)
		if r.Version != "" {
			b.WriteString(" " + r.Version)
		}
	}
	return b.String()
}

// fixModulesTxt returns vendor/modules.txt data with every module's
// replacement as gomod says, and the replacements go mod vendor records
// after the modules (those no module line above names) gomod's.
func fixModulesTxt(data, gomod []byte) ([]byte, error) {
	mf, err := modfile.Parse("go.mod", gomod, nil)
	if err != nil {
		return nil, fmt.Errorf("go.mod: %w", err)
	}
	type block struct {
		m    module.Version
		body []string
	}
	var blocks []*block
	var head []string // lines before the first module (## workspace)
	for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		if rest, ok := strings.CutPrefix(line, "# "); ok {
			f := strings.Fields(rest)
			if len(f) == 0 {
				continue
			}
			m := module.Version{Path: f[0]}
			if len(f) >= 2 && f[1] != "=>" {
				m.Version = f[1]
			}
			blocks = append(blocks, &block{m: m})
			continue
		}
		if len(blocks) == 0 {
			if line != "" {
				head = append(head, line)
			}
			continue
		}
		b := blocks[len(blocks)-1]
		b.body = append(b.body, line)
	}
	out := head
	written := map[module.Version]bool{}
	for _, b := range blocks {
		if len(b.body) == 0 {
			continue // a replacement only: recorded again below
		}
		r, _ := replacement(mf, b.m.Path, b.m.Version)
		out = append(out, moduleLine(b.m, r))
		out = append(out, b.body...)
		written[b.m] = true
	}
	for _, r := range mf.Replace {
		if written[r.Old] {
			continue
		}
		written[r.Old] = true
		out = append(out, moduleLine(r.Old, r.New))
	}
	return []byte(strings.Join(out, "\n") + "\n"), nil
}

// editVendoredGoMod is editGoMod for a vendored module: go.mod requires the
// runtime (see linkRuntime), and go.mod, go.sum and vendor/ are what go mod
// tidy and go mod vendor make of the rewritten module (see vendor).
func (r *rewrite) editVendoredGoMod() error {
	mf, err := modfile.Parse("go.mod", r.gomod, nil)
	if err != nil {
		return fmt.Errorf("apply: go.mod: %w", err)
	}
	if _, err := linkRuntime(mf, r.runtime, r.keepCleave); err != nil {
		return fmt.Errorf("apply: go.mod: %w", err)
	}
	if rv := runtimeGoVersion(r.runtime); rv != "" && version.Compare("go"+rv, "go"+mf.Go.Version) > 0 {
		if err := mf.AddGoStmt(rv); err != nil {
			return fmt.Errorf("apply: go.mod: %w", err)
		}
	}
	mf.Cleanup()
	gomod, err := mf.Format()
	if err != nil {
		return fmt.Errorf("apply: go.mod: %w", err)
	}
	old, _ := os.ReadFile(filepath.Join(r.dir, "go.sum"))
	rtSum, _ := os.ReadFile(filepath.Join(r.runtime, "go.sum"))
	gomod, gosum, err := r.vendor(gomod, unionLines(old, rtSum), mf.Go.Version)
	if err != nil {
		return err
	}
	r.put("go.mod", gomod)
	r.put("go.sum", unionLines(old, gosum))
	return nil
}

// unionLines returns the distinct non-blank lines of a and b, sorted.
func unionLines(a, b []byte) []byte {
	lines := map[string]bool{}
	for _, l := range strings.Split(string(a)+"\n"+string(b), "\n") {
		if strings.TrimSpace(l) != "" {
			lines[l] = true
		}
	}
	if len(lines) == 0 {
		return nil
	}
	return []byte(strings.Join(sortedKeys(lines), "\n") + "\n")
}

// vendor runs go mod tidy and go mod vendor in a copy of the rewritten
// module whose go.mod is gomod and go.sum gosum, and returns the go.mod and
// go.sum they leave, as the module reads them. The copy stays (r.vend)
// for the type-check and the write. Every module the module's vendor/
// holds, unless go.mod replaces it by a directory, is replaced in the copy
// by a module directory put together from its vendored packages, so that
// nothing vendor/ holds is fetched; the rest comes from the module cache,
// else from GOPROXY.
func (r *rewrite) vendor(gomod, gosum []byte, goVersion string) ([]byte, []byte, error) {
	r.logf("vendoring the runtime (go mod tidy and go mod vendor in a copy of the module)")
	root, err := os.MkdirTemp("", "cleave-vendor-")
	if err != nil {
		return nil, nil, fmt.Errorf("apply: vendor: %w", err)
	}
	v := &vendoring{root: root, mod: filepath.Join(root, "mod")}
	r.vend = v
	if err := os.Mkdir(v.mod, 0o755); err != nil {
		return nil, nil, fmt.Errorf("apply: vendor: %w", err)
	}
	if err := copyTree(r.dir, v.mod); err != nil {
		return nil, nil, fmt.Errorf("apply: vendor: copy the module: %w", err)
	}
	start, err := relocateReplaces(gomod, r.dir, v.mod)
	if err != nil {
		return nil, nil, fmt.Errorf("apply: vendor: %w", err)
	}
	mf, err := modfile.Parse("go.mod", start, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("apply: go.mod: %w", err)
	}
	own := append([]*modfile.Replace(nil), mf.Replace...)
	txt, err := os.ReadFile(filepath.Join(r.dir, "vendor", "modules.txt"))
	if err != nil {
		return nil, nil, fmt.Errorf("apply: vendor: %w", err)
	}
	before := parseModulesTxt(txt)
	// Each vendored module, unless a directory replaces it, is served
	// from its vendored packages; one the runtime needs more packages of
	// is taken whole from the module cache instead, when it is there.
	synth := filepath.Join(root, "synth")
	pkgDirs := map[string]bool{}
	for _, m := range before {
		for _, p := range m.pkgs {
			pkgDirs[p] = true
		}
	}
	dirs := map[string]string{} // path@version → synthesized module
	var order []string
	for i, m := range before {
		if m.path == runtimeModule || m.path == cleaveModule {
			continue
		}
		if rep, ok := replacement(mf, m.path, m.version); ok && rep.Version == "" {
			continue // a directory: the copy reads it where it is
		}
		dir := filepath.Join(synth, strconv.Itoa(i))
		if err := synthesize(dir, filepath.Join(r.dir, "vendor"), m, pkgDirs); err != nil {
			return nil, nil, fmt.Errorf("apply: vendor: %s: %w", m.path, err)
		}
		key := m.path + "@" + m.version
		dirs[key] = dir
		order = append(order, key)
	}
	files := map[string][]byte{}
	for rel, data := range r.changed {
		if rel != "go.mod" && rel != "go.sum" {
			files[rel] = data
		}
	}
	if err := writeFiles(v.mod, files); err != nil {
		return nil, nil, fmt.Errorf("apply: vendor: %w", err)
	}
	tidy := []string{"mod", "tidy"}
	if goVersion != "" {
		tidy = append(tidy, "-go="+goVersion)
	}
	cache := goEnv("GOMODCACHE")
	whole := map[string]bool{} // taken from the module cache
	for {
		withSynth, err := modfile.Parse("go.mod", start, nil)
		if err != nil {
			return nil, nil, fmt.Errorf("apply: go.mod: %w", err)
		}
		for _, key := range order {
			if !whole[key] {
				p, ver, _ := strings.Cut(key, "@")
				if err := withSynth.AddReplace(p, ver, dirs[key], ""); err != nil {
					return nil, nil, fmt.Errorf("apply: vendor: %w", err)
				}
			}
		}
		data, err := withSynth.Format()
		if err != nil {
			return nil, nil, fmt.Errorf("apply: go.mod: %w", err)
		}
		if err := writeFiles(v.mod, map[string][]byte{"go.mod": data, "go.sum": gosum}); err != nil {
			return nil, nil, fmt.Errorf("apply: vendor: %w", err)
		}
		err = r.goModCmds(v.mod, tidy, []string{"mod", "vendor"})
		var lacks *lacksError
		if errors.As(err, &lacks) && dirs[lacks.mod] != "" && !whole[lacks.mod] && inCache(cache, lacks.mod) {
			whole[lacks.mod] = true
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		break
	}
	// go.mod without the synthesized replacements, the module's own back.
	data, err := os.ReadFile(filepath.Join(v.mod, "go.mod"))
	if err != nil {
		return nil, nil, fmt.Errorf("apply: vendor: %w", err)
	}
	if mf, err = modfile.Parse("go.mod", data, nil); err != nil {
		return nil, nil, fmt.Errorf("apply: vendor: go.mod: %w", err)
	}
	for _, rep := range append([]*modfile.Replace(nil), mf.Replace...) {
		if strings.HasPrefix(rep.New.Path, synth+string(filepath.Separator)) {
			if err := mf.DropReplace(rep.Old.Path, rep.Old.Version); err != nil {
				return nil, nil, fmt.Errorf("apply: vendor: %w", err)
			}
		}
	}
	for _, rep := range own {
		if err := mf.AddReplace(rep.Old.Path, rep.Old.Version, rep.New.Path, rep.New.Version); err != nil {
			return nil, nil, fmt.Errorf("apply: vendor: %w", err)
		}
	}
	mf.Cleanup()
	if v.gomod, err = mf.Format(); err != nil {
		return nil, nil, fmt.Errorf("apply: vendor: go.mod: %w", err)
	}
	newSum, err := os.ReadFile(filepath.Join(v.mod, "go.sum"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("apply: vendor: %w", err)
	}
	if v.modulesTxt, err = os.ReadFile(filepath.Join(v.mod, "vendor", "modules.txt")); err != nil {
		return nil, nil, fmt.Errorf("apply: vendor: %w", err)
	}
	// The copy as the module will be: the type-check reads it.
	fixed, err := fixModulesTxt(v.modulesTxt, v.gomod)
	if err != nil {
		return nil, nil, fmt.Errorf("apply: vendor: %w", err)
	}
	if err := writeFiles(v.mod, map[string][]byte{"go.mod": v.gomod, "vendor/modules.txt": fixed}); err != nil {
		return nil, nil, fmt.Errorf("apply: vendor: %w", err)
	}
	had := map[string]string{}
	for _, m := range before {
		had[m.path] = m.version
	}
	for _, m := range parseModulesTxt(v.modulesTxt) {
		if had[m.path] != m.version && len(m.pkgs) > 0 {
			v.added = append(v.added, m.path+"@"+m.version)
		}
	}
	back, err := relocateReplaces(v.gomod, v.mod, r.dir)
	if err != nil {
		return nil, nil, fmt.Errorf("apply: vendor: %w", err)
	}
	return back, newSum, nil
}

// synthesize puts together in dir the module m from its packages vendored
// in vendor: a go.mod naming it (and its go version) and, for each package,
// its files, the files it embeds from directories below it (any directory
// there that no vendored package, listed in pkgs, is) and the legal files
// of the directories above it in the module, as go mod vendor copied them.
func synthesize(dir, vendor string, m *vendoredModule, pkgs map[string]bool) error {
	gomod := "module " + m.path + "\n"
	if m.goVersion != "" {
		gomod += "\ngo " + m.goVersion + "\n"
	}
	files := map[string][]byte{"go.mod": []byte(gomod)}
	// copyDir copies the files of the directory rel of the module (those
	// keep says), and with below the directories under it that are no
	// package's.
	var copyDir func(rel string, keep func(string) bool, below bool) error
	copyDir = func(rel string, keep func(string) bool, below bool) error {
		src := filepath.Join(vendor, filepath.FromSlash(path.Join(m.path, rel)))
		ents, err := os.ReadDir(src)
		if err != nil {
			return err
		}
		for _, e := range ents {
			sub := path.Join(rel, e.Name())
			if e.IsDir() {
				if below && !pkgs[path.Join(m.path, sub)] {
					if err := copyDir(sub, func(string) bool { return true }, true); err != nil {
						return err
					}
				}
				continue
			}
			if !e.Type().IsRegular() || !keep(e.Name()) {
				continue
			}
			data, err := os.ReadFile(filepath.Join(src, e.Name()))
			if err != nil {
				return err
			}
			files[sub] = data
		}
		return nil
	}
	for _, pkg := range m.pkgs {
		rel, ok := strings.CutPrefix(pkg, m.path)
		if !ok || (rel != "" && rel[0] != '/') {
			continue
		}
		rel = strings.TrimPrefix(rel, "/")
		if err := copyDir(rel, func(string) bool { return true }, true); err != nil {
			return err
		}
		for d := rel; d != "" && d != "."; {
			d = path.Dir(d)
			if d == "." {
				d = ""
			}
			if err := copyDir(d, legalFile, false); err != nil {
				return err
			}
		}
	}
	return writeFiles(dir, files)
}

// inCache reports whether the module cache in dir holds mod
// (path@version), its go.mod and its source.
func inCache(dir, mod string) bool {
	path, version, _ := strings.Cut(mod, "@")
	if dir == "" {
		return false
	}
	p, err := module.EscapePath(path)
	if err != nil {
		return false
	}
	v, err := module.EscapeVersion(version)
	if err != nil {
		return false
	}
	for _, ext := range []string{".mod", ".zip"} {
		if _, err := os.Stat(filepath.Join(dir, "cache", "download", filepath.FromSlash(p), "@v", v+ext)); err != nil {
			return false
		}
	}
	return true
}

// legalFile reports whether go mod vendor copies a file of this name from
// the directories above a vendored package.
func legalFile(name string) bool {
	for _, p := range []string{"AUTHORS", "CONTRIBUTORS", "COPYLEFT", "COPYING", "COPYRIGHT", "LEGAL", "LICENSE", "NOTICE", "PATENTS"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// writeFiles writes files (by slash path relative to dir) under dir.
func writeFiles(dir string, files map[string][]byte) error {
	for rel, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

var (
	missingModule = regexp.MustCompile(`([^\s:]+): module lookup disabled by GOPROXY=off`)
	downloading   = regexp.MustCompile(`go: downloading (\S+) (\S+)`)
	lacksPackage  = regexp.MustCompile(`module (\S+@\S+) found \(([^)]*)\), but does not contain package (\S+)`)
)

// goModCmds runs each go command (args) in the copy dir, modules from the
// module cache only; if that fails and GOPROXY allows, once more fetching
// what the cache lacks.
func (r *rewrite) goModCmds(dir string, cmds ...[]string) error {
	run := func(env ...string) (string, error) {
		for _, args := range cmds {
			cmd := exec.CommandContext(r.ctx, "go", args...)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), append([]string{"GOWORK=off", "GOFLAGS=-mod=mod"}, env...)...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Run(); err != nil {
				msg := strings.TrimSpace(strings.ReplaceAll(stderr.String(), dir+string(filepath.Separator), ""))
				return msg, fmt.Errorf("go %s: %w", strings.Join(args, " "), err)
			}
		}
		return "", nil
	}
	// The cache's modules were verified when they were downloaded.
	msg, err := run("GOPROXY=off", "GOSUMDB=off")
	if err == nil {
		return nil
	}
	// The go command names a module it cannot look up with its version,
	// or only by its path when a package of it is imported; then its
	// version is on a "downloading" line.
	version := map[string]string{}
	for _, m := range downloading.FindAllStringSubmatch(msg, -1) {
		version[m[1]] = m[2]
	}
	var missing []string
	seen := map[string]bool{}
	for _, m := range missingModule.FindAllStringSubmatch(msg, -1) {
		mod := m[1]
		if v := version[mod]; v != "" && !strings.Contains(mod, "@") {
			mod += "@" + v
		}
		if !seen[mod] {
			seen[mod] = true
			missing = append(missing, mod)
		}
	}
	if len(missing) == 0 {
		if m := lacksPackage.FindStringSubmatch(msg); m != nil {
			// module golang.org/x/crypto@latest found (v0.53.0, replaced by ...)
			mod := m[1]
			if v, _, _ := strings.Cut(m[2], ","); semver.IsValid(v) {
				p, _, _ := strings.Cut(mod, "@")
				mod = p + "@" + v
			}
			return &lacksError{mod: mod, pkg: m[3]}
		}
		return fmt.Errorf("apply: vendor the runtime: %w\n%s", err, msg)
	}
	sort.Strings(missing)
	what := fmt.Sprintf("%s, which the rewritten module needs, is neither vendored nor in the module cache", strings.Join(missing, ", "))
	if p := goEnv("GOPROXY"); p == "off" || p == "" {
		return fmt.Errorf("apply: vendor the runtime: %s (go mod download it)", what)
	}
	if msg2, err2 := run(); err2 != nil {
		return fmt.Errorf("apply: vendor the runtime: %s, and fetching it failed: %w\n%s", what, err2, msg2)
	}
	return nil
}

// lacksError: the rewritten module needs a package of a module that
// vendor/ holds without it.
type lacksError struct{ mod, pkg string }

func (e *lacksError) Error() string {
	return fmt.Sprintf("apply: vendor the runtime: it needs package %s of %s, which vendor/ lacks and the module cache does not hold (go mod download %s)", e.pkg, e.mod, e.mod)
}

// goEnv returns the go command's setting of the environment variable name.
func goEnv(name string) string {
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// checkDir returns where check type-checks the rewritten module, with
// which overlay and -mod mode: for a vendored module, the copy vendor made,
// holding every changed file; otherwise the module with the changes
// overlaid, -mod=readonly.
func (r *rewrite) checkDir() (string, map[string][]byte, string, error) {
	if r.vend == nil {
		overlay := map[string][]byte{}
		for rel, data := range r.changed {
			overlay[filepath.Join(r.dir, filepath.FromSlash(rel))] = data
		}
		return r.dir, overlay, "readonly", nil
	}
	files := map[string][]byte{}
	for rel, data := range r.changed {
		if rel != "go.mod" {
			files[rel] = data
		}
	}
	if err := writeFiles(r.vend.mod, files); err != nil {
		return "", nil, "", fmt.Errorf("apply: vendor: %w", err)
	}
	return r.vend.mod, nil, "vendor", nil
}

// cleanup removes the copy vendor made.
func (r *rewrite) cleanup() {
	if r.vend != nil {
		os.RemoveAll(r.vend.root)
	}
}

// vendorDiff is the diff of vendor/modules.txt, "" when the module is not
// vendored or it does not change.
func (r *rewrite) vendorDiff(gomod []byte) (string, error) {
	if r.vend == nil {
		return "", nil
	}
	txt, err := fixModulesTxt(r.vend.modulesTxt, gomod)
	if err != nil {
		return "", fmt.Errorf("apply: vendor: %w", err)
	}
	old, _ := os.ReadFile(filepath.Join(r.dir, "vendor", "modules.txt"))
	if bytes.Equal(old, txt) {
		return "", nil
	}
	return unifiedDiff("vendor/modules.txt", old, txt, false), nil
}

// write writes files into target (see writeAll) and, for a vendored
// module, replaces target's vendor/ by the one vendor made, with
// modules.txt agreeing with gomod, target's go.mod: both or neither. It
// reports whether anything changed.
func (r *rewrite) write(target string, files map[string][]byte, gomod []byte) (bool, error) {
	var commit, undo func()
	if r.vend != nil {
		var err error
		if commit, undo, err = r.installVendor(target, gomod); err != nil {
			return false, err
		}
	}
	if err := writeAll(target, files); err != nil {
		if undo != nil {
			undo()
		}
		return false, err
	}
	if commit != nil {
		commit()
	}
	return len(files) > 0 || commit != nil, nil
}

// installVendor moves the vendor directory vendor made into target, in
// place of target's own, unless they are the same. commit removes the
// old one; undo puts it back.
func (r *rewrite) installVendor(target string, gomod []byte) (commit, undo func(), err error) {
	txt, err := fixModulesTxt(r.vend.modulesTxt, gomod)
	if err != nil {
		return nil, nil, fmt.Errorf("vendor: %w", err)
	}
	src := filepath.Join(r.vend.mod, "vendor")
	if err := os.WriteFile(filepath.Join(src, "modules.txt"), txt, 0o644); err != nil {
		return nil, nil, fmt.Errorf("vendor: %w", err)
	}
	dst := filepath.Join(target, "vendor")
	if same, err := sameTree(src, dst); err != nil || same {
		return nil, nil, err
	}
	stage, err := os.MkdirTemp(target, ".cleave-vendor-")
	if err != nil {
		return nil, nil, fmt.Errorf("vendor: %w", err)
	}
	if err := copyTree(src, stage); err != nil {
		os.RemoveAll(stage)
		return nil, nil, fmt.Errorf("vendor: %w", err)
	}
	old := stage + ".old"
	if err := os.Rename(dst, old); err != nil && !errors.Is(err, fs.ErrNotExist) {
		os.RemoveAll(stage)
		return nil, nil, fmt.Errorf("vendor: %w (nothing was changed)", err)
	}
	if err := os.Rename(stage, dst); err != nil {
		os.Rename(old, dst)
		os.RemoveAll(stage)
		return nil, nil, fmt.Errorf("vendor: %w (nothing was changed)", err)
	}
	commit = func() { os.RemoveAll(old) }
	undo = func() {
		os.RemoveAll(dst)
		os.Rename(old, dst)
	}
	return commit, undo, nil
}

// sameTree reports whether the directories a and b hold the same regular
// files with the same contents.
func sameTree(a, b string) (bool, error) {
	list := func(dir string) (map[string]string, error) {
		files := map[string]string{}
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.Type().IsRegular() {
				rel, _ := filepath.Rel(dir, p)
				files[rel] = p
			}
			return nil
		})
		return files, err
	}
	fa, err := list(a)
	if err != nil {
		return false, err
	}
	fb, err := list(b)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil || len(fa) != len(fb) {
		return false, err
	}
	for rel, pa := range fa {
		pb, ok := fb[rel]
		if !ok {
			return false, nil
		}
		da, err := os.ReadFile(pa)
		if err != nil {
			return false, err
		}
		db, err := os.ReadFile(pb)
		if err != nil {
			return false, err
		}
		if !bytes.Equal(da, db) {
			return false, nil
		}
	}
	return true, nil
}

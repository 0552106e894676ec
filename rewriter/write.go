package rewriter

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/token"
	"go/version"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/mod/modfile"
)

// put records the new contents of a file of the module.
func (r *rewrite) put(rel string, data []byte) {
	if r.changed == nil {
		r.changed, r.old = map[string][]byte{}, map[string][]byte{}
	}
	old, err := os.ReadFile(filepath.Join(r.dir, filepath.FromSlash(rel)))
	if err == nil && bytes.Equal(old, data) {
		r.generatedSame(rel)
		return
	}
	r.changed[rel] = data
	if err == nil {
		r.old[rel] = old
	}
}

func (r *rewrite) generatedSame(string) {}

// generate computes every change: edited files, generated packages, mains,
// services.json, asyncapi.yaml, go.mod and go.sum.
func (r *rewrite) generate() error {
	for _, name := range sortedKeys(r.svcs) {
		r.svcs[name].errTypes = r.errorTypes(r.svcs[name])
	}
	r.checkLinks()
	r.fanoutOK()
	r.nameFanouts()
	r.editSites()
	r.bindConstructors()
	r.guardBackground()
	r.noteSubscribers()
	r.noteExclusiveStores()
	r.redirectListens()
	if err := r.applyEdits(); err != nil {
		return err
	}
	for _, name := range sortedKeys(r.svcs) {
		if err := r.generateSvc(r.svcs[name]); err != nil {
			return err
		}
	}
	// Even with no topic to serve, every service gets its main and its
	// entry in services.json: cleave run starts them all.
	if err := r.generateLinks(); err != nil {
		return err
	}
	if err := r.generatePhase(); err != nil {
		return err
	}
	if err := r.generateOwns(); err != nil {
		return err
	}
	if err := r.generateMains(); err != nil {
		return err
	}
	if err := r.generateAsyncAPI(); err != nil {
		return err
	}
	return r.editGoMod()
}

// result summarises the rewrite.
func (r *rewrite) result() *Result {
	res := &Result{Module: r.module, Dir: r.dir, Notes: r.notes}
	for _, t := range r.topics {
		tr := &TopicResult{Subject: t.t.Subject, Kind: t.t.Kind, Function: t.t.Function, Consumer: t.t.Consumer}
		if t.svc != nil {
			tr.Stub = t.svc.name + "." + t.stub
		}
		for _, s := range t.sites {
			switch {
			case s.done:
				tr.Already++
			case t.skip != "":
				tr.LeftAlone++
				res.LeftAlone = append(res.LeftAlone, &Skip{Site: s.pos, Subject: t.t.Subject, Reason: t.skip})
			case s.skip != "":
				tr.LeftAlone++
				res.LeftAlone = append(res.LeftAlone, &Skip{Site: s.pos, Subject: t.t.Subject, Reason: s.skip})
			default:
				tr.Rewritten++
				if s.extra {
					tr.Extra++
					res.Extra = append(res.Extra, &Skip{Site: s.pos, Subject: t.t.Subject, Reason: "a call of the callee from another service that the plan does not list"})
				}
			}
		}
		res.Topics = append(res.Topics, tr)
	}
	sortSkips(res.LeftAlone)
	sortSkips(res.Extra)
	for _, rel := range sortedKeys(r.files) {
		f := r.files[rel]
		if len(f.edits) == 0 || r.changed[rel] == nil {
			continue
		}
		sites := append([]string(nil), f.sites...)
		sort.Strings(sites)
		res.Files = append(res.Files, &FileEdit{Path: rel, Sites: sites, Test: f.test})
		if f.test {
			res.TestFiles = append(res.TestFiles, rel)
		}
	}
	for _, rel := range sortedKeys(r.changed) {
		if strings.HasPrefix(rel, GenDir+"/") {
			res.Generated = append(res.Generated, rel)
		}
	}
	res.Bound = r.bound
	res.Services = r.services
	return res
}

// check type-checks the module as it would be after the rewrite. Nothing
// is written unless it passes.
func (r *rewrite) check() error {
	if len(r.changed) == 0 {
		return nil
	}
	// -mod=readonly (-mod=vendor for a vendored module): the go.mod and
	// go.sum written must build as they are.
	dir, overlay, mod, err := r.checkDir()
	if err != nil {
		return err
	}
	r.logf("type-checking the result")
	pkgs, err := loadPackages(r.ctx, dir, token.NewFileSet(), overlay, mod, r.genPatterns()...)
	if err != nil {
		return fmt.Errorf("apply: the rewritten module does not type-check; nothing was written:\n%w", err)
	}
	seen := map[string]bool{}
	for _, p := range pkgs {
		seen[p.PkgPath] = true
	}
	for _, name := range sortedKeys(r.svcs) {
		if s := r.svcs[name]; !seen[s.path] {
			return fmt.Errorf("apply: the rewritten module does not load %s; nothing was written:\n%s", s.path, r.listCause(dir, overlay, mod, "./"+s.dir))
		}
	}
	return nil
}

// listCause asks the go command in dir, with the rewritten files overlaid
// and -mod=<mod>, why pattern does not load, and returns what it says.
func (r *rewrite) listCause(dir string, overlay map[string][]byte, mod, pattern string) string {
	tmp, err := os.MkdirTemp("", "cleave-overlay-")
	if err != nil {
		return err.Error()
	}
	defer os.RemoveAll(tmp)
	repl := map[string]string{}
	i := 0
	for abs, data := range overlay {
		i++
		f := filepath.Join(tmp, strconv.Itoa(i))
		if err := os.WriteFile(f, data, 0o644); err != nil {
			return err.Error()
		}
		repl[abs] = f
	}
	js, err := json.Marshal(map[string]any{"Replace": repl})
	if err != nil {
		return err.Error()
	}
	ov := filepath.Join(tmp, "overlay.json")
	if err := os.WriteFile(ov, js, 0o644); err != nil {
		return err.Error()
	}
	cmd := exec.CommandContext(r.ctx, "go", "list", "-e", "-mod="+mod, "-overlay="+ov, "-deps", "-f", "{{with .Error}}{{.}}{{end}}", pattern)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=")
	out, _ := cmd.CombinedOutput()
	msg := strings.TrimSpace(relPos(dir, string(out)))
	if msg == "" {
		return "the go command reports no error for " + pattern
	}
	return msg
}

// editGoMod makes the module require the runtime module: its go.mod gains
// the runtime's requirements (as indirect ones) and go.sum lines, its go
// directive is raised to the runtime's when older, and the requirement of
// the whole cleave module an earlier cleave added is dropped.
func (r *rewrite) editGoMod() error {
	if r.vendored {
		return r.editVendoredGoMod()
	}
	mf, err := modfile.Parse("go.mod", r.gomod, nil)
	if err != nil {
		return fmt.Errorf("apply: go.mod: %w", err)
	}
	deps, sum, err := runtimeDeps(r.ctx, r.runtime)
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, req := range mf.Require {
		have[req.Mod.Path] = true
	}
	dropped, err := linkRuntime(mf, r.runtime, r.keepCleave)
	if err != nil {
		return fmt.Errorf("apply: go.mod: %w", err)
	}
	for _, d := range deps {
		if !have[d[0]] {
			mf.AddNewRequire(d[0], d[1], true)
		}
	}
	if rv := runtimeGoVersion(r.runtime); rv != "" && (mf.Go == nil || version.Compare("go"+rv, "go"+mf.Go.Version) > 0) {
		if err := mf.AddGoStmt(rv); err != nil {
			return fmt.Errorf("apply: go.mod: %w", err)
		}
	}
	mf.SetRequireSeparateIndirect(mf.Require)
	mf.Cleanup()
	out, err := mf.Format()
	if err != nil {
		return fmt.Errorf("apply: go.mod: %w", err)
	}
	old, _ := os.ReadFile(filepath.Join(r.dir, "go.sum"))
	lines := map[string]bool{}
	for _, l := range strings.Split(string(old)+string(sum), "\n") {
		if strings.TrimSpace(l) != "" {
			lines[l] = true
		}
	}
	gosum := []byte(strings.Join(sortedKeys(lines), "\n") + "\n")
	if dropped || r.hasRequirements(deps) {
		// The module's own requirements may be older than the runtime's
		// (golang.org/x/sys), or written for a go directive before 1.17,
		// which listed no indirect requirements, or be what the whole
		// cleave module an earlier apply required brought in: let the go
		// command work out the requirements that build, as go mod tidy
		// does.
		goVersion := ""
		if mf.Go != nil {
			goVersion = mf.Go.Version
		}
		if out, gosum, err = r.tidy(out, gosum, goVersion); err != nil {
			return err
		}
	}
	r.put("go.mod", out)
	r.put("go.sum", gosum)
	return nil
}

// linkRuntime makes mf require the runtime module, replaced by the
// directory dir unless mf already replaces it. Unless keepCleave, it drops
// the requirement and the replacement of the whole cleave module that a
// cleave from before the runtime's own module added, and reports whether
// there was one.
func linkRuntime(mf *modfile.File, dir string, keepCleave bool) (dropped bool, err error) {
	if !keepCleave {
		for _, req := range mf.Require {
			if req.Mod.Path == cleaveModule {
				if err := mf.DropRequire(cleaveModule); err != nil {
					return false, err
				}
				dropped = true
				break
			}
		}
		for _, rep := range mf.Replace {
			if rep.Old.Path == cleaveModule {
				if err := mf.DropReplace(cleaveModule, rep.Old.Version); err != nil {
					return false, err
				}
				dropped = true
			}
		}
		mf.Cleanup() // drop the entries the Drop calls emptied
	}
	required, replaced := false, false
	for _, req := range mf.Require {
		required = required || req.Mod.Path == runtimeModule
	}
	for _, rep := range mf.Replace {
		replaced = replaced || rep.Old.Path == runtimeModule
	}
	if !required {
		if err := mf.AddRequire(runtimeModule, "v0.0.0-00010101000000-000000000000"); err != nil {
			return dropped, err
		}
	}
	if !replaced {
		if err := mf.AddReplace(runtimeModule, "", dir, ""); err != nil {
			return dropped, err
		}
	}
	return dropped, nil
}

// requiresCleave reports whether go.mod data requires or replaces the
// whole cleave module, as cleave's applies did before the runtime had a
// module of its own.
func requiresCleave(data []byte) bool {
	mf, err := modfile.ParseLax("go.mod", data, nil)
	if err != nil {
		return false
	}
	for _, req := range mf.Require {
		if req.Mod.Path == cleaveModule {
			return true
		}
	}
	for _, rep := range mf.Replace {
		if rep.Old.Path == cleaveModule {
			return true
		}
	}
	return false
}

// runtimeGoVersion returns the go directive of the runtime module in dir,
// "" if it has none.
func runtimeGoVersion(dir string) string {
	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return ""
	}
	mf, err := modfile.ParseLax("go.mod", data, nil)
	if err != nil || mf.Go == nil {
		return ""
	}
	return mf.Go.Version
}

// hasRequirements reports whether the module requires modules of its
// own: other than the runtime and its dependencies (deps) at the versions
// an earlier apply added, or its go directive predates 1.17. A
// module that does not builds with the runtime's requirements added as
// they are.
func (r *rewrite) hasRequirements(deps [][2]string) bool {
	mf, err := modfile.ParseLax("go.mod", r.gomod, nil)
	if err != nil {
		return true
	}
	if mf.Go != nil && version.Compare("go"+mf.Go.Version, "go1.17") < 0 {
		return true
	}
	ours := map[string]string{}
	for _, d := range deps {
		ours[d[0]] = d[1]
	}
	for _, req := range mf.Require {
		if req.Mod.Path != cleaveModule && req.Mod.Path != runtimeModule && ours[req.Mod.Path] != req.Mod.Version {
			return true
		}
	}
	return false
}

// tidy returns gomod and gosum, the module's go.mod and go.sum with the
// runtime required, as go mod tidy -go=goVersion makes them in a copy of
// the module holding the rewritten files: every requirement the rewritten
// module and its tests build with, at versions that agree with the
// runtime's, and their checksums. Modules come from the module cache or
// GOPROXY. Replace directives naming a directory keep naming it as the
// module's go.mod did.
func (r *rewrite) tidy(gomod, gosum []byte, goVersion string) ([]byte, []byte, error) {
	r.logf("resolving go.mod requirements (go mod tidy in a copy of the module)")
	tmp, err := os.MkdirTemp("", "cleave-tidy-")
	if err != nil {
		return nil, nil, fmt.Errorf("apply: update go.mod: %w", err)
	}
	defer os.RemoveAll(tmp)
	if err := copyTree(r.dir, tmp); err != nil {
		return nil, nil, fmt.Errorf("apply: update go.mod: copy the module: %w", err)
	}
	// tidy reads the go directive it starts from in go.mod: keep the
	// module's own, so that requirements written before 1.17 are
	// interpreted as they were meant, and raise it through -go.
	orig, err := modfile.Parse("go.mod", gomod, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("apply: go.mod: %w", err)
	}
	if mf, err := modfile.ParseLax("go.mod", r.gomod, nil); err == nil && mf.Go != nil {
		if err := orig.AddGoStmt(mf.Go.Version); err != nil {
			return nil, nil, fmt.Errorf("apply: go.mod: %w", err)
		}
	}
	start, err := orig.Format()
	if err != nil {
		return nil, nil, fmt.Errorf("apply: go.mod: %w", err)
	}
	if start, err = relocateReplaces(start, r.dir, tmp); err != nil {
		return nil, nil, fmt.Errorf("apply: %w", err)
	}
	files := map[string][]byte{"go.mod": start, "go.sum": gosum}
	for rel, data := range r.changed {
		if rel != "go.mod" && rel != "go.sum" {
			files[rel] = data
		}
	}
	for rel, data := range files {
		p := filepath.Join(tmp, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, nil, fmt.Errorf("apply: update go.mod: %w", err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return nil, nil, fmt.Errorf("apply: update go.mod: %w", err)
		}
	}
	args := []string{"mod", "tidy"}
	if goVersion != "" {
		args = append(args, "-go="+goVersion)
	}
	cmd := exec.CommandContext(r.ctx, "go", args...)
	cmd.Dir = tmp
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(strings.ReplaceAll(stderr.String(), tmp+string(filepath.Separator), ""))
		return nil, nil, fmt.Errorf("apply: update go.mod to require the runtime: go %s: %w\n%s", strings.Join(args, " "), err, msg)
	}
	newMod, err := os.ReadFile(filepath.Join(tmp, "go.mod"))
	if err != nil {
		return nil, nil, fmt.Errorf("apply: update go.mod: %w", err)
	}
	newSum, err := os.ReadFile(filepath.Join(tmp, "go.sum"))
	if err != nil {
		return nil, nil, fmt.Errorf("apply: update go.mod: %w", err)
	}
	if newMod, err = relocateReplaces(newMod, tmp, r.dir); err != nil {
		return nil, nil, fmt.Errorf("apply: %w", err)
	}
	return newMod, newSum, nil
}

var depsCache sync.Map // runtime dir → depsEntry

type depsEntry struct {
	deps [][2]string
	sum  []byte
	err  error
}

// runtimeDeps lists the modules the runtime's bus package builds with, as
// the runtime module in dir selects them, and the runtime module's go.sum
// lines.
func runtimeDeps(ctx context.Context, dir string) ([][2]string, []byte, error) {
	if e, ok := depsCache.Load(dir); ok {
		e := e.(depsEntry)
		return e.deps, e.sum, e.err
	}
	cmd := exec.CommandContext(ctx, "go", "list", "-deps", "-f", "{{with .Module}}{{.Path}} {{.Version}}{{end}}", "./bus")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	out, err := cmd.Output()
	var e depsEntry
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		e.err = fmt.Errorf("apply: list the runtime's dependencies in %s: %v\n%s", dir, err, stderr)
	} else {
		seen := map[string]bool{}
		for _, l := range strings.Split(string(out), "\n") {
			f := strings.Fields(l)
			if len(f) == 2 && f[0] != runtimeModule && f[0] != cleaveModule && !seen[f[0]] {
				seen[f[0]] = true
				e.deps = append(e.deps, [2]string{f[0], f[1]})
			}
		}
		sort.Slice(e.deps, func(i, j int) bool { return e.deps[i][0] < e.deps[j][0] })
		e.sum, _ = os.ReadFile(filepath.Join(dir, "go.sum"))
	}
	depsCache.Store(dir, e)
	return e.deps, e.sum, e.err
}

// writeAll writes files into dir all or nothing: every file goes to a
// temporary file first, then each is renamed into place; if a rename fails
// the files already replaced are restored.
func writeAll(dir string, files map[string][]byte) error {
	type pending struct{ path, tmp string }
	var todo []pending
	cleanup := func() {
		for _, p := range todo {
			os.Remove(p.tmp)
		}
	}
	var made []string // directories created
	for _, rel := range sortedKeys(files) {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		d := filepath.Dir(p)
		if _, err := os.Stat(d); errors.Is(err, fs.ErrNotExist) {
			if err := os.MkdirAll(d, 0o755); err != nil {
				cleanup()
				return err
			}
			made = append(made, d)
		}
		tmp, err := os.CreateTemp(d, ".cleave-*")
		if err != nil {
			cleanup()
			return err
		}
		todo = append(todo, pending{p, tmp.Name()})
		mode := fs.FileMode(0o644)
		if st, err := os.Stat(p); err == nil {
			mode = st.Mode().Perm()
		}
		_, err = tmp.Write(files[rel])
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Chmod(tmp.Name(), mode)
		}
		if err != nil {
			cleanup()
			return err
		}
	}
	type backup struct {
		path string
		data []byte
		had  bool
	}
	var done []backup
	for _, p := range todo {
		old, err := os.ReadFile(p.path)
		b := backup{path: p.path, data: old, had: err == nil}
		if err := os.Rename(p.tmp, p.path); err != nil {
			for _, d := range done {
				if d.had {
					os.WriteFile(d.path, d.data, 0o644)
				} else {
					os.Remove(d.path)
				}
			}
			cleanup()
			for i := len(made) - 1; i >= 0; i-- {
				os.Remove(made[i])
			}
			return fmt.Errorf("write %s: %w (nothing was changed)", p.path, err)
		}
		done = append(done, b)
	}
	return nil
}

// isLocalPath reports whether a replacement path in go.mod names a
// directory (./x, ../x, an absolute path) rather than a module.
func isLocalPath(p string) bool {
	return p == "." || p == ".." || strings.HasPrefix(p, "./") || strings.HasPrefix(p, "../") || filepath.IsAbs(p)
}

// relocateReplaces returns gomod, the go.mod of a module in dir from, as it
// must read in dir to: replace directives naming a directory relative to
// from name it relative to to.
func relocateReplaces(gomod []byte, from, to string) ([]byte, error) {
	mf, err := modfile.Parse("go.mod", gomod, nil)
	if err != nil {
		return nil, fmt.Errorf("go.mod: %w", err)
	}
	changed := false
	for _, rep := range mf.Replace {
		p := rep.New.Path
		if rep.New.Version != "" || !isLocalPath(p) || filepath.IsAbs(p) {
			continue
		}
		target := filepath.Join(from, filepath.FromSlash(p))
		rel, err := filepath.Rel(to, target)
		if err != nil {
			rel = target
		} else if rel = filepath.ToSlash(rel); !strings.HasPrefix(rel, "../") && rel != ".." && rel != "." {
			rel = "./" + rel
		}
		if rel == p {
			continue
		}
		if err := mf.AddReplace(rep.Old.Path, rep.Old.Version, rel, ""); err != nil {
			return nil, fmt.Errorf("go.mod: %w", err)
		}
		changed = true
	}
	if !changed {
		return gomod, nil
	}
	mf.Cleanup()
	out, err := mf.Format()
	if err != nil {
		return nil, fmt.Errorf("go.mod: %w", err)
	}
	return out, nil
}

// copyTree copies the module in src to dst, leaving out .git.
func copyTree(src, dst string) error {
	if ents, err := os.ReadDir(dst); err == nil && len(ents) > 0 {
		return fmt.Errorf("%s is not empty", dst)
	}
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, info.Mode().Perm())
	})
}

// ErrDirty is returned when the git tree has changes and Force is unset.
var ErrDirty = errors.New("git tree is dirty")

// checkClean refuses a module with uncommitted changes.
func checkClean(ctx context.Context, dir string) error {
	cmd := exec.CommandContext(ctx, "git", "status", "--porcelain", "--", ".")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		// Not a git tree (or no git): nothing to protect.
		return nil
	}
	if len(bytes.TrimSpace(out)) > 0 {
		// Only the trailing newline goes: " M app/main.go" keeps the
		// column git prints the work tree's status in.
		lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
		if len(lines) > 5 {
			lines = append(lines[:5], "...")
		}
		return fmt.Errorf("apply: %w in %s (commit or stash first, or use --force):\n%s", ErrDirty, dir, strings.Join(lines, "\n"))
	}
	return nil
}

// inGit reports whether dir is inside a git work tree.
func inGit(ctx context.Context, dir string) bool {
	cmd := exec.CommandContext(ctx, "git", "rev-parse", "--is-inside-work-tree")
	cmd.Dir = dir
	out, err := cmd.Output()
	return err == nil && strings.TrimSpace(string(out)) == "true"
}

// diff is the unified diff of every change.
func (r *rewrite) diff() string {
	var b strings.Builder
	for _, rel := range sortedKeys(r.changed) {
		b.WriteString(unifiedDiff(rel, r.old[rel], r.changed[rel], r.old[rel] == nil))
	}
	return b.String()
}

// genPatterns lists the generated packages, which ./... in the overlay may not see.
func (r *rewrite) genPatterns() []string {
	var pats []string
	for _, name := range sortedKeys(r.svcs) {
		pats = append(pats, "./"+r.svcs[name].dir)
	}
	for _, rel := range sortedKeys(r.changed) {
		if strings.HasPrefix(rel, GenDir+"/cmd/") && strings.HasSuffix(rel, "/main.go") {
			pats = append(pats, "./"+path.Dir(rel))
		}
	}
	return pats
}

package rewriter

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/tools/go/packages"

	"github.com/cleave-go/cleave/planner"
)

// cleaveModule is the module of cleave's own source tree. Applies by
// cleave before the runtime had a module of its own made the rewritten
// module require it (and with it every requirement of cleave's tools).
const cleaveModule = "github.com/cleave-go/cleave"

// runtimeModule is the module of the runtime, a module of its own under
// runtime/ in cleave's source tree: the rewritten module requires it and
// so gains only the runtime's requirements and go version.
const runtimeModule = cleaveModule + "/runtime"

// busPath is the import path of the runtime the generated code uses.
const busPath = runtimeModule + "/bus"

// rewrite is the state of one Apply.
type rewrite struct {
	ctx      context.Context
	dir      string
	plan     *planner.Plan
	opts     Options
	runtime  string // directory of the runtime module
	progress io.Writer

	// keepCleave: the module imports packages of the whole cleave module
	// (other than the runtime), so a requirement of it stays.
	keepCleave bool

	// vendored: the module builds from vendor/ (see vendored); vend is
	// the copy that vendors the rewritten module.
	vendored bool
	vend     *vendoring

	module string
	gomod  []byte
	fset   *token.FileSet
	pkgs   []*packages.Package
	byPath map[string]*packages.Package // plain (non-test) variants by import path
	files  map[string]*srcFile          // by path relative to the module root
	svcOf  map[string]string            // package path → service

	topics   []*topic
	fanouts  []*fanout          // calls that may reach several topics
	svcs     map[string]*svcPkg // by service
	skips    []*Skip
	bound    []*Skip
	notes    []string
	services []*ServiceInfo

	changed map[string][]byte // new contents by path relative to the module root
	old     map[string][]byte // contents before, nil for new files

	// lazy maps the constructors bound lazily (they open a database one
	// process at a time can hold) to their service.
	lazy map[string]lazyBind
}

// srcFile is one parsed file of the module.
type srcFile struct {
	rel   string
	abs   string
	src   []byte
	ast   *ast.File
	pkg   *packages.Package
	test  bool
	edits []edit
	sites []string
}

func (r *rewrite) load() error {
	data, err := os.ReadFile(filepath.Join(r.dir, "go.mod"))
	if err != nil {
		return fmt.Errorf("apply: %w", err)
	}
	r.gomod = data
	r.module = modfile.ModulePath(data)
	if r.module == "" {
		return fmt.Errorf("apply: %s/go.mod: no module path", r.dir)
	}
	if r.plan.Module != "" && r.plan.Module != r.module {
		return fmt.Errorf("apply: plan is for module %s, %s holds %s", r.plan.Module, r.dir, r.module)
	}
	r.logf("loading %s", r.module)
	r.fset = token.NewFileSet()
	var overlay map[string][]byte
	mod := "mod"
	if r.vendored = vendored(r.dir); r.vendored {
		// vendor/ agrees with go.mod as it is; the go command may have
		// no other source of the module's dependencies.
		mod = "vendor"
		if requiresCleave(data) {
			if r.keepCleave, err = importsCleave(r.dir); err != nil {
				return fmt.Errorf("apply: %w", err)
			}
		}
	} else if requiresCleave(data) {
		// An earlier cleave made the module require the whole cleave
		// module, which no longer holds the runtime the generated code
		// imports: load with go.mod as this apply will leave it.
		if r.keepCleave, err = importsCleave(r.dir); err != nil {
			return fmt.Errorf("apply: %w", err)
		}
		mf, err := modfile.Parse("go.mod", data, nil)
		if err != nil {
			return fmt.Errorf("apply: go.mod: %w", err)
		}
		if _, err := linkRuntime(mf, r.runtime, r.keepCleave); err != nil {
			return fmt.Errorf("apply: go.mod: %w", err)
		}
		mf.Cleanup()
		linked, err := mf.Format()
		if err != nil {
			return fmt.Errorf("apply: go.mod: %w", err)
		}
		overlay = map[string][]byte{filepath.Join(r.dir, "go.mod"): linked}
	}
	pkgs, err := loadPackages(r.ctx, r.dir, r.fset, overlay, mod)
	if err == nil && len(pkgs) == 0 {
		err = fmt.Errorf("apply: no packages in %s", r.dir)
	}
	if err != nil {
		return err
	}
	r.pkgs = pkgs
	r.byPath = map[string]*packages.Package{}
	r.files = map[string]*srcFile{}
	for _, p := range pkgs {
		if !strings.HasSuffix(p.ID, ".test") && !strings.Contains(p.ID, " [") {
			r.byPath[p.PkgPath] = p
		}
	}
	// Each file is taken from the package variant that sees it with the
	// least: the plain package for non-test files, a test variant otherwise.
	for _, p := range pkgs {
		if strings.HasSuffix(p.ID, ".test") {
			continue
		}
		plain := r.byPath[p.PkgPath] == p
		for i, f := range p.Syntax {
			name := p.CompiledGoFiles[i]
			rel, err := filepath.Rel(r.dir, name)
			if err != nil || strings.HasPrefix(rel, "..") {
				continue
			}
			rel = filepath.ToSlash(rel)
			test := strings.HasSuffix(rel, "_test.go")
			if old, ok := r.files[rel]; ok && (old.pkg == r.byPath[old.pkg.PkgPath] || !plain) {
				continue
			}
			src, err := os.ReadFile(name)
			if err != nil {
				return fmt.Errorf("apply: %w", err)
			}
			r.files[rel] = &srcFile{rel: rel, abs: name, src: src, ast: f, pkg: p, test: test}
		}
	}
	r.svcOf = map[string]string{}
	for _, s := range r.plan.Services {
		for _, p := range s.Packages {
			r.svcOf[p] = s.Name
		}
	}
	return nil
}

// loadPackages loads every package of the module in dir, tests included,
// with syntax and types. overlay maps absolute paths to new contents. mod
// is the go command's -mod mode: under "mod", go.mod and go.sum may lack
// what the load needs, and the module's own files are left alone (the go
// command updates copies of them, go.mod's copy made from its overlay when
// it has one).
func loadPackages(ctx context.Context, dir string, fset *token.FileSet, overlay map[string][]byte, mod string, extra ...string) ([]*packages.Package, error) {
	flags := "-mod=" + mod
	if mod == "vendor" {
		// Without -trimpath the build cache keys vendored packages by
		// their directory: each copy of a vendored module (apply
		// type-checks one) would compile them all again.
		flags += " -trimpath"
	}
	if mod == "mod" {
		tmp, err := os.MkdirTemp("", "cleave-modfile-")
		if err != nil {
			return nil, fmt.Errorf("load %s: %w", dir, err)
		}
		defer os.RemoveAll(tmp)
		gomod := filepath.Join(dir, "go.mod")
		over, hasMod := overlay[gomod]
		if hasMod {
			overlay = maps.Clone(overlay)
			delete(overlay, gomod)
		}
		for _, name := range []string{"go.mod", "go.sum"} {
			data, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil && !os.IsNotExist(err) {
				return nil, fmt.Errorf("load %s: %w", dir, err)
			}
			if name == "go.mod" && hasMod {
				data = over
			}
			if err := os.WriteFile(filepath.Join(tmp, name), data, 0o644); err != nil {
				return nil, fmt.Errorf("load %s: %w", dir, err)
			}
		}
		flags += " -modfile=" + filepath.Join(tmp, "go.mod")
	}
	cfg := &packages.Config{
		Context: ctx,
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles | packages.NeedImports |
			packages.NeedTypes | packages.NeedSyntax | packages.NeedTypesInfo | packages.NeedModule | packages.NeedEmbedFiles,
		Dir:     dir,
		Tests:   true,
		Fset:    fset,
		Overlay: overlay,
		Env:     append(os.Environ(), "GOWORK=off", "GOFLAGS="+flags),
	}
	pkgs, err := packages.Load(cfg, append([]string{"./..."}, extra...)...)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", dir, err)
	}
	var errs []error
	seen := map[string]bool{}
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		for _, e := range p.Errors {
			var lines []string
			for _, l := range strings.Split(e.Error(), "\n") {
				if !strings.Contains(l, "gocommand-") {
					lines = append(lines, l)
				}
			}
			msg := relPos(dir, strings.Join(lines, "\n"))
			if !seen[msg] {
				seen[msg] = true
				errs = append(errs, errors.New(msg))
			}
		}
	})
	if len(errs) > 0 {
		return nil, &LoadError{Errs: errs}
	}
	return pkgs, nil
}

// LoadError lists positioned diagnostics, one per line.
type LoadError struct{ Errs []error }

func (e *LoadError) Error() string {
	var b strings.Builder
	for i, err := range e.Errs {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(err.Error())
	}
	return b.String()
}

// relPos makes the absolute paths in a diagnostic relative to dir.
func relPos(dir, msg string) string {
	return strings.ReplaceAll(msg, dir+string(filepath.Separator), "")
}

// position parses "file:line:col" into a file of the module and an offset.
func (r *rewrite) position(site string) (*srcFile, int, error) {
	file, line, col, err := splitSite(site)
	if err != nil {
		return nil, 0, err
	}
	f := r.files[filepath.ToSlash(file)]
	if f == nil {
		return nil, 0, fmt.Errorf("%s: no such Go file in the module", site)
	}
	tf := r.fset.File(f.ast.Pos())
	if line > tf.LineCount() {
		return nil, 0, fmt.Errorf("%s: file has %d lines", site, tf.LineCount())
	}
	off := int(tf.LineStart(line)) - tf.Base() + col - 1
	if off > len(f.src) {
		return nil, 0, fmt.Errorf("%s: column past the end of the file", site)
	}
	return f, off, nil
}

// splitSite splits a "file:line:col" site.
func splitSite(site string) (file string, line, col int, err error) {
	i := strings.LastIndexByte(site, ':')
	j := -1
	if i > 0 {
		j = strings.LastIndexByte(site[:i], ':')
	}
	if j <= 0 {
		return "", 0, 0, fmt.Errorf("bad site %q: want file:line:col", site)
	}
	line, err1 := strconv.Atoi(site[j+1 : i])
	col, err2 := strconv.Atoi(site[i+1:])
	if err1 != nil || err2 != nil || line < 1 || col < 1 {
		return "", 0, 0, fmt.Errorf("bad site %q: want file:line:col", site)
	}
	return site[:j], line, col, nil
}

// posString formats pos as file:line:col relative to the module root.
func (r *rewrite) posString(pos token.Pos) string {
	p := r.fset.PositionFor(pos, false) // the Go file, as the analyzer records it
	rel, err := filepath.Rel(r.dir, p.Filename)
	if err != nil {
		rel = p.Filename
	}
	return fmt.Sprintf("%s:%d:%d", filepath.ToSlash(rel), p.Line, p.Column)
}

// lookupFunc finds the function or method a plan names by its full name:
// "example.com/shop/inventory.Reserve", "(*example.com/shop/inventory.Service).Reserve".
func (r *rewrite) lookupFunc(name string) (*types.Func, *packages.Package, error) {
	if strings.HasPrefix(name, "(") {
		end := strings.Index(name, ")")
		if end < 0 || end+2 > len(name) || name[end+1] != '.' {
			return nil, nil, fmt.Errorf("function %q: bad name", name)
		}
		recv, method := name[1:end], name[end+2:]
		recv = strings.TrimPrefix(recv, "*")
		if k := strings.IndexByte(recv, '['); k >= 0 {
			recv = recv[:k]
		}
		dot := strings.LastIndexByte(recv, '.')
		if dot < 0 {
			return nil, nil, fmt.Errorf("function %q: bad name", name)
		}
		pkg := r.byPath[recv[:dot]]
		if pkg == nil {
			return nil, nil, fmt.Errorf("function %s: package %s is not in the module", name, recv[:dot])
		}
		tn, _ := pkg.Types.Scope().Lookup(recv[dot+1:]).(*types.TypeName)
		if tn == nil {
			return nil, nil, fmt.Errorf("function %s: no type %s in %s", name, recv[dot+1:], pkg.PkgPath)
		}
		obj, _, _ := types.LookupFieldOrMethod(types.NewPointer(tn.Type()), false, pkg.Types, method)
		fn, _ := obj.(*types.Func)
		if fn == nil {
			return nil, nil, fmt.Errorf("function %s: no method %s on %s", name, method, tn.Name())
		}
		return fn, pkg, nil
	}
	dot := strings.LastIndexByte(name, '.')
	if dot < 0 {
		return nil, nil, fmt.Errorf("function %q: bad name", name)
	}
	pkg := r.byPath[name[:dot]]
	if pkg == nil {
		return nil, nil, fmt.Errorf("function %s: package %s is not in the module", name, name[:dot])
	}
	fn, _ := pkg.Types.Scope().Lookup(name[dot+1:]).(*types.Func)
	if fn == nil {
		return nil, nil, fmt.Errorf("function %s: not found in %s", name, pkg.PkgPath)
	}
	return fn, pkg, nil
}

// sourceModuleDir returns the root of the cleave source tree this package
// was compiled from, if its source is still there.
func sourceModuleDir() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return ""
	}
	dir := filepath.Dir(filepath.Dir(file))
	if _, err := os.Stat(filepath.Join(dir, "runtime", "go.mod")); err != nil {
		return ""
	}
	return dir
}

// importsCleave reports whether a Go file of the module in dir imports a
// package of the whole cleave module other than the runtime's. Nested
// modules, testdata, vendor and directories the go command ignores are
// not read.
func importsCleave(dir string) (bool, error) {
	found := false
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || found {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p == dir {
				return nil
			}
			if name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.ImportsOnly)
		if err != nil {
			return nil // the load reports it
		}
		for _, im := range f.Imports {
			path, _ := strconv.Unquote(im.Path.Value)
			if (path == cleaveModule || strings.HasPrefix(path, cleaveModule+"/")) &&
				path != runtimeModule && !strings.HasPrefix(path, runtimeModule+"/") {
				found = true
			}
		}
		return nil
	})
	return found, err
}

func sortSkips(s []*Skip) {
	sort.SliceStable(s, func(i, j int) bool {
		if s[i].Site != s[j].Site {
			return s[i].Site < s[j].Site
		}
		return s[i].Subject < s[j].Subject
	})
}

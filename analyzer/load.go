package analyzer

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/tools/go/packages"
)

// Options tune Load.
type Options struct {
	// Algorithm picks the call graph: "vta" (the default), "cha", "rta" or
	// "static".
	Algorithm string
	// Tests includes the packages' _test.go files.
	Tests bool
	// Tags are build tags, as for go build -tags.
	Tags []string
	// Progress, when not nil, receives one line per phase.
	Progress io.Writer
}

// Algorithms lists the call graph algorithms Load accepts.
var Algorithms = []string{"vta", "cha", "rta", "static"}

// Diagnostic is one positioned load error. Its File is relative to the
// directory given to Load.
type Diagnostic struct {
	Pos Pos    `json:"pos"`
	Msg string `json:"msg"`
}

func (d Diagnostic) String() string {
	if d.Pos.File == "" {
		return d.Msg
	}
	if d.Pos.Line == 0 {
		return d.Pos.File + ": " + d.Msg
	}
	if d.Pos.Col == 0 {
		return d.Pos.File + ":" + strconv.Itoa(d.Pos.Line) + ": " + d.Msg
	}
	return d.Pos.String() + ": " + d.Msg
}

// LoadError is returned by Load when the code does not load: it does not
// parse or type-check, or the patterns match nothing. Use errors.As with a
// LoadError (not a pointer) target.
type LoadError []Diagnostic

// Error prints one "file:line:col: msg" per line.
func (e LoadError) Error() string {
	var b strings.Builder
	for i, d := range e {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(d.String())
	}
	return b.String()
}

// Load loads the packages matching patterns (default "./...") in the module
// containing dir, builds their SSA form and call graph, and returns the
// module's Graph. Only the packages matching patterns are analysed; their
// dependencies are type-checked without function bodies.
func Load(ctx context.Context, dir string, patterns []string, opts Options) (g *Graph, err error) {
	// go/ssa and the call graph algorithms panic on code they cannot
	// handle; report that as an error, not a crash.
	defer func() {
		if r := recover(); r != nil {
			g, err = nil, fmt.Errorf("analyze %s: internal error: %v", dir, r)
		}
	}()
	algo := opts.Algorithm
	if algo == "" {
		algo = "vta"
	}
	valid := false
	for _, a := range Algorithms {
		valid = valid || a == algo
	}
	if !valid {
		return nil, fmt.Errorf("unknown call graph algorithm %q (want one of %s)", algo, strings.Join(Algorithms, ", "))
	}
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", dir, err)
	}
	if fi, err := os.Stat(absDir); err != nil {
		return nil, fmt.Errorf("load %s: %w", dir, err)
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("load %s: not a directory", dir)
	}
	modRoot, modPath, err := findModule(absDir)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", dir, err)
	}
	a := &analysis{
		ctx:      ctx,
		opts:     opts,
		algo:     algo,
		dir:      absDir,
		root:     modRoot,
		progress: opts.Progress,
		g: &Graph{
			Version:   SchemaVersion,
			Module:    modPath,
			Dir:       modRoot,
			Algorithm: algo,
		},
	}
	if err := a.load(patterns); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	a.phase("building SSA for %d packages", len(a.pkgs))
	a.buildSSA()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	a.phase("computing %s call graph", algo)
	a.callGraph()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	a.phase("collecting functions, calls and hazards")
	a.collect()
	a.g.sort()
	return a.g, nil
}

func (a *analysis) phase(format string, args ...any) {
	if a.progress != nil {
		fmt.Fprintf(a.progress, "cleave: "+format+"\n", args...)
	}
}

// findModule walks up from dir to the nearest go.mod and returns its
// directory and module path.
func findModule(dir string) (root, path string, err error) {
	for d := dir; ; {
		data, err := os.ReadFile(filepath.Join(d, "go.mod"))
		if err == nil {
			p := modfile.ModulePath(data)
			if p == "" {
				return "", "", fmt.Errorf("%s: no module directive", filepath.Join(d, "go.mod"))
			}
			return d, p, nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			return "", "", err
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", "", errors.New("no go.mod found in this directory or any parent")
		}
		d = parent
	}
}

const loadMode = packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles |
	packages.NeedImports | packages.NeedDeps | packages.NeedTypes | packages.NeedSyntax |
	packages.NeedTypesInfo | packages.NeedModule

// load runs go/packages and keeps the root packages that belong to the
// module. Files outside the module root are parsed without function
// bodies: their types are all the analysis needs.
func (a *analysis) load(patterns []string) error {
	a.phase("loading packages %s", strings.Join(patterns, " "))
	cfg := &packages.Config{
		Context: a.ctx,
		Mode:    loadMode,
		Dir:     a.dir,
		Tests:   a.opts.Tests,
		ParseFile: func(fset *token.FileSet, filename string, src []byte) (*ast.File, error) {
			if inDir(filename, a.root) {
				return parser.ParseFile(fset, filename, src, parser.AllErrors|parser.ParseComments|parser.SkipObjectResolution)
			}
			f, err := parser.ParseFile(fset, filename, src, parser.SkipObjectResolution)
			if f != nil {
				for _, d := range f.Decls {
					if fd, ok := d.(*ast.FuncDecl); ok {
						fd.Body = nil
					}
				}
			}
			return f, err
		},
	}
	if len(a.opts.Tags) > 0 {
		cfg.BuildFlags = []string{"-tags=" + strings.Join(a.opts.Tags, ",")}
	}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		if ctxErr := a.ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		return fmt.Errorf("load %s: %w", strings.Join(patterns, " "), err)
	}
	a.fset = nil
	var diags []Diagnostic
	seen := map[string]bool{}
	for _, p := range pkgs {
		if a.opts.Tests && strings.HasSuffix(p.ID, ".test") && p.Name == "main" {
			continue // the generated test main
		}
		if p.Fset != nil {
			a.fset = p.Fset
		}
		if p.Module == nil || p.Module.Path != a.g.Module {
			continue // outside the module: not ours to analyse
		}
		if len(p.GoFiles) == 0 && len(p.Errors) == 0 {
			continue
		}
		a.pkgs = append(a.pkgs, p)
	}
	// Errors of the module's packages, matched or imported. Errors of
	// other modules' packages are ignored: they are type-checked without
	// function bodies, which some of them do not survive (unused
	// imports), and their types are all that is needed.
	// A pattern that names no package gives a root without files.
	roots := make(map[*packages.Package]bool)
	for _, p := range pkgs {
		roots[p] = len(p.GoFiles) == 0
	}
	// So does an import of a package that does not exist.
	missing := func(p *packages.Package) bool {
		return p.Module == nil && len(p.GoFiles) == 0 && len(p.CompiledGoFiles) == 0 && len(p.Errors) > 0
	}
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		if (p.Module == nil || p.Module.Path != a.g.Module) && !roots[p] && !missing(p) {
			return
		}
		if strings.HasSuffix(p.ID, ".test") {
			return // a generated test main, parsed without bodies
		}
		for _, e := range p.Errors {
			d := a.diagnostic(e)
			if k := d.String(); !seen[k] {
				seen[k] = true
				diags = append(diags, d)
			}
		}
	})
	if len(diags) > 0 {
		sort.SliceStable(diags, func(i, j int) bool { return diagLess(diags[i], diags[j]) })
		return LoadError(diags)
	}
	if len(a.pkgs) == 0 {
		return LoadError{{Msg: fmt.Sprintf("pattern %s: matched no packages", strings.Join(patterns, " "))}}
	}
	return nil
}

func diagLess(x, y Diagnostic) bool {
	if x.Pos.File != y.Pos.File {
		return x.Pos.File < y.Pos.File
	}
	if x.Pos.Line != y.Pos.Line {
		return x.Pos.Line < y.Pos.Line
	}
	if x.Pos.Col != y.Pos.Col {
		return x.Pos.Col < y.Pos.Col
	}
	return x.Msg < y.Msg
}

// diagnostic turns a go/packages error into a Diagnostic relative to the
// directory given to Load.
func (a *analysis) diagnostic(e packages.Error) Diagnostic {
	d := Diagnostic{Msg: strings.Join(strings.Fields(e.Msg), " ")}
	pos := e.Pos
	if pos == "" || pos == "-" {
		// go list errors often carry the position in the message.
		return d
	}
	file, line, col := pos, 0, 0
	if i := strings.LastIndexByte(file, ':'); i >= 0 {
		if n, err := strconv.Atoi(file[i+1:]); err == nil {
			file, line = file[:i], n
			if j := strings.LastIndexByte(file, ':'); j >= 0 {
				if m, err := strconv.Atoi(file[j+1:]); err == nil {
					file, line, col = file[:j], m, n
				}
			}
		}
	}
	d.Pos = Pos{File: relPath(a.dir, file), Line: line, Col: col}
	return d
}

// relPath returns file relative to dir, slash-separated, when it lies
// inside dir, and file unchanged otherwise.
func relPath(dir, file string) string {
	if !filepath.IsAbs(file) {
		return filepath.ToSlash(file)
	}
	if r, err := filepath.Rel(dir, file); err == nil && !strings.HasPrefix(r, "..") {
		return filepath.ToSlash(r)
	}
	return filepath.ToSlash(file)
}

func inDir(file, dir string) bool {
	return strings.HasPrefix(file, dir+string(filepath.Separator))
}

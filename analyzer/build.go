package analyzer

import (
	"context"
	"go/ast"
	"go/token"
	"go/types"
	"io"
	"runtime"
	"strings"
	"sync"

	"golang.org/x/tools/go/callgraph"
	"golang.org/x/tools/go/callgraph/cha"
	"golang.org/x/tools/go/callgraph/rta"
	"golang.org/x/tools/go/callgraph/static"
	"golang.org/x/tools/go/callgraph/vta"
	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/ssa"
)

// analysis holds the state of one Load.
type analysis struct {
	ctx      context.Context
	opts     Options
	algo     string
	dir      string // absolute directory given to Load
	root     string // absolute module root
	progress io.Writer
	g        *Graph

	fset *token.FileSet
	pkgs []*packages.Package // module packages matched by the patterns

	prog    *ssa.Program
	ssaPkgs map[*packages.Package]*ssa.Package
	modPkgs map[string]bool        // import paths of analysed packages
	funcs   map[*ssa.Function]bool // module functions with bodies
	order   []*ssa.Function        // funcs in a fixed order
	cg      *callgraph.Graph

	// calls maps the Lparen (and go/defer keyword) positions of every call
	// expression in the module to the expression.
	calls map[token.Pos]*ast.CallExpr
	// callInfo holds the type information of each call expression's file.
	callInfo map[*ast.CallExpr]*types.Info

	funcByID  map[string]*Func
	crossings []crossing
	inits     map[*ssa.Global][]ssa.Value // see globalInits
	routers   *routerIndex                // see routerCalls
}

// buildSSA creates SSA packages for every loaded package (dependencies
// from types only) and builds function bodies for the module's packages.
func (a *analysis) buildSSA() {
	a.prog = ssa.NewProgram(a.fset, ssa.InstantiateGenerics)
	a.ssaPkgs = make(map[*packages.Package]*ssa.Package)
	a.modPkgs = make(map[string]bool)
	// With tests, a package with in-package tests comes twice: plain and
	// as its test variant, which has all the plain one's files too. Only
	// the test variant is built; the plain one, which other packages
	// import, is created from its types, like a dependency.
	tested := make(map[string]bool)
	for _, p := range a.pkgs {
		if p.ID != p.PkgPath && strings.HasPrefix(p.ID, p.PkgPath+" [") {
			tested[p.PkgPath] = true
		}
	}
	mine := make(map[*packages.Package]bool)
	for _, p := range a.pkgs {
		mine[p] = !(p.ID == p.PkgPath && tested[p.PkgPath])
		a.modPkgs[p.PkgPath] = true
	}
	packages.Visit(a.pkgs, nil, func(p *packages.Package) {
		if p.Types == nil {
			return
		}
		if mine[p] {
			a.ssaPkgs[p] = a.prog.CreatePackage(p.Types, p.Syntax, p.TypesInfo, true)
		} else {
			a.prog.CreatePackage(p.Types, nil, nil, true)
			if _, ok := mine[p]; !ok {
				// A dependency's syntax and type information are not
				// needed: SSA holds what it uses of its types.
				p.Syntax, p.TypesInfo = nil, nil
			} else {
				// A plain package shadowed by its test variant: the
				// variant has the same files, with type information.
				p.TypesInfo = nil
			}
		}
	})
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for _, p := range a.pkgs {
		sp := a.ssaPkgs[p]
		if sp == nil {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			sp.Build()
		}()
	}
	wg.Wait()

	// The module's functions: declared ones, then everything with a body
	// they reach that folds back into the module (closures,
	// instantiations, wrappers).
	a.funcs = make(map[*ssa.Function]bool)
	var queue []*ssa.Function
	add := func(fn *ssa.Function) {
		if fn == nil || a.funcs[fn] || len(fn.Blocks) == 0 {
			return
		}
		if obj := a.declObj(fn); obj == nil || obj.Pkg() == nil || !a.modPkgs[obj.Pkg().Path()] {
			// The package initializer and the function literals of
			// variable initializers (a cobra command's RunE in
			// `var rootCmd = &cobra.Command{...}`), which it encloses.
			root := fn
			for root.Parent() != nil {
				root = root.Parent()
			}
			if !(root.Synthetic == "package initializer" && root.Pkg != nil && a.modPkgs[root.Pkg.Pkg.Path()]) {
				return
			}
		}
		a.funcs[fn] = true
		queue = append(queue, fn)
	}
	for _, p := range a.pkgs {
		sp := a.ssaPkgs[p]
		if sp == nil || p.TypesInfo == nil {
			continue
		}
		add(sp.Func("init"))
		for _, f := range p.Syntax {
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok {
					if obj, ok := p.TypesInfo.Defs[fd.Name].(*types.Func); ok {
						add(a.prog.FuncValue(obj))
					}
				}
			}
		}
	}
	drain := func() {
		for len(queue) > 0 {
			fn := queue[0]
			queue = queue[1:]
			a.reach(fn, add)
		}
	}
	drain()
	// Methods reached only through interfaces: those of every type
	// converted to an interface, wrappers included, until no new ones
	// turn up.
	for {
		before := len(a.funcs)
		for _, t := range a.prog.RuntimeTypes() {
			mset := a.prog.MethodSets.MethodSet(t)
			for i := 0; i < mset.Len(); i++ {
				sel := mset.At(i)
				if m, ok := sel.Obj().(*types.Func); ok && m.Pkg() != nil && a.modPkgs[m.Pkg().Path()] {
					add(a.methodValue(sel))
				}
			}
		}
		drain()
		if len(a.funcs) == before {
			break
		}
	}
	a.order = make([]*ssa.Function, 0, len(a.funcs))
	for fn := range a.funcs {
		a.order = append(a.order, fn)
	}
	sortFuncs(a.order)
}

// methodValue returns the function implementing sel, or nil if SSA cannot
// build one.
func (a *analysis) methodValue(sel *types.Selection) (fn *ssa.Function) {
	defer func() {
		if recover() != nil {
			fn = nil
		}
	}()
	return a.prog.MethodValue(sel)
}

// reach adds the functions fn's body refers to: its closures, and every
// function used as a value or called.
func (a *analysis) reach(fn *ssa.Function, add func(*ssa.Function)) {
	for _, anon := range fn.AnonFuncs {
		add(anon)
	}
	var ops []*ssa.Value
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			ops = instr.Operands(ops[:0])
			for _, op := range ops {
				if op != nil {
					if f, ok := (*op).(*ssa.Function); ok {
						add(f)
					}
				}
			}
		}
	}
}

// callGraph computes the call graph with the chosen algorithm.
func (a *analysis) callGraph() {
	switch a.algo {
	case "static":
		a.cg = static.CallGraph(a.prog)
	case "cha":
		a.cg = cha.CallGraph(a.prog)
	case "rta":
		var roots []*ssa.Function
		for fn := range a.funcs {
			if fn.Parent() == nil && (fn.Name() == "main" && fn.Signature.Recv() == nil && fn.Pkg != nil && fn.Pkg.Pkg.Name() == "main" ||
				fn.Synthetic == "package initializer") {
				roots = append(roots, fn)
			}
		}
		hasMain := false
		for _, r := range roots {
			hasMain = hasMain || r.Name() == "main"
		}
		if !hasMain {
			// A library has no main: every exported function is a root.
			for fn := range a.funcs {
				if obj, ok := fn.Object().(*types.Func); ok && fn.Parent() == nil && obj.Exported() && fn.TypeParams().Len() == 0 {
					roots = append(roots, fn)
				}
			}
		}
		sortFuncs(roots)
		a.cg = rta.Analyze(roots, true).CallGraph
	default:
		// With a nil initial graph vta computes CHA itself, lazily and
		// only over funcs: the cheap form of "cha as the initial graph".
		a.cg = vta.CallGraph(a.funcs, nil)
		a.addOpaqueCalls()
	}
}

// declObj returns the declared function fn folds into: closures into
// their enclosing function, instantiations into their generic origin,
// wrappers into the method they wrap. It returns nil for a package
// initializer and other functions without a declaration.
func (a *analysis) declObj(fn *ssa.Function) *types.Func {
	for {
		if p := fn.Parent(); p != nil {
			fn = p
			continue
		}
		if o := fn.Origin(); o != nil && o != fn {
			fn = o
			continue
		}
		break
	}
	if obj, ok := fn.Object().(*types.Func); ok {
		return obj.Origin()
	}
	return nil
}

// funcID returns the Func.ID fn folds into and its package path, or "" if
// fn is not module code.
func (a *analysis) funcID(fn *ssa.Function) (id, pkg string) {
	if obj := a.declObj(fn); obj != nil {
		if obj.Pkg() == nil || !a.modPkgs[obj.Pkg().Path()] {
			return "", ""
		}
		if recv := obj.Signature().Recv(); recv != nil && types.IsInterface(recv.Type()) {
			// A wrapper of an interface method promoted from an
			// embedded field: there is no code of ours behind it.
			return "", ""
		}
		return obj.FullName(), obj.Pkg().Path()
	}
	for fn.Parent() != nil {
		fn = fn.Parent()
	}
	if fn.Synthetic == "package initializer" && fn.Pkg != nil && a.modPkgs[fn.Pkg.Pkg.Path()] {
		p := fn.Pkg.Pkg.Path()
		return p + ".init", p
	}
	return "", ""
}

func sortFuncs(fs []*ssa.Function) {
	keys := make(map[*ssa.Function]string, len(fs))
	for _, f := range fs {
		keys[f] = f.String()
	}
	sortSlice(fs, func(x, y *ssa.Function) bool {
		if kx, ky := keys[x], keys[y]; kx != ky {
			return kx < ky
		}
		return x.Pos() < y.Pos()
	})
}

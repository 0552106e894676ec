package analyzer

import (
	"go/ast"
	"go/token"
	"go/types"
	"math"
	"path/filepath"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// collect fills the Graph from the loaded packages, the SSA program and
// the call graph.
func (a *analysis) collect() {
	a.indexCalls()
	a.collectPackages()
	a.collectFuncs()
	a.collectMakes()
	a.collectCalls()
	a.collectDeps()
	a.collectEntries()
	a.collectHazards()
}

// pos converts a token.Pos to a Pos relative to the module root.
func (a *analysis) pos(p token.Pos) Pos {
	if !p.IsValid() {
		return Pos{}
	}
	tp := a.fset.PositionFor(p, false) // the Go file, not a //line directive's source
	return Pos{File: relPath(a.root, tp.Filename), Line: tp.Line, Col: tp.Column, Offset: tp.Offset}
}

func (a *analysis) span(n ast.Node) Span {
	s := Span{Pos: a.pos(n.Pos())}
	end := a.fset.PositionFor(n.End(), false)
	s.EndLine, s.EndCol, s.EndOffset = end.Line, end.Column, end.Offset
	return s
}

// indexCalls maps every call expression of the module by the positions
// SSA reports for it: its Lparen, and the go or defer keyword.
func (a *analysis) indexCalls() {
	a.calls = make(map[token.Pos]*ast.CallExpr)
	a.callInfo = make(map[*ast.CallExpr]*types.Info)
	seen := make(map[*ast.File]bool)
	for _, p := range a.pkgs {
		for _, f := range p.Syntax {
			if seen[f] {
				continue
			}
			seen[f] = true
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CallExpr:
					a.calls[n.Lparen] = n
					if p.TypesInfo != nil {
						a.callInfo[n] = p.TypesInfo
					}
				case *ast.GoStmt:
					a.calls[n.Go] = n.Call
				case *ast.DeferStmt:
					a.calls[n.Defer] = n.Call
				}
				return true
			})
		}
	}
}

// isTestFile reports whether file is a _test.go file.
func isTestFile(file string) bool { return strings.HasSuffix(file, "_test.go") }

func (a *analysis) collectPackages() {
	byPath := make(map[string]*Package)
	for _, p := range a.pkgs {
		pkg := byPath[p.PkgPath]
		if pkg == nil {
			pkg = &Package{Path: p.PkgPath, Name: p.Name, Main: p.Name == "main", Files: []string{}, Imports: []string{}}
			byPath[p.PkgPath] = pkg
			a.g.Packages = append(a.g.Packages, pkg)
		}
		if len(p.GoFiles) > 0 && pkg.Dir == "" {
			pkg.Dir = relPath(a.root, filepath.Dir(p.GoFiles[0]))
			if pkg.Dir == "" || pkg.Dir == filepath.ToSlash(a.root) {
				pkg.Dir = "."
			}
		}
		for _, imp := range p.Imports {
			if a.modPkgs[imp.PkgPath] && imp.PkgPath != p.PkgPath && !contains(pkg.Imports, imp.PkgPath) {
				pkg.Imports = append(pkg.Imports, imp.PkgPath)
			}
		}
		for _, f := range p.Syntax {
			tf := a.fset.File(f.Pos())
			if tf == nil || isTestFile(tf.Name()) {
				continue
			}
			name := relPath(a.root, tf.Name())
			if contains(pkg.Files, name) {
				continue
			}
			pkg.Files = append(pkg.Files, name)
			pkg.Lines += tf.LineCount()
			for _, d := range f.Decls {
				if _, ok := d.(*ast.FuncDecl); ok {
					pkg.Funcs++
				}
			}
		}
	}
	if pkg := byPath[""]; pkg != nil {
		pkg.Dir = "."
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// qualified prints types with full package paths.
func qualified(t types.Type) string { return types.TypeString(t, nil) }

func (a *analysis) collectFuncs() {
	a.funcByID = make(map[string]*Func)
	for _, p := range a.pkgs {
		if p.TypesInfo == nil {
			continue // shadowed by its test variant
		}
		for _, f := range p.Syntax {
			for _, d := range f.Decls {
				fd, ok := d.(*ast.FuncDecl)
				if !ok {
					continue
				}
				obj, ok := p.TypesInfo.Defs[fd.Name].(*types.Func)
				if !ok {
					continue
				}
				f := a.addFunc(obj, p.PkgPath)
				if f.Stays = CalleeStays(obj, false, fd.Body, nil); f.Stays == nil {
					f.StaysEvent = CalleeStays(obj, true, fd.Body, nil)
				}
			}
		}
	}
}

func (a *analysis) addFunc(obj *types.Func, pkg string) *Func {
	id := obj.FullName()
	if f := a.funcByID[id]; f != nil {
		return f
	}
	sig := obj.Type().(*types.Signature)
	f := &Func{
		ID:       id,
		Package:  pkg,
		Name:     obj.Name(),
		Pos:      a.pos(obj.Pos()),
		Exported: obj.Exported(),
		Variadic: sig.Variadic(),
		Generic:  sig.TypeParams().Len() > 0 || sig.RecvTypeParams().Len() > 0,
	}
	if r := sig.Recv(); r != nil {
		f.Recv = types.TypeString(r.Type(), func(*types.Package) string { return "" })
		if p, ok := r.Type().(*types.Pointer); ok {
			f.RecvMemory = holdsMemory(p.Elem(), 0)
		}
	}
	for i := 0; i < sig.Params().Len(); i++ {
		v := sig.Params().At(i)
		f.Params = append(f.Params, Param{Name: v.Name(), Type: qualified(v.Type())})
	}
	for i := 0; i < sig.Results().Len(); i++ {
		f.Results = append(f.Results, qualified(sig.Results().At(i).Type()))
	}
	a.funcByID[id] = f
	a.g.Funcs = append(a.g.Funcs, f)
	return f
}

// site is one call instruction of the module with its call expression.
type site struct {
	instr  ssa.CallInstruction
	expr   *ast.CallExpr
	caller string // Func.ID
	pkg    string
}

// siteOf finds the call expression of a call instruction.
func (a *analysis) siteOf(instr ssa.CallInstruction) *ast.CallExpr {
	if e := a.calls[instr.Common().Pos()]; e != nil {
		return e
	}
	if e := a.calls[instr.Pos()]; e != nil {
		return e
	}
	return nil
}

func (a *analysis) collectCalls() {
	// One call per site and callee, and per function literal of the
	// callee a call through a func value may run: a command wrapper's
	// fn(cmd, args, store) runs the literal each command passes it
	// (filebrowser's withStore), all folded into the package initializer.
	type key struct {
		file    string
		offset  int
		callee  string
		closure string
	}
	seen := make(map[key]bool)
	calls := make(map[key]*Call)
	for _, fn := range a.order {
		if isWrapper(fn) {
			continue // wrappers have no call expressions of their own
		}
		callerID, callerPkg := a.funcID(fn)
		if callerID == "" {
			continue
		}
		if a.funcByID[callerID] == nil {
			// The package initializer: calls from variable initializers.
			a.addInit(fn, callerID, callerPkg)
		}
		node := a.cg.Nodes[fn]
		if node == nil {
			continue
		}
		for _, e := range node.Out {
			if e.Site == nil || e.Callee == nil || e.Callee.Func == nil {
				continue
			}
			calleeID, calleePkg := a.funcID(e.Callee.Func)
			if calleeID == "" {
				continue
			}
			expr := a.siteOf(e.Site)
			if expr == nil {
				continue // implicit call: no expression to point at
			}
			c := &Call{
				Caller: callerID,
				Callee: calleeID,
				Site:   a.span(expr),
				Via:    ViaStatic,
				Mode:   ModeCall,
				// A function literal may run long after the function that
				// made it returned (a handler wrapper, a callback).
				InClosure: fn.Parent() != nil,
				ToClosure: e.Callee.Func.Parent() != nil,
				InCommand: isCommandBody(fn.Signature),
			}
			if c.InClosure {
				c.Closure = fn.Name()
			}
			if c.ToClosure {
				c.CalleeClosure = e.Callee.Func.Name()
			}
			if callerPkg != calleePkg {
				// Every SSA callee, even of a call recorded already:
				// instances of one generic function differ in their
				// parameter types, and hazards depend on them.
				a.crossings = append(a.crossings, crossing{instr: e.Site, caller: fn, callee: e.Callee.Func, from: callerPkg, to: calleePkg})
			}
			k := key{c.Site.File, c.Site.Offset, calleeID, c.CalleeClosure}
			if seen[k] {
				continue
			}
			seen[k] = true
			calls[k] = c
			if info := a.callInfo[expr]; info != nil && callerPkg != calleePkg {
				c.Stays = SiteStays(info, expr, a.declObj(e.Callee.Func))
				c.RecvVar = recvVar(info, expr)
			}
			cc := e.Site.Common()
			switch {
			case cc.IsInvoke():
				c.Via, c.Method = ViaInterface, cc.Method.Name()
			case cc.StaticCallee() == nil:
				c.Via = ViaFuncValue
			}
			switch e.Site.(type) {
			case *ssa.Go:
				c.Mode = ModeGo
			case *ssa.Defer:
				c.Mode = ModeDefer
			}
			a.g.Calls = append(a.g.Calls, c)
		}
	}
	// Each crossing gets its recorded call; then a fixed order, so that
	// hazards do not depend on the order the call graph lists callees in.
	for i := range a.crossings {
		x := &a.crossings[i]
		id, _ := a.funcID(x.callee)
		pos := a.pos(x.instr.Pos())
		if e := a.siteOf(x.instr); e != nil {
			pos = a.pos(e.Pos())
		}
		closure := ""
		if x.callee.Parent() != nil {
			closure = x.callee.Name()
		}
		x.call = calls[key{pos.File, pos.Offset, id, closure}]
		x.key = x.callee.String()
	}
	sortSlice(a.crossings, func(x, y crossing) bool {
		if c := comparePos(x.call.Site.Pos, y.call.Site.Pos); c != 0 {
			return c < 0
		}
		if x.call.Callee != y.call.Callee {
			return x.call.Callee < y.call.Callee
		}
		return x.key < y.key
	})
}

// addInit adds the Func standing for a package's initializer when the
// package declares no init function.
func (a *analysis) addInit(fn *ssa.Function, id, pkg string) {
	f := &Func{ID: id, Package: pkg, Name: "init"}
	for _, p := range a.pkgs {
		if p.PkgPath == pkg && len(p.Syntax) > 0 {
			f.Pos = a.pos(p.Syntax[0].Name.Pos())
			for _, file := range p.Syntax {
				if tf := a.fset.File(file.Pos()); tf != nil && !isTestFile(tf.Name()) {
					f.Pos = a.pos(file.Name.Pos())
					break
				}
			}
			break
		}
	}
	a.funcByID[id] = f
	a.g.Funcs = append(a.g.Funcs, f)
}

// crossing is a call from one module package into another.
type crossing struct {
	call     *Call
	key      string // the SSA callee's name, to order crossings
	instr    ssa.CallInstruction
	caller   *ssa.Function
	callee   *ssa.Function
	from, to string
}

func (a *analysis) collectDeps() {
	type pair struct{ from, to string }
	deps := make(map[pair]*Dep)
	dep := func(from, to string) *Dep {
		k := pair{from, to}
		d := deps[k]
		if d == nil {
			d = &Dep{From: from, To: to}
			deps[k] = d
		}
		return d
	}
	type fpair struct{ caller, callee string }
	sites := make(map[pair]map[Pos]bool)
	counts := make(map[fpair]int)
	counted := make(map[*Call]bool)
	for _, c := range a.crossings {
		if counted[c.call] {
			continue // another SSA callee of the same call
		}
		counted[c.call] = true
		k := pair{c.from, c.to}
		if sites[k] == nil {
			sites[k] = make(map[Pos]bool)
		}
		sites[k][c.call.Site.Pos] = true
		counts[fpair{c.call.Caller, c.call.Callee}]++
	}
	for k, s := range sites {
		dep(k.from, k.to).Sites = len(s)
	}
	// Sum the weights in a fixed order so the floats are reproducible.
	var fps []fpair
	for fp := range counts {
		fps = append(fps, fp)
	}
	sortSlice(fps, func(x, y fpair) bool {
		if x.caller != y.caller {
			return x.caller < y.caller
		}
		return x.callee < y.callee
	})
	for _, fp := range fps {
		from, to := a.funcByID[fp.caller].Package, a.funcByID[fp.callee]
		if to == nil {
			continue
		}
		d := dep(from, to.Package)
		d.Weight += math.Log1p(float64(counts[fp]))
	}
	// References to other packages' types, constants and variables.
	seen := make(map[token.Pos]bool)
	for _, p := range a.pkgs {
		if p.TypesInfo == nil {
			continue // shadowed by its test variant
		}
		for id, obj := range p.TypesInfo.Uses {
			if seen[id.Pos()] || obj.Pkg() == nil || obj.Pkg().Path() == p.PkgPath || !a.modPkgs[obj.Pkg().Path()] {
				continue
			}
			isVar := false
			switch obj := obj.(type) {
			case *types.TypeName, *types.Const:
			case *types.Var:
				if obj.Parent() != obj.Pkg().Scope() {
					continue
				}
				isVar = true
			default:
				continue
			}
			seen[id.Pos()] = true
			d := dep(p.PkgPath, obj.Pkg().Path())
			d.Refs++
			if isVar {
				d.Vars++
			}
		}
	}
	fanIn := make(map[string]int)
	fanOut := make(map[string]int)
	for _, d := range deps {
		d.Weight = math.Round(d.Weight*1e6) / 1e6
		a.g.Deps = append(a.g.Deps, d)
		if d.Sites > 0 {
			fanIn[d.To]++
			fanOut[d.From]++
		}
	}
	for _, p := range a.g.Packages {
		p.FanIn, p.FanOut = fanIn[p.Path], fanOut[p.Path]
	}
}

// handlers resolves an SSA value passed as an HTTP handler to the module
// functions it denotes, looking through conversions, closures (a method
// value's too), interface boxing, phis and wrapping calls (middleware:
// s.authed(s.me) registers me). For a value boxed with a ServeHTTP
// method, it returns that method. A call of a module function none of
// whose arguments is a handler is a handler factory (list(store)
// returning a func literal): the handlers are what it returns (the
// literal folds into the factory); a mux it builds and returns is not one.
// Conversions and closures do not count toward the depth, calls and phis
// do: a literal a library's adapters wrap three calls deep
// (gin.WrapF(rp.CodeExchangeHandler(rp.UserinfoCallback(callback), p)),
// returned by a method) is found.
func (a *analysis) handlers(v ssa.Value, depth int) []string {
	if depth > 5 {
		return nil
	}
	switch x := v.(type) {
	case *ssa.MakeInterface:
		if id := a.serveHTTP(x.X.Type()); id != "" {
			return []string{id}
		}
		return a.handlers(x.X, depth)
	case *ssa.ChangeType:
		return a.handlers(x.X, depth)
	case *ssa.Convert:
		return a.handlers(x.X, depth)
	case *ssa.MakeClosure:
		return a.handlers(x.Fn, depth)
	case *ssa.Function:
		if id, _ := a.funcID(x); id != "" {
			return []string{id}
		}
	case *ssa.UnOp:
		// A package variable holding a handler: what its initializer
		// stores (var health = func(w, r) {...}).
		if g, ok := x.X.(*ssa.Global); ok && x.Op == token.MUL {
			var ids []string
			for _, v := range a.globalInits()[g] {
				ids = append(ids, a.handlers(v, depth+1)...)
			}
			return ids
		}
	case *ssa.Phi:
		var ids []string
		for _, e := range x.Edges {
			for _, id := range a.handlers(e, depth+1) {
				if !contains(ids, id) {
					ids = append(ids, id)
				}
			}
		}
		return ids
	case *ssa.Call:
		var ids []string
		for _, arg := range x.Call.Args {
			ids = append(ids, a.handlers(arg, depth+1)...)
		}
		if len(ids) == 0 && returnsHandler(x.Call.Signature()) {
			if callee := x.Call.StaticCallee(); callee != nil && a.funcs[callee] {
				// A factory: the handlers it returns.
				for _, b := range callee.Blocks {
					if ret, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return); ok && len(ret.Results) > 0 {
						for _, id := range a.handlers(ret.Results[0], depth+1) {
							if !contains(ids, id) {
								ids = append(ids, id)
							}
						}
					}
				}
			}
		}
		return ids
	}
	return nil
}

// globalInits maps the module's package variables to the values their
// package initializers store in them.
func (a *analysis) globalInits() map[*ssa.Global][]ssa.Value {
	if a.inits != nil {
		return a.inits
	}
	a.inits = make(map[*ssa.Global][]ssa.Value)
	for _, fn := range a.order {
		if fn.Synthetic != "package initializer" {
			continue
		}
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				if st, ok := instr.(*ssa.Store); ok {
					if g, ok := st.Addr.(*ssa.Global); ok {
						a.inits[g] = append(a.inits[g], st.Val)
					}
				}
			}
		}
	}
	return a.inits
}

// returnsHandler reports whether a function with signature sig returns
// something that can be a handler: a func, or an interface (an
// http.Handler).
func returnsHandler(sig *types.Signature) bool {
	if sig.Results().Len() == 0 {
		return false
	}
	switch sig.Results().At(0).Type().Underlying().(type) {
	case *types.Signature, *types.Interface:
		return true
	}
	return false
}

// serveHTTP returns the ID of t's ServeHTTP method if t is a module type
// that has one.
func (a *analysis) serveHTTP(t types.Type) string {
	ms := a.prog.MethodSets.MethodSet(t)
	sel := ms.Lookup(nil, "ServeHTTP")
	if sel == nil {
		return ""
	}
	fn, ok := sel.Obj().(*types.Func)
	if !ok || fn.Pkg() == nil || !a.modPkgs[fn.Pkg().Path()] {
		return ""
	}
	return fn.Origin().FullName()
}

func (a *analysis) collectEntries() {
	type key struct {
		kind, fn string
		pos      Pos
	}
	seen := make(map[key]*Entry)
	add := func(kind, fn string, pos Pos) *Entry {
		k := key{kind, fn, pos}
		if fn == "" {
			return nil
		}
		if e := seen[k]; e != nil {
			return e
		}
		e := &Entry{Kind: kind, Func: fn, Pos: pos}
		seen[k] = e
		a.g.Entries = append(a.g.Entries, e)
		return e
	}
	for _, p := range a.pkgs {
		if p.TypesInfo == nil {
			continue // shadowed by its test variant
		}
		for _, f := range p.Syntax {
			for _, d := range f.Decls {
				fd, ok := d.(*ast.FuncDecl)
				if !ok || fd.Recv != nil {
					continue
				}
				obj, ok := p.TypesInfo.Defs[fd.Name].(*types.Func)
				if !ok {
					continue
				}
				switch {
				case fd.Name.Name == "init":
					add(EntryInit, obj.FullName(), a.pos(fd.Name.Pos()))
				case fd.Name.Name == "main" && p.Name == "main":
					add(EntryMain, obj.FullName(), a.pos(fd.Name.Pos()))
				}
			}
		}
	}
	for id, pos := range a.commandMethods() {
		add(EntryCommand, id, pos)
	}
	// connect and twirp methods; their generated handlers are no entries.
	rpcs := a.httpRPCEntries()
	for _, r := range rpcs.entries {
		pos := a.pos(a.keyPos(r.site.Pos()))
		if expr := a.siteOf(r.site); expr != nil {
			pos = a.pos(expr.Pos())
		}
		if e := add(EntryHTTP, r.id, pos); e != nil {
			e.Method, e.Route, e.Middleware, e.PrefixUnknown = r.method, r.route, r.middleware, r.prefixUnknown
		}
	}
	for _, fn := range a.order {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				if vs := a.servedValues(instr); vs != nil {
					pos := a.pos(a.keyPos(instr.Pos()))
					if ci, ok := instr.(ssa.CallInstruction); ok {
						if expr := a.siteOf(ci); expr != nil {
							pos = a.pos(expr.Pos())
						}
					}
					for _, v := range vs {
						for _, id := range a.served(v, 0) {
							if !rpcs.generated[idPackage(id)] {
								add(EntryHTTP, id, pos)
							}
						}
					}
				}
				ci, ok := instr.(ssa.CallInstruction)
				if !ok {
					continue
				}
				if ids, routes := a.rpcEntries(ci.Common()); ids != nil {
					if expr := a.siteOf(ci); expr != nil {
						for i, id := range ids {
							if e := add(EntryRPC, id, a.pos(expr.Pos())); e != nil {
								e.Route = routes[i]
							}
						}
					}
					continue
				}
				if rpcs.sites[ci] {
					continue // a connect or twirp handler's mount
				}
				_, isGo := ci.(*ssa.Go)
				var r route
				if !isGo {
					var ok bool
					if r, ok = a.registration(ci); !ok {
						continue
					}
				}
				expr := a.siteOf(ci)
				if expr == nil {
					continue
				}
				if isGo {
					if node := a.cg.Nodes[fn]; node != nil {
						for _, e := range node.Out {
							if e.Site == ci {
								id, _ := a.funcID(e.Callee.Func)
								add(EntryGoroutine, id, a.pos(ci.Pos()))
							}
						}
					}
					continue
				}
				for _, id := range r.handlers {
					if rpcs.generated[idPackage(id)] {
						continue
					}
					if e := add(EntryHTTP, id, a.pos(expr.Pos())); e != nil {
						e.Method, e.Route, e.Middleware, e.PrefixUnknown = r.method, r.path, r.middleware, r.prefixUnknown
					}
				}
			}
		}
	}
}

// isWrapper reports whether fn is a synthetic wrapper (bound method,
// thunk, promotion or instantiation wrapper) rather than code written in
// the module.
func isWrapper(fn *ssa.Function) bool {
	for _, prefix := range []string{"wrapper for ", "bound method wrapper for ", "thunk for ", "instantiation wrapper of ", "from type information"} {
		if strings.HasPrefix(fn.Synthetic, prefix) {
			return true
		}
	}
	return false
}

// isCommandBody reports whether a function literal of signature sig is a
// command-line command's body, which the CLI library runs once when the
// program starts: cobra's Run/RunE func(*cobra.Command, []string),
// urfave/cli's Action func(*cli.Context) error (v1, v2) or
// func(context.Context, *cli.Command) error (v3), kingpin's Action
// func(*kingpin.ParseContext) error, go-flags' CommandHandler
// func(flags.Commander, []string) error.
func isCommandBody(sig *types.Signature) bool {
	named := func(t types.Type, pkgPrefix, name string) bool {
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		n, ok := types.Unalias(t).(*types.Named)
		return ok && n.Obj().Pkg() != nil && strings.HasPrefix(n.Obj().Pkg().Path(), pkgPrefix) && n.Obj().Name() == name
	}
	ps := sig.Params()
	switch ps.Len() {
	case 1:
		t := ps.At(0).Type()
		return named(t, "github.com/urfave/cli", "Context") || named(t, "gopkg.in/urfave/cli", "Context") ||
			named(t, "github.com/alecthomas/kingpin", "ParseContext") || named(t, "gopkg.in/alecthomas/kingpin", "ParseContext")
	case 2:
		if named(ps.At(0).Type(), "github.com/spf13/cobra", "Command") {
			s, ok := ps.At(1).Type().(*types.Slice)
			return ok && types.Identical(s.Elem(), types.Typ[types.String])
		}
		if named(ps.At(0).Type(), goFlags, "Commander") {
			return true
		}
		return named(ps.At(1).Type(), "github.com/urfave/cli/v3", "Command")
	}
	return false
}

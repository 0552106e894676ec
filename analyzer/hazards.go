package analyzer

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ssa"
	"golang.org/x/tools/go/types/typeutil"
)

// collectHazards records what would make each crossing between packages
// unsafe to turn into a message. Only crossings are examined: a call or a
// use within one package never becomes a service boundary.
func (a *analysis) collectHazards() {
	type key struct {
		kind, fn, object string
		pos              Pos
	}
	seen := make(map[key]bool)
	add := func(h *Hazard) {
		k := key{h.Kind, h.Func, h.Object, h.Pos}
		if seen[k] {
			return
		}
		seen[k] = true
		a.g.Hazards = append(a.g.Hazards, h)
	}
	wf := &writeFinder{funcs: a.funcs, memo: make(map[*ssa.Function][]bool), busy: make(map[*ssa.Function]bool)}
	txs := make(map[*ssa.Function]txScope)
	cv := &ctxValueFinder{funcs: a.funcs, memo: make(map[*ssa.Function]bool)}
	var found typeutil.Map // types.Type → []finding, a cache of findings
	for _, c := range a.crossings {
		pos := c.call.Site.Pos
		// callee is the function whose body runs; sig the signature the
		// call site sees.
		callee, sig := c.callee, c.callee.Signature
		if isWrapper(callee) {
			if obj := a.declObj(callee); obj != nil {
				sig = obj.Type().(*types.Signature)
				if fn := a.prog.FuncValue(obj); fn != nil {
					callee = fn
				}
			}
		}
		short := shortName(c.call.Callee)
		hz := func(kind, object, msg, fix string) {
			add(&Hazard{Kind: kind, Pos: pos, Package: c.from, Func: c.call.Callee, Object: object, Message: msg, Fix: fix})
		}

		// The callee writes through a pointer parameter.
		ws := wf.pointerWrites(callee)
		for _, p := range ws {
			hz(HazardPointerWrite, p,
				fmt.Sprintf("%s writes through its pointer parameter %s; the caller would not see the change", short, p),
				fmt.Sprintf("return the updated value from %s instead of writing through %s", short, p))
		}

		args := c.instr.Common().Args
		if c.instr.Common().IsInvoke() {
			// Invoke mode: Args excludes the receiver.
		} else if sig.Recv() != nil && len(args) > 0 && c.instr.Common().StaticCallee() != nil && len(args) == sig.Params().Len()+1 {
			args = args[1:]
		}
		// Names come from the declaration: an instance's may be lost.
		names := sig
		if o := callee.Origin(); o != nil {
			names = o.Signature
		}
		check := func(v *types.Var, named *types.Var, what string, arg ssa.Value) {
			name := named.Name()
			t := v.Type()
			subject := what + " " + types.TypeString(t, shortQualifier) + " of " + short
			if name == "" || name == "_" {
				name = what
			} else {
				subject = what + " " + name + " " + types.TypeString(t, shortQualifier) + " of " + short
			}
			if _, ok := t.(*types.TypeParam); ok {
				return
			}
			if isInterface(t) && !isErrorOrContext(t) && arg != nil {
				if _, boxed := arg.(*ssa.MakeInterface); !boxed {
					if c, ok := arg.(*ssa.Const); !ok || !c.IsNil() {
						hz(HazardInterfaceParam, name,
							fmt.Sprintf("%s: no concrete type is known here for the interface", subject),
							fmt.Sprintf("pass a concrete type to %s, or register the implementations with the codec", short))
						return
					}
				}
			}
			fs, ok := found.At(t).([]finding)
			if !ok {
				fs = findings(t)
				found.Set(t, fs)
			}
			for _, f := range fs {
				if f.path == "" && f.kind == HazardUnserializable {
					// The value itself cannot travel: nothing else matters.
					fs = []finding{f}
					break
				}
			}
			for _, f := range fs {
				msg, fix := f.message(subject, short)
				hz(f.kind, name, msg, fix)
			}
		}
		for i := 0; i < sig.Params().Len(); i++ {
			var arg ssa.Value
			if i < len(args) {
				arg = args[i]
			}
			check(sig.Params().At(i), nameOf(names.Params(), sig.Params(), i), "param", arg)
		}
		for i := 0; i < sig.Results().Len(); i++ {
			check(sig.Results().At(i), nameOf(names.Results(), sig.Results(), i), "result", nil)
		}

		// The receiver carries the caller's request.
		if recv := sig.Recv(); recv != nil {
			if path, typ := receiverState(recv.Type()); typ != nil {
				name := names.Recv().Name()
				if name == "" || name == "_" {
					name = "receiver"
				}
				rt := types.TypeString(recv.Type(), shortQualifier)
				why := "is request-scoped; the callee's service cannot hold the caller's request"
				if isTx(typ) {
					why = "is the caller's transaction; the callee's service cannot join it"
				}
				hz(HazardReceiver, name,
					fmt.Sprintf("receiver %s %s of %s: field %s %s %s", name, rt, short, path, types.TypeString(typ, shortQualifier), why),
					fmt.Sprintf("pass what %s needs from the request as parameters, or keep %s in the caller's service", short, short))
			}
		}

		// The callee reads values the caller put in its context: over
		// the wire only the deadline and the trace travel.
		if hasContextParam(sig) && cv.reads(callee) {
			hz(HazardContextValue, "ctx",
				fmt.Sprintf("%s reads values from its context (ctx.Value: a signed-in user, a request id); the remote side gets a context without the caller's values", short),
				fmt.Sprintf("pass what %s reads from the context as parameters, or keep %s in the caller's service", short, short))
		}

		// The call is made while a transaction is open.
		tx, ok := txs[c.caller]
		if !ok {
			tx = txInScope(c.caller)
			txs[c.caller] = tx
		}
		if tx.object != "" {
			hz(HazardTx, tx.object,
				fmt.Sprintf("call to %s inside %s; a remote call cannot join it", short, tx.desc),
				fmt.Sprintf("finish the transaction before calling %s, or keep both in one service", short))
		}
	}
	a.usesHazards(add)
}

// nameOf returns the i-th variable of names if it lines up with vars,
// else that of vars.
func nameOf(names, vars *types.Tuple, i int) *types.Var {
	if names.Len() == vars.Len() {
		return names.At(i)
	}
	return vars.At(i)
}

// usesHazards reports package variables used from other packages and
// sentinel errors compared across packages.
func (a *analysis) usesHazards(add func(*Hazard)) {
	seen := make(map[*ast.File]bool)
	for _, p := range a.pkgs {
		info := p.TypesInfo
		if info == nil {
			continue // shadowed by its test variant
		}
		foreign := func(e ast.Expr) *types.Var {
			var id *ast.Ident
			switch e := ast.Unparen(e).(type) {
			case *ast.Ident:
				id = e
			case *ast.SelectorExpr:
				id = e.Sel
			default:
				return nil
			}
			v, ok := info.Uses[id].(*types.Var)
			if !ok || v.Pkg() == nil || v.Pkg().Path() == p.PkgPath || !a.modPkgs[v.Pkg().Path()] || v.Parent() != v.Pkg().Scope() {
				return nil
			}
			return v
		}
		sentinel := func(e ast.Expr, how string) {
			v := foreign(e)
			if v == nil || !isError(v.Type()) {
				return
			}
			name := v.Pkg().Name() + "." + v.Name()
			add(&Hazard{
				Kind: HazardSentinel, Pos: a.pos(e.Pos()), Package: p.PkgPath, Object: v.Pkg().Path() + "." + v.Name(),
				Message: fmt.Sprintf("compares the error with %s of another package using %s", name, how),
				Fix:     fmt.Sprintf("register %s so it crosses the boundary as itself, or compare an error code", name),
			})
		}
		for _, f := range p.Syntax {
			if seen[f] {
				continue
			}
			seen[f] = true
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CallExpr:
					if fn, ok := calleeObj(info, n).(*types.Func); ok && fn.Pkg() != nil && fn.Pkg().Path() == "errors" && fn.Name() == "Is" && len(n.Args) == 2 {
						sentinel(n.Args[1], "errors.Is")
					}
				case *ast.BinaryExpr:
					if n.Op == token.EQL || n.Op == token.NEQ {
						sentinel(n.X, n.Op.String())
						sentinel(n.Y, n.Op.String())
					}
				case *ast.SwitchStmt:
					if n.Tag != nil && isError(info.TypeOf(n.Tag)) {
						for _, s := range n.Body.List {
							for _, e := range s.(*ast.CaseClause).List {
								sentinel(e, "switch")
							}
						}
					}
				case *ast.SelectorExpr:
					v := foreign(n)
					if v == nil || isError(v.Type()) {
						return true
					}
					name := v.Pkg().Name() + "." + v.Name()
					add(&Hazard{
						Kind: HazardSharedVar, Pos: a.pos(n.Pos()), Package: p.PkgPath, Object: v.Pkg().Path() + "." + v.Name(),
						Message: fmt.Sprintf("uses the package variable %s of another package; services do not share memory", name),
						Fix:     fmt.Sprintf("reach %s through functions of its package, or move the state into a store both sides call", name),
					})
				}
				return true
			})
		}
	}
}

// calleeObj returns the object of the function a call names, if any.
func calleeObj(info *types.Info, call *ast.CallExpr) types.Object {
	switch fun := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		return info.Uses[fun]
	case *ast.SelectorExpr:
		return info.Uses[fun.Sel]
	}
	return nil
}

// writeFinder finds the parameters functions write through.
type writeFinder struct {
	funcs map[*ssa.Function]bool // the module's functions
	memo  map[*ssa.Function][]bool
	busy  map[*ssa.Function]bool
}

// pointerWrites returns the names of the parameters (not the receiver)
// fn writes through: *p = v, p.f = v, p[i] = v, p.f.g = v, m[k] = v for a
// map, or passing p (or &p.f) to a function of the module that does.
func (w *writeFinder) pointerWrites(fn *ssa.Function) []string {
	ws := w.writes(fn)
	var names []string
	for i, p := range fn.Params {
		if i == 0 && fn.Signature.Recv() != nil {
			continue // the callee's own state
		}
		if i < len(ws) && ws[i] && !contains(names, p.Name()) {
			names = append(names, p.Name())
		}
	}
	return names
}

// writes reports, for each of fn's parameters, whether fn writes through
// it.
func (w *writeFinder) writes(fn *ssa.Function) []bool {
	if r, ok := w.memo[fn]; ok {
		return r
	}
	if fn == nil || len(fn.Blocks) == 0 || w.busy[fn] {
		return nil // recursion: what is known so far is all there is
	}
	w.busy[fn] = true
	defer delete(w.busy, fn)
	params := make(map[ssa.Value]int)
	for i, p := range fn.Params {
		switch p.Type().Underlying().(type) {
		case *types.Pointer, *types.Slice, *types.Map:
			params[p] = i
		}
	}
	res := make([]bool, len(fn.Params))
	if len(params) == 0 {
		w.memo[fn] = res
		return res
	}
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			switch instr := instr.(type) {
			case *ssa.Store:
				if i := rootParam(instr.Addr, params); i >= 0 {
					res[i] = true
				}
			case *ssa.MapUpdate:
				if i := rootParam(instr.Map, params); i >= 0 {
					res[i] = true
				}
			case ssa.CallInstruction:
				callee := instr.Common().StaticCallee()
				if callee == nil || !w.funcs[callee] {
					continue
				}
				sub := w.writes(callee)
				for j, arg := range instr.Common().Args {
					if j < len(sub) && sub[j] {
						if i := rootParam(arg, params); i >= 0 {
							res[i] = true
						}
					}
				}
			}
		}
	}
	w.memo[fn] = res
	return res
}

// rootParam follows an address or reference back to the parameter it is
// derived from, and returns its index, or -1.
func rootParam(v ssa.Value, params map[ssa.Value]int) int {
	for i := 0; i < 16; i++ {
		if idx, ok := params[v]; ok {
			return idx
		}
		switch x := v.(type) {
		case *ssa.FieldAddr:
			v = x.X
		case *ssa.IndexAddr:
			v = x.X
		case *ssa.Slice:
			v = x.X
		case *ssa.UnOp:
			if x.Op != token.MUL {
				return -1
			}
			v = x.X
		case *ssa.ChangeType:
			v = x.X
		default:
			return -1
		}
	}
	return -1
}

// txScope names the transaction a function works in.
type txScope struct {
	object string // the variable, or its type
	desc   string // for messages
}

// txInScope finds a transaction fn receives (as a parameter, or captured
// by a closure) or holds (a value of a Tx type in its body).
func txInScope(fn *ssa.Function) txScope {
	for f := fn; f != nil; f = f.Parent() {
		for _, p := range f.Params {
			if isTx(p.Type()) {
				return txScope{p.Name(), "the transaction " + p.Name()}
			}
		}
		for _, fv := range f.FreeVars {
			if isTx(fv.Type()) {
				return txScope{fv.Name(), "the transaction " + fv.Name()}
			}
		}
	}
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			v, ok := instr.(ssa.Value)
			if !ok || !isTx(v.Type()) {
				continue
			}
			t := types.TypeString(v.Type(), shortQualifier)
			if c, ok := v.(*ssa.Call); ok && c.Call.StaticCallee() != nil {
				return txScope{t, "the transaction (" + t + ") " + c.Call.StaticCallee().Name() + " opened"}
			}
			if e, ok := v.(*ssa.Extract); ok {
				if c, ok := e.Tuple.(*ssa.Call); ok && c.Call.StaticCallee() != nil {
					return txScope{t, "the transaction (" + t + ") " + c.Call.StaticCallee().Name() + " opened"}
				}
			}
			return txScope{t, "a transaction (" + t + ")"}
		}
	}
	return txScope{}
}

// isTx reports whether t is *database/sql.Tx or a pointer to any type
// named Tx with Commit and Rollback methods.
func isTx(t types.Type) bool {
	p, ok := types.Unalias(t).(*types.Pointer)
	if !ok {
		return false
	}
	n, ok := types.Unalias(p.Elem()).(*types.Named)
	if !ok || n.Obj().Name() != "Tx" {
		return false
	}
	ms := types.NewMethodSet(p)
	return ms.Lookup(n.Obj().Pkg(), "Commit") != nil && ms.Lookup(n.Obj().Pkg(), "Rollback") != nil
}

var errorType = types.Universe.Lookup("error").Type().Underlying().(*types.Interface)

func isError(t types.Type) bool { return t != nil && types.Implements(t, errorType) && isInterface(t) }

func isInterface(t types.Type) bool { return types.IsInterface(t) }

func isErrorOrContext(t types.Type) bool {
	if types.Identical(t, types.Universe.Lookup("error").Type()) {
		return true
	}
	if n, ok := types.Unalias(t).(*types.Named); ok && n.Obj().Pkg() != nil {
		return n.Obj().Pkg().Path() == "context" && n.Obj().Name() == "Context"
	}
	return false
}

func deref(t types.Type) types.Type {
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		return p.Elem()
	}
	return t
}

func reflectTag(tag string) string {
	const key = `json:"`
	i := strings.Index(tag, key)
	if i < 0 {
		return ""
	}
	rest := tag[i+len(key):]
	if j := strings.IndexByte(rest, '"'); j >= 0 {
		rest = rest[:j]
	}
	name, _, _ := strings.Cut(rest, ",")
	return name
}

func hasMarshaler(t types.Type) bool {
	for _, tt := range []types.Type{t, types.NewPointer(t)} {
		ms := types.NewMethodSet(tt)
		for i := 0; i < ms.Len(); i++ {
			switch ms.At(i).Obj().Name() {
			case "MarshalJSON", "MarshalText":
				return true
			}
		}
	}
	return false
}

func shortQualifier(p *types.Package) string { return p.Name() }

// shortName shortens a Func.ID for messages: "(*example.com/shop/orders.Service).Place"
// becomes "(*orders.Service).Place".
func shortName(id string) string {
	i := strings.LastIndexByte(id, '/')
	if i < 0 {
		return id
	}
	prefix := ""
	if strings.HasPrefix(id, "(*") {
		prefix = "(*"
	} else if strings.HasPrefix(id, "(") {
		prefix = "("
	}
	return prefix + id[i+1:]
}

// hasContextParam reports whether sig takes a context.Context.
func hasContextParam(sig *types.Signature) bool {
	for i := 0; i < sig.Params().Len(); i++ {
		if isContext(sig.Params().At(i).Type()) {
			return true
		}
	}
	return false
}

func isContext(t types.Type) bool {
	n, ok := t.(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "context" && n.Obj().Name() == "Context"
}

// ctxValueFinder finds the functions that read values from a context:
// they call context.Context's Value method, directly, in a function
// literal they make, or through functions of the module they call.
type ctxValueFinder struct {
	funcs map[*ssa.Function]bool // the module's functions
	memo  map[*ssa.Function]bool // false while in progress (recursion)
}

func (f *ctxValueFinder) reads(fn *ssa.Function) bool {
	if fn == nil {
		return false
	}
	if r, ok := f.memo[fn]; ok {
		return r
	}
	f.memo[fn] = false
	found := false
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			if found {
				break
			}
			var c *ssa.CallCommon
			switch i := instr.(type) {
			case ssa.CallInstruction:
				c = i.Common()
			case *ssa.MakeClosure:
				if g, ok := i.Fn.(*ssa.Function); ok && f.reads(g) {
					found = true
				}
				continue
			default:
				continue
			}
			if c.IsInvoke() {
				found = c.Method.Name() == "Value" && isContext(c.Value.Type())
				continue
			}
			if g := c.StaticCallee(); g != nil && (f.funcs[g] || f.funcs[g.Origin()]) && f.reads(g) {
				found = true
			}
		}
	}
	f.memo[fn] = found
	return found
}

package analyzer

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// Servers. Besides the routes a router registers, requests enter the
// module through the http.Handler handed to the server itself: the value
// stored in http.Server's Handler field or passed as the http.Handler
// argument of a function named ListenAndServe, ListenAndServeTLS, Serve,
// ServeTLS (net/http's, or a graceful-restart package's of the same
// shape), httptest's NewServer, NewTLSServer or NewUnstartedServer. Its
// ServeHTTP method serves every path (an entry with no route). The value
// is followed back through conversions, phis, package variables, the
// parameters of the functions that receive it (main → server.Run(h) →
// http.Server), middleware (wrapping funcs, and middleware types whose
// own ServeHTTP serves too) and the module functions that return it.

// serverFuncs names the functions that serve the http.Handler they are
// given.
var serverFuncs = map[string]bool{
	"ListenAndServe": true, "ListenAndServeTLS": true, "Serve": true, "ServeTLS": true,
	"NewServer": true, "NewTLSServer": true, "NewUnstartedServer": true,
}

// servedValues returns the http.Handler values an instruction hands to
// an HTTP server.
func (a *analysis) servedValues(instr ssa.Instruction) []ssa.Value {
	switch x := instr.(type) {
	case *ssa.Store:
		fa, ok := x.Addr.(*ssa.FieldAddr)
		if !ok || !isNamed(fa.X.Type(), "net/http", "Server") {
			return nil
		}
		if s, ok := deref(fa.X.Type()).Underlying().(*types.Struct); ok && s.Field(fa.Field).Name() == "Handler" {
			return []ssa.Value{x.Val}
		}
	case ssa.CallInstruction:
		cc := x.Common()
		callee := cc.StaticCallee()
		if callee == nil || a.funcs[callee] || !serverFuncs[callee.Name()] {
			return nil
		}
		if strings.HasPrefix(callee.Name(), "New") && (callee.Pkg == nil || callee.Pkg.Pkg.Path() != "net/http/httptest") {
			return nil
		}
		sig := cc.Signature()
		var out []ssa.Value
		for i, arg := range cc.Args {
			p := i
			if sig.Recv() != nil {
				p-- // Args[0] is the receiver
			}
			if p >= 0 && p < sig.Params().Len() && isNamed(sig.Params().At(p).Type(), "net/http", "Handler") {
				out = append(out, arg)
			}
		}
		return out
	}
	return nil
}

// served resolves an http.Handler value handed to a server to the module
// functions that serve its requests: ServeHTTP methods of module types,
// and handler funcs a HandlerFunc converts.
func (a *analysis) served(v ssa.Value, depth int) []string {
	if depth > 10 {
		return nil
	}
	var ids []string
	add := func(more []string) {
		for _, id := range more {
			if !contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	switch x := v.(type) {
	case *ssa.MakeInterface:
		if id := a.serveHTTP(x.X.Type()); id != "" {
			return []string{id}
		}
		return a.served(x.X, depth+1)
	case *ssa.ChangeType:
		return a.served(x.X, depth+1)
	case *ssa.ChangeInterface:
		return a.served(x.X, depth+1)
	case *ssa.Convert:
		return a.served(x.X, depth+1)
	case *ssa.TypeAssert:
		return a.served(x.X, depth+1)
	case *ssa.Function, *ssa.MakeClosure:
		if isHTTPHandler(v.Type()) {
			return a.handlers(v, 0)
		}
	case *ssa.Phi:
		for _, e := range x.Edges {
			add(a.served(e, depth+1))
		}
	case *ssa.UnOp:
		if x.Op != token.MUL {
			break
		}
		switch addr := x.X.(type) {
		case *ssa.Global:
			for _, v := range a.globalInits()[addr] {
				add(a.served(v, depth+1))
			}
		case *ssa.Alloc, *ssa.FreeVar:
			// A variable a function literal captures.
			for _, v := range storedIn(addr) {
				add(a.served(v, depth+1))
			}
		}
	case *ssa.Parameter:
		add(a.servedParam(x, depth))
	case *ssa.Extract:
		if call, ok := x.Tuple.(*ssa.Call); ok {
			add(a.returned(call, x.Index, depth))
		}
	case *ssa.Call:
		// Middleware: the handlers it wraps serve; so do the handlers a
		// module function returns (a middleware type's ServeHTTP, or a
		// factory's handler when it wraps none).
		for _, arg := range x.Call.Args {
			if isHTTPHandler(arg.Type()) {
				add(a.served(arg, depth+1))
			}
		}
		wrapped := len(ids) > 0
		for _, id := range a.returned(x, 0, depth) {
			if !wrapped || strings.HasSuffix(id, ").ServeHTTP") {
				add([]string{id})
			}
		}
	}
	return ids
}

// returned resolves result i of a call of a module function to what
// serves requests.
func (a *analysis) returned(call *ssa.Call, i int, depth int) []string {
	callee := call.Call.StaticCallee()
	if callee == nil || !a.funcs[callee] {
		return nil
	}
	var ids []string
	for _, b := range callee.Blocks {
		if len(b.Instrs) == 0 {
			continue
		}
		if ret, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return); ok && i < len(ret.Results) && isHTTPHandler(ret.Results[i].Type()) {
			for _, id := range a.served(ret.Results[i], depth+1) {
				if !contains(ids, id) {
					ids = append(ids, id)
				}
			}
		}
	}
	return ids
}

// servedParam resolves a parameter to what the function's callers pass.
func (a *analysis) servedParam(param *ssa.Parameter, depth int) []string {
	fn := param.Parent()
	idx := -1
	for i, p := range fn.Params {
		if p == param {
			idx = i
		}
	}
	node := a.cg.Nodes[fn]
	if idx < 0 || node == nil {
		return nil
	}
	var ids []string
	for _, e := range node.In {
		if e.Site == nil || e.Caller == nil || !a.funcs[e.Caller.Func] {
			continue
		}
		cc := e.Site.Common()
		i := idx
		if cc.IsInvoke() {
			i-- // the receiver is Params[0]
		}
		if i < 0 || i >= len(cc.Args) || len(cc.Args)+idx-i != len(fn.Params) {
			continue
		}
		for _, id := range a.served(cc.Args[i], depth+1) {
			if !contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	return ids
}

// keyPos returns the position of the key of the composite literal
// element whose colon is at pos (where SSA puts the store of
// http.Server{Handler: h}), or pos.
func (a *analysis) keyPos(pos token.Pos) token.Pos {
	for _, p := range a.pkgs {
		for _, f := range p.Syntax {
			if pos < f.FileStart || pos >= f.FileEnd {
				continue
			}
			key := pos
			ast.Inspect(f, func(n ast.Node) bool {
				if n == nil || key != pos || n.Pos() > pos || n.End() <= pos {
					return false
				}
				if kv, ok := n.(*ast.KeyValueExpr); ok && kv.Colon == pos {
					key = kv.Key.Pos()
				}
				return true
			})
			return key
		}
	}
	return pos
}

// storedIn returns the values stored in a local variable (an Alloc, or
// the FreeVar a function literal captures it as).
func storedIn(addr ssa.Value) []ssa.Value {
	if fv, ok := addr.(*ssa.FreeVar); ok {
		addr = nil
		fn := fv.Parent()
		for i, v := range fn.FreeVars {
			if v != fv || fn.Parent() == nil {
				continue
			}
			for _, b := range fn.Parent().Blocks {
				for _, instr := range b.Instrs {
					if mc, ok := instr.(*ssa.MakeClosure); ok && mc.Fn == fn && i < len(mc.Bindings) {
						addr = mc.Bindings[i]
					}
				}
			}
		}
		if fv, ok := addr.(*ssa.FreeVar); ok {
			return storedIn(fv)
		}
	}
	if addr == nil || addr.Referrers() == nil {
		return nil
	}
	var out []ssa.Value
	for _, ref := range *addr.Referrers() {
		if st, ok := ref.(*ssa.Store); ok && st.Addr == addr {
			out = append(out, st.Val)
		}
	}
	return out
}

package rewriter

import (
	"go/ast"
	"go/types"
	"strings"
)

// listenCalls maps the standard library's listening functions (by package
// path and name; methods of *http.Server as "(*net/http.Server).Name") to
// the runtime function that stands in for them.
var listenCalls = map[string]string{
	"net.Listen":                           "Listen",
	"net/http.ListenAndServe":              "ListenAndServe",
	"net/http.ListenAndServeTLS":           "ListenAndServeTLS",
	"(*net/http.Server).ListenAndServe":    "ServeServer",
	"(*net/http.Server).ListenAndServeTLS": "ServeServerTLS",
	"(*net/http.Server).Serve":             "ServeOn",
	"net/http.Serve":                       "HTTPServe",
}

// frameworkCalls are the start calls of web frameworks, redirected through
// bus.ListenAndServe or bus.Serve (see redirectFramework); they are
// rewritten in package main too, which copyMain does not know them in.
var frameworkCalls = map[string]bool{
	"(*github.com/gin-gonic/gin.Engine).Run":    true,
	"(*github.com/labstack/echo/v4.Echo).Start": true,
	"(*github.com/gofiber/fiber/v2.App).Listen": true,
}

// redirectListens rewrites, in the module's non-test code outside package
// main, every call that opens a listening socket (net.Listen,
// http.ListenAndServe[TLS], srv.ListenAndServe[TLS]()) into a call of the
// runtime's stand-in (bus.Listen, bus.ListenAndServe[TLS],
// bus.ServeServer[TLS](srv)). They do what the standard library does until
// a generated service main sets its listener: then only the edge service
// binds the monolith's address, wherever its start-up path listens
// (main → app.Run → http.ListenAndServe), and the others get a listener
// that accepts nothing. Package main is copied into the service mains,
// which redirect its listening themselves (copyMain).
func (r *rewrite) redirectListens() {
	for _, rel := range sortedKeys(r.files) {
		f := r.files[rel]
		if f.test || f.pkg == nil || strings.HasPrefix(rel, GenDir+"/") {
			continue
		}
		inMain := f.pkg.Name == "main"
		info := f.pkg.TypesInfo
		ast.PreorderStack(f.ast, nil, func(n ast.Node, stack []ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || inRuntimeCall(info, stack) {
				return true
			}
			fn := calleeFunc(info, call)
			if fn == nil || fn.Pkg() == nil {
				return true
			}
			sig, _ := fn.Type().(*types.Signature)
			if sig == nil {
				return true
			}
			key := fn.Pkg().Path() + "." + fn.Name()
			if recv := sig.Recv(); recv != nil {
				key = "(" + types.TypeString(recv.Type(), nil) + ")." + fn.Name()
			}
			sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if frameworkCalls[key] {
				r.redirectFramework(f, call, sel, key)
				return true
			}
			to, ok := listenCalls[key]
			if !ok || inMain {
				return true
			}
			ref := svcMark + busPath + "\x00" + to
			if sig.Recv() == nil {
				e := edit{start: r.off(sel.Pos()), end: r.off(sel.End()), text: ref}
				if id, ok := sel.X.(*ast.Ident); ok {
					e.drops = append(e.drops, id)
				}
				f.edits = append(f.edits, e)
				return true
			}
			// x.ListenAndServe(args) → bus.ServeServer(x, args); &x when x
			// is an addressable http.Server value.
			s := info.Selections[sel]
			if s == nil || s.Kind() != types.MethodVal {
				return true
			}
			if len(s.Index()) > 1 {
				// A server embedded in another type: left alone.
				r.notes = append(r.notes, r.posString(call.Pos())+": "+fn.Name()+" of an embedded http.Server is not redirected: every service process will listen there")
				return true
			}
			pre := ref + "("
			if _, isPtr := types.Unalias(s.Recv()).(*types.Pointer); !isPtr {
				pre += "&"
			}
			sep := ", "
			if len(call.Args) == 0 {
				sep = ""
			}
			start := r.off(sel.X.Pos())
			f.edits = append(f.edits,
				edit{start: start, end: start, text: pre},
				edit{start: r.off(sel.X.End()), end: r.off(call.Lparen) + 1, text: sep})
			return true
		})
	}
}

// redirectFramework rewrites the start call of a web framework so that it
// listens through the runtime:
//
//	r.Run(addr)      (gin)   → bus.ListenAndServe(addr, r.Handler()) (r before gin 1.8)
//	e.Start(addr)    (echo)  → bus.Serve("tcp", addr, func(ln net.Listener) error { e.Listener = ln; return e.Start(ln.Addr().String()) }, e.Shutdown)
//	app.Listen(addr) (fiber) → bus.Serve("tcp", addr, app.Listener, func(context.Context) error { return app.Shutdown() })
//
// echo's and fiber's receiver appears more than once: it must be a name or
// a selection of names. Other shapes are left alone with a note.
func (r *rewrite) redirectFramework(f *srcFile, call *ast.CallExpr, sel *ast.SelectorExpr, key string) {
	leave := func(why string) {
		r.notes = append(r.notes, r.posString(call.Pos())+": "+key+" is not redirected ("+why+"): every service process will listen there")
	}
	if len(call.Args) != 1 || call.Ellipsis.IsValid() {
		leave("it does not take exactly one address")
		return
	}
	text := func(e ast.Expr) string { return string(f.src[r.off(e.Pos()):r.off(e.End())]) }
	recv, addr := text(sel.X), text(call.Args[0])
	bus := svcMark + busPath + "\x00"
	var out string
	switch {
	case strings.HasSuffix(key, ".Run"): // gin
		// Engine.Handler (gin 1.8 on) adds h2c when asked; before, the
		// engine itself is the handler.
		h := recv
		if tv, ok := f.pkg.TypesInfo.Types[sel.X]; ok {
			if obj, _, _ := types.LookupFieldOrMethod(tv.Type, true, nil, "Handler"); obj != nil {
				h += ".Handler()"
			}
		}
		out = bus + "ListenAndServe(" + addr + ", " + h + ")"
	default:
		if !simpleExpr(sel.X) {
			leave("its receiver is not a plain name")
			return
		}
		if strings.HasSuffix(key, ".Start") { // echo
			out = bus + "Serve(\"tcp\", " + addr + ", func(ln " + svcMark + "net\x00Listener) error {\n" +
				recv + ".Listener = ln\nreturn " + recv + ".Start(ln.Addr().String())\n}, " + recv + ".Shutdown)"
		} else { // fiber
			out = bus + "Serve(\"tcp\", " + addr + ", " + recv + ".Listener, func(" + svcMark + "context\x00Context) error { return " + recv + ".Shutdown() })"
		}
	}
	// editFile resolves one import reference per edit: the text goes in as
	// the call's replacement and insertions after it, one per reference.
	start, end := r.off(call.Pos()), r.off(call.End())
	parts := strings.Split(out, svcMark)
	f.edits = append(f.edits, edit{start: start, end: end, text: parts[0] + svcMark + parts[1]})
	for _, p := range parts[2:] {
		f.edits = append(f.edits, edit{start: end, end: end, text: svcMark + p})
	}
}

// simpleExpr reports whether e is a name or a selection of names (a, a.b.c).
func simpleExpr(e ast.Expr) bool {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		return true
	case *ast.SelectorExpr:
		return simpleExpr(e.X)
	}
	return false
}

// inRuntimeCall reports whether a node whose ancestors are stack is inside
// a call of the runtime (an earlier apply's bus.Serve(..., func(ln) { e.Start(...) }, ...)).
func inRuntimeCall(info *types.Info, stack []ast.Node) bool {
	for _, n := range stack {
		if c, ok := n.(*ast.CallExpr); ok {
			if fn := calleeFunc(info, c); fn != nil && fn.Pkg() != nil && fn.Pkg().Path() == busPath {
				return true
			}
		}
	}
	return false
}

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
		if f.test || f.pkg == nil || f.pkg.Name == "main" || strings.HasPrefix(rel, GenDir+"/") {
			continue
		}
		info := f.pkg.TypesInfo
		ast.Inspect(f.ast, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
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
			to, ok := listenCalls[key]
			if !ok {
				return true
			}
			sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
			if !ok {
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

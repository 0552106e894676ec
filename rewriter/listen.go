package rewriter

import (
	"fmt"
	"go/ast"
	"go/types"
	"strings"
)

// listenCalls maps the standard library's listening functions (by package
// path and name; methods of *http.Server as "(*net/http.Server).Name") to
// the runtime function that stands in for them.
var listenCalls = map[string]string{
	"net.Listen":                           "Listen",
	"(*net.ListenConfig).Listen":           "ListenWithConfig",
	"net/http.ListenAndServe":              "ListenAndServe",
	"net/http.ListenAndServeTLS":           "ListenAndServeTLS",
	"(*net/http.Server).ListenAndServe":    "ServeServer",
	"(*net/http.Server).ListenAndServeTLS": "ServeServerTLS",
	"(*net/http.Server).Serve":             "ServeOn",
	"(*net/http.Server).ServeTLS":          "ServeOnTLS",
	"net/http.Serve":                       "HTTPServe",
}

// copiedListens are the listening calls copyMain redirects itself in the
// copies of package main (http.ListenAndServe, srv.ListenAndServe()); in
// package main redirectListens leaves them to it.
var copiedListens = map[string]bool{
	"net/http.ListenAndServe":           true,
	"(*net/http.Server).ListenAndServe": true,
}

// frameworkCalls are the start calls of web frameworks and RPC servers,
// redirected through the runtime (see redirectFramework); they are
// rewritten in package main too, which copyMain does not know them in.
var frameworkCalls = map[string]bool{
	"(*github.com/gin-gonic/gin.Engine).Run":           true,
	"(*github.com/gin-gonic/gin.Engine).RunTLS":        true,
	"(*github.com/gin-gonic/gin.Engine).RunListener":   true,
	"(*github.com/gin-gonic/gin.Engine).RunUnix":       true,
	"(*github.com/labstack/echo/v4.Echo).Start":        true,
	"(*github.com/labstack/echo/v4.Echo).StartTLS":     true,
	"(*github.com/labstack/echo/v4.Echo).StartAutoTLS": true,
	"(*github.com/labstack/echo/v4.Echo).StartServer":  true,
	"(*github.com/gofiber/fiber/v2.App).Listen":        true,
	"(*github.com/gofiber/fiber/v2.App).ListenTLS":     true,
	"(*github.com/gofiber/fiber/v3.App).Listen":        true,
	"(*google.golang.org/grpc.Server).Serve":           true,
}

// servesListener are the listening calls handed a listener another call
// opened: not places the program listens in of their own.
var servesListener = map[string]bool{
	"(*net/http.Server).Serve":                       true,
	"(*net/http.Server).ServeTLS":                    true,
	"net/http.Serve":                                 true,
	"(*github.com/gin-gonic/gin.Engine).RunListener": true,
	"(*google.golang.org/grpc.Server).Serve":         true,
}

// redirectListens rewrites, in the module's non-test code, every call that
// opens a listening socket (net.Listen, http.ListenAndServe[TLS],
// srv.ListenAndServe[TLS](), srv.Serve[TLS](ln), a web framework's or a
// gRPC server's start) into a call of the runtime's stand-in
// (bus.Listen, bus.ListenAndServe[TLS], bus.ServeServer[TLS](srv), ...).
// They do what the standard library does until a generated service main
// sets its listener: then only the edge service binds the monolith's
// address, wherever its start-up path listens (main → app.Run →
// http.ListenAndServe), the others get a listener that accepts nothing,
// and the ports CLEAVE_LISTEN_EACH names (metrics, health) are served by
// every service on a port of its own. In package main, copyMain redirects
// http.ListenAndServe and srv.ListenAndServe() itself (copiedListens).
func (r *rewrite) redirectListens() {
	var sites []string
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
				if !servesListener[key] {
					sites = append(sites, r.posString(call.Pos()))
				}
				r.redirectFramework(f, call, sel, key)
				return true
			}
			to, ok := listenCalls[key]
			if !ok {
				return true
			}
			if !servesListener[key] {
				sites = append(sites, r.posString(call.Pos()))
			}
			ref := svcMark + busPath + "\x00" + to
			if sig.Recv() == nil {
				if inMain && copiedListens[key] {
					return true
				}
				e := edit{start: r.off(sel.Pos()), end: r.off(sel.End()), text: ref}
				if id, ok := sel.X.(*ast.Ident); ok {
					e.drops = append(e.drops, id)
				}
				f.edits = append(f.edits, e)
				return true
			}
			// x.ListenAndServe(args) → bus.ServeServer(x, args); &x when x
			// is an addressable http.Server value; x.Server when the
			// server is embedded in x's type.
			s := info.Selections[sel]
			if s == nil || s.Kind() != types.MethodVal {
				return true
			}
			if inMain && copiedListens[key] && len(s.Index()) == 1 {
				return true
			}
			fields, isPtr, ok := embeddedPath(f.pkg.Types, s)
			if !ok {
				r.notes = append(r.notes, r.posString(call.Pos())+": "+fn.Name()+" of an http.Server embedded through an unexported field of another package is not redirected: every service process will listen there")
				return true
			}
			pre := ref + "("
			if !isPtr {
				pre += "&"
			}
			sep := ", "
			if len(call.Args) == 0 {
				sep = ""
			}
			start := r.off(sel.X.Pos())
			f.edits = append(f.edits,
				edit{start: start, end: start, text: pre},
				edit{start: r.off(sel.X.End()), end: r.off(call.Lparen) + 1, text: fields + sep})
			return true
		})
		keepImports(f)
	}
	if len(sites) > 1 {
		list := strings.Join(sites, ", ")
		if len(sites) > 5 {
			list = strings.Join(sites[:5], ", ") + fmt.Sprintf(" and %d more", len(sites)-5)
		}
		r.notes = append(r.notes, fmt.Sprintf("the program listens in %d places (%s): in the split, the edge service binds their addresses and the others get listeners that accept nothing; name a port every service should serve on a port of its own (metrics, health, pprof) in CLEAVE_LISTEN_EACH when the split runs", len(sites), list))
	}
}

// keepImports keeps the imports the edits of f refer to (the net of
// net.Listener in a framework's rewritten start) from being dropped as
// unused by another edit (net.Listen → bus.Listen).
func keepImports(f *srcFile) {
	refs := map[string]bool{}
	for _, e := range f.edits {
		for t := e.text; ; {
			i := strings.Index(t, svcMark)
			if i < 0 {
				break
			}
			t = t[i+len(svcMark):]
			refs[t[:strings.IndexByte(t, 0)]] = true
		}
	}
	info := f.pkg.TypesInfo
	for i := range f.edits {
		drops := f.edits[i].drops[:0:0]
		for _, id := range f.edits[i].drops {
			if pn, ok := info.Uses[id].(*types.PkgName); ok && refs[pn.Imported().Path()] {
				continue
			}
			drops = append(drops, id)
		}
		f.edits[i].drops = drops
	}
}

// embeddedPath returns, for a method selection through embedded fields
// (s.ListenAndServe() with type S struct{ *http.Server }), the selector
// path to the embedded value (".Server"; "" when the method is the
// receiver's own) and whether the value reached is a pointer. It fails on
// a field this package cannot name.
func embeddedPath(pkg *types.Package, s *types.Selection) (path string, isPtr bool, ok bool) {
	t := s.Recv()
	idx := s.Index()
	for _, i := range idx[:len(idx)-1] {
		u := types.Unalias(t)
		if p, ok := u.(*types.Pointer); ok {
			u = p.Elem()
		}
		st, ok := u.Underlying().(*types.Struct)
		if !ok {
			return "", false, false
		}
		fld := st.Field(i)
		if !fld.Exported() && fld.Pkg() != pkg {
			return "", false, false
		}
		path += "." + fld.Name()
		t = fld.Type()
	}
	_, isPtr = types.Unalias(t).(*types.Pointer)
	return path, isPtr, true
}

// redirectFramework rewrites the start call of a web framework or an RPC
// server so that it listens through the runtime:
//
//	r.Run(addr)                 (gin)   → bus.ListenAndServe(addr, r.Handler()) (r before gin 1.8; bus.DefaultAddr(":8080") for r.Run())
//	r.RunTLS(addr, c, k)        (gin)   → bus.ListenAndServeTLS(addr, c, k, r.Handler())
//	r.RunListener(ln)           (gin)   → bus.HTTPServe(ln, r.Handler())
//	r.RunUnix(file)             (gin)   → bus.Serve("unix", file, r.RunListener, nil)
//	e.Start(addr)               (echo)  → bus.Serve("tcp", addr, func(ln net.Listener) error { e.Listener = ln; return e.Start(ln.Addr().String()) }, e.Shutdown)
//	e.StartTLS(addr, c, k)      (echo)  → the same with e.TLSListener = bus.TLSListener(ln, &e.TLSServer.TLSConfig) (StartAutoTLS too)
//	e.StartServer(s)            (echo)  → bus.ServeServerFunc(s, func(srv *http.Server, ln net.Listener) error { e.Listener, e.TLSListener = ...; return e.StartServer(srv) })
//	app.Listen(addr)            (fiber) → bus.Serve("tcp", addr, app.Listener, func(context.Context) error { return app.Shutdown() })
//	app.ListenTLS(addr, c, k)   (fiber) → bus.ServeTLS("tcp", addr, c, k, app.Listener, ...)
//	app.Listen(addr[, cfg])     (fiber v3) → bus.Serve("tcp", addr, func(ln net.Listener) error { return app.Listener(ln[, cfg]) }, app.ShutdownWithContext)
//	s.Serve(lis)                (gRPC)  → bus.ServeFunc(func() error { return s.Serve(lis) }, bus.ShutdownFunc(s.GracefulStop, s.Stop))
//
// A receiver that appears more than once must be a name or a selection of
// names. Other shapes are left alone with a note.
func (r *rewrite) redirectFramework(f *srcFile, call *ast.CallExpr, sel *ast.SelectorExpr, key string) {
	leave := func(why string) {
		r.notes = append(r.notes, r.posString(call.Pos())+": "+key+" is not redirected ("+why+"): every service process will listen there")
	}
	if call.Ellipsis.IsValid() {
		leave("its arguments are spread")
		return
	}
	text := func(e ast.Expr) string { return string(f.src[r.off(e.Pos()):r.off(e.End())]) }
	var args []string
	for _, a := range call.Args {
		args = append(args, text(a))
	}
	recv := text(sel.X)
	bus := svcMark + busPath + "\x00"
	netListener := svcMark + "net\x00Listener"
	ctxType := svcMark + "context\x00Context"
	// Names the generated closures declare, unless the call uses them.
	used := map[string]bool{}
	ast.Inspect(call, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			used[id.Name] = true
		}
		return true
	})
	fresh := func(name string) string {
		for n := name; ; n += "_" {
			if !used[n] {
				return n
			}
		}
	}
	ln, srv := fresh("ln"), fresh("srv")
	want := func(n int) bool {
		if len(args) != n {
			leave(fmt.Sprintf("it does not take %d arguments", n))
			return false
		}
		return true
	}
	plain := func() bool {
		if !simpleExpr(sel.X) {
			leave("its receiver is not a plain name")
			return false
		}
		return true
	}
	method := key[strings.LastIndexByte(key, '.')+1:]
	var out string
	switch {
	case strings.Contains(key, "/gin-gonic/gin."):
		// Engine.Handler (gin 1.8 on) adds h2c when asked; before, the
		// engine itself is the handler.
		h := recv
		if tv, ok := f.pkg.TypesInfo.Types[sel.X]; ok {
			if obj, _, _ := types.LookupFieldOrMethod(tv.Type, true, nil, "Handler"); obj != nil {
				h += ".Handler()"
			}
		}
		switch method {
		case "Run":
			switch len(args) {
			case 0:
				args = []string{bus + `DefaultAddr(":8080")`}
			case 1:
			default:
				leave("it takes more than one address")
				return
			}
			out = bus + "ListenAndServe(" + args[0] + ", " + h + ")"
		case "RunTLS":
			if !want(3) {
				return
			}
			out = bus + "ListenAndServeTLS(" + strings.Join(args, ", ") + ", " + h + ")"
		case "RunListener":
			if !want(1) {
				return
			}
			out = bus + "HTTPServe(" + args[0] + ", " + h + ")"
		case "RunUnix":
			if !want(1) {
				return
			}
			out = bus + `Serve("unix", ` + args[0] + ", " + recv + ".RunListener, nil)"
		}
	case strings.Contains(key, "/labstack/echo/"):
		if !plain() {
			return
		}
		switch method {
		case "Start":
			if !want(1) {
				return
			}
			out = bus + `Serve("tcp", ` + args[0] + ", func(" + ln + " " + netListener + ") error {\n" +
				recv + ".Listener = " + ln + "\nreturn " + recv + ".Start(" + ln + ".Addr().String())\n}, " + recv + ".Shutdown)"
		case "StartTLS", "StartAutoTLS":
			n := 3
			if method == "StartAutoTLS" {
				n = 1
			}
			if !want(n) {
				return
			}
			rest := append([]string{ln + ".Addr().String()"}, args[1:]...)
			out = bus + `Serve("tcp", ` + args[0] + ", func(" + ln + " " + netListener + ") error {\n" +
				recv + ".TLSListener = " + bus + "TLSListener(" + ln + ", &" + recv + ".TLSServer.TLSConfig)\n" +
				"return " + recv + "." + method + "(" + strings.Join(rest, ", ") + ")\n}, " + recv + ".Shutdown)"
		case "StartServer":
			if !want(1) {
				return
			}
			out = bus + "ServeServerFunc(" + args[0] + ", func(" + srv + " *" + svcMark + "net/http\x00Server, " + ln + " " + netListener + ") error {\n" +
				recv + ".Listener, " + recv + ".TLSListener = " + ln + ", " + bus + "TLSListener(" + ln + ", &" + srv + ".TLSConfig)\n" +
				"return " + recv + ".StartServer(" + srv + ")\n})"
		}
	case strings.Contains(key, "/gofiber/fiber/v2."):
		if !plain() {
			return
		}
		shutdown := "func(" + ctxType + ") error { return " + recv + ".Shutdown() }"
		switch method {
		case "Listen":
			if !want(1) {
				return
			}
			out = bus + `Serve("tcp", ` + args[0] + ", " + recv + ".Listener, " + shutdown + ")"
		case "ListenTLS":
			if !want(3) {
				return
			}
			out = bus + `ServeTLS("tcp", ` + strings.Join(args, ", ") + ", " + recv + ".Listener, " + shutdown + ")"
		}
	case strings.Contains(key, "/gofiber/fiber/v3."):
		if !plain() {
			return
		}
		if len(args) == 0 || len(args) > 2 {
			leave("it does not take an address and at most one ListenConfig")
			return
		}
		cfg := ""
		if len(call.Args) == 2 {
			if why := fiberConfigUnsupported(call.Args[1]); why != "" {
				leave(why)
				return
			}
			cfg = ", " + args[1]
		}
		out = bus + `Serve("tcp", ` + args[0] + ", func(" + ln + " " + netListener + ") error { return " + recv + ".Listener(" + ln + cfg + ") }, " + recv + ".ShutdownWithContext)"
	case strings.HasPrefix(key, "(*google.golang.org/grpc."):
		if !plain() || !want(1) {
			return
		}
		out = bus + "ServeFunc(func() error { return " + recv + ".Serve(" + args[0] + ") }, " + bus + "ShutdownFunc(" + recv + ".GracefulStop, " + recv + ".Stop))"
	}
	if out == "" {
		return
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

// fiberConfigUnsupported says why fiber v3's app.Listen(addr, cfg) cannot
// become app.Listener(ln, cfg): app.Listener ignores the TLS fields of a
// ListenConfig, and listens on no network of its own; a config that is
// not a literal may set them.
func fiberConfigUnsupported(cfg ast.Expr) string {
	lit, ok := ast.Unparen(cfg).(*ast.CompositeLit)
	if !ok {
		return "its ListenConfig is not a literal: it may ask for TLS, which app.Listener ignores"
	}
	for _, el := range lit.Elts {
		kv, ok := el.(*ast.KeyValueExpr)
		if !ok {
			return "its ListenConfig literal has no field names"
		}
		id, _ := kv.Key.(*ast.Ident)
		if id == nil {
			continue
		}
		switch id.Name {
		case "CertFile", "CertKeyFile", "CertClientFile", "TLSConfig", "TLSConfigFunc", "AutoCertManager":
			return "its ListenConfig asks for TLS (" + id.Name + "), which app.Listener ignores"
		case "ListenerNetwork", "UnixSocketFileMode":
			return "its ListenConfig sets the network (" + id.Name + ")"
		}
	}
	return ""
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

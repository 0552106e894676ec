package analyzer

import (
	"cmp"
	"go/constant"
	"go/token"
	"go/types"
	"path"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// HTTP routes. A call registers a route when it is one of the
// registration methods of a known router package (net/http, gin, echo,
// chi, gorilla/mux, ozzo-routing, fiber), recognised by the package's import path
// (without its major version suffix) and the method's name; any other
// function or method named Handle or HandleFunc counts too when one of its
// arguments is an http.Handler or a handler func. The handler arguments are
// resolved to the module functions they denote (see handlers): of several
// (gin's GET(path, auth.Required(), h.get)), the one the router runs
// last is the route's handler (echo: the first, which its middleware
// wrap), the others its middleware (Entry.Middleware). The path is
// resolved to a constant when it is one, prefixed by the groups the router
// value was made from (r.Group("/api"), chi's r.Route("/x", func(r
// chi.Router) {...}) or r.Route("/x", h.Routes), gorilla's
// PathPrefix(...).Subrouter()), across calls when every caller passes the
// same group (a module's Routes(r) called through an interface, a
// registration func the server calls with its group), and the pattern a
// sub-router is mounted at (chi's Mount, http.StripPrefix), for a router
// kept in a field where the field is mounted or, in a type whose ServeHTTP
// delegates to it, where the type's values are. When a prefix cannot be
// followed the route is the path as written (Entry.PrefixUnknown).

// regKind says what a router method does.
type regKind int

const (
	regRoute  regKind = iota + 1 // registers handlers for a path
	regPrefix                    // returns a router under a path prefix
	regScope                     // calls a function with a router under a prefix (chi Route, Group)
	regMount                     // serves a sub-router under a prefix (chi Mount)
)

// regSpec describes a router method's arguments (receiver excluded).
type regSpec struct {
	pkg    string // the router package, set by routerMethod
	kind   regKind
	path   int    // index of the path argument, -1 if none
	method int    // index of the HTTP method argument, -1 if none
	verb   string // the HTTP method the name implies ("" for any)
	// handlers are the arguments [first, last) (last -1: to the end),
	// a variadic one spread into its elements. One of them is the
	// route's handler: the last, which the router runs after the others
	// (gin, fiber, ozzo-routing), or with handlerFirst the first, which
	// the others wrap (echo's GET(path, h, m...)). The rest are the
	// route's middleware.
	first, last  int
	handlerFirst bool
}

var verbs = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "CONNECT", "TRACE"}

// routers maps a router package (import path without /vN) to its
// registration methods.
var routers = map[string]map[string]regSpec{
	"net/http": {
		"Handle":     {kind: regRoute, path: 0, method: -1, first: 1, last: 2},
		"HandleFunc": {kind: regRoute, path: 0, method: -1, first: 1, last: 2},
	},
	"github.com/gin-gonic/gin": withVerbs(strings.ToUpper, regSpec{kind: regRoute, path: 0, method: -1, first: 1, last: -1}, map[string]regSpec{
		"Any":    {kind: regRoute, path: 0, method: -1, first: 1, last: -1},
		"Handle": {kind: regRoute, path: 1, method: 0, first: 2, last: -1},
		"Match":  {kind: regRoute, path: 1, method: 0, first: 2, last: -1},
		"Group":  {kind: regPrefix, path: 0, method: -1},
	}),
	"github.com/labstack/echo": withVerbs(strings.ToUpper, regSpec{kind: regRoute, path: 0, method: -1, first: 1, last: -1, handlerFirst: true}, map[string]regSpec{
		"Any":   {kind: regRoute, path: 0, method: -1, first: 1, last: -1, handlerFirst: true},
		"Add":   {kind: regRoute, path: 1, method: 0, first: 2, last: -1, handlerFirst: true},
		"Match": {kind: regRoute, path: 1, method: 0, first: 2, last: -1, handlerFirst: true},
		"Group": {kind: regPrefix, path: 0, method: -1},
	}),
	"github.com/go-chi/chi": withVerbs(title, regSpec{kind: regRoute, path: 0, method: -1, first: 1, last: 2}, map[string]regSpec{
		"Handle":     {kind: regRoute, path: 0, method: -1, first: 1, last: 2},
		"HandleFunc": {kind: regRoute, path: 0, method: -1, first: 1, last: 2},
		"Method":     {kind: regRoute, path: 1, method: 0, first: 2, last: 3},
		"MethodFunc": {kind: regRoute, path: 1, method: 0, first: 2, last: 3},
		"With":       {kind: regPrefix, path: -1, method: -1},
		"Route":      {kind: regScope, path: 0, method: -1, first: 1, last: 2},
		"Mount":      {kind: regMount, path: 0, method: -1, first: 1, last: 2},
		"Group":      {kind: regScope, path: -1, method: -1, first: 0, last: 1},
	}),
	"github.com/gorilla/mux": {
		"Handle":      {kind: regRoute, path: 0, method: -1, first: 1, last: 2},
		"HandleFunc":  {kind: regRoute, path: 0, method: -1, first: 1, last: 2},
		"Handler":     {kind: regRoute, path: -1, method: -1, first: 0, last: 1},
		"HandlerFunc": {kind: regRoute, path: -1, method: -1, first: 0, last: 1},
		"Path":        {kind: regPrefix, path: 0, method: -1},
		"PathPrefix":  {kind: regPrefix, path: 0, method: -1},
		"Subrouter":   {kind: regPrefix, path: -1, method: -1},
		"NewRoute":    {kind: regPrefix, path: -1, method: -1},
		"Methods":     {kind: regPrefix, path: -1, method: -1},
		"Name":        {kind: regPrefix, path: -1, method: -1},
	},
	// fiber v2 and v3: Get(path, handlers...) in v2, Get(path, handler,
	// handlers...) in v3; v3's Route(path) returns a chain whose
	// methods take no path (see routerMethod).
	"github.com/gofiber/fiber": withVerbs(title, regSpec{kind: regRoute, path: 0, method: -1, first: 1, last: -1}, map[string]regSpec{
		"All":   {kind: regRoute, path: 0, method: -1, first: 1, last: -1},
		"Add":   {kind: regRoute, path: 1, method: 0, first: 2, last: -1},
		"Group": {kind: regPrefix, path: 0, method: -1},
		"Route": {kind: regScope, path: 0, method: -1, first: 1, last: 2},
		"Mount": {kind: regMount, path: 0, method: -1, first: 1, last: 2},
	}),
	"github.com/go-ozzo/ozzo-routing": withVerbs(title, regSpec{kind: regRoute, path: 0, method: -1, first: 1, last: -1}, map[string]regSpec{
		"Any":   {kind: regRoute, path: 0, method: -1, first: 1, last: -1},
		"To":    {kind: regRoute, path: 1, method: 0, first: 2, last: -1},
		"Group": {kind: regPrefix, path: 0, method: -1},
	}),
}

// withVerbs adds one method per HTTP verb, named by name(verb), to m.
func withVerbs(name func(string) string, spec regSpec, m map[string]regSpec) map[string]regSpec {
	for _, v := range verbs {
		s := spec
		s.verb = v
		m[name(v)] = s
	}
	return m
}

// title turns "GET" into "Get".
func title(s string) string { return s[:1] + strings.ToLower(s[1:]) }

var majorSuffix = regexp.MustCompile(`/v[0-9]+$`)

// routerMethod returns what a call of a router method does, with its
// receiver (nil for a function) and its other arguments.
func routerMethod(cc *ssa.CallCommon) (spec regSpec, recv ssa.Value, args []ssa.Value, ok bool) {
	var fn *types.Func
	switch {
	case cc.IsInvoke():
		fn = cc.Method
		recv, args = cc.Value, cc.Args
	case cc.StaticCallee() != nil:
		callee := cc.StaticCallee()
		if o := callee.Origin(); o != nil {
			callee = o
		}
		fn, _ = callee.Object().(*types.Func)
		args = cc.Args
		if fn != nil && fn.Signature().Recv() != nil && len(args) > 0 {
			recv, args = args[0], args[1:]
		}
	}
	if fn == nil || fn.Pkg() == nil {
		return regSpec{}, nil, nil, false
	}
	if m := routers[majorSuffix.ReplaceAllString(fn.Pkg().Path(), "")]; m != nil {
		spec, ok = m[fn.Name()]
		spec.pkg = majorSuffix.ReplaceAllString(fn.Pkg().Path(), "")
		if ok && spec.pkg == "github.com/gofiber/fiber" {
			spec = fiberChain(spec, fn.Name(), args)
		}
		if spec.path >= len(args) || spec.method >= len(args) || spec.first > len(args) {
			ok = false // another version of the API than the one described
		}
		if ok && fn.Pkg().Path() == "net/http" && fn.Signature().Recv() != nil && !isNamed(fn.Signature().Recv().Type(), "net/http", "ServeMux") {
			ok = false
		}
		return spec, recv, args, ok
	}
	if fn.Name() == "Handle" || fn.Name() == "HandleFunc" {
		// Another router (the module's own, say): its handler is the
		// argument that is an http.Handler or a handler func, its path the
		// string before it.
		for i, arg := range args {
			if isHTTPHandler(arg.Type()) {
				spec = regSpec{kind: regRoute, path: -1, method: -1, first: i, last: i + 1}
				if i > 0 && isString(args[i-1].Type()) {
					spec.path = i - 1
				}
				return spec, recv, args, true
			}
		}
	}
	return regSpec{}, nil, nil, false
}

// fiberChain adapts a fiber spec to v3's route chains:
// app.Route("/x") returns a Register whose Get(handler, handlers...) and
// Add(methods, handler, handlers...) take no path; the route is the
// chain's.
func fiberChain(spec regSpec, name string, args []ssa.Value) regSpec {
	switch {
	case name == "Route" && len(args) == 1:
		return regSpec{pkg: spec.pkg, kind: regPrefix, path: 0, method: -1}
	case spec.kind == regRoute && spec.path >= 0 && spec.path < len(args) && !isString(args[spec.path].Type()):
		spec.first, spec.path = spec.path, -1
	}
	return spec
}

// isHTTPHandler reports whether t is an http.Handler or a func(http.ResponseWriter, *http.Request).
func isHTTPHandler(t types.Type) bool {
	if sig, ok := t.Underlying().(*types.Signature); ok {
		return sig.Params().Len() == 2 && sig.Results().Len() == 0 &&
			isNamed(sig.Params().At(0).Type(), "net/http", "ResponseWriter") &&
			isNamed(sig.Params().At(1).Type(), "net/http", "Request")
	}
	sel := types.NewMethodSet(t).Lookup(nil, "ServeHTTP")
	if sel == nil {
		return false
	}
	sig := sel.Obj().Type().(*types.Signature)
	return sig.Params().Len() == 2 && isNamed(sig.Params().At(0).Type(), "net/http", "ResponseWriter")
}

// isNamed reports whether t is, or points to, the named type pkg.name.
func isNamed(t types.Type, pkg, name string) bool {
	n, ok := types.Unalias(deref(t)).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == pkg && n.Obj().Name() == name
}

func isString(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsString != 0
}

// constString returns v's value if it is a string constant.
func constString(v ssa.Value) (string, bool) {
	c, ok := v.(*ssa.Const)
	if !ok || c.Value == nil || c.Value.Kind() != constant.String {
		return "", false
	}
	return constant.StringVal(c.Value), true
}

// constStrings returns the string constants v holds: a constant, or a
// slice literal of constants.
func constStrings(v ssa.Value) []string {
	if s, ok := constString(v); ok {
		return []string{s}
	}
	var out []string
	for _, e := range sliceElems(v) {
		s, ok := constString(e)
		if !ok {
			return nil
		}
		out = append(out, s)
	}
	return out
}

// sliceElems returns the values stored into a slice literal (what SSA
// makes of a variadic call's arguments), in index order.
func sliceElems(v ssa.Value) []ssa.Value {
	sl, ok := v.(*ssa.Slice)
	if !ok {
		return nil
	}
	alloc, ok := sl.X.(*ssa.Alloc)
	if !ok || alloc.Referrers() == nil {
		return nil
	}
	type elem struct {
		index int64
		val   ssa.Value
	}
	var elems []elem
	for _, ref := range *alloc.Referrers() {
		ia, ok := ref.(*ssa.IndexAddr)
		if !ok || ia.Referrers() == nil {
			continue
		}
		index := int64(len(elems))
		if c, ok := ia.Index.(*ssa.Const); ok && c.Value != nil && c.Value.Kind() == constant.Int {
			index, _ = constant.Int64Val(c.Value)
		}
		for _, r := range *ia.Referrers() {
			if st, ok := r.(*ssa.Store); ok && st.Addr == ia {
				elems = append(elems, elem{index, st.Val})
			}
		}
	}
	slices.SortStableFunc(elems, func(x, y elem) int { return cmp.Compare(x.index, y.index) })
	out := make([]ssa.Value, 0, len(elems))
	for _, e := range elems {
		out = append(out, e.val)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// route is what one registration says.
type route struct {
	method     string
	path       string
	handlers   []string // Func IDs
	middleware []string // Func IDs of the route's own middleware
	// prefixUnknown: path is as written, the router's prefix unknown.
	prefixUnknown bool
}

// registration returns the route a call registers, if it registers one.
func (a *analysis) registration(ci ssa.CallInstruction) (route, bool) {
	spec, recv, args, ok := routerMethod(ci.Common())
	if !ok || spec.kind != regRoute {
		return route{}, false
	}
	r := route{method: spec.verb}
	if spec.method >= 0 && spec.method < len(args) {
		r.method = strings.Join(constStrings(args[spec.method]), ",")
	}
	prefix, known := "", true
	if recv != nil {
		prefix, known = a.prefix(recv, 0)
		if spec.path < 0 && known {
			// gorilla's Route.Handler: the path is the route's own.
			r.path = prefix
		}
	}
	if spec.path >= 0 && spec.path < len(args) {
		if p, ok := constString(args[spec.path]); ok {
			if m, rest, ok := strings.Cut(p, " "); ok && r.method == "" && m != "" && strings.ToUpper(m) == m {
				// net/http's "GET /items/{id}".
				r.method, p = m, strings.TrimSpace(rest)
			}
			if known {
				p = joinRoute(spec.pkg, prefix, p)
			}
			r.path, r.prefixUnknown = p, !known
		}
	}
	if r.method == "" {
		r.method = a.chainedMethods(ci, recv)
	}
	last := spec.last
	if last < 0 || last > len(args) {
		last = len(args)
	}
	var vals []ssa.Value
	for i := spec.first; i < last; i++ {
		if elems := sliceElems(args[i]); elems != nil {
			vals = append(vals, elems...)
			continue
		}
		if c, ok := args[i].(*ssa.Const); ok && c.IsNil() {
			continue // no variadic arguments
		}
		vals = append(vals, args[i])
	}
	if len(vals) == 0 {
		return r, true
	}
	h := len(vals) - 1
	if spec.handlerFirst {
		h = 0
	}
	r.handlers = a.handlers(vals[h], 0)
	for i, v := range vals {
		if i == h {
			continue
		}
		for _, id := range a.handlers(v, 0) {
			if !contains(r.middleware, id) && !contains(r.handlers, id) {
				r.middleware = append(r.middleware, id)
			}
		}
	}
	return r, true
}

// chainedMethods finds gorilla's Methods("GET", ...) before or after a
// registration: r.Methods("GET").HandlerFunc(h), r.HandleFunc(p, h).Methods("GET").
func (a *analysis) chainedMethods(ci ssa.CallInstruction, recv ssa.Value) string {
	methods := func(v ssa.Value) string {
		c, ok := v.(*ssa.Call)
		if !ok {
			return ""
		}
		spec, _, args, ok := routerMethod(&c.Call)
		if !ok || spec.kind != regPrefix || calleeName(&c.Call) != "Methods" || len(args) != 1 {
			return ""
		}
		return strings.Join(constStrings(args[0]), ",")
	}
	if call, ok := ci.(*ssa.Call); ok && call.Referrers() != nil {
		for _, ref := range *call.Referrers() {
			if c, ok := ref.(*ssa.Call); ok && c.Call.Value != nil {
				if _, r, _, ok := routerMethod(&c.Call); ok && r == call {
					if m := methods(c); m != "" {
						return m
					}
				}
			}
		}
	}
	for v, i := recv, 0; v != nil && i < 8; i++ {
		if m := methods(v); m != "" {
			return m
		}
		c, ok := v.(*ssa.Call)
		if !ok {
			break
		}
		_, v, _, _ = routerMethod(&c.Call)
	}
	return ""
}

func calleeName(cc *ssa.CallCommon) string {
	if cc.IsInvoke() {
		return cc.Method.Name()
	}
	if f := cc.StaticCallee(); f != nil {
		return f.Name()
	}
	return ""
}

// prefix returns the path prefix of a router value: "" for a router made
// by a dependency (gin.New(), chi.NewRouter()), the groups it was made
// from, and known=false when it cannot tell.
func (a *analysis) prefix(v ssa.Value, depth int) (p string, known bool) {
	p, known = a.prefixOf(v, depth)
	if !known && isRootRouter(v.Type()) {
		// An application of gin, echo or fiber whose origin cannot be
		// followed (a field of the module's server struct) serves
		// from the root.
		return "", true
	}
	return p, known
}

// isRootRouter reports whether t is a web framework's application type,
// which serves from the root unless mounted.
func isRootRouter(t types.Type) bool {
	return isNamed(t, "github.com/gin-gonic/gin", "Engine") ||
		isNamed(t, "github.com/labstack/echo/v4", "Echo") ||
		isNamed(t, "github.com/gofiber/fiber/v2", "App") ||
		isNamed(t, "github.com/gofiber/fiber/v3", "App")
}

func (a *analysis) prefixOf(v ssa.Value, depth int) (p string, known bool) {
	if depth > 8 {
		return "", false
	}
	switch x := v.(type) {
	case *ssa.MakeInterface:
		return a.prefix(x.X, depth+1)
	case *ssa.ChangeInterface:
		return a.prefix(x.X, depth+1)
	case *ssa.ChangeType:
		return a.prefix(x.X, depth+1)
	case *ssa.TypeAssert:
		return a.prefix(x.X, depth+1)
	case *ssa.FieldAddr:
		// &engine.RouterGroup: a router embedded in another.
		if embeddedField(x.X.Type(), x.Field) {
			return a.prefix(x.X, depth+1)
		}
	case *ssa.Field:
		if embeddedField(x.X.Type(), x.Field) {
			return a.prefix(x.X, depth+1)
		}
	case *ssa.Call:
		spec, recv, args, ok := routerMethod(&x.Call)
		if !ok {
			if recv, ok := middlewareRecv(&x.Call); ok {
				// g.Use(mw).GET(...), chi's r.With(mw).Get(...): the
				// same routes, behind middleware.
				return a.prefix(recv, depth+1)
			}
			if callee := x.Call.StaticCallee(); callee != nil && !a.funcs[callee] {
				// A router's constructor: the root, unless it is mounted.
				return a.mounted(x, depth+1)
			}
			return "", false
		}
		// A route without a path returns its route (fiber v3's
		// Route("/x").Get(h).Delete(h), gorilla's Path("/x").Handler(h)).
		if spec.kind != regPrefix && !(spec.kind == regRoute && spec.path < 0) {
			return "", false
		}
		return a.joinedPrefix(spec, recv, args, depth)
	case *ssa.Phi:
		first := true
		for _, e := range x.Edges {
			q, ok := a.prefix(e, depth+1)
			if !ok || !first && q != p {
				return "", false
			}
			p, first = q, false
		}
		return p, !first
	case *ssa.Parameter:
		return a.paramPrefix(x, depth)
	case *ssa.UnOp:
		// A router kept in a field (s.api.Get(...)): served where that
		// field is mounted (s.router.Mount("/api", s.api)), or, in a
		// module type that serves HTTP (its ServeHTTP delegating to the
		// router), where values of the type are mounted; else from the
		// root, like a router a constructor makes (http.Server{Handler:
		// s.mux}).
		fa, ok := x.X.(*ssa.FieldAddr)
		if !ok || x.Op != token.MUL {
			break
		}
		if p, known := a.fieldMounted(fa, depth+1); p != "" || !known {
			return p, known
		}
		p, known := a.fieldStored(fa, depth+1)
		if t := fa.X.Type(); known && p == "" && a.isModuleHandler(t) {
			p, _, known = a.mountedAt(func(v ssa.Value) bool { return isValueOf(v, t) }, depth+1)
		}
		return p, known
	}
	return "", false
}

// isModuleHandler reports whether t is a type of the module with a
// ServeHTTP method.
func (a *analysis) isModuleHandler(t types.Type) bool {
	n, ok := types.Unalias(deref(t)).(*types.Named)
	return ok && n.Obj().Pkg() != nil && a.modPkgs[n.Obj().Pkg().Path()] && isHTTPHandler(t)
}

// middlewareRecv returns the router a Use or With call adds middleware
// to, when the call returns a router of the same routes (gin's
// IRoutes.Use, chi's Router.With).
func middlewareRecv(cc *ssa.CallCommon) (ssa.Value, bool) {
	var name string
	var recv ssa.Value
	switch {
	case cc.IsInvoke():
		name, recv = cc.Method.Name(), cc.Value
	case cc.StaticCallee() != nil && cc.StaticCallee().Signature.Recv() != nil && len(cc.Args) > 0:
		name, recv = cc.StaticCallee().Name(), cc.Args[0]
	default:
		return nil, false
	}
	if name != "Use" && name != "With" || cc.Signature().Results().Len() != 1 {
		return nil, false
	}
	return recv, true
}

// mounted returns the prefix a router made by a constructor is served
// under: the pattern of the chi Mount or the http.StripPrefix it is given
// to, in its function or, when the function returns it, at its callers;
// "" when it is not mounted.
func (a *analysis) mounted(v ssa.Value, depth int) (string, bool) {
	if depth > 8 || v.Referrers() == nil {
		return "", depth <= 8
	}
	for _, ref := range *v.Referrers() {
		switch r := ref.(type) {
		case *ssa.MakeInterface, *ssa.ChangeType, *ssa.ChangeInterface:
			if p, known := a.mounted(r.(ssa.Value), depth+1); p != "" || !known {
				return p, known
			}
		case ssa.CallInstruction:
			cc := r.Common()
			if isStripPrefix(cc) && cc.Args[1] == v {
				p, ok := constString(cc.Args[0])
				return p, ok
			}
			spec, recv, args, ok := routerMethod(cc)
			if !ok || spec.kind != regMount || spec.first >= len(args) || args[spec.first] != v {
				continue
			}
			base, known := "", true
			if recv != nil {
				base, known = a.prefix(recv, depth+1)
			}
			p, ok := constString(args[spec.path])
			if !known || !ok {
				return "", false
			}
			return joinRoute(spec.pkg, base, p), true
		case *ssa.Return:
			fn := r.Parent()
			if len(r.Results) != 1 || fn.Parent() != nil {
				continue
			}
			node := a.cg.Nodes[fn]
			if node == nil {
				continue
			}
			p, first := "", true
			for _, e := range node.In {
				call, ok := e.Site.(*ssa.Call)
				if !ok {
					return "", false
				}
				q, known := a.mounted(call, depth+1)
				if !known || !first && q != p {
					return "", false
				}
				p, first = q, false
			}
			if p != "" {
				return p, true
			}
		}
	}
	return "", true
}

// paramPrefix returns the prefix of a router parameter: for a function
// given to chi's Route or Group (a literal, a function, a method value:
// r.Route("/orders", h.Routes)), the prefix of that call; and what every
// other caller in the module passes. The router calling the function it
// was given, and a method's pointer wrapper nothing calls (an interface
// holding the value type: modules' m.Routes(r)), do not count.
func (a *analysis) paramPrefix(param *ssa.Parameter, depth int) (string, bool) {
	fn := param.Parent()
	idx := -1
	for i, p := range fn.Params {
		if p == param {
			idx = i
		}
	}
	if idx < 0 {
		return "", false
	}
	p, first := "", true
	scoped := a.routerCalls().scopes[fn]
	if len(scoped) > 0 && idx != len(fn.Params)-1 {
		return "", false // the router is the scope function's last parameter
	}
	for _, ci := range scoped {
		spec, recv, args, _ := routerMethod(ci.Common())
		q, ok := a.joinedPrefix(spec, recv, args, depth)
		if !ok || !first && q != p {
			return "", false
		}
		p, first = q, false
	}
	if fn.Parent() != nil && len(scoped) > 0 {
		return p, true
	}
	node := a.cg.Nodes[fn]
	if node == nil {
		return "", false
	}
	for _, e := range node.In {
		caller := e.Caller.Func
		if len(scoped) > 0 && (!a.funcs[caller] || isWrapper(caller)) {
			continue // the router running the scope function
		}
		if isWrapper(caller) && !strings.HasPrefix(caller.Synthetic, "bound ") {
			if n := a.cg.Nodes[caller]; n == nil || len(n.In) == 0 {
				continue
			}
		}
		if e.Site == nil {
			return "", false
		}
		cc := e.Site.Common()
		args := cc.Args
		shift := 0
		if cc.IsInvoke() {
			shift = 1 // the receiver is Params[0]
		}
		i := idx - shift
		if i < 0 || i >= len(args) || len(args)+shift != len(fn.Params) {
			return "", false
		}
		q, ok := a.prefix(args[i], depth+1)
		if !ok || !first && q != p {
			return "", false
		}
		p, first = q, false
	}
	return p, !first
}

// routerIndex holds the module's calls that put routers under a prefix
// by reference to something else than the router value they return.
type routerIndex struct {
	// scopes maps the functions given to a scope method (chi's
	// r.Route("/x", fn) and r.Group(fn), fiber's Route) to those calls:
	// a function literal, a function, or the method behind a method value
	// (r.Route("/orders", h.Routes)).
	scopes map[*ssa.Function][]ssa.CallInstruction
	// mounts are the calls that serve a handler under a prefix: chi's
	// and fiber's Mount, http.StripPrefix.
	mounts []ssa.CallInstruction
	// fields maps the struct fields that hold a router to the loads of
	// them, stores to the values stored.
	fields map[*types.Var][]*ssa.UnOp
	stores map[*types.Var][]ssa.Value
}

// routerCalls returns the index of the module's scope and mount calls.
func (a *analysis) routerCalls() *routerIndex {
	if a.routers != nil {
		return a.routers
	}
	a.routers = &routerIndex{
		scopes: make(map[*ssa.Function][]ssa.CallInstruction),
		fields: make(map[*types.Var][]*ssa.UnOp),
		stores: make(map[*types.Var][]ssa.Value),
	}
	for _, fn := range a.order {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				switch x := instr.(type) {
				case *ssa.UnOp:
					if fa, ok := x.X.(*ssa.FieldAddr); ok && x.Op == token.MUL && isRouter(x.Type()) {
						if f := fieldVar(fa); f != nil {
							a.routers.fields[f] = append(a.routers.fields[f], x)
						}
					}
				case *ssa.Store:
					if fa, ok := x.Addr.(*ssa.FieldAddr); ok && isRouter(x.Val.Type()) {
						if f := fieldVar(fa); f != nil {
							a.routers.stores[f] = append(a.routers.stores[f], x.Val)
						}
					}
				}
				ci, ok := instr.(ssa.CallInstruction)
				if !ok {
					continue
				}
				if isStripPrefix(ci.Common()) {
					a.routers.mounts = append(a.routers.mounts, ci)
					continue
				}
				spec, _, args, ok := routerMethod(ci.Common())
				if !ok || spec.first >= len(args) {
					continue
				}
				switch spec.kind {
				case regScope:
					if target := scopeFunc(args[spec.first]); target != nil {
						a.routers.scopes[target] = append(a.routers.scopes[target], ci)
					}
				case regMount:
					a.routers.mounts = append(a.routers.mounts, ci)
				}
			}
		}
	}
	return a.routers
}

// isRouter reports whether t can be a router: an http.Handler, or a
// type of a router package.
func isRouter(t types.Type) bool {
	if isHTTPHandler(t) {
		return true
	}
	n, ok := types.Unalias(deref(t)).(*types.Named)
	return ok && n.Obj().Pkg() != nil && routers[majorSuffix.ReplaceAllString(n.Obj().Pkg().Path(), "")] != nil
}

// isStripPrefix reports whether cc calls http.StripPrefix.
func isStripPrefix(cc *ssa.CallCommon) bool {
	f := cc.StaticCallee()
	return f != nil && f.Pkg != nil && f.Pkg.Pkg.Path() == "net/http" && f.Name() == "StripPrefix" && len(cc.Args) == 2
}

// mountedAt returns the prefix of the module's Mount and StripPrefix
// calls whose handler match accepts, and how many there are; known is
// false when one's prefix is unknown or two disagree. "" when there are
// none.
func (a *analysis) mountedAt(match func(ssa.Value) bool, depth int) (p string, n int, known bool) {
	for _, ci := range a.routerCalls().mounts {
		cc := ci.Common()
		var q string
		var ok bool
		if isStripPrefix(cc) {
			if !match(cc.Args[1]) {
				continue
			}
			q, ok = constString(cc.Args[0])
		} else {
			spec, recv, args, _ := routerMethod(cc)
			if !match(args[spec.first]) {
				continue
			}
			q, ok = a.joinedPrefix(spec, recv, args, depth)
		}
		if !ok || n > 0 && q != p {
			return "", n + 1, false
		}
		p, n = q, n+1
	}
	return p, n, true
}

// fieldMounted returns the prefix the router a struct field holds is
// mounted at: the one prefix the module's loads of the field are mounted
// at (mounted), "" when none is.
func (a *analysis) fieldMounted(fa *ssa.FieldAddr, depth int) (string, bool) {
	field := fieldVar(fa)
	if field == nil {
		return "", false
	}
	p := ""
	for _, load := range a.routerCalls().fields[field] {
		q, known := a.mounted(load, depth)
		if !known || q != "" && p != "" && q != p {
			return "", false
		}
		if q != "" {
			p = q
		}
	}
	return p, true
}

// fieldStored returns the prefix of the routers the module stores in
// the field fa addresses (a group made with its prefix, a router a
// constructor makes), which must agree.
func (a *analysis) fieldStored(fa *ssa.FieldAddr, depth int) (string, bool) {
	field := fieldVar(fa)
	if field == nil {
		return "", false
	}
	p, first := "", true
	for _, v := range a.routerCalls().stores[field] {
		q, known := a.prefix(v, depth)
		if !known || !first && q != p {
			return "", false
		}
		p, first = q, false
	}
	if first && !isRootRouter(fa.Type().(*types.Pointer).Elem()) {
		return "", false // set outside the module
	}
	return p, true
}

// fieldVar returns the field fa addresses.
func fieldVar(fa *ssa.FieldAddr) *types.Var {
	s, ok := deref(fa.X.Type()).Underlying().(*types.Struct)
	if !ok || fa.Field >= s.NumFields() {
		return nil
	}
	return s.Field(fa.Field)
}

// isValueOf reports whether v is a value of type t boxed in an interface.
func isValueOf(v ssa.Value, t types.Type) bool {
	mi, ok := v.(*ssa.MakeInterface)
	return ok && types.Identical(mi.X.Type(), t)
}

// scopeFunc returns the function a func value denotes: a function, a
// literal, or the method a bound method value calls.
func scopeFunc(v ssa.Value) *ssa.Function {
	switch x := v.(type) {
	case *ssa.Function:
		return x
	case *ssa.ChangeType:
		return scopeFunc(x.X)
	case *ssa.MakeClosure:
		fn := x.Fn.(*ssa.Function)
		if !strings.HasPrefix(fn.Synthetic, "bound method wrapper for ") {
			return fn
		}
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				if ci, ok := instr.(ssa.CallInstruction); ok {
					return ci.Common().StaticCallee()
				}
			}
		}
	}
	return nil
}

// denotes reports whether v is fn or a closure of it.
func denotes(v ssa.Value, fn *ssa.Function) bool {
	switch x := v.(type) {
	case *ssa.Function:
		return x == fn
	case *ssa.MakeClosure:
		return x.Fn == fn
	case *ssa.ChangeType:
		return denotes(x.X, fn)
	}
	return false
}

// embeddedField reports whether field i of the struct t (or *t) is
// embedded.
func embeddedField(t types.Type, i int) bool {
	s, ok := deref(t).Underlying().(*types.Struct)
	return ok && i < s.NumFields() && s.Field(i).Embedded()
}

// joinRoute appends a path to a group's prefix as the router does: chi
// serves "/" inside r.Route("/orders", ...) as "/orders".
func joinRoute(pkg, prefix, p string) string {
	if pkg == "github.com/gin-gonic/gin" {
		// gin joins with path.Join from "/": GET("current/user") on the
		// engine serves /current/user, Group("/user").POST("") /user.
		joined := path.Join("/", prefix, p)
		if strings.HasSuffix(p, "/") && !strings.HasSuffix(joined, "/") {
			joined += "/"
		}
		return joined
	}
	if prefix == "" {
		return p
	}
	if p == "/" && pkg == "github.com/go-chi/chi" {
		return prefix
	}
	if strings.HasSuffix(prefix, "/") && strings.HasPrefix(p, "/") {
		return prefix + p[1:]
	}
	return prefix + p
}

// joinedPrefix is the path a router call with spec makes: the prefix of
// its receiver (recv) joined with its constant path argument, or the
// receiver's prefix alone when spec takes no path.
func (a *analysis) joinedPrefix(spec regSpec, recv ssa.Value, args []ssa.Value, depth int) (string, bool) {
	base, known := "", true
	if recv != nil {
		base, known = a.prefix(recv, depth+1)
	}
	if !known {
		return "", false
	}
	if spec.path < 0 {
		return base, true
	}
	if s, ok := constString(args[spec.path]); ok {
		return joinRoute(spec.pkg, base, s), true
	}
	return "", false
}

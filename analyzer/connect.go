package analyzer

import (
	"go/constant"
	"go/types"
	"path"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// RPC over HTTP: connect-go and twirp. Their generated constructors turn a
// service implementation into one http.Handler that serves every method
// of the service at a constant path of its own:
//
//   - connect: New<Service>Handler(impl, opts ...connect.HandlerOption)
//     (string, http.Handler), the string the path to mount the handler
//     at ("/pkg.Service/"); a method is served at its procedure,
//     <Service><Method>Procedure ("/pkg.Service/Method"), by POST, and by
//     GET too when it has no side effects (the generated code passes
//     connect.WithIdempotency(connect.IdempotencyNoSideEffects));
//   - twirp: New<Service>Server(impl, opts...) TwirpServer, a handler
//     whose PathPrefix() is the path to mount it at; a method is served
//     by POST at <prefix>/<pkg.Service>/<Method>, the prefix "/twirp"
//     (<Service>PathPrefix) or the one twirp.WithServerPathPrefix names.
//
// Each method of impl's types that implements the generated interface is
// an http entry, at the registration that mounts the handler (or at the
// constructor when none is found), with the full path as its route: the
// mount's prefix (a mux under http.StripPrefix, a router group) joined with
// the method's path. impl's types are followed back as for gRPC
// (implTypes); methods left to an embedded Unimplemented… type of the
// generated package are no entries. The handler is followed forward to
// where it is mounted: through conversions, middleware wrapping it
// (a module function's, listed as the entry's Middleware), http.StripPrefix,
// the results of module functions returning it (a module's Routes()
// (string, http.Handler)) and their callers, and parameters of module
// functions. A handler whose mount cannot be found, or mounted under a
// prefix built at run time, and a twirp prefix that is not a constant
// give entries marked PrefixUnknown, their route the method's own path.

// httpService is a generated connect or twirp service handler a call makes.
type httpService struct {
	impl    ssa.Value
	iface   *types.Named
	handler []ssa.Value       // the values holding the handler
	paths   map[string]string // method name → path the handler serves it at
	verbs   map[string]string // method name → HTTP methods
	unknown bool              // the service's own prefix is built at run time
}

// connectService recognises a call of a connect-go generated
// New<Service>Handler.
func connectService(call *ssa.Call) (*httpService, bool) {
	callee := call.Call.StaticCallee()
	if callee == nil || callee.Pkg == nil {
		return nil, false
	}
	sig := callee.Signature
	svc, ok := strings.CutPrefix(callee.Name(), "New")
	svc, ok2 := strings.CutSuffix(svc, "Handler")
	if !ok || !ok2 || svc == "" || sig.Recv() != nil || !sig.Variadic() || sig.Params().Len() != 2 || sig.Results().Len() != 2 {
		return nil, false
	}
	opt, ok := sig.Params().At(1).Type().(*types.Slice)
	if !ok || !isNamed(opt.Elem(), "connectrpc.com/connect", "HandlerOption") && !isNamed(opt.Elem(), "github.com/bufbuild/connect-go", "HandlerOption") {
		return nil, false
	}
	if !isString(sig.Results().At(0).Type()) || !isNamed(sig.Results().At(1).Type(), "net/http", "Handler") {
		return nil, false
	}
	iface, ok := types.Unalias(sig.Params().At(0).Type()).(*types.Named)
	if !ok || !types.IsInterface(iface) {
		return nil, false
	}
	s := &httpService{impl: call.Call.Args[0], iface: iface, paths: map[string]string{}, verbs: map[string]string{}}
	if call.Referrers() != nil {
		for _, ref := range *call.Referrers() {
			if x, ok := ref.(*ssa.Extract); ok && x.Index == 1 {
				s.handler = append(s.handler, x)
			}
		}
	}
	// The path the constructor returns, for generated code without
	// procedure constants.
	base := ""
	for _, b := range callee.Blocks {
		if ret, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return); ok && len(ret.Results) == 2 {
			base, _ = constString(ret.Results[0])
		}
	}
	scope := callee.Pkg.Pkg.Scope()
	noSideEffects := connectNoSideEffects(callee)
	it := iface.Underlying().(*types.Interface)
	for i := 0; i < it.NumMethods(); i++ {
		m := it.Method(i).Name()
		p := ""
		if c, ok := scope.Lookup(svc + m + "Procedure").(*types.Const); ok && c.Val().Kind() == constant.String {
			p = constant.StringVal(c.Val())
		} else if strings.HasPrefix(base, "/") && strings.HasSuffix(base, "/") {
			p = base + m
		}
		if p == "" {
			continue
		}
		s.paths[m] = p
		s.verbs[m] = "POST"
		if noSideEffects[p] {
			s.verbs[m] = "GET,POST"
		}
	}
	return s, true
}

// connectNoSideEffects returns the procedures a generated constructor
// builds handlers for with connect.WithIdempotency(IdempotencyNoSideEffects),
// which connect also serves by GET.
func connectNoSideEffects(fn *ssa.Function) map[string]bool {
	out := map[string]bool{}
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			ci, ok := instr.(ssa.CallInstruction)
			if !ok || len(ci.Common().Args) < 2 {
				continue
			}
			args := ci.Common().Args
			proc, ok := constString(args[0])
			if !ok {
				continue
			}
			for _, v := range sliceElems(args[len(args)-1]) {
				switch x := v.(type) {
				case *ssa.MakeInterface:
					v = x.X
				case *ssa.ChangeInterface: // an IdempotencyOption
					v = x.X
				}
				c, ok := v.(*ssa.Call)
				if !ok || calleeName(&c.Call) != "WithIdempotency" || len(c.Call.Args) != 1 {
					continue
				}
				// connect.IdempotencyNoSideEffects is 1.
				if k, ok := c.Call.Args[0].(*ssa.Const); ok && k.Value != nil && k.Value.Kind() == constant.Int {
					if n, ok := constant.Int64Val(k.Value); ok && n == 1 {
						out[proc] = true
					}
				}
			}
		}
	}
	return out
}

// twirpService recognises a call of a twirp generated New<Service>Server.
func twirpService(call *ssa.Call) (*httpService, bool) {
	callee := call.Call.StaticCallee()
	if callee == nil || callee.Pkg == nil {
		return nil, false
	}
	sig := callee.Signature
	svc, ok := strings.CutPrefix(callee.Name(), "New")
	svc, ok2 := strings.CutSuffix(svc, "Server")
	if !ok || !ok2 || svc == "" || sig.Recv() != nil || sig.Params().Len() < 1 || sig.Results().Len() != 1 {
		return nil, false
	}
	pkg := callee.Pkg.Pkg
	res, ok := types.Unalias(sig.Results().At(0).Type()).(*types.Named)
	if !ok || res.Obj().Pkg() != pkg || res.Obj().Name() != "TwirpServer" || !isHTTPHandler(res) {
		return nil, false
	}
	iface, ok := types.Unalias(sig.Params().At(0).Type()).(*types.Named)
	if !ok || !types.IsInterface(iface) {
		return nil, false
	}
	imports := false
	for _, p := range pkg.Imports() {
		imports = imports || p.Path() == "github.com/twitchtv/twirp"
	}
	c, ok := pkg.Scope().Lookup(svc + "PathPrefix").(*types.Const)
	if !imports || !ok || c.Val().Kind() != constant.String {
		return nil, false
	}
	// "/twirp/pkg.Service/": the prefix is the default one.
	fullName := path.Base(constant.StringVal(c.Val()))
	prefix, unknown := "/twirp", false
	if sig.Variadic() && len(call.Call.Args) == 2 {
		opts := call.Call.Args[1]
		elems := sliceElems(opts)
		if k, ok := opts.(*ssa.Const); !ok || !k.IsNil() {
			unknown = elems == nil // a slice made elsewhere: it may name a prefix
		}
		for _, v := range elems {
			if mi, ok := v.(*ssa.MakeInterface); ok {
				v = mi.X
			}
			if o, ok := v.(*ssa.Call); ok && calleeName(&o.Call) == "WithServerPathPrefix" && len(o.Call.Args) == 1 {
				prefix, ok = constString(o.Call.Args[0])
				unknown = unknown || !ok
			}
		}
	}
	s := &httpService{impl: call.Call.Args[0], iface: iface, handler: []ssa.Value{call},
		paths: map[string]string{}, verbs: map[string]string{}, unknown: unknown}
	if unknown {
		prefix = ""
	}
	it := iface.Underlying().(*types.Interface)
	for i := 0; i < it.NumMethods(); i++ {
		m := it.Method(i).Name()
		s.paths[m] = path.Join("/", prefix, fullName) + "/" + m
		s.verbs[m] = "POST"
	}
	return s, true
}

// mount is a place a handler is served at.
type mount struct {
	prefix     string
	known      bool
	site       ssa.CallInstruction // the registration; nil when not found
	pkg        string              // the router package of the registration
	middleware []string            // module functions wrapping the handler
}

// mounts follows a handler value forward to where it is served.
func (a *analysis) mounts(v ssa.Value, depth int, seen map[ssa.Value]bool) []mount {
	if depth > 10 || seen[v] || v.Referrers() == nil {
		return nil
	}
	seen[v] = true
	var out []mount
	for _, ref := range *v.Referrers() {
		switch r := ref.(type) {
		case *ssa.MakeInterface, *ssa.ChangeInterface, *ssa.ChangeType, *ssa.Phi, *ssa.Convert:
			out = append(out, a.mounts(r.(ssa.Value), depth+1, seen)...)
		case *ssa.Store:
			switch addr := r.Addr.(type) {
			case *ssa.FieldAddr:
				// http.Server{Handler: h}: served from the root.
				if f := fieldVar(addr); f != nil && f.Name() == "Handler" && isNamed(addr.X.Type(), "net/http", "Server") {
					out = append(out, mount{known: true})
				}
			case *ssa.Alloc:
				// A local variable (captured by a closure too).
				out = append(out, a.loadsMounts(addr, depth, seen)...)
			case *ssa.IndexAddr:
				// An element of a variadic argument's slice.
				if alloc, ok := addr.X.(*ssa.Alloc); ok && alloc.Referrers() != nil {
					for _, ar := range *alloc.Referrers() {
						if sl, ok := ar.(*ssa.Slice); ok {
							out = append(out, a.mounts(sl, depth+1, seen)...)
						}
					}
				}
			}
		case *ssa.Return:
			out = append(out, a.returnMounts(r, v, depth, seen)...)
		case ssa.CallInstruction:
			out = append(out, a.callMounts(r, v, depth, seen)...)
		}
	}
	return out
}

// loadsMounts follows the loads of a local variable holding a handler.
func (a *analysis) loadsMounts(addr ssa.Value, depth int, seen map[ssa.Value]bool) []mount {
	var out []mount
	if addr.Referrers() == nil {
		return nil
	}
	for _, ar := range *addr.Referrers() {
		if u, ok := ar.(*ssa.UnOp); ok && u.X == addr {
			out = append(out, a.mounts(u, depth+1, seen)...)
		}
	}
	// A variable a closure captures: the loads of its free variable.
	for _, ar := range *addr.Referrers() {
		mc, ok := ar.(*ssa.MakeClosure)
		if !ok {
			continue
		}
		fn := mc.Fn.(*ssa.Function)
		for i, b := range mc.Bindings {
			if b == addr && i < len(fn.FreeVars) {
				out = append(out, a.loadsMounts(fn.FreeVars[i], depth+1, seen)...)
			}
		}
	}
	return out
}

// returnMounts follows a handler a module function returns to its
// callers.
func (a *analysis) returnMounts(r *ssa.Return, v ssa.Value, depth int, seen map[ssa.Value]bool) []mount {
	fn := r.Parent()
	idx := -1
	for i, res := range r.Results {
		if res == v {
			idx = i
		}
	}
	node := a.cg.Nodes[fn]
	if idx < 0 || node == nil {
		return nil
	}
	var out []mount
	for _, e := range node.In {
		call, ok := e.Site.(*ssa.Call)
		if !ok || call.Call.StaticCallee() != fn && !call.Call.IsInvoke() {
			continue
		}
		if len(r.Results) == 1 {
			out = append(out, a.mounts(call, depth+1, seen)...)
			continue
		}
		if call.Referrers() == nil {
			continue
		}
		for _, ref := range *call.Referrers() {
			if x, ok := ref.(*ssa.Extract); ok && x.Index == idx {
				out = append(out, a.mounts(x, depth+1, seen)...)
			}
		}
	}
	return out
}

// callMounts follows a handler given to a call: a router's registration,
// a server, http.StripPrefix, middleware, a module function.
func (a *analysis) callMounts(ci ssa.CallInstruction, v ssa.Value, depth int, seen map[ssa.Value]bool) []mount {
	cc := ci.Common()
	if cc.Value == v && !cc.IsInvoke() {
		return nil // called, not passed
	}
	if spec, recv, args, ok := routerMethod(cc); ok && (spec.kind == regRoute || spec.kind == regMount) {
		last := spec.last
		if last < 0 || last > len(args) {
			last = len(args)
		}
		for i := spec.first; i < last; i++ {
			if args[i] != v {
				continue
			}
			p, known := "", true
			if recv != nil {
				p, known = a.prefix(recv, 0)
			}
			return []mount{{prefix: p, known: known, site: ci, pkg: spec.pkg}}
		}
		return nil
	}
	callee := cc.StaticCallee()
	if isStripPrefix(cc) && cc.Args[1] == v {
		call, ok := ci.(*ssa.Call)
		if !ok {
			return nil
		}
		p, known := constString(cc.Args[0])
		var out []mount
		for _, m := range a.mounts(call, depth+1, seen) {
			m.prefix, m.known = joinRoute("", m.prefix, p), m.known && known
			out = append(out, m)
		}
		return out
	}
	if callee != nil && callee.Pkg != nil && callee.Pkg.Pkg.Path() == "net/http" && callee.Signature.Recv() == nil {
		switch callee.Name() {
		case "ListenAndServe", "ListenAndServeTLS", "Serve", "ServeTLS":
			return []mount{{known: true, site: ci}}
		}
	}
	if call, ok := ci.(*ssa.Call); ok && returnsHandler(cc.Signature()) {
		// Middleware wrapping the handler (logged(h), gin.WrapH(h),
		// h2c.NewHandler(h, s)): where its result is served.
		out := a.mounts(call, depth+1, seen)
		if callee != nil && a.funcs[callee] {
			if id, _ := a.funcID(callee); id != "" {
				for i := range out {
					out[i].middleware = append([]string{id}, out[i].middleware...)
				}
			}
		}
		return out
	}
	if callee != nil && a.funcs[callee] && len(cc.Args) == len(callee.Params) {
		// A module function registering the handler it is given.
		var out []mount
		for i, arg := range cc.Args {
			if arg == v {
				out = append(out, a.mounts(callee.Params[i], depth+1, seen)...)
			}
		}
		return out
	}
	return nil
}

// httpRPCEntry is an http entry of a connect or twirp method.
type httpRPCEntry struct {
	id, method, route string
	middleware        []string
	prefixUnknown     bool
	site              ssa.CallInstruction
}

// httpRPCs is what the module's connect and twirp services serve.
type httpRPCs struct {
	entries []httpRPCEntry
	// generated are the packages of the generated code serving them, and
	// sites the registrations mounting their handlers: neither makes
	// entries of its own (the generated handler, a middleware wrapping
	// it).
	generated map[string]bool
	sites     map[ssa.CallInstruction]bool
}

// httpRPCEntries returns the entries of the module's connect and twirp
// services.
func (a *analysis) httpRPCEntries() httpRPCs {
	out := httpRPCs{generated: map[string]bool{}, sites: map[ssa.CallInstruction]bool{}}
	for _, fn := range a.order {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				call, ok := instr.(*ssa.Call)
				if !ok {
					continue
				}
				s, ok := connectService(call)
				if !ok {
					s, ok = twirpService(call)
				}
				if !ok {
					continue
				}
				out.generated[call.Call.StaticCallee().Pkg.Pkg.Path()] = true
				var ms []mount
				seen := map[ssa.Value]bool{}
				for _, h := range s.handler {
					ms = append(ms, a.mounts(h, 0, seen)...)
				}
				for _, m := range ms {
					if m.site != nil {
						out.sites[m.site] = true
					}
				}
				if len(ms) == 0 {
					ms = []mount{{}}
				}
				for _, id := range a.serviceMethods(s) {
					for _, m := range ms {
						e := httpRPCEntry{id: id.id, method: s.verbs[id.name], middleware: m.middleware, site: m.site}
						if e.site == nil {
							e.site = call
						}
						e.prefixUnknown = !m.known || s.unknown
						e.route = s.paths[id.name]
						if !e.prefixUnknown {
							e.route = joinRoute(m.pkg, m.prefix, e.route)
						}
						out.entries = append(out.entries, e)
					}
				}
			}
		}
	}
	return out
}

// serviceMethod is a module method serving an RPC of a service.
type serviceMethod struct{ id, name string }

// serviceMethods returns the module methods of the service's
// implementation that serve its RPCs.
func (a *analysis) serviceMethods(s *httpService) []serviceMethod {
	impls := a.implTypes(s.impl, 0)
	if len(impls) == 0 {
		impls = a.implementers(s.iface)
	}
	pb := s.iface.Obj().Pkg()
	it := s.iface.Underlying().(*types.Interface)
	var out []serviceMethod
	for _, t := range impls {
		ms := a.prog.MethodSets.MethodSet(t)
		for i := 0; i < it.NumMethods(); i++ {
			m := it.Method(i)
			if s.paths[m.Name()] == "" {
				continue
			}
			sel := ms.Lookup(m.Pkg(), m.Name())
			if sel == nil {
				continue
			}
			fn, ok := sel.Obj().(*types.Func)
			if !ok || fn.Pkg() == nil || fn.Pkg() == pb || !a.modPkgs[fn.Pkg().Path()] {
				continue
			}
			out = append(out, serviceMethod{fn.Origin().FullName(), m.Name()})
		}
	}
	return out
}

// idPackage returns the package path of a Func ID
// ("(*example.com/x/gen/hats/v1.haberdasherServer).ServeHTTP").
func idPackage(id string) string {
	id = strings.TrimPrefix(strings.TrimPrefix(id, "("), "*")
	if i := strings.Index(id, ")"); i >= 0 {
		id = id[:i]
	}
	slash := strings.LastIndex(id, "/")
	if i := strings.Index(id[slash+1:], "."); i >= 0 {
		return id[:slash+1+i]
	}
	return id
}

package analyzer

import (
	"go/constant"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// gRPC services. A call of a generated Register<Service>Server(s, impl)
// (s a grpc.ServiceRegistrar or *grpc.Server, impl the generated
// <Service>Server interface) serves impl's methods of that interface:
// each is an rpc entry. impl's concrete types are followed back like a
// served http.Handler (conversions, variables, parameters, constructors
// returning the interface); when they cannot be told, every module type
// implementing the interface stands in. Methods left to an embedded
// Unimplemented<Service>Server (declared in the generated package) are
// no entries. The route is the full method name, from the generated
// <Service>_<Method>_FullMethodName constant, else the service
// descriptor's ServiceName (generated code of the module), else the
// method's name alone.

// rpcRegistration returns the implementation a call registers on a gRPC
// server, with the interface it implements and the service's name.
func rpcRegistration(cc *ssa.CallCommon) (impl ssa.Value, iface *types.Named, service string, callee *ssa.Function, ok bool) {
	callee = cc.StaticCallee()
	if callee == nil || len(cc.Args) != 2 {
		return nil, nil, "", nil, false
	}
	name := callee.Name()
	service, ok = strings.CutPrefix(name, "Register")
	service, ok2 := strings.CutSuffix(service, "Server")
	sig := callee.Signature
	if !ok || !ok2 || service == "" || sig.Recv() != nil || sig.Params().Len() != 2 {
		return nil, nil, "", nil, false
	}
	srv := sig.Params().At(0).Type()
	if !isNamed(srv, "google.golang.org/grpc", "ServiceRegistrar") && !isNamed(srv, "google.golang.org/grpc", "Server") {
		return nil, nil, "", nil, false
	}
	iface, ok = types.Unalias(sig.Params().At(1).Type()).(*types.Named)
	if !ok || !types.IsInterface(iface) {
		return nil, nil, "", nil, false
	}
	return cc.Args[1], iface, service, callee, true
}

// rpcEntries returns the rpc entries a registration makes: function IDs
// with their routes.
func (a *analysis) rpcEntries(cc *ssa.CallCommon) (ids, routes []string) {
	impl, iface, service, callee, ok := rpcRegistration(cc)
	if !ok {
		return nil, nil
	}
	impls := a.implTypes(impl, 0)
	if len(impls) == 0 {
		impls = a.implementers(iface)
	}
	pb := iface.Obj().Pkg()
	it := iface.Underlying().(*types.Interface)
	svcName := ""
	for _, t := range impls {
		ms := a.prog.MethodSets.MethodSet(t)
		for i := 0; i < it.NumMethods(); i++ {
			m := it.Method(i)
			if !m.Exported() {
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
			route := m.Name()
			if c, ok := pb.Scope().Lookup(service + "_" + m.Name() + "_FullMethodName").(*types.Const); ok && c.Val().Kind() == constant.String {
				route = constant.StringVal(c.Val())
			} else {
				if svcName == "" {
					svcName = a.serviceName(callee)
				}
				if svcName != "" {
					route = "/" + svcName + "/" + m.Name()
				}
			}
			ids = append(ids, fn.Origin().FullName())
			routes = append(routes, route)
		}
	}
	return ids, routes
}

// serviceName returns the ServiceName of the descriptor a generated
// Register function (of the module) hands to RegisterService.
func (a *analysis) serviceName(register *ssa.Function) string {
	for _, b := range register.Blocks {
		for _, instr := range b.Instrs {
			ci, ok := instr.(ssa.CallInstruction)
			if !ok || calleeName(ci.Common()) != "RegisterService" || len(ci.Common().Args) == 0 {
				continue
			}
			args := ci.Common().Args
			desc, ok := args[len(args)-2].(*ssa.Global)
			if !ok {
				continue
			}
			// The initializer builds the literal in place or in a
			// temporary it copies.
			addrs := []ssa.Value{desc}
			for _, v := range a.globalInits()[desc] {
				if u, ok := v.(*ssa.UnOp); ok && u.Op == token.MUL {
					addrs = append(addrs, u.X)
				}
			}
			for _, addr := range addrs {
				if name := fieldString(addr, "ServiceName"); name != "" {
					return name
				}
			}
		}
	}
	return ""
}

// implTypes returns the concrete types of the values v may hold, as far
// as they can be followed.
func (a *analysis) implTypes(v ssa.Value, depth int) []types.Type {
	if depth > 10 {
		return nil
	}
	var out []types.Type
	add := func(ts []types.Type) {
		for _, t := range ts {
			dup := false
			for _, u := range out {
				dup = dup || types.Identical(t, u)
			}
			if !dup {
				out = append(out, t)
			}
		}
	}
	switch x := v.(type) {
	case *ssa.MakeInterface:
		return []types.Type{x.X.Type()}
	case *ssa.ChangeInterface:
		return a.implTypes(x.X, depth+1)
	case *ssa.TypeAssert:
		return a.implTypes(x.X, depth+1)
	case *ssa.Phi:
		for _, e := range x.Edges {
			add(a.implTypes(e, depth+1))
		}
	case *ssa.UnOp:
		if x.Op == token.MUL {
			switch addr := x.X.(type) {
			case *ssa.Global:
				for _, v := range a.globalInits()[addr] {
					add(a.implTypes(v, depth+1))
				}
			case *ssa.Alloc, *ssa.FreeVar:
				for _, v := range storedIn(addr) {
					add(a.implTypes(v, depth+1))
				}
			}
		}
	case *ssa.Parameter:
		fn := x.Parent()
		idx := -1
		for i, p := range fn.Params {
			if p == x {
				idx = i
			}
		}
		if node := a.cg.Nodes[fn]; node != nil && idx >= 0 {
			for _, e := range node.In {
				if e.Site == nil {
					continue
				}
				args := e.Site.Common().Args
				i := idx
				if e.Site.Common().IsInvoke() {
					i--
				}
				if i >= 0 && i < len(args) && len(args)+idx-i == len(fn.Params) {
					add(a.implTypes(args[i], depth+1))
				}
			}
		}
	case *ssa.Call:
		if callee := x.Call.StaticCallee(); callee != nil && a.funcs[callee] {
			for _, b := range callee.Blocks {
				if n := len(b.Instrs); n > 0 {
					if ret, ok := b.Instrs[n-1].(*ssa.Return); ok && len(ret.Results) > 0 {
						add(a.implTypes(ret.Results[0], depth+1))
					}
				}
			}
		}
	case *ssa.Extract:
		if call, ok := x.Tuple.(*ssa.Call); ok {
			if callee := call.Call.StaticCallee(); callee != nil && a.funcs[callee] {
				for _, b := range callee.Blocks {
					if n := len(b.Instrs); n > 0 {
						if ret, ok := b.Instrs[n-1].(*ssa.Return); ok && x.Index < len(ret.Results) {
							add(a.implTypes(ret.Results[x.Index], depth+1))
						}
					}
				}
			}
		}
	}
	return out
}

// implementers returns the module's named types (or pointers to them)
// that implement iface, outside iface's own package.
func (a *analysis) implementers(iface *types.Named) []types.Type {
	it := iface.Underlying().(*types.Interface)
	var out []types.Type
	seen := map[*types.TypeName]bool{}
	for _, p := range a.pkgs {
		if p.Types == nil || p.Types == iface.Obj().Pkg() || strings.HasSuffix(p.ID, ".test") {
			continue
		}
		scope := p.Types.Scope()
		for _, name := range scope.Names() {
			tn, ok := scope.Lookup(name).(*types.TypeName)
			if !ok || seen[tn] || types.IsInterface(tn.Type()) {
				continue
			}
			seen[tn] = true
			if types.Implements(tn.Type(), it) {
				out = append(out, tn.Type())
			} else if ptr := types.NewPointer(tn.Type()); types.Implements(ptr, it) {
				out = append(out, ptr)
			}
		}
	}
	return out
}

// fieldString returns the string constant stored in the field name of
// the struct addr points to.
func fieldString(addr ssa.Value, name string) string {
	if addr.Referrers() == nil {
		return ""
	}
	for _, ref := range *addr.Referrers() {
		fa, ok := ref.(*ssa.FieldAddr)
		if !ok || fa.Referrers() == nil {
			continue
		}
		if s, ok := deref(fa.X.Type()).Underlying().(*types.Struct); !ok || s.Field(fa.Field).Name() != name {
			continue
		}
		for _, r := range *fa.Referrers() {
			if st, ok := r.(*ssa.Store); ok && st.Addr == fa {
				if v, ok := constString(st.Val); ok {
					return v
				}
			}
		}
	}
	return ""
}

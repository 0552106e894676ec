package rewriter

import (
	"fmt"
	"sort"
	"strings"

	"github.com/cleave-go/cleave/analyzer"
)

// RouteInfo is an HTTP route a service's process serves: the edge forwards
// its requests to that service over the bus (runtime bus.SetRoutes).
type RouteInfo struct {
	Method string `json:"method,omitempty"` // empty: any
	Route  string `json:"route"`
}

// route is one forwarded route with its service.
type route struct {
	RouteInfo
	service string
}

// httpRoutes returns the HTTP routes of Options.Graph whose handlers the
// plan puts in a service: the routes of the services other than edge, and,
// when there are any, the edge's own (so that the most specific route wins
// between them). A route whose path is not a constant or whose prefix is
// unknown (analyzer.Entry.PrefixUnknown), whose handler's
// package no service holds, or whose handlers several services other than
// the edge hold (middleware and handler apart) is left to the edge, which
// serves what no route names. Sorted by service, route and method.
func (r *rewrite) httpRoutes(edge string) []route {
	g := r.opts.Graph
	if g == nil || edge == "" {
		return nil
	}
	pkgOf := map[string]string{}
	for _, f := range g.Funcs {
		pkgOf[f.ID] = f.Package
	}
	type key struct{ method, route string }
	owners := map[key]map[string]bool{}
	var keys []key
	for _, e := range g.Entries {
		// A route whose prefix the analysis could not follow (a group
		// built at run time) may not be the path a request has: the edge
		// serves it.
		if e.Kind != analyzer.EntryHTTP || e.Route == "" || e.PrefixUnknown {
			continue
		}
		p := pkgOf[e.Func]
		if p == "" {
			p = funcPackage(e.Func)
		}
		svc, ok := r.svcOf[p]
		if !ok {
			continue
		}
		k := key{e.Method, e.Route}
		if owners[k] == nil {
			owners[k] = map[string]bool{}
			keys = append(keys, k)
		}
		owners[k][svc] = true
	}
	var out []route
	forwarded := false
	for _, k := range keys {
		var others []string
		for s := range owners[k] {
			if s != edge {
				others = append(others, s)
			}
		}
		svc := edge
		if len(others) == 1 {
			svc = others[0]
			forwarded = true
		}
		out = append(out, route{RouteInfo{Method: k.method, Route: k.route}, svc})
	}
	if !forwarded {
		return nil
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.service != b.service {
			return a.service < b.service
		}
		if a.Route != b.Route {
			return a.Route < b.Route
		}
		return a.Method < b.Method
	})
	return out
}

// funcPackage returns the package path of a function ID
// ("example.com/shop/users.List", "(*example.com/shop/users.Handler).Get",
// "example.com/shop/users.Routes$1").
func funcPackage(id string) string {
	id = strings.TrimPrefix(id, "(")
	id = strings.TrimPrefix(id, "*")
	if i := strings.Index(id, ")"); i >= 0 {
		id = id[:i]
	}
	slash := strings.LastIndex(id, "/")
	if i := strings.Index(id[slash+1:], "."); i >= 0 {
		return id[:slash+1+i]
	}
	return id
}

// routesSource is the Go source of the route table a main sets:
// "[]bus.Route{...}", bus the runtime's import name.
func routesSource(bus string, routes []route) string {
	var b strings.Builder
	fmt.Fprintf(&b, "[]%s.Route{\n", bus)
	for _, rt := range routes {
		fmt.Fprintf(&b, "\t{Method: %q, Pattern: %q, Service: %q},\n", rt.Method, rt.Route, rt.service)
	}
	b.WriteString("}")
	return b.String()
}

// grpcMethod is a gRPC method whose calls a service other than the edge
// serves.
type grpcMethod struct {
	method  string // full name, "/pkg.Service/Method"
	service string
}

// grpcMethods returns the gRPC methods of Options.Graph (rpc entries with a
// full method name) whose handlers the plan puts in one service other than
// edge: the unary ones, whose calls the edge forwards to that service
// (runtime bus.SetGRPCMethods), and the streaming ones, which the edge
// serves itself. A method whose handlers several services hold, or whose
// handler's package no service holds, stays in the edge. Each list is
// sorted by service and method.
func (r *rewrite) grpcMethods(edge string) (unary, streaming []grpcMethod) {
	g := r.opts.Graph
	if g == nil || edge == "" {
		return nil, nil
	}
	funcs := map[string]*analyzer.Func{}
	for _, f := range g.Funcs {
		funcs[f.ID] = f
	}
	owners := map[string]map[string]bool{}
	isUnary := map[string]bool{}
	var methods []string
	for _, e := range g.Entries {
		if e.Kind != analyzer.EntryRPC || !strings.HasPrefix(e.Route, "/") {
			continue
		}
		p := funcPackage(e.Func)
		f := funcs[e.Func]
		if f != nil && f.Package != "" {
			p = f.Package
		}
		svc, ok := r.svcOf[p]
		if !ok {
			continue
		}
		if owners[e.Route] == nil {
			owners[e.Route] = map[string]bool{}
			methods = append(methods, e.Route)
			isUnary[e.Route] = true
		}
		owners[e.Route][svc] = true
		// A unary method's handler is func(ctx, req) (resp, error); a
		// streaming one's takes the stream.
		isUnary[e.Route] = isUnary[e.Route] && f != nil && len(f.Params) == 2 && f.Params[0].Type == "context.Context" && len(f.Results) == 2
	}
	for _, m := range methods {
		if len(owners[m]) != 1 {
			continue
		}
		for s := range owners[m] {
			switch {
			case s == edge:
			case isUnary[m]:
				unary = append(unary, grpcMethod{m, s})
			default:
				streaming = append(streaming, grpcMethod{m, s})
			}
		}
	}
	for _, l := range [][]grpcMethod{unary, streaming} {
		sort.Slice(l, func(i, j int) bool {
			if l[i].service != l[j].service {
				return l[i].service < l[j].service
			}
			return l[i].method < l[j].method
		})
	}
	return unary, streaming
}

// grpcSource is the Go source of the gRPC method table a main sets:
// "[]bus.GRPCMethod{...}", bus the runtime's import name.
func grpcSource(bus string, methods []grpcMethod) string {
	var b strings.Builder
	fmt.Fprintf(&b, "[]%s.GRPCMethod{\n", bus)
	for _, m := range methods {
		fmt.Fprintf(&b, "\t{Method: %q, Service: %q},\n", m.method, m.service)
	}
	b.WriteString("}")
	return b.String()
}

// grpcNames returns the full names of methods, joined by ", ".
func grpcNames(methods []grpcMethod) string {
	var names []string
	for _, m := range methods {
		names = append(names, m.method)
	}
	return strings.Join(names, ", ")
}

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
// between them). A route whose path is not a constant, whose handler's
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
		if e.Kind != analyzer.EntryHTTP || e.Route == "" {
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

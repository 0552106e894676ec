package rewriter

import (
	"testing"

	"github.com/cleave-go/cleave/analyzer"
)

func TestFuncPackage(t *testing.T) {
	for id, want := range map[string]string{
		"example.com/shop/users.List":              "example.com/shop/users",
		"(*example.com/shop/users.Handler).Get":    "example.com/shop/users",
		"(example.com/shop/users.Handler).Get":     "example.com/shop/users",
		"example.com/shop/users.Routes$1":          "example.com/shop/users",
		"example.com/shop.main$2":                  "example.com/shop",
		"(*example.com/v.2/x.T).M":                 "example.com/v.2/x",
		"example.com/shop/internal/users.init#1$1": "example.com/shop/internal/users",
	} {
		if got := funcPackage(id); got != want {
			t.Errorf("funcPackage(%q) = %q; want %q", id, got, want)
		}
	}
}

func TestRoutesSource(t *testing.T) {
	got := routesSource("bus", []route{{RouteInfo{Method: "GET", Route: "/users/{id}"}, "users"}})
	want := "[]bus.Route{\n\t{Method: \"GET\", Pattern: \"/users/{id}\", Service: \"users\"},\n}"
	if got != want {
		t.Errorf("routesSource = %q; want %q", got, want)
	}
}

// TestRoutesPrefixUnknown: a route whose prefix the analysis could not
// follow (a group named at run time) is not forwarded: the path as written
// may not be the path requests have, and the edge serves it as before.
func TestRoutesPrefixUnknown(t *testing.T) {
	g := &analyzer.Graph{
		Funcs: []*analyzer.Func{
			{ID: "example.com/m/users.List", Package: "example.com/m/users"},
			{ID: "example.com/m/users.Get", Package: "example.com/m/users"},
		},
		Entries: []*analyzer.Entry{
			{Kind: analyzer.EntryHTTP, Func: "example.com/m/users.List", Method: "GET", Route: "/api/users"},
			{Kind: analyzer.EntryHTTP, Func: "example.com/m/users.Get", Method: "GET", Route: "/users/{id}", PrefixUnknown: true},
		},
	}
	r := &rewrite{opts: Options{Graph: g}, svcOf: map[string]string{"example.com/m/users": "users", "example.com/m/cmd/m": "web"}}
	var got []string
	for _, rt := range r.httpRoutes("web") {
		got = append(got, rt.service+" "+rt.Method+" "+rt.Route)
	}
	if len(got) != 1 || got[0] != "users GET /api/users" {
		t.Errorf("routes = %q; want only users GET /api/users", got)
	}
}

package rewriter

import "testing"

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

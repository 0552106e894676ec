package planner

import (
	"context"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cleave-go/cleave/analyzer"
)

// TestModularMonolith plans testdata/modmono/app, shaped like the modular
// monoliths found in the wild: main at the module root wires modules under
// internal/modules onto a router from another module (handlers take its
// *Context and the module never calls them by name), a library under
// internal/platform every module uses, middleware under pkg/, and a test
// kit only _test files import, and a health check that imports nothing of
// the module, part of the gateway. The catalog, which other modules call at
// request time, is a service; the modules only main calls (billing, the
// legacy catalog) and orders, which calls the catalog but which no module
// calls, serve no topic: their handlers run in the gateway, which serves
// HTTP, so they are merged into it, each with a note. The libraries and the
// test kit are shared; the interface call into the catalog is a topic; the
// catalog's wiring — a constructor returning the module's interface, route
// registration, a migration with no parameters — and a value's methods (one
// computing on the value, one querying the database through a shared
// handle, which apply leaves alone) stay in-process.
func TestModularMonolith(t *testing.T) {
	g, err := analyzer.Load(context.Background(), filepath.Join("testdata", "modmono", "app"), []string{"./..."}, analyzer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := Propose(context.Background(), g, Constraints{})
	if err != nil {
		t.Fatal(err)
	}
	const m = "example.com/modmono"
	short := func(path string) string { return strings.TrimPrefix(strings.TrimPrefix(path, m), "/") }
	services := map[string]string{}
	for _, s := range p.Services {
		var pkgs []string
		for _, path := range s.Packages {
			pkgs = append(pkgs, short(path))
		}
		name := s.Name
		if s.Edge {
			name += "*"
		}
		services[name] = strings.Join(pkgs, ",")
	}
	wantServices := map[string]string{
		"gateway*": ",internal/health,internal/legacy/catalog,internal/modules/billing,internal/modules/orders",
		"catalog":  "internal/modules/catalog",
	}
	if !maps.Equal(services, wantServices) {
		t.Errorf("services = %v; want %v", services, wantServices)
	}
	var shared []string
	for _, path := range p.Shared {
		shared = append(shared, short(path))
	}
	if want := []string{"internal/platform/logx", "internal/platform/store", "internal/testkit", "pkg/mw"}; !slices.Equal(shared, want) {
		t.Errorf("shared = %v; want %v", shared, want)
	}
	var topics []string
	for _, tp := range p.Topics {
		topics = append(topics, tp.Subject+" "+tp.Kind+" "+strings.Join(tp.Producers, ","))
	}
	// Product.InStock queries the database, but on a value the caller
	// holds: cleave apply leaves calls of value methods alone, so the
	// plan lists it in-process (value), not as a topic.
	if want := []string{"modmono.catalog.service.Price request gateway"}; !slices.Equal(topics, want) {
		t.Errorf("topics = %v; want %v", topics, want)
	}
	inproc := map[string]string{}
	for _, ip := range p.InProcess {
		fn := ip.Function
		if !strings.HasPrefix(fn, "(") {
			fn = short(fn)
		}
		inproc[fn] = ip.Reason
	}
	wantIn := map[string]string{
		"internal/modules/catalog.Migrate":                     ReasonStartup,
		"internal/modules/catalog.NewService":                  ReasonStartup,
		"internal/modules/catalog.Register":                    ReasonStartup,
		"(" + m + "/internal/modules/catalog.Product).Total":   ReasonValue,
		"(" + m + "/internal/modules/catalog.Product).InStock": ReasonValue,
	}
	if !maps.Equal(inproc, wantIn) {
		t.Errorf("in_process = %v; want %v", inproc, wantIn)
	}
	if len(p.Blockers) != 0 {
		t.Errorf("blockers = %+v; want none", p.Blockers)
	}
	var merged []string
	for _, n := range p.Notes {
		if name, ok := strings.CutPrefix(n, "merged service "); ok {
			merged = append(merged, strings.Fields(name)[0])
		}
	}
	if want := []string{"billing", "legacycatalog", "orders"}; !slices.Equal(merged, want) {
		t.Errorf("notes = %q; want merges of %v", p.Notes, want)
	}
}

// TestIsHandler checks the shapes of request handlers a router or an RPC
// server outside the module calls.
func TestIsHandler(t *testing.T) {
	for _, tc := range []struct {
		params []string
		want   bool
	}{
		{[]string{"net/http.ResponseWriter", "*net/http.Request"}, true},
		{[]string{"*github.com/gin-gonic/gin.Context"}, true},
		{[]string{"github.com/labstack/echo/v4.Context"}, true},
		{[]string{"*github.com/go-ozzo/ozzo-routing/v2.Context"}, true},
		{[]string{"*github.com/gofiber/fiber/v2.Ctx"}, true},
		{[]string{"interface{}", "context.Context", "func(interface{}) error", "google.golang.org/grpc.UnaryServerInterceptor"}, true},
		{[]string{"context.Context", "string"}, false},
		{[]string{"*example.com/m/orders.Context"}, false}, // the module's own type
		{[]string{"*example.com/other/web.Context"}, true},
		{[]string{"func(*github.com/gin-gonic/gin.Context)"}, false},
		{nil, false},
	} {
		f := &analyzer.Func{ID: "example.com/m/api.H", Package: "example.com/m/api", Name: "H"}
		for i, typ := range tc.params {
			f.Params = append(f.Params, analyzer.Param{Name: string(rune('a' + i)), Type: typ})
		}
		if got := isHandler(f, "example.com/m"); got != tc.want {
			t.Errorf("isHandler(%v) = %v; want %v", tc.params, got, tc.want)
		}
	}
}

// TestParentElem checks the directory that qualifies a clashing service
// name.
func TestParentElem(t *testing.T) {
	for _, tc := range []struct{ module, dir, want string }{
		{"github.com/gohugoio/hugo", "resources/resource_factories/create", "resource_factories"},
		{"github.com/gohugoio/hugo", "create", "hugo"},
		{"example.com/m", "internal/proto/account/v1", "proto"},
		{"example.com/m", "internal/legacy/catalog", "legacy"},
		{"example.com/m/v2", "catalog", "m"},
	} {
		if got := parentElem(tc.module, tc.dir); got != tc.want {
			t.Errorf("parentElem(%q, %q) = %q; want %q", tc.module, tc.dir, got, tc.want)
		}
	}
}

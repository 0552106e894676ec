package review

import (
	"os"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/cleave-go/cleave/analyzer"
	"github.com/cleave-go/cleave/planner"
)

// fixturePlan reads testdata/plan.yaml.
func fixturePlan(t testing.TB) *planner.Plan {
	t.Helper()
	data, err := os.ReadFile("testdata/plan.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var p planner.Plan
	if err := yaml.Unmarshal(data, &p); err != nil {
		t.Fatal(err)
	}
	return &p
}

// fixtureGraph is a graph of the fixture plan's module: its packages with
// their sizes and the calls behind the plan's topics.
func fixtureGraph() *analyzer.Graph {
	pkg := func(path string, lines int, main bool) *analyzer.Package {
		return &analyzer.Package{Path: "example.com/shop/" + path, Name: path, Dir: path, Lines: lines, Main: main}
	}
	g := &analyzer.Graph{Version: 1, Module: "example.com/shop", Algorithm: "static",
		Packages: []*analyzer.Package{
			pkg("billing", 412, false), pkg("cart", 233, false), pkg("cmd/shop", 61, true),
			pkg("http", 540, false), pkg("ids", 38, false), pkg("inventory", 377, false),
			pkg("invoice", 190, false), pkg("money", 85, false), pkg("notify", 144, false),
			pkg("orders", 618, false),
		}}
	call := func(caller, callee, file string, line int) *analyzer.Call {
		return &analyzer.Call{Caller: caller, Callee: callee, Via: analyzer.ViaStatic, Mode: analyzer.ModeCall,
			Site: analyzer.Span{Pos: analyzer.Pos{File: file, Line: line, Col: 9}}}
	}
	const m = "example.com/shop/"
	g.Calls = []*analyzer.Call{
		call(m+"http.placeOrder", "(*"+m+"orders.Service).Place", "http/orders.go", 41),
		call(m+"http.placeOrder", "(*"+m+"orders.Service).Place", "http/orders.go", 77),
		call(m+"http.catalog", m+"inventory.Stock", "http/catalog.go", 22),
		call("(*"+m+"orders.Service).Place", m+"inventory.Reserve", "orders/place.go", 58),
		call("(*"+m+"orders.Service).Place", m+"inventory.Reserve", "orders/place.go", 91),
		call(m+"cart.Add", m+"inventory.Reserve", "cart/cart.go", 30),
		call("(*"+m+"orders.Service).Place", m+"billing.Charge", "orders/place.go", 66),
		call("(*"+m+"orders.Service).Place", m+"notify.OrderPlaced", "orders/place.go", 80),
		call(m+"billing.Charge", m+"notify.OrderPlaced", "billing/charge.go", 52),
		call(m+"billing.Charge", m+"orders.Refund", "billing/charge.go", 88),
		call(m+"billing.Charge", m+"invoice.Write", "billing/charge.go", 95),
		call(m+"cart.Add", m+"orders.Draft", "cart/cart.go", 44),
		call(m+"cmd/shop.main", m+"http.Serve", "cmd/shop/main.go", 12),
	}
	return g
}

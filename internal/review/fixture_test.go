package review

import (
	"os"
	"slices"
	"strings"
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

// fakeRefresh stands in for planner.Refresh on fixtureGraph: one topic
// per callee called from another service, ICP as the share of crossing
// calls, a blocker kept for every topic that still exists.
func fakeRefresh(g *analyzer.Graph) Replanner {
	return func(p *planner.Plan) error {
		svc := map[string]string{}
		for _, s := range p.Services {
			for _, pkg := range s.Packages {
				svc[pkg] = s.Name
			}
		}
		kinds := map[string]string{}
		for _, t := range p.Topics {
			kinds[t.Function] = t.Kind
		}
		for _, k := range p.Constraints.Kinds {
			kinds[k.Function] = k.Kind
		}
		topics := map[string]*planner.Topic{}
		var order []string
		crossing := 0
		for _, c := range g.Calls {
			from, to := svc[funcPkg(c.Caller)], svc[funcPkg(c.Callee)]
			if from == "" || to == "" || from == to {
				continue
			}
			crossing++
			t := topics[c.Callee]
			if t == nil {
				name := c.Callee[strings.LastIndex(c.Callee, "/")+1:]
				name = strings.NewReplacer("(*", "", "(", "", ")", "").Replace(name)
				name = name[strings.Index(name, ".")+1:]
				kind := kinds[c.Callee]
				if kind == "" {
					kind = planner.KindRequest
				}
				t = &planner.Topic{Subject: p.Prefix + "." + to + "." + name, Kind: kind, Function: c.Callee, Consumer: to}
				topics[c.Callee] = t
				order = append(order, c.Callee)
			}
			if !slices.Contains(t.Producers, from) {
				t.Producers = append(t.Producers, from)
				slices.Sort(t.Producers)
			}
			t.Sites = append(t.Sites, c.Site.Pos.String())
		}
		slices.Sort(order)
		p.Topics = p.Topics[:0]
		subjects := map[string]bool{}
		for _, f := range order {
			p.Topics = append(p.Topics, topics[f])
			subjects[topics[f].Subject] = true
		}
		p.Blockers = slices.DeleteFunc(p.Blockers, func(b *planner.Blocker) bool { return !subjects[b.Topic] })
		if p.Scores == nil {
			p.Scores = &planner.Report{}
		}
		p.Scores.Split.ICP = float64(crossing) / float64(len(g.Calls))
		p.Scores.Split.Services = len(p.Services)
		p.Scores.Split.Topics = len(p.Topics)
		p.Scores.Split.Blockers = len(p.Blockers)
		return nil
	}
}

func funcPkg(id string) string {
	id = strings.TrimPrefix(strings.TrimPrefix(id, "(*"), "(")
	if i := strings.Index(id, ")"); i >= 0 {
		id = id[:i]
	}
	slash := strings.LastIndex(id, "/")
	return id[:slash+strings.Index(id[slash:], ".")]
}

// yamlMarshal and yamlCheck stand in for planner.Marshal and planner.Check.
func yamlMarshal(p *planner.Plan) ([]byte, error) { return yaml.Marshal(p) }

func yamlCheck(known func(string) bool) func([]byte) []Problem {
	return func(src []byte) []Problem {
		var p planner.Plan
		if err := yaml.Unmarshal(src, &p); err != nil {
			return []Problem{{Msg: err.Error()}}
		}
		if err := Validate(&p, known); err != nil {
			return []Problem{{Msg: err.Error()}}
		}
		for _, s := range p.Services {
			if len(s.Packages) == 0 {
				return []Problem{{Msg: "service " + s.Name + " has no packages"}}
			}
		}
		return nil
	}
}

package planner

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cleave-go/cleave/analyzer"
)

// testGraph builds hand-made graphs: packages are named by their path
// inside module m ("orders", "cmd/shop"), functions "pkg.Func" or
// "pkg.Type.Method".
type testGraph struct {
	g    *analyzer.Graph
	line int
}

const testModule = "example.com/m"

func newTestGraph() *testGraph {
	return &testGraph{g: &analyzer.Graph{Version: analyzer.SchemaVersion, Module: testModule, Algorithm: "static"}}
}

func (t *testGraph) pkg(rel string) *analyzer.Package {
	path := testModule + "/" + rel
	for _, p := range t.g.Packages {
		if p.Path == path {
			return p
		}
	}
	name := rel[strings.LastIndex(rel, "/")+1:]
	p := &analyzer.Package{Path: path, Name: name, Dir: rel, Lines: 100, Files: []string{rel + "/" + name + ".go"}}
	if strings.HasPrefix(rel, "cmd/") {
		p.Name, p.Main = "main", true
	}
	t.g.Packages = append(t.g.Packages, p)
	return p
}

// fn declares (or finds) function spec; results are its result types.
func (t *testGraph) fn(spec string, results ...string) *analyzer.Func {
	parts := strings.Split(spec, ".")
	rel, name, recv := parts[0], parts[len(parts)-1], ""
	p := t.pkg(rel)
	id := p.Path + "." + name
	if len(parts) == 3 {
		recv = "*" + parts[1]
		id = "(*" + p.Path + "." + parts[1] + ")." + name
	}
	for _, f := range t.g.Funcs {
		if f.ID == id {
			if results != nil {
				f.Results = results
			}
			return f
		}
	}
	t.line++
	f := &analyzer.Func{ID: id, Package: p.Path, Name: name, Recv: recv, Exported: true, Results: results,
		Pos: analyzer.Pos{File: p.Files[0], Line: t.line, Col: 1}}
	t.g.Funcs = append(t.g.Funcs, f)
	return f
}

// call adds n call sites from caller to callee.
func (t *testGraph) call(caller, callee string, n int) {
	a, b := t.fn(caller), t.fn(callee)
	for range n {
		t.line++
		file := t.pkg(strings.Split(caller, ".")[0]).Files[0]
		t.g.Calls = append(t.g.Calls, &analyzer.Call{Caller: a.ID, Callee: b.ID, Via: analyzer.ViaStatic, Mode: analyzer.ModeCall,
			Site: analyzer.Span{Pos: analyzer.Pos{File: file, Line: t.line, Col: 2}}})
	}
}

// goCall adds a go statement in caller starting callee.
func (t *testGraph) goCall(caller, callee string) {
	t.call(caller, callee, 1)
	t.g.Calls[len(t.g.Calls)-1].Mode = analyzer.ModeGo
}

func (t *testGraph) entry(kind, fn string) {
	f := t.fn(fn)
	t.g.Entries = append(t.g.Entries, &analyzer.Entry{Kind: kind, Func: f.ID, Pos: f.Pos})
}

// ref adds n type references from package a to package b.
func (t *testGraph) ref(a, b string, n int) { t.dep(a, b).Refs += n }

// vars adds n package-variable uses from a to b.
func (t *testGraph) vars(a, b string, n int) { t.dep(a, b).Vars += n }

func (t *testGraph) dep(a, b string) *analyzer.Dep {
	pa, pb := t.pkg(a), t.pkg(b)
	for _, d := range t.g.Deps {
		if d.From == pa.Path && d.To == pb.Path {
			return d
		}
	}
	d := &analyzer.Dep{From: pa.Path, To: pb.Path}
	t.g.Deps = append(t.g.Deps, d)
	return d
}

// done sorts the graph and fills the package aggregates.
func (t *testGraph) done() *analyzer.Graph {
	g := t.g
	byPath := map[string]*analyzer.Package{}
	for _, p := range g.Packages {
		byPath[p.Path] = p
		p.FanIn, p.FanOut = 0, 0
	}
	fpkg := map[string]string{}
	for _, f := range g.Funcs {
		fpkg[f.ID] = f.Package
	}
	in, out := map[string]map[string]bool{}, map[string]map[string]bool{}
	for _, c := range g.Calls {
		a, b := fpkg[c.Caller], fpkg[c.Callee]
		if a == b {
			continue
		}
		d := t.dep(strings.TrimPrefix(a, testModule+"/"), strings.TrimPrefix(b, testModule+"/"))
		d.Sites++
		if in[b] == nil {
			in[b] = map[string]bool{}
		}
		if out[a] == nil {
			out[a] = map[string]bool{}
		}
		in[b][a], out[a][b] = true, true
	}
	for _, p := range g.Packages {
		p.FanIn, p.FanOut = len(in[p.Path]), len(out[p.Path])
	}
	slices.SortFunc(g.Packages, func(a, b *analyzer.Package) int { return strings.Compare(a.Path, b.Path) })
	slices.SortFunc(g.Funcs, func(a, b *analyzer.Func) int { return strings.Compare(a.ID, b.ID) })
	return g
}

// shopGraph is a small hand-made monolith: an HTTP front, orders with its
// store, billing with its ledger, and a money library everyone uses.
func shopGraph() *analyzer.Graph {
	t := newTestGraph()
	t.call("cmd/shop.main", "api.Routes", 1)
	t.entry(analyzer.EntryMain, "cmd/shop.main")
	t.entry(analyzer.EntryHTTP, "api.PlaceOrder")
	t.entry(analyzer.EntryHTTP, "api.Invoice")
	for _, h := range []string{"api.PlaceOrder", "api.Invoice"} {
		t.fn(h).Params = []analyzer.Param{{Name: "w", Type: "net/http.ResponseWriter"}, {Name: "r", Type: "*net/http.Request"}}
	}
	t.call("api.Routes", "api.PlaceOrder", 1)
	t.call("api.PlaceOrder", "orders.Service.Place", 1)
	t.call("api.Invoice", "billing.Invoice", 1)
	t.fn("orders.Service.Place", "error")
	t.call("orders.Service.Place", "orders/store.Save", 3)
	t.call("orders.Service.Place", "orders/store.Load", 2)
	t.call("orders.Cancel", "orders/store.Save", 1)
	t.call("orders.Service.Place", "billing.Charge", 1)
	t.fn("billing.Charge", "error")
	t.fn("billing.Invoice", "string")
	t.call("billing.Charge", "billing/ledger.Post", 2)
	t.call("billing.Invoice", "billing/ledger.Sum", 2)
	t.call("orders.Service.Place", "notify.Send", 1) // returns nothing: an event
	t.call("billing.Charge", "notify.Send", 1)
	t.call("notify.Send", "notify/mail.Deliver", 2)
	for _, p := range []string{"orders", "billing", "billing/ledger", "api", "orders/store"} {
		t.call(p+".Use", "money.Add", 1)
		t.fn("money.Add", "money.Amount")
	}
	t.pkg("money").Lines = 40
	return t.done()
}

func ptr(x float64) *float64 { return &x }

func fmtServices(p *Plan) string {
	var b strings.Builder
	for _, s := range p.Services {
		var short []string
		for _, path := range s.Packages {
			short = append(short, strings.TrimPrefix(path, testModule+"/"))
		}
		fmt.Fprintf(&b, "%s%s=%s ", s.Name, map[bool]string{true: "*"}[s.Edge], strings.Join(short, ","))
	}
	return strings.TrimSpace(b.String())
}

package planner

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/cleave-go/cleave/analyzer"
)

func TestProposeShop(t *testing.T) {
	p, err := Propose(context.Background(), shopGraph(), Constraints{})
	if err != nil {
		t.Fatal(err)
	}
	got := fmtServices(p)
	// Edge: main and the HTTP handlers; money is shared; orders and its
	// store stay together.
	for _, want := range []string{"api*=api,cmd/shop", "orders=orders,orders/store"} {
		if !strings.Contains(got, want) {
			t.Errorf("Propose = %s; want %s in it", got, want)
		}
	}
	if !slices.Equal(p.Shared, []string{testModule + "/money"}) {
		t.Errorf("Shared = %v; want money", p.Shared)
	}
	for _, tp := range p.Topics {
		if tp.Function == testModule+"/notify.Send" && tp.Kind != KindEvent {
			t.Errorf("topic %s kind = %s; want event", tp.Subject, tp.Kind)
		}
		if tp.Function == "(*"+testModule+"/orders.Service).Place" && tp.Subject != "m.orders.Service.Place" {
			t.Errorf("subject = %s; want m.orders.Service.Place", tp.Subject)
		}
	}
}

func TestProposeDeterministic(t *testing.T) {
	var first []byte
	for i := range 5 {
		p, err := Propose(context.Background(), shopGraph(), Constraints{Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		data, _ := Marshal(p)
		if i == 0 {
			first = data
		} else if !bytes.Equal(data, first) {
			t.Fatalf("run %d differs:\n%s\n---\n%s", i, data, first)
		}
	}
}

func TestProposeConstraints(t *testing.T) {
	m := testModule + "/"
	tests := []struct {
		name string
		c    Constraints
		want []string // in fmtServices
		not  []string
	}{
		{"pin", Constraints{Pin: []Pin{{Package: m + "notify", Service: "mailer"}}}, []string{"mailer="}, nil},
		{"pins split a subpackage", Constraints{Pin: []Pin{{Package: m + "orders", Service: "orders"}, {Package: m + "orders/store", Service: "storage"}}},
			[]string{"storage=orders/store"}, nil},
		{"together", Constraints{Together: [][]string{{m + "orders", m + "billing/ledger"}}}, nil, nil},
		{"apart", Constraints{Apart: [][]string{{m + "orders", m + "orders/store"}}}, nil, []string{"orders,orders/store"}},
		{"one service", Constraints{Services: 1}, []string{"api,billing,billing/ledger,cmd/shop"}, nil},
		{"two services", Constraints{Services: 2}, nil, nil},
		{"three services", Constraints{Services: 3}, nil, nil},
		{"shared", Constraints{Shared: []string{m + "notify/mail"}}, nil, []string{"notify/mail"}},
	}
	for _, tt := range tests {
		p, err := Propose(context.Background(), shopGraph(), tt.c)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		got := fmtServices(p)
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: Propose = %s; want %s", tt.name, got, w)
			}
		}
		for _, w := range tt.not {
			if strings.Contains(got, w) {
				t.Errorf("%s: Propose = %s; want no %s", tt.name, got, w)
			}
		}
		if tt.c.Services > 0 && len(p.Services) != tt.c.Services {
			t.Errorf("%s: %d services; want %d: %s", tt.name, len(p.Services), tt.c.Services, got)
		}
		for _, grp := range tt.c.Together {
			if svcOf(p, grp[0]) != svcOf(p, grp[1]) {
				t.Errorf("%s: %s and %s apart: %s", tt.name, grp[0], grp[1], got)
			}
		}
		if probs := Check(shopGraph(), p, nil); len(probs) > 0 {
			t.Errorf("%s: Check = %v", tt.name, probs)
		}
	}
}

func svcOf(p *Plan, pkg string) string {
	for _, s := range p.Services {
		if slices.Contains(s.Packages, pkg) {
			return s.Name
		}
	}
	return ""
}

func TestProposeBadConstraints(t *testing.T) {
	m := testModule + "/"
	for _, c := range []Constraints{
		{Pin: []Pin{{Package: m + "nope", Service: "x"}}},
		{Pin: []Pin{{Package: m + "orders", Service: "Orders"}}},
		{Together: [][]string{{m + "orders", m + "billing"}}, Apart: [][]string{{m + "orders", m + "billing"}}},
		{Services: -1},
		{Kinds: []KindChoice{{Function: "f", Kind: "rpc"}}},
	} {
		if _, err := Propose(context.Background(), shopGraph(), c); err == nil {
			t.Errorf("Propose(%+v) succeeded; want an error", c)
		}
	}
}

func TestRefreshKinds(t *testing.T) {
	g := shopGraph()
	p, err := Propose(context.Background(), g, Constraints{})
	if err != nil {
		t.Fatal(err)
	}
	p.Constraints.Kinds = []KindChoice{{Function: testModule + "/billing.Charge", Kind: KindEvent}}
	if err := Refresh(g, p); err != nil {
		t.Fatal(err)
	}
	for _, tp := range p.Topics {
		if tp.Function == testModule+"/billing.Charge" && tp.Kind != KindEvent {
			t.Errorf("kind = %s; want the override, event", tp.Kind)
		}
	}
}

func TestUpdate(t *testing.T) {
	g := shopGraph()
	old, err := Propose(context.Background(), g, Constraints{})
	if err != nil {
		t.Fatal(err)
	}
	old.Services[0].Name = "front" // a person's edit

	// The code moves on: notify/mail is gone, orders/audit is new.
	tg := newTestGraph()
	tg.g = g
	g.Packages = slices.DeleteFunc(g.Packages, func(p *analyzer.Package) bool { return p.Path == testModule+"/notify/mail" })
	g.Calls = slices.DeleteFunc(g.Calls, func(c *analyzer.Call) bool { return strings.Contains(c.Callee, "notify/mail") })
	tg.line = 1000
	tg.call("orders.Cancel", "orders/audit.Record", 2)
	g = tg.done()

	p, ch, err := Update(context.Background(), g, old)
	if err != nil {
		t.Fatal(err)
	}
	if p.Services[0].Name != "front" {
		t.Errorf("Update renamed %s", p.Services[0].Name)
	}
	if want := []string{testModule + "/notify/mail"}; !slices.Equal(ch.Removed, want) {
		t.Errorf("Removed = %v; want %v", ch.Removed, want)
	}
	if len(ch.Added) != 1 || ch.Added[0].Package != testModule+"/orders/audit" || ch.Added[0].Service != "orders" {
		t.Errorf("Added = %+v; want orders/audit in orders", ch.Added)
	}
	if probs := Check(g, p, nil); len(probs) > 0 {
		t.Errorf("Check(updated) = %v", probs)
	}
}

func TestRoundTripFile(t *testing.T) {
	p, err := Propose(context.Background(), shopGraph(), Constraints{})
	if err != nil {
		t.Fatal(err)
	}
	path := t.TempDir() + "/plan.yaml"
	if err := WriteFile(path, p); err != nil {
		t.Fatal(err)
	}
	q, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := Marshal(p)
	b, _ := Marshal(q)
	if !bytes.Equal(a, b) {
		t.Errorf("ReadFile(WriteFile(p)) differs")
	}
}

// bigGraph is a synthetic module of n packages in n/50 domains with about
// 10·n package dependencies, mostly inside domains.
func bigGraph(n int) *analyzer.Graph {
	rng := rand.New(rand.NewPCG(1, 2))
	g := &analyzer.Graph{Module: "example.com/big"}
	fn := func(p, f int) string { return fmt.Sprintf("example.com/big/d%d/p%d.F%d", p/50, p, f) }
	for p := range n {
		path := fmt.Sprintf("example.com/big/d%d/p%d", p/50, p)
		g.Packages = append(g.Packages, &analyzer.Package{Path: path, Name: fmt.Sprintf("p%d", p), Lines: 100 + p%300})
		for f := range 5 {
			g.Funcs = append(g.Funcs, &analyzer.Func{ID: fn(p, f), Package: path, Name: fmt.Sprintf("F%d", f)})
		}
	}
	for range 10 * n {
		a := rng.IntN(n)
		b := a/50*50 + rng.IntN(50)
		if rng.IntN(10) == 0 {
			b = rng.IntN(n)
		}
		if b >= n {
			b = n - 1
		}
		g.Calls = append(g.Calls, &analyzer.Call{Caller: fn(a, rng.IntN(5)), Callee: fn(b, rng.IntN(5)), Via: analyzer.ViaStatic,
			Site: analyzer.Span{Pos: analyzer.Pos{File: fmt.Sprintf("d%d/p%d/x.go", a/50, a), Line: rng.IntN(500) + 1, Col: 2}}})
	}
	return g
}

func BenchmarkProposeBig(b *testing.B) {
	g := bigGraph(2000)
	b.ResetTimer()
	for b.Loop() {
		if _, err := Propose(context.Background(), g, Constraints{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRefreshBig(b *testing.B) {
	g := bigGraph(2000)
	p, err := Propose(context.Background(), g, Constraints{})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if err := Refresh(g, p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkProposeBigTarget(b *testing.B) {
	g := bigGraph(2000)
	b.ResetTimer()
	for b.Loop() {
		p, err := Propose(context.Background(), g, Constraints{Services: 40})
		if err != nil {
			b.Fatal(err)
		}
		if len(p.Services) != 40 {
			b.Fatalf("%d services; want 40", len(p.Services))
		}
	}
}

func TestProposeTiny(t *testing.T) {
	empty := &analyzer.Graph{Module: "example.com/e"}
	onlyMain := newTestGraph()
	onlyMain.fn("cmd/x.main")
	lone := newTestGraph()
	lone.fn("a.F")
	for _, g := range []*analyzer.Graph{empty, onlyMain.done(), lone.done()} {
		p, err := Propose(context.Background(), g, Constraints{})
		if err != nil {
			t.Fatal(err)
		}
		if probs := Check(g, p, nil); len(probs) > 0 {
			t.Errorf("Check(Propose(%d packages)) = %v", len(g.Packages), probs)
		}
		if _, err := Marshal(p); err != nil {
			t.Error(err)
		}
	}
}

// TestUpdateRename: after a package is renamed (git mv notes memo) the new
// package takes the old one's place, with its subpackages; a service is
// never dropped silently.
func TestUpdateRename(t *testing.T) {
	graph := func(store string) *analyzer.Graph {
		tg := newTestGraph()
		tg.call("cmd/app.main", "web.Routes", 1)
		tg.call("web.Handler.get", store+".Store.Get", 1)
		tg.call("web.Handler.put", store+".Store.Put", 1)
		tg.fn(store + "/fakes.Store.Get")
		tg.entry(analyzer.EntryMain, "cmd/app.main")
		tg.entry(analyzer.EntryHTTP, "web.Handler.get")
		tg.entry(analyzer.EntryHTTP, "web.Handler.put")
		return tg.done()
	}
	m := func(rel string) string { return testModule + "/" + rel }
	old := &Plan{Version: PlanVersion, Module: testModule, Prefix: "m", Shared: []string{m("notes/fakes")}, Services: []*Service{
		{Name: "keeper", Packages: []string{m("notes")}},
		{Name: "web", Packages: []string{m("cmd/app"), m("web")}, Edge: true},
	}}
	if err := Refresh(graph("notes"), old); err != nil {
		t.Fatal(err)
	}
	p, ch, err := Update(context.Background(), graph("memo"), old)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{m("notes"): m("memo"), m("notes/fakes"): m("memo/fakes")}; !maps.Equal(ch.Renamed, want) {
		t.Errorf("Renamed = %v; want %v", ch.Renamed, want)
	}
	if len(p.Services) != 2 || p.Services[0].Name != "keeper" || !slices.Equal(p.Services[0].Packages, []string{m("memo")}) {
		t.Errorf("services = %+v; want keeper [memo] kept", p.Services)
	}
	if !slices.Equal(p.Shared, []string{m("memo/fakes")}) || len(ch.EmptyServices) != 0 {
		t.Errorf("shared = %v, empty services %v; want [memo/fakes], none", p.Shared, ch.EmptyServices)
	}
	var subjects []string
	for _, tp := range p.Topics {
		subjects = append(subjects, tp.Subject)
	}
	if want := []string{"m.keeper.Store.Get", "m.keeper.Store.Put"}; !slices.Equal(subjects, want) {
		t.Errorf("topics = %v; want %v", subjects, want)
	}

	// A package that vanished with nothing in its place empties its
	// service: reported, not dropped silently.
	g := graph("notes")
	g.Packages = slices.DeleteFunc(g.Packages, func(p *analyzer.Package) bool { return p.Path == m("notes") })
	g.Funcs = slices.DeleteFunc(g.Funcs, func(f *analyzer.Func) bool { return f.Package == m("notes") })
	g.Calls = slices.DeleteFunc(g.Calls, func(c *analyzer.Call) bool { return strings.Contains(c.Callee, "/notes.") })
	_, ch, err = Update(context.Background(), g, old)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ch.EmptyServices, []string{"keeper"}) {
		t.Errorf("EmptyServices = %v; want [keeper]", ch.EmptyServices)
	}
}

package planner

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/cleave-go/cleave/analyzer"
)

// TestEdgeHandlers: a package of HTTP handlers joins the edge when its
// handlers hand the work to other packages (an adapter in front of
// services, routes registered or one ServeHTTP that routes itself); a
// module that registers its own routes and does the work with its own
// code (models, queries and handlers in one package) is a service.
func TestEdgeHandlers(t *testing.T) {
	tg := newTestGraph()
	web := []analyzer.Param{{Name: "w", Type: "net/http.ResponseWriter"}, {Name: "r", Type: "*net/http.Request"}}
	// api: registered handlers calling the orders service.
	tg.call("cmd/app.main", "api.Routes", 1)
	tg.call("api.Server.place", "orders.Service.Place", 1)
	tg.call("api.Server.place", "api.writeJSON", 2)
	tg.entry(analyzer.EntryHTTP, "api.Server.place")
	tg.call("orders.Service.Place", "orders.store", 1)
	// notes: its own routes over its own store.
	tg.call("cmd/app.main", "notes.Register", 1)
	tg.call("notes.Handler.list", "notes.findAll", 1)
	tg.call("notes.Handler.list", "notes.render", 1)
	tg.entry(analyzer.EntryHTTP, "notes.Handler.list")
	tg.call("notes.findAll", "orders.Service.Count", 1)
	// front: one http.Handler main hands to http.Server; it routes in
	// ServeHTTP to methods that call billing.
	tg.call("cmd/app.main", "front.New", 1)
	tg.call("front.Mux.ServeHTTP", "front.Mux.invoice", 1)
	tg.fn("front.Mux.ServeHTTP").Params = web
	tg.entry(analyzer.EntryHTTP, "front.Mux.ServeHTTP") // as the analyzer records a handler given to http.Server
	tg.call("front.Mux.invoice", "billing.Ledger.Charge", 1)
	tg.call("billing.Ledger.Charge", "billing.post", 1)
	// rpcapi: a gRPC server implementation handing the work to orders.
	tg.call("cmd/app.main", "rpcapi.New", 1)
	tg.call("rpcapi.Server.Place", "orders.Service.Place", 1)
	tg.entry(analyzer.EntryRPC, "rpcapi.Server.Place")
	tg.entry(analyzer.EntryMain, "cmd/app.main")
	g := tg.done()

	p, err := Propose(context.Background(), g, Constraints{})
	if err != nil {
		t.Fatal(err)
	}
	edge := map[string]bool{}
	for _, s := range p.Services {
		for _, pkg := range s.Packages {
			edge[pkg[len(testModule)+1:]] = s.Edge
		}
	}
	// notes is no edge package, but serves no topic (its handlers run
	// where HTTP is served): it is merged into the edge, with a note.
	if want := "merged service notes (notes) into api"; len(p.Notes) != 1 || !strings.HasPrefix(p.Notes[0], want) {
		t.Errorf("notes = %q; want one starting %q", p.Notes, want)
	}
	edge["notes"] = false
	for pkg, want := range map[string]bool{"cmd/app": true, "api": true, "front": true, "rpcapi": true, "notes": false, "orders": false, "billing": false} {
		if got, ok := edge[pkg]; !ok || got != want {
			t.Errorf("%s: edge = %v (placed: %v); want %v", pkg, got, ok, want)
		}
	}

	// Its handler registered with a constant route, notes owns that route:
	// the edge forwards its requests to it, so it is not idle and stays.
	for _, e := range g.Entries {
		if e.Func == testModule+"/notes.Handler.list" || strings.HasSuffix(e.Func, "/notes.Handler).list") {
			e.Method, e.Route = "GET", "/notes"
		}
	}
	if !routedPackages(g)[testModule+"/notes"] {
		t.Fatalf("notes owns no route: entries %+v", g.Entries)
	}
	p, err = Propose(context.Background(), g, Constraints{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range p.Notes {
		if strings.HasPrefix(n, "merged service notes") {
			t.Errorf("note %q; want notes kept: it serves its route", n)
		}
	}
	for _, s := range p.Services {
		if slices.Contains(s.Packages, testModule+"/notes") && s.Edge {
			t.Errorf("notes is in the edge %s", s.Name)
		}
	}
}

// TestRequestValueBlocker: a value a handler makes per request with
// another package's constructor exists only in the handler's process;
// calls on it cannot become topics the other service serves.
func TestRequestValueBlocker(t *testing.T) {
	tg := newTestGraph()
	tg.call("cmd/app.main", "web.Routes", 1)
	tg.fn("report.New", "*"+testModule+"/report.Builder")
	tg.call("web.Handler.report", "report.New", 1)
	tg.call("web.Handler.report", "report.Builder.Add", 2)
	tg.call("cmd/app.main", "store.Open", 1) // start-up: not per request
	tg.fn("store.Open", "*"+testModule+"/store.DB")
	tg.call("web.Handler.report", "store.DB.Save", 1)
	tg.entry(analyzer.EntryMain, "cmd/app.main")
	tg.entry(analyzer.EntryHTTP, "web.Handler.report")
	g := tg.done()
	p := &Plan{Version: PlanVersion, Module: testModule, Prefix: "m", Services: []*Service{
		{Name: "web", Packages: []string{testModule + "/cmd/app", testModule + "/web"}, Edge: true},
		{Name: "report", Packages: []string{testModule + "/report"}},
		{Name: "store", Packages: []string{testModule + "/store"}},
	}}
	if err := Refresh(g, p); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, b := range p.Blockers {
		got = append(got, b.Kind+" "+b.Topic)
	}
	if want := []string{"request-value m.report.Builder.Add", "request-value m.report.Builder.Add"}; !slices.Equal(got, want) {
		t.Errorf("blockers = %v; want %v", got, want)
	}
	if p.Scores.Split.Blockers != 2 {
		t.Errorf("blocker score = %d; want 2", p.Scores.Split.Blockers)
	}
}

// TestEdgeNamePins: the edge's name does not depend on the pins, and a pin
// to the edge's name (or to gateway) puts the package in the edge, not in
// a new service beside it.
func TestEdgeNamePins(t *testing.T) {
	tg := newTestGraph()
	tg.entry(analyzer.EntryMain, "cmd/app.main")
	tg.call("cmd/app.main", "app.Run", 1)
	tg.call("app.Run", "orders.NewService", 1)
	tg.call("app.Run", "billing.NewLedger", 1)
	tg.call("app.Run", "users.NewStore", 1)
	tg.call("orders.Service.Place", "billing.Ledger.Charge", 2)
	tg.call("orders.Service.Place", "users.Store.Get", 1)
	tg.call("billing.Ledger.Charge", "users.Store.Get", 1)
	g := tg.done()
	for _, tc := range []struct {
		name string
		pins []Pin
		want string // fmtServices
	}{
		{"none", nil, "app*=app,cmd/app billing=billing orders=orders users=users"},
		{"to the edge's name", []Pin{{Package: testModule + "/orders", Service: "app"}}, "app*=app,cmd/app,orders billing=billing users=users"},
		{"edge package to the edge's name", []Pin{{Package: testModule + "/app", Service: "app"}}, "app*=app,cmd/app billing=billing orders=orders users=users"},
		{"to gateway", []Pin{{Package: testModule + "/users", Service: "gateway"}}, "billing=billing gateway*=app,cmd/app,users orders=orders"},
		{"elsewhere", []Pin{{Package: testModule + "/billing", Service: "ledger"}}, "app*=app,cmd/app ledger=billing orders=orders users=users"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Propose(context.Background(), g, Constraints{Pin: tc.pins})
			if err != nil {
				t.Fatal(err)
			}
			if got := fmtServices(p); got != tc.want {
				t.Errorf("Propose(pins %v) = %s; want %s", tc.pins, got, tc.want)
			}
		})
	}
}

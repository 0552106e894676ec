package planner

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/cleave-go/cleave/analyzer"
)

// TestInProcess checks which calls between services stay direct calls:
// start-up wiring of a server, constructors, and methods of values, while
// the work behind a handler becomes topics.
func TestInProcess(t *testing.T) {
	tg := newTestGraph()
	tg.fn("orders.NewService", "*"+testModule+"/orders.Service")
	tg.fn("orders.Service.Place", "error")
	tg.fn("billing.Service.Charge", "int", "error")
	tg.fn("billing.Service.Seed")
	tg.fn("billing.Service.Error", "string")
	tg.fn("billing.Dunner.Stats", "int")
	tg.call("app.New", "billing.Dunner.Start", 1) // starts a goroutine: background
	tg.call("billing.Dunner.Start", "billing.Dunner.loop", 1)
	tg.goCall("billing.Dunner.Start", "billing.Dunner.loop")
	tg.call("app.New", "billing.Dunner.Stop", 1)  // the same type's: background too
	tg.call("app.New", "billing.Dunner.Stats", 1) // has a result: start-up
	tg.call("cmd/shop.main", "app.New", 1)
	tg.call("app.New", "orders.NewService", 1)
	tg.call("app.New", "billing.Service.Seed", 1) // start-up only: seeding
	tg.call("api.Server.order", "orders.Service.Place", 1)
	tg.call("orders.Service.Place", "billing.Service.Charge", 1) // request time
	tg.call("orders.Service.Place", "billing.Service.Error", 1)  // a value's method
	tg.entry(analyzer.EntryMain, "cmd/shop.main")
	tg.entry(analyzer.EntryHTTP, "api.Server.order")
	// A handler written as a function literal in main is folded into main:
	// main stays start-up code.
	tg.entry(analyzer.EntryHTTP, "cmd/shop.main")
	g := tg.done()

	p := &Plan{Version: PlanVersion, Module: testModule, Prefix: "m", Services: []*Service{
		{Name: "gateway", Packages: []string{testModule + "/cmd/shop", testModule + "/app", testModule + "/api"}},
		{Name: "orders", Packages: []string{testModule + "/orders"}},
		{Name: "billing", Packages: []string{testModule + "/billing"}},
	}}
	if err := Refresh(g, p); err != nil {
		t.Fatal(err)
	}
	var topics []string
	for _, tp := range p.Topics {
		topics = append(topics, tp.Subject)
	}
	if want := []string{"m.billing.Service.Charge", "m.orders.Service.Place"}; !slices.Equal(topics, want) {
		t.Errorf("topics = %v; want %v", topics, want)
	}
	got := map[string]string{}
	for _, ip := range p.InProcess {
		got[ip.Function] = ip.Reason
	}
	want := map[string]string{
		testModule + "/orders.NewService":             ReasonStartup,
		"(*" + testModule + "/billing.Service).Seed":  ReasonStartup,
		"(*" + testModule + "/billing.Service).Error": ReasonValue,
		"(*" + testModule + "/billing.Dunner).Start":  ReasonBackground,
		"(*" + testModule + "/billing.Dunner).Stop":   ReasonBackground,
		"(*" + testModule + "/billing.Dunner).Stats":  ReasonStartup,
	}
	for fn, r := range want {
		if got[fn] != r {
			t.Errorf("in-process %s = %q; want %q", fn, got[fn], r)
		}
	}
	if len(got) != len(want) {
		t.Errorf("in-process = %v; want %v", got, want)
	}

	// Without an HTTP handler the program is a command: what main calls is
	// its work, so only the constructor stays in-process.
	g.Entries = slices.DeleteFunc(g.Entries, func(e *analyzer.Entry) bool { return e.Kind == analyzer.EntryHTTP })
	if err := Refresh(g, p); err != nil {
		t.Fatal(err)
	}
	if len(p.InProcess) != 2 || p.InProcess[0].Function != testModule+"/orders.NewService" && p.InProcess[1].Function != testModule+"/orders.NewService" {
		t.Errorf("command in-process = %+v; want the constructor and the value method", p.InProcess)
	}
}

// TestInProcessStays checks that the shapes apply leaves alone, as the
// analyzer records them, are in-process calls with apply's reason, judged
// for the topic's kind: the kind a callee gets by default, or the one the
// person chose.
func TestInProcessStays(t *testing.T) {
	tg := newTestGraph()
	tg.fn("cargo.Cargo.Assign").Stays = &analyzer.Stay{Reason: analyzer.StayData, Why: "method of a data type"}
	tg.fn("routing.Fill").StaysEvent = &analyzer.Stay{Reason: analyzer.StayPayload, Why: "pointer parameter"}
	tg.fn("routing.Find", "string").StaysEvent = &analyzer.Stay{Reason: analyzer.StayCallee, Why: "event topic but the callee returns results"}
	tg.fn("routing.Plan", "string")
	tg.call("booking.Book", "cargo.Cargo.Assign", 1)
	tg.call("booking.Book", "routing.Fill", 1)
	tg.call("booking.Book", "routing.Find", 1)
	tg.call("booking.Book", "routing.Plan", 2)
	tg.g.Calls[len(tg.g.Calls)-1].Stays = &analyzer.Stay{Reason: analyzer.StaySite, Why: "receiver held by value"}
	g := tg.done()
	p := &Plan{Version: PlanVersion, Module: testModule, Prefix: "m", Services: []*Service{
		{Name: "booking", Packages: []string{testModule + "/booking"}},
		{Name: "cargo", Packages: []string{testModule + "/cargo"}},
		{Name: "routing", Packages: []string{testModule + "/routing"}},
	}}
	check := func(wantTopics []string, wantIn map[string]string) {
		t.Helper()
		if err := Refresh(g, p); err != nil {
			t.Fatal(err)
		}
		var topics []string
		for _, tp := range p.Topics {
			topics = append(topics, tp.Subject+" "+strings.Join(tp.Sites, ","))
		}
		if !slices.Equal(topics, wantTopics) {
			t.Errorf("kinds %v: topics = %q; want %q", p.Constraints.Kinds, topics, wantTopics)
		}
		got := map[string]string{}
		for _, ip := range p.InProcess {
			got[ip.Function+" "+strings.Join(ip.Sites, ",")] = ip.Reason + ": " + ip.Why
		}
		if !maps.Equal(got, wantIn) {
			t.Errorf("kinds %v: in_process = %q; want %q", p.Constraints.Kinds, got, wantIn)
		}
		if p.Scores.Split.Topics != len(p.Topics) {
			t.Errorf("kinds %v: scores count %d topics; the plan lists %d", p.Constraints.Kinds, p.Scores.Split.Topics, len(p.Topics))
		}
	}
	assign := "(*" + testModule + "/cargo.Cargo).Assign booking/booking.go:6:2"
	fill, find := testModule+"/routing.Fill booking/booking.go:7:2", testModule+"/routing.Find booking/booking.go:8:2"
	check([]string{"m.routing.Find booking/booking.go:8:2", "m.routing.Plan booking/booking.go:9:2"}, map[string]string{
		assign: "data: method of a data type",
		fill:   "payload: pointer parameter",
		testModule + "/routing.Plan booking/booking.go:10:2": "site: receiver held by value",
	})
	p.Constraints.Kinds = []KindChoice{{Function: testModule + "/routing.Fill", Kind: KindRequest}, {Function: testModule + "/routing.Find", Kind: KindEvent}}
	check([]string{"m.routing.Fill booking/booking.go:7:2", "m.routing.Plan booking/booking.go:9:2"}, map[string]string{
		assign: "data: method of a data type",
		find:   "callee: event topic but the callee returns results",
		testModule + "/routing.Plan booking/booking.go:10:2": "site: receiver held by value",
	})
}

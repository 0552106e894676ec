package review

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"slices"
	"strings"
	"testing"

	"github.com/cleave-go/cleave/analyzer"
	"github.com/cleave-go/cleave/planner"
)

func TestBuild(t *testing.T) {
	v := Build(fixturePlan(t), fixtureGraph())
	if got, want := len(v.Services), 5; got != want {
		t.Fatalf("Build: %d services; want %d", got, want)
	}
	web := v.Services[0]
	if web.Name != "web" || !web.Edge || web.Lines != 601 || web.Out != 2 || web.In != 0 {
		t.Errorf("Build: web = %+v; want edge, 601 lines, out 2, in 0", *web)
	}
	if got, want := v.Lines, 2698; got != want {
		t.Errorf("Build: %d lines; want %d", got, want)
	}
	var reserve *TopicView
	for _, tp := range v.Topics {
		if tp.Subject == "shop.inventory.Reserve" {
			reserve = tp
		}
	}
	if reserve == nil || reserve.Blockers != 1 || reserve.Short != "inventory.Reserve" || len(reserve.Sites) != 3 {
		t.Errorf("Build: Reserve topic = %+v; want 1 blocker, short inventory.Reserve, 3 sites", reserve)
	}
	if got := len(v.Layout.Nodes); got != 5 {
		t.Errorf("Build: layout has %d nodes; want 5", got)
	}
	// orders→notify and billing→notify events, web→orders, web→inventory,
	// orders→inventory, orders→billing requests, billing→orders event.
	if got, want := len(v.Layout.Links), 7; got != want {
		for _, l := range v.Layout.Links {
			t.Log(l.describe())
		}
		t.Errorf("Build: layout has %d links; want %d", got, want)
	}
	for _, l := range v.Layout.Links {
		if !strings.HasPrefix(l.Path, "M") || l.Width <= 0 {
			t.Errorf("link %s: path %q width %v", l.describe(), l.Path, l.Width)
		}
	}
	if got := v.Scores[0]; got.Key != "icp" || *got.Split != 0.21 || got.verdict() != 1 {
		t.Errorf("Build: first score = %+v; want icp 0.21 better than random", got)
	}
}

func TestBuildWithoutGraph(t *testing.T) {
	v := Build(fixturePlan(t), nil)
	if v.Lines != 0 || v.Services[0].Packages[0].Lines != 0 {
		t.Errorf("Build(nil graph): lines %d; want 0", v.Lines)
	}
	if v.Services[0].Packages[0].Short != "cmd/shop" {
		t.Errorf("Build(nil graph): short %q; want cmd/shop", v.Services[0].Packages[0].Short)
	}
	empty := Build(&planner.Plan{Module: "m"}, nil)
	var buf bytes.Buffer
	if err := WriteText(&buf, empty, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(&buf, empty); err != nil {
		t.Fatal(err)
	}
}

func TestWriteText(t *testing.T) {
	v := Build(fixturePlan(t), fixtureGraph())
	var plain, color bytes.Buffer
	if err := WriteText(&plain, v, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := WriteText(&color, v, TextOptions{Color: true}); err != nil {
		t.Fatal(err)
	}
	out := plain.String()
	if strings.Contains(out, "\x1b[") {
		t.Errorf("WriteText without colour printed escapes")
	}
	if !strings.Contains(color.String(), "\x1b[1m") {
		t.Errorf("WriteText with colour printed no escapes")
	}
	if got := stripANSI(color.String()); got != out {
		t.Errorf("WriteText: coloured output without escapes differs from plain output:\n%s\n----\n%s", got, out)
	}
	for _, want := range []string{
		"example.com/shop  5 services · 6 topics · 2 blockers",
		"SERVICES", "TOPICS", "SCORES", "BLOCKERS",
		"shop.inventory.Reserve     request  orders → inventory        3 sites  1 blocker",
		"shop.notify.OrderPlaced    event    orders, billing → notify  2 sites",
		"      orders/place.go:58:12",
		"  ICP        0.21     0.00    0.74    0.63  call weight that crosses services (lower is better)",
		"  orders/place.go:58:12  pointer-write  inventory.Reserve writes through its *Line argument",
		"fix: return the reserved line instead of writing through the pointer",
		"                     orders     618 LOC",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("WriteText: output lacks %q\n%s", want, out)
		}
	}
}

func stripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b {
			for i < len(s) && s[i] != 'm' {
				i++
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func TestWriteJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJSON(&buf, Build(fixturePlan(t), fixtureGraph())); err != nil {
		t.Fatal(err)
	}
	var back View
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatalf("WriteJSON: %v\n%s", err, buf.String())
	}
	if len(back.Topics) != 6 || back.Topics[0].Subject != "shop.orders.Service.Place" {
		t.Errorf("WriteJSON: round trip lost topics: %+v", back.Topics)
	}
}

// hostile is a name no real package has, written to break out of every
// context a page has: markup, attribute, script, style.
const hostile = `x"'><img src=x onerror=alert(1)></script><script>alert(2)</script><style>*{}</style>`

func hostilePlan() *planner.Plan {
	return &planner.Plan{
		Module: "example.com/evil", Prefix: "evil",
		Services: []*planner.Service{
			{Name: "a" + hostile, Packages: []string{"example.com/evil/" + hostile}},
			{Name: "b", Packages: []string{"example.com/evil/b"}},
		},
		Topics: []*planner.Topic{{Subject: "evil.b." + hostile, Kind: "event", Function: "example.com/evil/b." + hostile,
			Consumer: "b", Producers: []string{"a" + hostile}, Sites: []string{hostile + ":1:1"}}},
		Blockers: []*planner.Blocker{{Topic: "evil.b." + hostile, Kind: hostile, Pos: hostile + ":1:1", Message: hostile, Fix: hostile}},
		InProcess: []*planner.InProcess{{Function: "example.com/evil/b.New" + hostile, Consumer: "b", Reason: hostile,
			Sites: []string{hostile + "/x.go:1:1", "b/x.go:2:1"}},
			{Function: "constructor", Consumer: "__proto__", Reason: "constructor", Sites: []string{"__proto__/x.go:1:1"}}},
	}
}

func TestWriteHTMLEscapes(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteHTML(&buf, Build(hostilePlan(), nil)); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, bad := range []string{"<img", "alert(1)></script>", "<script>alert", "<style>*"} {
		if strings.Contains(page, bad) {
			i := strings.Index(page, bad)
			t.Errorf("WriteHTML: page contains %q unescaped: …%s…", bad, page[max(0, i-80):min(len(page), i+80)])
		}
	}
	// One <script> for the data, one for the code, and nothing else.
	if got := strings.Count(page, "<script"); got != 2 {
		t.Errorf("WriteHTML: %d script elements; want 2", got)
	}
	if got := strings.Count(page, "</script>"); got != 2 {
		t.Errorf("WriteHTML: %d script end tags; want 2", got)
	}
}

func TestWriteHTMLSelfContained(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteHTML(&buf, Build(fixturePlan(t), fixtureGraph())); err != nil {
		t.Fatal(err)
	}
	page := html.UnescapeString(buf.String())
	for _, bad := range []string{"http://", "https://", "src=", "<link", "@import", "url(http"} {
		if strings.Contains(strings.ReplaceAll(page, "http://www.w3.org/2000/svg", ""), bad) {
			t.Errorf("WriteHTML: page refers to the network or another file: %q", bad)
		}
	}
	for _, want := range []string{"Content-Security-Policy", "default-src 'none'", pageCSP, `id="cleave-data"`} {
		if !strings.Contains(page, want) {
			t.Errorf("WriteHTML: page lacks %q", want)
		}
	}
}

// TestWriteTextInProcess checks that calls kept in-process are listed with
// their reason, callee service and site count.
func TestWriteTextInProcess(t *testing.T) {
	p := fixturePlan(t)
	p.InProcess = []*planner.InProcess{{Function: "example.com/m/orders.NewService", Consumer: "orders", Reason: planner.ReasonStartup, Sites: []string{"cmd/m/main.go:9:2", "cmd/m/main.go:12:2"}}}
	var buf bytes.Buffer
	if err := WriteText(&buf, Build(p, nil), TextOptions{}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, "IN-PROCESS CALLS") {
		t.Fatalf("WriteText: no in-process section in\n%s", out)
	}
	line := "example.com/m/orders.NewService  startup  → orders  2 sites"
	if !strings.Contains(out, line) {
		t.Errorf("WriteText: no line %q in\n%s", line, out)
	}
}

// TestBuildInProcess: each in-process call lists the services its sites
// are in, from the graph's package directories or, without a graph, from
// the import paths; the drawing has a line per calling and callee service.
func TestBuildInProcess(t *testing.T) {
	p := fixturePlan(t)
	p.InProcess = []*planner.InProcess{
		{Function: "example.com/shop/notify.New", Consumer: "notify", Reason: planner.ReasonStartup,
			Sites: []string{"cmd/shop/main.go:9:2", "http/server.go:12:2", "money/money.go:3:4", "orders/orders.go:7:1"}},
		{Function: "(example.com/shop/billing.Amount).String", Consumer: "billing", Reason: planner.ReasonValue,
			Sites: []string{"orders/orders.go:30:9"}},
	}
	for _, g := range []*analyzer.Graph{fixtureGraph(), nil} {
		v := Build(p, g)
		if len(v.InProcess) != 2 {
			t.Fatalf("Build: %d in-process calls; want 2", len(v.InProcess))
		}
		got := fmt.Sprint(v.InProcess[0].Callers, v.InProcess[1].Callers)
		want := "[{ [money/money.go:3:4]} {orders [orders/orders.go:7:1]} {web [cmd/shop/main.go:9:2 http/server.go:12:2]}] [{orders [orders/orders.go:30:9]}]"
		if got != want {
			t.Errorf("Build (graph %v): callers %s; want %s", g != nil, got, want)
		}
		if s := v.InProcess[1].Short; s != "(billing.Amount).String" {
			t.Errorf("Build: short name %q; want (billing.Amount).String", s)
		}
		var lines []string
		for _, l := range v.Layout.Local {
			lines = append(lines, l.describe())
			if !strings.HasPrefix(l.Path, "M") {
				t.Errorf("in-process line %s: path %q", l.describe(), l.Path)
			}
		}
		wantLines := []string{"orders → billing (in-process): (billing.Amount).String", "orders → notify (in-process): notify.New", "web → notify (in-process): notify.New"}
		if !slices.Equal(lines, wantLines) {
			t.Errorf("Build (graph %v): in-process lines %q; want %q", g != nil, lines, wantLines)
		}
	}
}

// TestReasonsExplained: the page explains every reason the planner gives
// for keeping a call in-process.
func TestReasonsExplained(t *testing.T) {
	for _, r := range []string{planner.ReasonStartup, planner.ReasonValue, planner.ReasonBackground} {
		if !strings.Contains(pageJS, "\n    "+r+": \"") {
			t.Errorf("app.js does not explain the in-process reason %q", r)
		}
	}
}

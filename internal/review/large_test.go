package review

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/cleave-go/cleave/planner"
)

// largePlan is a plan of the size of a big module's (hugo's has about 48
// services and a thousand topics): services svc00… with three packages
// each, topics between services mostly near each other in number, and
// in-process constructor calls from the first service to every other.
func largePlan(services, topics int) *planner.Plan {
	const module = "example.com/big"
	r := rand.New(rand.NewPCG(1, 2))
	p := &planner.Plan{Version: 1, Module: module, Broker: "nats", Prefix: "big"}
	name := func(i int) string { return fmt.Sprintf("svc%02d", i) }
	for i := range services {
		s := &planner.Service{Name: name(i), Edge: i == 0}
		for j := range 3 {
			s.Packages = append(s.Packages, fmt.Sprintf("%s/%s/part%d", module, name(i), j))
		}
		p.Services = append(p.Services, s)
	}
	for k := range topics {
		to := r.IntN(services)
		from := (to + 1 + min(r.IntN(services-1), r.IntN(services-1))) % services
		kind := planner.KindRequest
		if r.IntN(4) == 0 {
			kind = planner.KindEvent
		}
		fn := fmt.Sprintf("Func%04d", k)
		p.Topics = append(p.Topics, &planner.Topic{
			Subject: p.Prefix + "." + name(to) + "." + fn, Kind: kind,
			Function: fmt.Sprintf("%s/%s/part0.%s", module, name(to), fn), Consumer: name(to),
			Producers: []string{name(from)}, Sites: []string{fmt.Sprintf("%s/part1/x.go:%d:2", name(from), k+1)},
		})
	}
	for i := 1; i < services; i++ {
		p.InProcess = append(p.InProcess, &planner.InProcess{
			Function: fmt.Sprintf("%s/%s/part0.New", module, name(i)), Consumer: name(i),
			Reason: planner.ReasonStartup, Sites: []string{fmt.Sprintf("%s/part0/main.go:%d:2", name(0), i+10)},
		})
	}
	return p
}

func BenchmarkBuildLarge(b *testing.B) {
	p := largePlan(48, 1000)
	for b.Loop() {
		Build(p, nil)
	}
}

func TestBrowserLargePlan(t *testing.T) {
	ctx := browser(t)
	v := Build(largePlan(48, 1000), nil)
	file := filepath.Join(t.TempDir(), "large.html")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(f, v); err != nil {
		t.Fatal(err)
	}
	f.Close()
	navigate(t, ctx, "file://"+file)
	if got := eval[int](t, ctx, `document.querySelectorAll("#graph g.node").length`); got != 48 {
		t.Fatalf("the drawing has %d services; want 48", got)
	}

	// So many services: the site counts on the arrows show only zoomed in.
	shownLabels := `Array.from(document.querySelectorAll("#graph .lbl")).filter(function (e) { return getComputedStyle(e).display !== "none"; }).length`
	if n := eval[int](t, ctx, shownLabels); n != 0 {
		t.Errorf("before zooming in, %d site counts are shown; want none", n)
	}

	// The filter: what matches is highlighted, the services at the ends of
	// a matching arrow stay as they are, the rest is dimmed.
	checkFilter := func(q string, wantMatch []string) {
		t.Helper()
		got := eval[drawn](t, ctx, drawnJS)
		var want drawn
		ends := map[string]bool{}
		for _, lk := range append(slices.Clone(v.Layout.Links), v.Layout.Local...) {
			text := strings.ToLower(strings.Join(append([]string{lk.From, lk.To}, lk.Topics...), " "))
			if strings.Contains(text, q) {
				ends[lk.From], ends[lk.To] = true, true
				if lk.Kind == "in-process" {
					want.LocalMatch++
				} else {
					want.LinkMatch++
				}
			} else if lk.Kind != "in-process" {
				want.LinkDim++
			}
		}
		want.Match = wantMatch
		for _, n := range v.Layout.Nodes {
			if !ends[n.Service] && !slices.Contains(wantMatch, n.Service) {
				want.NodeDim++
			}
		}
		want.DimOpacity, want.MatchOpacity = got.DimOpacity, got.MatchOpacity
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("filtering the drawing by %q shows\n%+v\nwant\n%+v", q, got, want)
		}
		if got.NodeDim+got.LinkDim == 0 || got.DimOpacity > 0.3 || got.MatchOpacity < 1 {
			t.Errorf("filtering the drawing by %q: %d services and %d arrows dimmed, to opacity %v (matches %v); want some, faint, matches opaque",
				q, got.NodeDim, got.LinkDim, got.DimOpacity, got.MatchOpacity)
		}
	}
	within(t, ctx, 20*time.Second, "type in the drawing's filter", chromedp.SendKeys(chromedp.CSS("#graph-filter"), "svc07"))
	checkFilter("svc07", []string{"svc07"})
	if got := eval[string](t, ctx, `document.querySelector("#graph-count").textContent`); !strings.HasPrefix(got, "1 service · ") {
		t.Errorf("the drawing's filter counts %q; want 1 service · N arrows", got)
	}
	setFilter := func(q string) {
		t.Helper()
		within(t, ctx, 20*time.Second, "filter by "+q, chromedp.Evaluate[chromedp.Void](`(function () {
			var i = document.querySelector("#graph-filter");
			i.value = `+jsString(q)+`;
			i.dispatchEvent(new Event("input"));
		})()`))
	}
	setFilter("svc12/part2") // a package
	checkFilter("svc12/part2", []string{"svc12"})
	topic := v.Topics[500]
	setFilter(topic.Subject) // a topic: its arrow and the two services
	checkFilter(strings.ToLower(topic.Subject), nil)
	setFilter("")
	if n := eval[int](t, ctx, `document.querySelectorAll("#graph .dim").length`); n != 0 {
		t.Errorf("with the filter empty, %d elements are dimmed", n)
	}

	// Zoom and pan: buttons, wheel, keys and dragging change the
	// viewport's transform; 0 and fit bring it back.
	type tf struct{ K, X, Y float64 }
	transform := func() tf {
		return eval[tf](t, ctx, `(function () {
			var m = document.querySelector("#graph .viewport").transform.baseVal.consolidate();
			m = m ? m.matrix : { a: 1, e: 0, f: 0 };
			return { K: m.a, X: m.e, Y: m.f };
		})()`)
	}
	if got := transform(); got != (tf{1, 0, 0}) {
		t.Fatalf("the drawing starts at %+v; want no zoom", got)
	}
	within(t, ctx, 20*time.Second, "zoom in", chromedp.Click(chromedp.CSS("#zoom-in")))
	z1 := transform()
	if math.Abs(z1.K-1.4) > 1e-3 {
		t.Errorf("after the zoom-in button the scale is %v; want 1.4", z1.K)
	}
	box := eval[[]float64](t, ctx, `(function () { var r = document.querySelector("#graph svg").getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()`)
	wheel := func(dy float64) chromedp.Action[chromedp.Void] {
		return chromedp.MouseEvent(chromedp.MouseWheel, box[0], box[1], func(p *input.DispatchMouseEventParams) {
			p.DeltaY = dy
			p.DeltaX = 1e-6 // the protocol wants both; a zero is left out of the message
		})
	}
	// The wheel scrolls the page while the drawing does not have the
	// focus (the zoom button has it now)...
	within(t, ctx, 20*time.Second, "wheel over the drawing", chromedp.Steps(wheel(-200),
		chromedp.Evaluate[chromedp.Void](`new Promise(function (ok) { requestAnimationFrame(function () { requestAnimationFrame(ok); }); })`)))
	if z := transform(); z != z1 {
		t.Errorf("the wheel over the drawing without its focus changed the transform from %+v to %+v", z1, z)
	}
	within(t, ctx, 20*time.Second, "scroll back", chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
	// ...and zooms once it has it.
	within(t, ctx, 20*time.Second, "wheel in the drawing", chromedp.Steps(
		chromedp.Evaluate[chromedp.Void](`document.getElementById("graph").focus()`),
		wheel(-200),
		chromedp.Poll[chromedp.Void](`document.querySelector("#graph .viewport").transform.baseVal.consolidate().matrix.a > 1.41`,
			chromedp.WithPollingTimeout(10*time.Second))))
	z2 := transform()
	within(t, ctx, 20*time.Second, "zoom out with a key", chromedp.KeyEvent("-"))
	if z3 := transform(); math.Abs(z3.K-z2.K/1.4) > 1e-3 {
		t.Errorf("after the - key the scale is %v; want %v", z3.K, z2.K/1.4)
	}
	z3 := transform()
	within(t, ctx, 20*time.Second, "pan with a key", chromedp.KeyEvent(kb.ArrowLeft))
	if z4 := transform(); z4.K != z3.K || z4.X <= z3.X || z4.Y != z3.Y {
		t.Errorf("after ArrowLeft the transform is %+v; want %+v moved right", z4, z3)
	}
	z4 := transform()
	within(t, ctx, 20*time.Second, "pan by dragging", chromedp.Steps(
		chromedp.MouseEvent(chromedp.MousePressed, box[0], box[1], chromedp.ButtonLeft, chromedp.ClickCount(1)),
		chromedp.MouseEvent(chromedp.MouseMoved, box[0]+40, box[1]+20, chromedp.ButtonLeft, func(p *input.DispatchMouseEventParams) { p.Buttons = 1 }),
		chromedp.MouseEvent(chromedp.MouseMoved, box[0]+80, box[1]+40, chromedp.ButtonLeft, func(p *input.DispatchMouseEventParams) { p.Buttons = 1 }),
		chromedp.MouseEvent(chromedp.MouseReleased, box[0]+80, box[1]+40, chromedp.ButtonLeft, chromedp.ClickCount(1))))
	if z5 := transform(); z5.K != z4.K || z5.X <= z4.X || z5.Y <= z4.Y {
		t.Errorf("after dragging right and down the transform is %+v; want %+v moved right and down", z5, z4)
	}
	within(t, ctx, 20*time.Second, "fit with 0", chromedp.KeyEvent("0"))
	if got := transform(); got != (tf{1, 0, 0}) {
		t.Errorf("after 0 the transform is %+v; want none", got)
	}

	// Enter in the filter zooms to what it finds.
	setFilter("svc07")
	within(t, ctx, 20*time.Second, "Enter in the filter", chromedp.Steps(
		chromedp.Focus(chromedp.CSS("#graph-filter")),
		chromedp.KeyEvent("\r")))
	centre := eval[[]float64](t, ctx, `(function () {
		var svg = document.querySelector("#graph svg").getBoundingClientRect();
		var n = document.querySelector('#graph g.node[data-service="svc07"] rect').getBoundingClientRect();
		return [(n.left + n.width / 2 - svg.left) / svg.width, (n.top + n.height / 2 - svg.top) / svg.height];
	})()`)
	if z := transform(); z.K <= 1 || math.Abs(centre[0]-0.5) > 0.05 || math.Abs(centre[1]-0.5) > 0.05 {
		t.Errorf("after Enter in the filter the scale is %v and svc07 is at %v of the drawing; want zoomed in, in the middle", z.K, centre)
	}
	if n := eval[int](t, ctx, shownLabels); n == 0 {
		t.Errorf("zoomed in, no site counts are shown")
	}
	shoot(t, ctx, "review-large.png", false)

	// A long in-process list starts folded to its service pairs; a pair
	// unfolds, and its filter finds rows in folded pairs.
	if n := eval[int](t, ctx, visibleInProcess); n != 0 {
		t.Errorf("%d in-process rows of 47 are shown before unfolding; want the list folded", n)
	}
	within(t, ctx, 20*time.Second, "unfold a pair", chromedp.Click(chromedp.CSS("#inprocess-table tr.pair .fold")))
	if n := eval[int](t, ctx, visibleInProcess); n != 1 {
		t.Errorf("after unfolding the first pair, %d in-process rows are shown; want its 1", n)
	}
	within(t, ctx, 20*time.Second, "filter in-process", chromedp.SendKeys(chromedp.CSS("#inprocess-filter input"), "svc2"))
	if n := eval[int](t, ctx, visibleInProcess); n != 10 { // svc20…svc29
		t.Errorf("filtering in-process calls by svc2 shows %d rows; want 10", n)
	}

	// A service's box takes the focus, and Enter lists its topics.
	within(t, ctx, 20*time.Second, "Enter on a service", chromedp.Steps(
		chromedp.Evaluate[chromedp.Void](`document.querySelector('#graph g.node[data-service="svc31"]').focus()`),
		chromedp.KeyEvent("\r")))
	if got := eval[string](t, ctx, `document.querySelector("#topics-filter input").value`); got != "svc31" {
		t.Errorf("after Enter on svc31's box, the topics filter reads %q", got)
	}

	// The in-process lines can be hidden.
	within(t, ctx, 20*time.Second, "hide in-process lines", chromedp.Click(chromedp.CSS("#show-local")))
	if got := eval[string](t, ctx, `getComputedStyle(document.querySelector("#graph path.local")).display`); got != "none" {
		t.Errorf("with in-process unticked, its lines have display %q", got)
	}
}

// visibleInProcess counts the in-process rows on screen.
const visibleInProcess = `Array.from(document.querySelectorAll("#inprocess-table tr[data-in]")).filter(function (r) { return r.getClientRects().length > 0; }).length`

// drawn is what the drawing's filter did.
type drawn struct {
	Match                       []string
	NodeDim, LinkMatch, LinkDim int
	LocalMatch                  int
	DimOpacity, MatchOpacity    float64
}

const drawnJS = `(function () {
	var q = function (s) { return Array.from(document.querySelectorAll("#graph " + s)); };
	var dim = q(".node.dim")[0] || q(".link.dim")[0];
	var match = q(".node.match")[0] || q(".link.match")[0];
	return {
		Match: q(".node.match").map(function (e) { return e.dataset.service; }).sort(),
		NodeDim: q(".node.dim").length,
		LinkMatch: q("path.link.match").length,
		LinkDim: q("path.link.dim").length,
		LocalMatch: q("path.local.match").length,
		DimOpacity: dim ? +getComputedStyle(dim).opacity : 1,
		MatchOpacity: match ? +getComputedStyle(match).opacity : 0,
	};
})()`

package review

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/cleave-go/cleave/analyzer"
	"github.com/cleave-go/cleave/planner"
)

// The tests in this file drive a real browser: Debian's chromium through
// chromedp. Without one they are skipped, unless CI is set: there a
// missing browser is a failure.

func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no chromium binary found, and CI is set: install chromium (apt-get install chromium)")
	}
	t.Skip("skipping the browser test: no chromium binary found (apt-get install chromium; with CI set this fails instead)")
	return ""
}

// windowHeight is tall enough that a package and any service card are on
// screen together, as a drag needs.
const windowHeight = 2600

// browser starts a headless chromium and returns a tab context.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1440, windowHeight),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelA() })
	// The first Run starts the browser; it must not carry a deadline.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// within runs f with a deadline, so a stuck browser fails the test
// instead of hanging it.
func within(t *testing.T, ctx context.Context, d time.Duration, what string, a chromedp.Action[chromedp.Void]) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	if err := chromedp.Do(tctx, a); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// act runs a, which makes the page call the server, and waits until the
// page has drawn the answer.
func act(t *testing.T, ctx context.Context, what string, a chromedp.Action[chromedp.Void]) {
	t.Helper()
	n := eval[int](t, ctx, `+document.body.dataset.rendered`)
	within(t, ctx, 30*time.Second, what, chromedp.Steps(a,
		chromedp.Poll[chromedp.Void](fmt.Sprintf(`+document.body.dataset.rendered > %d`, n), chromedp.WithPollingTimeout(20*time.Second))))
}

func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(tctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// addScript runs src in every document before the page's own scripts.
func addScript(src string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: src})
		return err
	})
}

// probes make the page record policy violations and dialogs.
const probes = `window.__csp = []; window.__alerts = [];
document.addEventListener("securitypolicyviolation", function (e) { window.__csp.push(e.violatedDirective + " " + e.blockedURI); });
window.alert = window.confirm = window.prompt = function (m) { window.__alerts.push(String(m)); };
window.__fetches = 0;
(function (f) { if (f) window.fetch = function () { window.__fetches++; return f.apply(this, arguments); }; })(window.fetch);`

func navigate(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	within(t, ctx, 30*time.Second, "open "+url, chromedp.Steps(
		addScript(probes),
		chromedp.Navigate(url),
		chromedp.Poll[chromedp.Void](`document.body && document.body.dataset.rendered === "1"`, chromedp.WithPollingTimeout(20*time.Second)),
	))
	if csp := eval[[]string](t, ctx, `window.__csp`); len(csp) > 0 {
		t.Errorf("the page's security policy blocked: %v", csp)
	}
}

// screenshot saves PNGs of the whole page (name.png) and of its first
// screen at 1440×1000 (name-top.png) as test artifacts, in
// $CLEAVE_ARTIFACTS when set. It returns the path of the first screen.
func screenshot(t *testing.T, ctx context.Context, name string) string {
	t.Helper()
	return shoot(t, ctx, name, true)
}

// shoot is screenshot, without the whole page unless full is set (a long
// page takes seconds).
func shoot(t *testing.T, ctx context.Context, name string, full bool) string {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var whole []byte
	if full {
		var err error
		if whole, err = chromedp.Run(tctx, chromedp.FullScreenshot(100)); err != nil {
			t.Fatalf("screenshot: %v", err)
		}
	}
	err := chromedp.Do(tctx, chromedp.EmulateViewport(1440, 1000),
		chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	top, err := chromedp.Run(tctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	dir := os.Getenv("CLEAVE_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	base := filepath.Join(dir, strings.TrimSuffix(name, ".png"))
	for file, png := range map[string][]byte{base + ".png": whole, base + "-top.png": top} {
		if png == nil {
			continue
		}
		if err := os.WriteFile(file, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if full {
		t.Logf("screenshots: %s.png, %s-top.png", base, base)
	} else {
		t.Logf("screenshot: %s-top.png", base)
	}
	if err := chromedp.Do(tctx, chromedp.EmulateViewport(1440, windowHeight)); err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	return base + "-top.png"
}

// shopPlan loads testdata/shop and proposes a plan for it.
func shopPlan(t *testing.T) (*planner.Plan, *analyzer.Graph) {
	t.Helper()
	ctx := context.Background()
	g, err := analyzer.Load(ctx, "../../testdata/shop", []string{"./..."}, analyzer.Options{})
	if err != nil {
		t.Fatalf("load testdata/shop: %v", err)
	}
	p, err := planner.Propose(ctx, g, planner.Constraints{})
	if err != nil {
		t.Fatalf("plan testdata/shop: %v", err)
	}
	return p, g
}

// reread is p as planner.Parse reads it back from plan.yaml.
func reread(t *testing.T, p *planner.Plan) *planner.Plan {
	t.Helper()
	data, err := planner.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	q, err := planner.Parse(data)
	if err != nil {
		t.Fatalf("parse marshalled plan: %v\n%s", err, data)
	}
	return q
}

// telling finds a move of a package to another service that changes both
// the ICP and the set of topics, so the page has something to show.
func telling(t *testing.T, p *planner.Plan, g *analyzer.Graph) (pkg, to string) {
	t.Helper()
	base := subjectsOf(p)
	for _, s := range p.Services {
		if len(s.Packages) < 2 {
			continue // moving the last package away empties a service
		}
		for _, pk := range s.Packages {
			for _, dst := range p.Services {
				if dst == s {
					continue
				}
				q := clone(p)
				if err := Apply(q, Edit{Op: OpMove, Package: pk, To: dst.Name}, func(string) bool { return true }); err != nil {
					continue
				}
				if err := planner.Refresh(g, q); err != nil {
					t.Fatal(err)
				}
				if q.Scores.Split.ICP != p.Scores.Split.ICP && !slices.Equal(subjectsOf(q), base) {
					return pk, dst.Name
				}
			}
		}
	}
	t.Fatal("no move of a package changes both ICP and the topics")
	return "", ""
}

func subjectsOf(p *planner.Plan) []string {
	var s []string
	for _, t := range p.Topics {
		s = append(s, t.Subject)
	}
	slices.Sort(s)
	return s
}

// pageInProcess lists the in-process rows the page shows, one per
// function and calling service: "caller → consumer | function | reason |
// sites", sorted.
const pageInProcess = `Array.from(document.querySelectorAll("#inprocess-table tr[data-in]")).map(function (r) {
	return [r.dataset.in, r.dataset.function, r.querySelector(".reason").textContent,
		Array.from(r.querySelectorAll(".sites li")).map(function (li) { return li.textContent; }).join(" ")].join(" | ");
}).sort()`

// wantInProcess is what pageInProcess should read for v.
func wantInProcess(v *View) []string {
	var rows []string
	for _, ip := range v.InProcess {
		for _, c := range ip.Callers {
			var sites []string
			for _, s := range c.Sites {
				sites = append(sites, s[:strings.LastIndex(s, ":")]) // file:line
			}
			rows = append(rows, strings.Join([]string{c.Service + " → " + ip.Consumer, ip.Function, ip.Reason, strings.Join(sites, " ")}, " | "))
		}
	}
	slices.Sort(rows)
	return rows
}

const pageSubjects = `Array.from(document.querySelectorAll("#topic-table tr[data-subject]")).map(function (r) { return r.dataset.subject; }).sort()`

func TestBrowserServedEditor(t *testing.T) {
	ctx := browser(t)
	p, g := shopPlan(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "plan.yaml")
	if err := planner.WriteFile(path, p); err != nil {
		t.Fatal(err)
	}
	p, err := planner.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := NewServer(PlannerConfig(path, p, g))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(sctx, ln) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})

	start := srv.Plan()
	pkg, to := telling(t, reread(t, start), g)
	t.Logf("moving %s to %s", pkg, to)

	navigate(t, ctx, srv.URL(ln.Addr().String()))
	icp0 := eval[string](t, ctx, `document.querySelector("#score-icp").firstChild.textContent`)
	topics0 := eval[[]string](t, ctx, pageSubjects)
	if want := subjectsOf(start); !slices.Equal(topics0, want) {
		t.Fatalf("the page shows topics %v; want %v", topics0, want)
	}
	inproc0 := eval[[]string](t, ctx, pageInProcess)
	if want := wantInProcess(Build(start, g)); len(want) == 0 || !slices.Equal(inproc0, want) {
		t.Fatalf("the page shows in-process calls\n%s\nwant (not none)\n%s", strings.Join(inproc0, "\n"), strings.Join(want, "\n"))
	}

	// A program (package main) cannot be shared: its select does not
	// offer it, another package's does.
	offers := eval[map[string]bool](t, ctx, `(function () {
		var out = {};
		document.querySelectorAll("li.pkg[data-package]").forEach(function (li) {
			var s = li.querySelector("select");
			if (s) out[li.dataset.package] = Array.from(s.options).some(function (o) { return o.value === "\u0000shared"; });
		});
		return out;
	})()`)
	for _, pk := range g.Packages {
		inService := slices.ContainsFunc(start.Services, func(s *planner.Service) bool { return slices.Contains(s.Packages, pk.Path) })
		if got, ok := offers[pk.Path]; inService && (!ok || got == pk.Main) {
			t.Errorf("the select of %s (main %v) offers sharing: %v (shown %v)", pk.Path, pk.Main, got, ok)
		}
	}

	// Dropping a package back on its own service asks nothing of the
	// server (it used to answer "already in service" in red).
	var home string
	for _, s := range start.Services {
		if slices.Contains(s.Packages, pkg) {
			home = s.Name
		}
	}
	fetches := eval[int](t, ctx, `window.__fetches`)
	within(t, ctx, 20*time.Second, "drop "+pkg+" on its own service", chromedp.Evaluate[chromedp.Void](`(function () {
		var li = document.querySelector(`+jsString(`li.pkg[data-package=`+jsString(pkg)+`]`)+`);
		var card = document.querySelector(`+jsString(`.svc[data-service=`+jsString(home)+`]`)+`);
		var dt = new DataTransfer();
		li.dispatchEvent(new DragEvent("dragstart", { dataTransfer: dt, bubbles: true }));
		card.dispatchEvent(new DragEvent("dragover", { dataTransfer: dt, bubbles: true, cancelable: true }));
		card.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
		li.dispatchEvent(new DragEvent("dragend", { dataTransfer: dt, bubbles: true }));
	})()`))
	if n := eval[int](t, ctx, `window.__fetches`); n != fetches {
		t.Errorf("dropping %s back on %s sent %d requests; want none", pkg, home, n-fetches)
	}

	// Drag the package onto the other service's card.
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	from := chromedp.CSS(`li.pkg[data-package=` + q(pkg) + `]`)
	onto := chromedp.CSS(`.svc[data-service=` + q(to) + `] .pkgs`)
	act(t, ctx, "drag "+pkg+" to "+to, chromedp.DragAndDrop(from, onto))
	if msg := eval[string](t, ctx, `(document.querySelector("#notice.error") || {}).textContent || ""`); msg != "" {
		t.Fatalf("the drag was refused: %s", msg)
	}
	inTarget := eval[bool](t, ctx, `!!document.querySelector(`+jsString(`.svc[data-service=`+q(to)+`] li[data-package=`+q(pkg)+`]`)+`)`)
	icp1 := eval[string](t, ctx, `document.querySelector("#score-icp").firstChild.textContent`)
	topics1 := eval[[]string](t, ctx, pageSubjects)
	if !inTarget {
		t.Errorf("after the drag, %s is not shown in %s", pkg, to)
	}
	if icp1 == icp0 {
		t.Errorf("after the drag, ICP still shows %s", icp0)
	}
	if slices.Equal(topics1, topics0) {
		t.Errorf("after the drag, the topics did not change: %v", topics1)
	}
	if delta := eval[string](t, ctx, `(document.querySelector("#score-icp .delta") || {}).textContent || ""`); delta == "" {
		t.Errorf("after the drag, ICP shows no change from the start")
	}
	if got, want := eval[[]string](t, ctx, pageInProcess), wantInProcess(Build(srv.Plan(), g)); !slices.Equal(got, want) {
		t.Errorf("after the drag, the page shows in-process calls\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// Undo, then make the same move with the select.
	act(t, ctx, "undo", chromedp.Click(chromedp.CSS("#undo")))
	if got := eval[[]string](t, ctx, pageSubjects); !slices.Equal(got, topics0) {
		t.Errorf("after undo, topics = %v; want %v", got, topics0)
	}
	act(t, ctx, "move with the select", chromedp.Evaluate[chromedp.Void](`(function () {
			var s = document.querySelector(`+jsString(`li.pkg[data-package=`+q(pkg)+`] select`)+`);
			s.value = `+q(to)+`;
			s.dispatchEvent(new Event("change"));
		})()`))
	if got := eval[[]string](t, ctx, pageSubjects); !slices.Equal(got, topics1) {
		t.Errorf("after the move with the select, topics = %v; want %v", got, topics1)
	}

	// The first screen after the move is the picture in the README
	// (CLEAVE_DOCS_SCREENSHOT=docs/review.png).
	shot := screenshot(t, ctx, "review-served.png")
	if out := os.Getenv("CLEAVE_DOCS_SCREENSHOT"); out != "" {
		data, _ := os.ReadFile(shot)
		if err := os.WriteFile(out, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// Flip the first event's kind, see it flipped, and take it back. (An
	// event made a request stays a topic; a request whose callee returns
	// results made an event is a call apply leaves alone, and leaves the
	// table for the in-process list.)
	first := eval[[]string](t, ctx, `(function () {
		var rows = document.querySelectorAll("#topic-table tr[data-subject]");
		for (var i = 0; i < rows.length; i++) {
			var k = rows[i].querySelector("button.kind").firstChild.textContent;
			if (k.indexOf("event") >= 0) return [rows[i].dataset.subject, k];
		}
		return ["", ""];
	})()`)
	if first[0] == "" {
		t.Fatal("no event topic to flip")
	}
	act(t, ctx, "flip "+first[0], chromedp.Click(chromedp.CSS(`#topic-table tr[data-subject=`+q(first[0])+`] button.kind`)))
	flipped := eval[string](t, ctx, `document.querySelector(`+jsString(`#topic-table tr[data-subject=`+q(first[0])+`] button.kind`)+`).firstChild.textContent`)
	if flipped == first[1] {
		t.Errorf("after flipping %s it is still a %s", first[0], flipped)
	}
	act(t, ctx, "undo the flip", chromedp.Click(chromedp.CSS("#undo")))

	// Renaming the service a call in-process goes to renames it in the
	// in-process list too, and the service keeps its colour.
	callee := Build(srv.Plan(), g).InProcess[0].Consumer
	class := func(name string) string {
		return eval[string](t, ctx, `document.querySelector(`+jsString(`.svc[data-service=`+q(name)+`]`)+`).getAttribute("class")`)
	}
	class0 := class(callee)
	within(t, ctx, 20*time.Second, "open rename of "+callee, chromedp.Click(chromedp.CSS(`.svc[data-service=`+q(callee)+`] footer .btn`)))
	act(t, ctx, "rename "+callee, chromedp.Steps(
		chromedp.SetValue(chromedp.CSS(`.svc[data-service=`+q(callee)+`] .rename input`), callee+"x"),
		chromedp.Click(chromedp.CSS(`.svc[data-service=`+q(callee)+`] .rename button`))))
	renamed := eval[[]string](t, ctx, pageInProcess)
	if want := wantInProcess(Build(srv.Plan(), g)); !slices.Equal(renamed, want) || !strings.Contains(strings.Join(renamed, "\n"), "→ "+callee+"x |") {
		t.Errorf("after renaming %s to %sx, the page shows in-process calls\n%s\nwant\n%s", callee, callee, strings.Join(renamed, "\n"), strings.Join(want, "\n"))
	}
	if got := class(callee + "x"); got != class0 {
		t.Errorf("renaming %s changed its card's classes from %q to %q", callee, class0, got)
	}
	act(t, ctx, "undo the rename", chromedp.Click(chromedp.CSS("#undo")))

	// A refused edit shows its reason and changes nothing.
	within(t, ctx, 30*time.Second, "create a bad service", chromedp.Steps(
		chromedp.SetValue(chromedp.CSS("#new-service"), "Not-An-Identifier"),
		chromedp.Click(chromedp.CSS("#create")),
		chromedp.Poll[chromedp.Void](`!!document.querySelector("#notice.error")`, chromedp.WithPollingTimeout(20*time.Second)),
	))
	if msg := eval[string](t, ctx, `document.querySelector("#notice").textContent`); !strings.Contains(msg, "not a lower-case Go identifier") {
		t.Errorf("refused create shows %q", msg)
	}
	if got := eval[[]string](t, ctx, pageSubjects); !slices.Equal(got, topics1) {
		t.Errorf("a refused edit changed the topics to %v", got)
	}

	// Ctrl+S saves, also from a text box (it used to open the browser's
	// own save dialog there).
	within(t, ctx, 30*time.Second, "save", chromedp.Steps(
		chromedp.Focus(chromedp.CSS("#graph-filter")),
		chromedp.KeyEvent("s", chromedp.KeyModifiers(kb.ModifierCtrl)),
		chromedp.Poll[chromedp.Void](`!!document.querySelector("#notice.ok")`, chromedp.WithPollingTimeout(20*time.Second)),
	))
	saved, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if probs := planner.Check(g, nil, saved); len(probs) > 0 {
		t.Errorf("the saved plan does not pass planner.Check: %v\n%s", probs, saved)
	}
	back, err := planner.Parse(saved)
	if err != nil {
		t.Fatal(err)
	}
	moved := false
	for _, s := range back.Services {
		if s.Name == to && slices.Contains(s.Packages, pkg) {
			moved = true
		}
	}
	if !moved {
		t.Errorf("the saved plan does not have %s in %s", pkg, to)
	}
	if _, err := os.Stat(path + ".bak"); err != nil {
		t.Errorf("no plan.yaml.bak after save: %v", err)
	}
	if st := eval[string](t, ctx, `document.querySelector("#status").textContent`); st != "saved" {
		t.Errorf("after save the status reads %q", st)
	}
}

func TestBrowserStaticPage(t *testing.T) {
	ctx := browser(t)
	p, g := shopPlan(t)
	if err := planner.Refresh(g, p); err != nil {
		t.Fatal(err)
	}
	v := Build(p, g)
	file := filepath.Join(t.TempDir(), "review.html")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(f, v); err != nil {
		t.Fatal(err)
	}
	f.Close()
	navigate(t, ctx, "file://"+file)

	type shown struct {
		Services []string `json:"services"`
		Nodes    int      `json:"nodes"`
		Links    int      `json:"links"`
		Dashed   int      `json:"dashed"`
		Topics   []string `json:"topics"`
		Blockers int      `json:"blockers"`
		Scores   int      `json:"scores"`
		Edit     int      `json:"edit"`
	}
	got := eval[shown](t, ctx, `({
		services: Array.from(document.querySelectorAll(".svc[data-service] h3")).map(function (e) { return e.textContent; }),
		nodes: document.querySelectorAll("#graph g.node").length,
		links: document.querySelectorAll("#graph path.link").length,
		dashed: document.querySelectorAll("#graph path.link.event").length,
		topics: `+pageSubjects+`,
		blockers: document.querySelectorAll("#blockers tr").length - 1,
		scores: document.querySelectorAll("#scores td[id^=score-]").length,
		edit: document.querySelectorAll("select, #save, #undo, #new-service, [draggable]").length,
	})`)
	var want shown
	for _, s := range v.Services {
		want.Services = append(want.Services, s.Name)
	}
	want.Nodes, want.Links = len(v.Layout.Nodes), len(v.Layout.Links)
	for _, l := range v.Layout.Links {
		if l.Kind == planner.KindEvent {
			want.Dashed++
		}
	}
	want.Topics = subjectsOf(p)
	want.Blockers = max(len(v.Blockers), 0)
	if len(v.Blockers) == 0 {
		want.Blockers = 0 // the table is replaced by a sentence
		got.Blockers = max(got.Blockers, 0)
	}
	want.Scores = len(v.Scores)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("the static page shows\n%+v\nwant\n%+v", got, want)
	}
	screenshot(t, ctx, "review-static.png")

	// The calls that stay in-process: one row per function and calling
	// service, under its service pair, with its sites as file:line; a
	// dotted line per pair in the drawing.
	if len(v.InProcess) == 0 {
		t.Fatal("the shop's plan has no in-process calls (its main wires constructors across services)")
	}
	if got, want := eval[[]string](t, ctx, pageInProcess), wantInProcess(v); !slices.Equal(got, want) {
		t.Errorf("the static page shows in-process calls\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got, want := eval[int](t, ctx, `document.querySelectorAll("#graph path.local").length`), len(v.Layout.Local); got != want || want == 0 {
		t.Errorf("the drawing has %d in-process lines; want %d (not 0)", got, want)
	}
	if got := eval[string](t, ctx, `document.querySelector("#stats").textContent`); !strings.Contains(got, fmt.Sprintf("%d in-process", len(v.InProcess))) {
		t.Errorf("the top bar reads %q; want %d in-process", got, len(v.InProcess))
	}
	// A topic some of whose calls stay in-process says so beside it, and
	// the note shows those calls.
	local := map[string]int{}
	for _, ip := range v.InProcess {
		local[ip.Function] += len(ip.Sites)
	}
	notes := eval[map[string]string](t, ctx, `(function () {
		var out = {};
		document.querySelectorAll("#topic-table tr[data-subject]").forEach(function (r) {
			var b = r.querySelector(".alsolocal");
			if (b) out[r.dataset.subject] = b.textContent;
		});
		return out;
	})()`)
	wantNotes := map[string]string{}
	both := ""
	for _, tp := range v.Topics {
		if n := local[tp.Function]; n > 0 {
			wantNotes[tp.Subject] = fmt.Sprintf("+ %d in-process call", n)
			both = tp.Subject
		}
	}
	if both == "" {
		t.Fatal("no function of the shop is both a topic and called in-process (its seeding calls catalog's Create at start-up)")
	}
	if len(notes) != len(wantNotes) {
		t.Errorf("topics with an in-process note: %v; want %v", notes, wantNotes)
	}
	for subj, want := range wantNotes {
		if !strings.HasPrefix(notes[subj], want) {
			t.Errorf("topic %s notes %q; want %q…", subj, notes[subj], want)
		}
	}
	within(t, ctx, 20*time.Second, "show the in-process calls of "+both,
		chromedp.Click(chromedp.CSS(`#topic-table tr[data-subject=`+jsString(both)+`] .alsolocal`)))
	fns := eval[[]string](t, ctx, `Array.from(document.querySelectorAll("#inprocess-table tr[data-in]:not([hidden])")).map(function (r) { return r.dataset.function; })`)
	var topicFn string
	for _, tp := range v.Topics {
		if tp.Subject == both {
			topicFn = tp.Function
		}
	}
	if len(fns) == 0 || slices.ContainsFunc(fns, func(f string) bool { return !strings.Contains(f, topicFn) }) {
		t.Errorf("the note of %s shows in-process calls of %v; want only %s", both, fns, topicFn)
	}

	within(t, ctx, 20*time.Second, "filter in-process calls", chromedp.Steps(
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#inprocess-filter input").value = ""`),
		chromedp.SendKeys(chromedp.CSS("#inprocess-filter input"), "value")))
	type ipShown struct {
		Rows, Value, Groups, GroupsWithRows int
	}
	ips := eval[ipShown](t, ctx, `(function () {
		var rows = Array.from(document.querySelectorAll("#inprocess-table tr[data-in]:not([hidden])"));
		var groups = Array.from(document.querySelectorAll("#inprocess-table tr[data-group]:not([hidden])"));
		return {
			Rows: rows.length,
			Value: rows.filter(function (r) { return r.querySelector(".reason").textContent === "value"; }).length,
			Groups: groups.length,
			GroupsWithRows: groups.filter(function (g) { return rows.some(function (r) { return r.dataset.in === g.dataset.group; }); }).length,
		};
	})()`)
	if ips.Rows == 0 || ips.Value != ips.Rows || ips.Groups != ips.GroupsWithRows {
		t.Errorf("filtering in-process calls by \"value\" shows %+v; want only value rows (some) and only their pairs", ips)
	}

	// The topics filter keeps the rows that mention what is typed.
	svc := v.Services[len(v.Services)-1].Name
	within(t, ctx, 20*time.Second, "filter topics", chromedp.Steps(
		chromedp.SendKeys(chromedp.CSS("#topics-filter input"), svc),
	))
	visible := eval[[]string](t, ctx, `Array.from(document.querySelectorAll("#topic-table tr[data-subject]:not([hidden])")).map(function (r) { return r.dataset.subject; }).sort()`)
	var mention []string
	for _, tp := range v.Topics {
		text := strings.ToLower(strings.Join(append(append([]string{tp.Subject, tp.Kind, tp.Function, tp.Consumer}, tp.Producers...), tp.Sites...), " "))
		if strings.Contains(text, strings.ToLower(svc)) {
			mention = append(mention, tp.Subject)
		}
	}
	slices.Sort(mention)
	if !slices.Equal(visible, mention) {
		t.Errorf("filtering topics by %q shows %v; want %v", svc, visible, mention)
	}
}

func TestBrowserHostileNames(t *testing.T) {
	ctx := browser(t)
	file := filepath.Join(t.TempDir(), "evil.html")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(f, Build(hostilePlan(), nil)); err != nil {
		t.Fatal(err)
	}
	f.Close()
	navigate(t, ctx, "file://"+file)
	if n := eval[int](t, ctx, `document.querySelectorAll("img, style:not(head style), script").length`); n != 2 {
		t.Errorf("the page has %d img/style/script elements; want only its 2 scripts", n)
	}
	if a := eval[[]string](t, ctx, `window.__alerts`); len(a) > 0 {
		t.Errorf("a hostile name ran script: alerts %v", a)
	}
	if !eval[bool](t, ctx, `document.body.textContent.indexOf(`+jsString(hostile)+`) >= 0`) {
		t.Errorf("the hostile name is not shown as text")
	}
	// Names that are properties of every object are names like others.
	if got := eval[string](t, ctx, `document.querySelector("#inprocess-table").textContent`); strings.Contains(got, "function") && strings.Contains(got, "native code") ||
		!strings.Contains(got, "1 function · 1 constructor") {
		t.Errorf("the in-process list of a plan with a reason named constructor reads %q", got)
	}
}

func jsString(s string) string { b, _ := json.Marshal(s); return string(b) }

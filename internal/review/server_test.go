package review

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/cleave-go/cleave/analyzer"
	"github.com/cleave-go/cleave/planner"
)

// newTestServer serves the fixture plan, written to a temporary plan.yaml,
// with the fake planner.
func newTestServer(t *testing.T) (*Server, *httptest.Server, string) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "plan.yaml")
	data, err := os.ReadFile("testdata/plan.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	g := fixtureGraph()
	srv, err := NewServer(Config{Path: path, Plan: fixturePlan(t), Graph: g, Refresh: fakeRefresh(g),
		Marshal: yamlMarshal, Check: yamlCheck(knownIn(g)), Token: "secret"})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return srv, ts, path
}

func knownIn(g *analyzer.Graph) func(string) bool {
	return func(path string) bool {
		return slices.ContainsFunc(g.Packages, func(p *analyzer.Package) bool { return p.Path == path })
	}
}

// post sends body to the API the way the page does, with changes made by
// mod to the request first.
func post(t *testing.T, ts *httptest.Server, path, body string, mod func(*http.Request)) (int, reply) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, ts.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(TokenHeader, "secret")
	req.Header.Set("Origin", ts.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if mod != nil {
		mod(req)
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r reply
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatalf("POST %s: decode reply: %v", path, err)
	}
	return resp.StatusCode, r
}

func TestEditRefused(t *testing.T) {
	srv, ts, path := newTestServer(t)
	before, _ := os.ReadFile(path)
	want, _ := yamlMarshal(srv.Plan())
	for _, tc := range []struct{ body, want string }{
		{`{"op":"create","service":""}`, "needs a name"},
		{`{"op":"create","service":"Billing"}`, "not a lower-case Go identifier"},
		{`{"op":"create","service":"9lives"}`, "not a lower-case Go identifier"},
		{`{"op":"create","service":"a-b"}`, "not a lower-case Go identifier"},
		{`{"op":"create","service":"func"}`, "not a lower-case Go identifier"},
		{`{"op":"create","service":"orders"}`, `already a service named "orders"`},
		{`{"op":"rename","service":"orders","to":"inventory"}`, `already a service named "inventory"`},
		{`{"op":"rename","service":"orders","to":"<b>x</b>"}`, "not a lower-case Go identifier"},
		{`{"op":"rename","service":"nope","to":"x"}`, `no service named "nope"`},
		{`{"op":"move","package":"example.com/shop/nope","to":"orders"}`, "unknown package"},
		{`{"op":"move","package":"example.com/shop/cart","to":"nope"}`, `no service named "nope"`},
		{`{"op":"move","package":"example.com/shop/cart","to":"orders"}`, `already in service "orders"`},
		{`{"op":"merge","service":"orders","to":"orders"}`, "into itself"},
		{`{"op":"delete","service":"orders"}`, "still has 2 packages"},
		{`{"op":"share","package":"example.com/shop/cmd/shop"}`, "cannot be shared"},
		{`{"op":"kind","function":"example.com/shop/billing.Charge","kind":"rpc"}`, "neither"},
		{`{"op":"kind","function":"example.com/shop/nope.F","kind":"event"}`, "no topic carries"},
		{`{"op":"explode"}`, "unknown edit"},
		{`{"op":"move","pkg":"x"}`, "unknown field"},
		{`{"op":`, "bad edit"},
	} {
		code, r := post(t, ts, "/api/edit", tc.body, nil)
		if code != http.StatusBadRequest || !strings.Contains(r.Error, tc.want) {
			t.Errorf("edit %s: %d %q; want 400 and %q", tc.body, code, r.Error, tc.want)
		}
	}
	if got, _ := yamlMarshal(srv.Plan()); string(got) != string(want) {
		t.Errorf("refused edits changed the plan")
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Errorf("refused edits wrote %s", path)
	}
}

func TestGuard(t *testing.T) {
	_, ts, _ := newTestServer(t)
	move := `{"op":"move","package":"example.com/shop/cart","to":"inventory"}`
	for _, tc := range []struct {
		name string
		mod  func(*http.Request)
		code int
	}{
		{"no token", func(r *http.Request) { r.Header.Del(TokenHeader) }, 403},
		{"wrong token", func(r *http.Request) { r.Header.Set(TokenHeader, "secreT") }, 403},
		{"token in query only", func(r *http.Request) { r.Header.Del(TokenHeader); r.URL.RawQuery = "token=secret" }, 403},
		{"other origin", func(r *http.Request) { r.Header.Set("Origin", "http://evil.example") }, 403},
		{"null origin", func(r *http.Request) { r.Header.Set("Origin", "null") }, 403},
		{"cross-site", func(r *http.Request) { r.Header.Set("Sec-Fetch-Site", "cross-site"); r.Header.Del("Origin") }, 403},
		{"same-site", func(r *http.Request) { r.Header.Set("Sec-Fetch-Site", "same-site") }, 403},
		{"form post", func(r *http.Request) { r.Header.Set("Content-Type", "application/x-www-form-urlencoded") }, 415},
		{"text post", func(r *http.Request) { r.Header.Set("Content-Type", "text/plain") }, 415},
		{"GET", func(r *http.Request) { r.Method = http.MethodGet }, 405},
	} {
		code, r := post(t, ts, "/api/edit", move, tc.mod)
		if code != tc.code || r.Error == "" {
			t.Errorf("%s: %d %q; want %d and an error", tc.name, code, r.Error, tc.code)
		}
		if r.View != nil {
			t.Errorf("%s: a refused request got the plan back", tc.name)
		}
	}
	// Without Origin and Sec-Fetch-Site (a client that is not a browser),
	// the token alone admits the change.
	code, r := post(t, ts, "/api/edit", move, func(r *http.Request) { r.Header.Del("Origin"); r.Header.Del("Sec-Fetch-Site") })
	if code != 200 || r.Error != "" {
		t.Errorf("edit with token only: %d %q; want 200", code, r.Error)
	}
}

func TestPageNeedsToken(t *testing.T) {
	_, ts, _ := newTestServer(t)
	for _, tc := range []struct {
		url  string
		code int
	}{
		{"/", 403}, {"/?token=wrong", 403}, {"/?token=secret", 200}, {"/api/view", 403}, {"/nope", 404},
	} {
		resp, err := ts.Client().Get(ts.URL + tc.url)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.code {
			t.Errorf("GET %s: %d; want %d", tc.url, resp.StatusCode, tc.code)
		}
		if tc.code == 200 {
			if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
				t.Errorf("GET %s: Content-Security-Policy %q", tc.url, csp)
			}
		}
	}
}

func TestHostChecked(t *testing.T) {
	srv, ts, _ := newTestServer(t)
	srv.hosts = map[string]bool{"127.0.0.1:1": true}
	resp, err := ts.Client().Get(ts.URL + "/?token=secret")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("GET with a foreign Host: %d; want %d", resp.StatusCode, http.StatusMisdirectedRequest)
	}
}

func TestEditReplansAndUndo(t *testing.T) {
	_, ts, _ := newTestServer(t)
	code, r := post(t, ts, "/api/edit", `{"op":"move","package":"example.com/shop/cart","to":"inventory"}`, nil)
	if code != 200 {
		t.Fatalf("move: %d %s", code, r.Error)
	}
	v := r.View
	if !v.Dirty || v.Undo != 1 {
		t.Errorf("after move: dirty %v undo %d; want dirty and 1", v.Dirty, v.Undo)
	}
	subjects := topicSubjects(v)
	if !strings.Contains(subjects, "shop.orders.Draft") || strings.Contains(subjects, "shop.inventory.Reserve [orders inventory") {
		t.Errorf("after moving cart to inventory, topics = %s; want shop.orders.Draft", subjects)
	}

	code, r = post(t, ts, "/api/edit", `{"op":"create","service":"storefront"}`, nil)
	if code != 200 || len(r.View.Services) != 6 {
		t.Fatalf("create: %d %s", code, r.Error)
	}
	code, r = post(t, ts, "/api/edit", `{"op":"rename","service":"storefront","to":"shopfront"}`, nil)
	if code != 200 || r.View.Services[5].Name != "shopfront" {
		t.Fatalf("rename: %d %s", code, r.Error)
	}
	code, r = post(t, ts, "/api/edit", `{"op":"delete","service":"shopfront"}`, nil)
	if code != 200 || len(r.View.Services) != 5 {
		t.Fatalf("delete: %d %s", code, r.Error)
	}
	code, r = post(t, ts, "/api/edit", `{"op":"merge","service":"notify","to":"billing"}`, nil)
	if code != 200 || len(r.View.Services) != 4 || strings.Contains(topicSubjects(r.View), "shop.notify.") {
		t.Fatalf("merge: %d %s %s", code, r.Error, topicSubjects(r.View))
	}
	if icp := r.View.Scores[0]; icp.Key != "icp" || icp.Initial == nil || *icp.Split >= *icp.Initial {
		t.Errorf("after merging notify into billing, ICP row = %s; want lower than at the start", formatRow(icp))
	}
	code, r = post(t, ts, "/api/edit", `{"op":"kind","function":"example.com/shop/billing.Charge","kind":"event"}`, nil)
	if code != 200 || !strings.Contains(topicSubjects(r.View), "shop.billing.Charge event") {
		t.Fatalf("kind: %d %s %s", code, r.Error, topicSubjects(r.View))
	}
	for i := 6; i > 0; i-- {
		code, r = post(t, ts, "/api/undo", `{}`, nil)
		if code != 200 || r.View.Undo != i-1 {
			t.Fatalf("undo %d: %d %s, %d left", i, code, r.Error, r.View.Undo)
		}
	}
	if r.View.Dirty || !strings.Contains(topicSubjects(r.View), "shop.inventory.Reserve request [orders]") {
		t.Errorf("after undoing everything: dirty %v, topics %s", r.View.Dirty, topicSubjects(r.View))
	}
	if code, r = post(t, ts, "/api/undo", `{}`, nil); code != http.StatusConflict {
		t.Errorf("undo with nothing to undo: %d %s", code, r.Error)
	}
}

func formatRow(r ScoreRow) string {
	return fmt.Sprintf("%s split %s initial %s", r.Key, formatScore(r.Split, r.Int), formatScore(r.Initial, r.Int))
}

func topicSubjects(v *View) string {
	var b strings.Builder
	for _, t := range v.Topics {
		fmt.Fprintf(&b, "%s %s %v; ", t.Subject, t.Kind, t.Producers)
	}
	return b.String()
}

func TestSave(t *testing.T) {
	srv, ts, path := newTestServer(t)
	orig, _ := os.ReadFile(path)
	post(t, ts, "/api/edit", `{"op":"move","package":"example.com/shop/cart","to":"inventory"}`, nil)
	code, r := post(t, ts, "/api/save", `{}`, nil)
	if code != 200 || r.View.Dirty || !strings.Contains(r.Message, "plan.yaml.bak") {
		t.Fatalf("save: %d %q %q dirty=%v", code, r.Error, r.Message, r.View.Dirty)
	}
	if bak, _ := os.ReadFile(path + ".bak"); string(bak) != string(orig) {
		t.Errorf("plan.yaml.bak is not the previous plan.yaml")
	}
	saved, _ := os.ReadFile(path)
	if probs := yamlCheck(srv.known)(saved); len(probs) > 0 {
		t.Errorf("saved plan does not pass check: %v", probs)
	}
	var p planner.Plan
	if err := yaml.Unmarshal(saved, &p); err != nil {
		t.Fatal(err)
	}
	if p.Services[2].Name != "inventory" || len(p.Services[2].Packages) != 2 {
		t.Errorf("saved inventory = %+v; want cart in it", p.Services[2])
	}

	// An empty service does not pass the check: refused, nothing written.
	post(t, ts, "/api/edit", `{"op":"create","service":"empty"}`, nil)
	code, r = post(t, ts, "/api/save", `{}`, nil)
	if code != http.StatusConflict || len(r.Problems) == 0 || !r.View.Dirty {
		t.Errorf("save of a plan with problems: %d %q %v", code, r.Error, r.Problems)
	}
	if again, _ := os.ReadFile(path); string(again) != string(saved) {
		t.Errorf("a refused save changed plan.yaml")
	}
	if len(r.View.Problems) == 0 {
		t.Errorf("the view does not show the plan's problems")
	}
}

func TestConcurrentSaves(t *testing.T) {
	srv, ts, path := newTestServer(t)
	// Only packages whose service keeps another one move, so every
	// state passes the check and every save writes.
	pkgs := []string{"cart", "invoice", "cart", "invoice"}
	svcs := []string{"orders", "billing", "inventory", "web"}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 6 {
				body := fmt.Sprintf(`{"op":"move","package":"example.com/shop/%s","to":"%s"}`, pkgs[(i+j)%4], svcs[(i*j+1)%4])
				post(t, ts, "/api/edit", body, nil)
				if j%2 == 1 {
					post(t, ts, "/api/save", `{}`, nil)
				}
			}
		}()
	}
	wg.Wait()
	// Whatever interleaving happened, plan.yaml is one whole plan that
	// passes the check, and no temporary file is left behind.
	data, _ := os.ReadFile(path)
	if probs := yamlCheck(srv.known)(data); len(probs) > 0 {
		t.Errorf("plan.yaml after concurrent saves: %v\n%s", probs, data)
	}
	ents, _ := os.ReadDir(filepath.Dir(path))
	for _, e := range ents {
		if e.Name() != "plan.yaml" && e.Name() != "plan.yaml.bak" {
			t.Errorf("left behind: %s", e.Name())
		}
	}
	if code, r := post(t, ts, "/api/save", `{}`, nil); code != 200 {
		t.Fatalf("final save: %d %s", code, r.Error)
	}
	data, _ = os.ReadFile(path)
	want, _ := yamlMarshal(srv.Plan())
	if string(data) != string(want) {
		t.Errorf("plan.yaml after the last save is not the server's plan")
	}
}

func TestServedPageEscapes(t *testing.T) {
	p := hostilePlan()
	srv, err := NewServer(Config{Path: filepath.Join(t.TempDir(), "plan.yaml"), Plan: p, Marshal: yamlMarshal, Token: "t"})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	resp, err := ts.Client().Get(ts.URL + "/?token=t")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if page := string(body); strings.Contains(page, "<img") || strings.Count(page, "<script") != 2 {
		t.Errorf("served page lets a hostile name through")
	}
}

func TestShareAndEdge(t *testing.T) {
	_, ts, _ := newTestServer(t)
	code, r := post(t, ts, "/api/edit", `{"op":"move","package":"example.com/shop/cmd/shop","to":"orders"}`, nil)
	if code != 200 {
		t.Fatalf("move main package: %d %s", code, r.Error)
	}
	for _, s := range r.View.Services {
		if s.Edge != (s.Name == "orders") {
			t.Errorf("after moving the main package to orders, %s edge = %v", s.Name, s.Edge)
		}
	}
	code, r = post(t, ts, "/api/edit", `{"op":"share","package":"example.com/shop/cart"}`, nil)
	if code != 200 || !slices.ContainsFunc(r.View.Shared, func(p PackageView) bool { return p.Short == "cart" }) {
		t.Fatalf("share cart: %d %s", code, r.Error)
	}
	if code, r = post(t, ts, "/api/edit", `{"op":"share","package":"example.com/shop/cart"}`, nil); code != 400 || !strings.Contains(r.Error, "already shared") {
		t.Errorf("share cart twice: %d %q", code, r.Error)
	}
	code, r = post(t, ts, "/api/edit", `{"op":"move","package":"example.com/shop/cart","to":"billing"}`, nil)
	if code != 200 || len(r.View.Shared) != 2 {
		t.Fatalf("move cart out of shared: %d %s, shared %v", code, r.Error, r.View.Shared)
	}
}

func TestSaveRefusesChangedFile(t *testing.T) {
	_, ts, path := newTestServer(t)
	post(t, ts, "/api/edit", `{"op":"move","package":"example.com/shop/cart","to":"inventory"}`, nil)
	theirs := []byte("# edited by hand meanwhile\n")
	if err := os.WriteFile(path, theirs, 0o644); err != nil {
		t.Fatal(err)
	}
	code, r := post(t, ts, "/api/save", `{}`, nil)
	if code != http.StatusConflict || !strings.Contains(r.Error, "changed on disk") {
		t.Errorf("save over a changed file: %d %q; want 409", code, r.Error)
	}
	if got, _ := os.ReadFile(path); string(got) != string(theirs) {
		t.Errorf("a refused save overwrote plan.yaml")
	}
}

// TestColorsStayAcrossEdits: merging or deleting a service must not
// repaint the services after it; a renamed service keeps its colour and a
// new one takes a colour no other service has.
func TestColorsStayAcrossEdits(t *testing.T) {
	_, ts, _ := newTestServer(t)
	colors := func(v *View) map[string]int {
		m := map[string]int{}
		for _, s := range v.Services {
			m[s.Name] = s.Color
		}
		for _, n := range v.Layout.Nodes {
			if n.Color != m[n.Service] {
				t.Errorf("the drawing paints %s %d; the service card %d", n.Service, n.Color, m[n.Service])
			}
		}
		return m
	}
	code, r := post(t, ts, "/api/edit", `{"op":"create","service":"storefront"}`, nil)
	if code != 200 {
		t.Fatalf("create: %d %s", code, r.Error)
	}
	start := colors(r.View)
	for name, c := range start {
		if name != "storefront" && c == start["storefront"] {
			t.Errorf("new service storefront has the colour of %s (%d)", name, c)
		}
	}
	first := r.View.Services[0].Name
	for _, e := range []string{
		`{"op":"merge","service":"` + first + `","to":"orders"}`,
		`{"op":"rename","service":"storefront","to":"shopfront"}`,
	} {
		if code, r = post(t, ts, "/api/edit", e, nil); code != 200 {
			t.Fatalf("edit %s: %d %s", e, code, r.Error)
		}
	}
	got := colors(r.View)
	want := maps.Clone(start)
	delete(want, first)
	want["shopfront"] = want["storefront"]
	delete(want, "storefront")
	if !maps.Equal(got, want) {
		t.Errorf("after a merge and a rename, colours = %v; want %v", got, want)
	}
}

// TestNoOpEdit: an edit that changes nothing (a rename to the same name)
// leaves no undo step and does not make the plan unsaved.
func TestNoOpEdit(t *testing.T) {
	_, ts, _ := newTestServer(t)
	code, r := post(t, ts, "/api/edit", `{"op":"rename","service":"orders","to":"orders"}`, nil)
	if code != 200 || r.Error != "" {
		t.Fatalf("rename to the same name: %d %q", code, r.Error)
	}
	if r.View.Dirty || r.View.Undo != 0 {
		t.Errorf("after a rename to the same name: dirty %v, undo %d; want clean, 0", r.View.Dirty, r.View.Undo)
	}
}

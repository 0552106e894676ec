package planner

// Shapes met in public monoliths (gotify, shiori, ardanlabs/service), each
// in a fixture of its own under testdata.

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"

	"github.com/cleave-go/cleave/analyzer"
)

// TestSubjectsSamePackageName plans testdata/samename with users/store and
// orders/store (both package store, both with (*Store).Get) in one
// service: qualifying by the package name is not enough, so each subject
// names the package's directory, and the plan passes its own check.
func TestSubjectsSamePackageName(t *testing.T) {
	p, _ := proposeDir(t, "samename", Constraints{Together: [][]string{{"example.com/dup/users/store", "example.com/dup/orders/store"}}})
	seen := map[string]string{}
	for _, tp := range p.Topics {
		if other, ok := seen[tp.Subject]; ok {
			t.Errorf("subject %s names both %s and %s", tp.Subject, other, tp.Function)
		}
		seen[tp.Subject] = tp.Function
	}
	for _, want := range []string{"dup.store.users_store.Store.Get", "dup.store.orders_store.Store.Get"} {
		if _, ok := seen[want]; !ok {
			t.Errorf("no topic %s; subjects: %v", want, seen)
		}
	}
}

// TestEntityWithSkippedFieldStays plans testdata/entity: a handler builds
// a catalog.Item (exported fields, one kept out of JSON with json:"-") and
// calls its pointer method Normalize, which cleans the SKU in place. The
// item is data all the same: the call runs where the value is (in-process,
// reason data), never an event that would change a copy in another
// service.
func TestEntityWithSkippedFieldStays(t *testing.T) {
	p, _ := proposeDir(t, "entity", Constraints{})
	const fn = "(*example.com/ent/catalog.Item).Normalize"
	for _, tp := range p.Topics {
		if tp.Function == fn {
			t.Errorf("topic %s (%s) for a method of the caller's value", tp.Subject, tp.Kind)
		}
	}
	found := false
	for _, ip := range p.InProcess {
		if ip.Function == fn {
			found = true
			if ip.Reason != ReasonData {
				t.Errorf("in_process %s reason %s; want %s", fn, ip.Reason, ReasonData)
			}
		}
	}
	if !found {
		var got []string
		for _, ip := range p.InProcess {
			got = append(got, ip.Function+" "+ip.Reason)
		}
		t.Errorf("%s not listed in_process; in_process: %v", fn, got)
	}
}

// TestLiteralPerRequestBlocker plans testdata/literalperrequest: a handler
// builds a pricing.Quoter itself (&pricing.Quoter{...}) and calls its
// method. That value lives in the edge's process, as a constructor's
// would: the call is a request-value blocker, never bound as wiring.
func TestLiteralPerRequestBlocker(t *testing.T) {
	for _, tc := range []struct{ fixture, typ, why string }{
		// A handler builds &pricing.Quoter{...} itself.
		{"literalperrequest", "pricing.Quoter", "a composite literal"},
		// A handler gets a query builder from the catalog's factory
		// method (h.Catalog.NewSearch(category).Under(max)), as miniflux's
		// handlers do with store.NewEntryQueryBuilder.
		{"factorymethod", "catalog.Search", "a factory method"},
		// A handler gets a watcher, behind an interface, from the hub's
		// Watch (benbjohnson/wtf's EventService.Subscribe) and stops it.
		{"factoryiface", "hub.watcher", "a value behind an interface a method builds"},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			// Pinned to a service of its own: unpinned, the planner puts
			// such a package in the edge (TestEdgeValues).
			pkg := strings.SplitN(tc.typ, ".", 2)[0]
			p, _ := proposeDir(t, tc.fixture, Constraints{Pin: []Pin{{Package: fixtureModule(t, tc.fixture) + "/" + pkg, Service: pkg}}})
			var kinds []string
			for _, b := range p.Blockers {
				kinds = append(kinds, b.Kind)
				if b.Kind == "request-value" && strings.Contains(b.Message, tc.typ) {
					return
				}
			}
			t.Errorf("%s: blockers %v; want a request-value blocker on %s", tc.why, kinds, tc.typ)
		})
	}
}

// TestWiringNotPerRequest plans fixtures where the store is built by
// start-up wiring that the analysis once took for request-time code. The
// store's calls are topics, and none is a request-value blocker.
func TestWiringNotPerRequest(t *testing.T) {
	for _, tc := range []struct{ fixture, why string }{
		// main calls web.Setup, which builds the store and returns a
		// cleanup literal main defers: calling it does not run Setup.
		{"cleanupclosure", "a returned cleanup literal"},
		// internal/testdb (only tests import it) calls store.New.
		{"testsupport", "test support"},
		// cobra's RunE literal (a stand-in module under cobra's path)
		// builds the store and listens.
		{"cobracmd", "a command body"},
		// main's Execute calls the serve command through a command table.
		{"cmdtable", "a command table"},
		// main stores a callback literal in the store's OnPut field.
		{"callbackmain", "a stored callback"},
		// the serve command's run func is a literal newServe returns.
		{"cmdclosure", "a returned run func"},
		// Setup registers a route served by a function literal.
		{"inlinehandler", "an inline handler"},
		// a subcommand runs the same setup, then goroutines whose
		// literals defer literals of their own.
		{"defergo", "a literal deferred in a subcommand's goroutine"},
		// the wiring takes golang.org/x/net/context's Context (a stand-in
		// module), the standard one under its old name: no framework's.
		{"xnetctx", "a start-up taking an x/net context"},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			store := "example.com/" + tc.fixture + "/store"
			p, _ := proposeDir(t, tc.fixture, Constraints{Pin: []Pin{{Package: store, Service: "store"}}})
			for _, b := range p.Blockers {
				if b.Kind == "request-value" {
					t.Errorf("%s: blocker %s: %s", tc.why, b.Kind, b.Message)
				}
			}
			if len(p.Topics) == 0 {
				t.Errorf("%s: no topics; want the API's calls into the store", tc.why)
			}
		})
	}
}

// TestStartupVarReceivers plans testdata/cfggetters: main sets
// settings.Current once (settings.Current, err = settings.Load()), and
// handlers of two services read it through getters (miniflux's
// config.Opts.BaseURL()). The getters are no topics: each process sets
// its own copy at start-up, so the calls stay in-process, and the
// variable is no shared-var blocker. stats.Requests, whose Inc handlers
// call, is still shared state.
func TestStartupVarReceivers(t *testing.T) {
	const m = "example.com/cfggetters"
	p, _ := proposeDir(t, "cfggetters", Constraints{Pin: []Pin{
		{Package: m + "/settings", Service: "settings"},
		{Package: m + "/stats", Service: "stats"},
		{Package: m + "/notes", Service: "notes"},
	}})
	for _, tp := range p.Topics {
		if strings.Contains(tp.Function, "settings.Settings") {
			t.Errorf("topic %s: a getter of the start-up settings", tp.Subject)
		}
	}
	getters := 0
	for _, ip := range p.InProcess {
		if strings.Contains(ip.Function, "settings.Settings") {
			getters++
			if ip.Reason != ReasonStartup || !strings.Contains(ip.Why, "settings.Current") {
				t.Errorf("in_process %s: %s (%s); want startup, naming settings.Current", ip.Function, ip.Reason, ip.Why)
			}
		}
	}
	if getters != 3 {
		t.Errorf("%d getters in-process; want 3 (SiteName, MaxNotes, Timeout)", getters)
	}
	var blocked []string
	for _, b := range p.Blockers {
		if b.Kind == analyzer.HazardSharedVar {
			blocked = append(blocked, b.Message)
		}
	}
	if len(blocked) != 1 || !strings.Contains(blocked[0], "stats.Requests") {
		t.Errorf("shared-var blockers %q; want one, on stats.Requests", blocked)
	}
}

// TestLocalCopyBlocker plans testdata/localcopy: a call that crosses
// services but cannot travel (SignIn returns a session whose token is kept
// out of JSON) on an in-memory store runs on the caller's own copy of the
// store: a local-copy blocker; the same shape on a repository whose state
// is a database's (orders.Repo: a *sql.DB) is not one.
func TestLocalCopyBlocker(t *testing.T) {
	const m = "example.com/localcopy"
	p, _ := proposeDir(t, "localcopy", Constraints{Pin: []Pin{
		{Package: m + "/sessions", Service: "sessions"},
		{Package: m + "/orders", Service: "orders"},
	}})
	var got []string
	for _, b := range p.Blockers {
		if b.Kind == BlockerLocalCopy {
			got = append(got, b.Pos+" "+b.Message)
		}
	}
	if len(got) != 1 || !strings.Contains(got[0], "(*sessions.Store).SignIn stays a direct call") || !strings.Contains(got[0], "not the sessions service's") {
		t.Errorf("local-copy blockers %q; want one, on (*sessions.Store).SignIn", got)
	}
	if p.Scores.Split.Blockers != len(p.Blockers) {
		t.Errorf("scores count %d blockers; the plan lists %d", p.Scores.Split.Blockers, len(p.Blockers))
	}
}

// TestMiddlewareNextNoLocalCopy plans testdata/mwnext: auth's middleware
// ends in next(w, r), the handler of main's App (a hit counter) it wraps.
// The middleware runs where the route is served, with that handler:
// no local-copy blocker (listmonk: 47 of 59).
func TestMiddlewareNextNoLocalCopy(t *testing.T) {
	p, _ := proposeDir(t, "mwnext", Constraints{Pin: []Pin{{Package: "example.com/mwnext/auth", Service: "auth"}}})
	for _, b := range p.Blockers {
		t.Errorf("blocker %s at %s: %s", b.Kind, b.Pos, b.Message)
	}
	if len(p.Topics) != 1 || p.Topics[0].Subject != "mwnext.auth.Auth.Add" {
		t.Errorf("topics %v; want mwnext.auth.Auth.Add", p.Topics)
	}
}

// TestEdgeValues: a package whose values only the edge's handlers make per
// request and call methods of (a query builder, a watcher, a quoter) is
// put in the edge when nothing pins it: in a service of its own, every
// such call would be a request-value blocker (miniflux's ui/view: 70).
func TestEdgeValues(t *testing.T) {
	for _, tc := range []struct{ fixture, pkg string }{
		{"literalperrequest", "pricing"},
		{"factorymethod", "catalog"},
		{"factoryiface", "hub"},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			p, _ := proposeDir(t, tc.fixture, Constraints{})
			want := fixtureModule(t, tc.fixture) + "/" + tc.pkg
			for _, s := range p.Services {
				if slices.Contains(s.Packages, want) && !s.Edge {
					t.Errorf("%s is in service %s, not the edge", want, s.Name)
				}
			}
			for _, b := range p.Blockers {
				if b.Kind == BlockerRequestValue {
					t.Errorf("blocker %s at %s: %s", b.Kind, b.Pos, b.Message)
				}
			}
		})
	}
}

// fixtureModule returns the module path of testdata/dir.
func fixtureModule(t *testing.T, dir string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	return modfile.ModulePath(data)
}

package planner

import (
	"strings"
	"testing"
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

// TestCleanupClosureStartup plans testdata/cleanupclosure: main calls
// web.Setup, which builds the store and returns a cleanup func literal
// that main defers. Calling that literal does not make web.Setup run per
// request, so store.New is start-up wiring and the store's calls are no
// request-value blockers.
func TestCleanupClosureStartup(t *testing.T) {
	p, _ := proposeDir(t, "cleanupclosure", Constraints{})
	for _, b := range p.Blockers {
		if b.Kind == "request-value" {
			t.Errorf("blocker %s: %s", b.Kind, b.Message)
		}
	}
	if len(p.Topics) == 0 {
		t.Errorf("no topics; want the handlers' calls into the store")
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
	p, _ := proposeDir(t, "literalperrequest", Constraints{})
	var kinds []string
	for _, b := range p.Blockers {
		kinds = append(kinds, b.Kind)
		if b.Kind == "request-value" && strings.Contains(b.Message, "pricing.Quoter") {
			return
		}
	}
	t.Errorf("blockers %v; want a request-value blocker on pricing.Quoter", kinds)
}

// TestTestSupportNotPerRequest plans testdata/testsupport: a package
// only tests import (internal/testdb) calls store.New to seed a store.
// Test support runs in no phase of the program: the store's calls are
// topics without request-value blockers.
func TestTestSupportNotPerRequest(t *testing.T) {
	p, _ := proposeDir(t, "testsupport", Constraints{Pin: []Pin{{Package: "example.com/testsupport/store", Service: "store"}}})
	for _, b := range p.Blockers {
		if b.Kind == "request-value" {
			t.Errorf("blocker %s: %s", b.Kind, b.Message)
		}
	}
	if len(p.Topics) == 0 {
		t.Errorf("no topics; want the API's calls into the store")
	}
}

// TestCommandBodyIsStartup plans testdata/cobracmd: main runs cobra
// commands (a stand-in module under cobra's import path), and the serve
// command's RunE literal builds the store and the API, then listens. A
// command's body runs once at start-up: store.New there is wiring, not a
// value made per request, and the handlers' calls are topics.
func TestCommandBodyIsStartup(t *testing.T) {
	p, _ := proposeDir(t, "cobracmd", Constraints{Pin: []Pin{{Package: "example.com/cobracmd/store", Service: "store"}}})
	for _, b := range p.Blockers {
		if b.Kind == "request-value" {
			t.Errorf("blocker %s: %s", b.Kind, b.Message)
		}
	}
	if len(p.Topics) == 0 {
		t.Errorf("no topics; want the API's calls into the store")
	}
}

// TestCommandTableIsStartup plans testdata/cmdtable: main's Execute
// calls the serve command through a func value in a command table, and
// serve builds the store and listens. Start-up code calling a func value
// runs it at start-up: store.New is wiring, no request-value blocker.
func TestCommandTableIsStartup(t *testing.T) {
	p, _ := proposeDir(t, "cmdtable", Constraints{Pin: []Pin{{Package: "example.com/cmdtable/store", Service: "store"}}})
	for _, b := range p.Blockers {
		if b.Kind == "request-value" {
			t.Errorf("blocker %s: %s", b.Kind, b.Message)
		}
	}
	if len(p.Topics) == 0 {
		t.Errorf("no topics; want the API's calls into the store")
	}
}

// TestCallbackClosureNotRequestTime plans testdata/callbackmain: main
// builds the store and stores a callback literal in its OnPut field, which
// the store calls at request time. That runs the literal, not main: the
// store is still start-up wiring, with no request-value blockers.
func TestCallbackClosureNotRequestTime(t *testing.T) {
	p, _ := proposeDir(t, "callbackmain", Constraints{Pin: []Pin{{Package: "example.com/callbackmain/store", Service: "store"}}})
	for _, b := range p.Blockers {
		if b.Kind == "request-value" {
			t.Errorf("blocker %s: %s", b.Kind, b.Message)
		}
	}
	if len(p.Topics) == 0 {
		t.Errorf("no topics; want the API's calls into the store")
	}
}

// TestCommandClosureIsStartup plans testdata/cmdclosure: the serve
// command's run func is a literal another function returns (Run:
// newServe()), which main's Execute calls through the command table. That
// literal runs at start-up: store.New in it is wiring, no request-value
// blocker, and the handlers' calls are topics.
func TestCommandClosureIsStartup(t *testing.T) {
	p, _ := proposeDir(t, "cmdclosure", Constraints{Pin: []Pin{{Package: "example.com/cmdclosure/store", Service: "store"}}})
	for _, b := range p.Blockers {
		if b.Kind == "request-value" {
			t.Errorf("blocker %s: %s", b.Kind, b.Message)
		}
	}
	if len(p.Topics) == 0 {
		t.Errorf("no topics; want the API's calls into the store")
	}
}

// TestInlineHandlerNotRequestTime plans testdata/inlinehandler: the
// set-up function builds the store and registers, beside the API's
// methods, a route served by a function literal. The literal serves
// requests, not the set-up around it: store.New stays wiring, with no
// request-value blockers.
func TestInlineHandlerNotRequestTime(t *testing.T) {
	p, _ := proposeDir(t, "inlinehandler", Constraints{Pin: []Pin{{Package: "example.com/inlinehandler/store", Service: "store"}}})
	for _, b := range p.Blockers {
		if b.Kind == "request-value" {
			t.Errorf("blocker %s: %s", b.Kind, b.Message)
		}
	}
	if len(p.Topics) == 0 {
		t.Errorf("no topics; want the API's calls into the store")
	}
}

package planner

import (
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

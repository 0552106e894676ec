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

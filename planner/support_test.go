package planner

import (
	"slices"
	"testing"
)

// TestTestSupportChain plans testdata/testchain: internal/testdb builds a
// seeded store and only internal/apitest, a kit only tests use, imports
// it (usememos/memos's store/test under server/router/api/v1/test). Both
// are test support: shared, and the store testdb builds is no value made
// per request, so the API's calls into the store are topics with no
// blocker.
func TestTestSupportChain(t *testing.T) {
	const m = "example.com/testchain"
	p, _ := proposeDir(t, "testchain", Constraints{Pin: []Pin{{Package: m + "/store", Service: "store"}}})
	for _, b := range p.Blockers {
		t.Errorf("blocker %s at %s: %s", b.Kind, b.Pos, b.Message)
	}
	if len(p.Topics) != 2 {
		t.Errorf("%d topics; want the API's Balance and Deposit", len(p.Topics))
	}
	for _, pkg := range []string{m + "/internal/apitest", m + "/internal/testdb"} {
		if !slices.Contains(p.Shared, pkg) {
			t.Errorf("shared %v; want %s in it", p.Shared, pkg)
		}
	}
}

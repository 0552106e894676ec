package planner

import (
	"slices"
	"testing"
)

// TestStatelessHelpersShared plans testdata/helperlib: respond, a small
// package of JSON helpers both HTTP packages use, keeps no state and sits
// outside internal/ and pkg/. It is a library every service links, not a
// service whose process would run nothing (remark42's safehttp).
func TestStatelessHelpersShared(t *testing.T) {
	p, _ := proposeDir(t, "helperlib", Constraints{})
	if !slices.Contains(p.Shared, "example.com/helperlib/respond") {
		for _, s := range p.Services {
			if slices.Contains(s.Packages, "example.com/helperlib/respond") {
				t.Errorf("respond is in service %s; want it shared", s.Name)
			}
		}
	}
	if slices.Contains(p.Shared, "example.com/helperlib/orders") {
		t.Error("orders, which keeps the orders, is shared; want it a service")
	}
}

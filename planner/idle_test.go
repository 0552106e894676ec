package planner

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cleave-go/cleave/analyzer"
)

// TestIdleServicesMerged plans testdata/kitship, shaped like go-kit's
// shipping example: domain packages (booking, handling, tracking) each
// with a service and a MakeHandler transport that main mounts on its
// router, an in-memory repository and a routing service booking calls.
// handling and tracking serve no topic, but their transports register
// HTTP routes ("GET /tracking/v1/cargos/{id}"): the edge forwards those
// routes' requests to them, so they are not idle and stay services of
// their own. (TestEdgeHandlers covers the merge of a service that owns no
// route.)
func TestIdleServicesMerged(t *testing.T) {
	g, err := analyzer.Load(context.Background(), filepath.Join("testdata", "kitship"), []string{"./..."}, analyzer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const m = "example.com/kitship/"
	p, err := Propose(context.Background(), g, Constraints{})
	if err != nil {
		t.Fatal(err)
	}
	busy := map[string]bool{}
	for _, tp := range p.Topics {
		busy[tp.Consumer] = true
	}
	routed := routedPackages(g)
	var edge *Service
	for _, s := range p.Services {
		if s.Edge {
			edge = s
		} else if !busy[s.Name] && !slices.ContainsFunc(s.Packages, func(pkg string) bool { return routed[pkg] }) {
			t.Errorf("service %s %v serves no topic and no route", s.Name, s.Packages)
		}
	}
	if edge == nil {
		t.Fatalf("no edge service in %+v", p.Services)
	}
	for _, pkg := range []string{"handling", "tracking"} {
		if !routed[m+pkg] {
			t.Errorf("%s owns no route", pkg)
		}
		if slices.Contains(edge.Packages, m+pkg) {
			t.Errorf("edge %s = %v; want %s in a service of its own", edge.Name, edge.Packages, pkg)
		}
	}
	for _, n := range p.Notes {
		if strings.HasPrefix(n, "merged service ") || strings.Contains(n, "serves no topic") {
			t.Errorf("note %q; want no merge and no idle warning", n)
		}
	}
	if data, err := Marshal(p); err != nil {
		t.Fatal(err)
	} else if _, err := Parse(data); err != nil {
		t.Errorf("Parse(Marshal(plan)): %v", err)
	}
}

func TestWrap(t *testing.T) {
	for _, tc := range []struct {
		s     string
		width int
		want  string
	}{
		{"a bb ccc", 10, "a bb ccc"},
		{"a bb ccc dddd", 8, "a bb ccc\n  dddd"},
		{"averyveryverylongword b", 5, "averyveryverylongword\n  b"},
		{"", 5, ""},
	} {
		if got := wrap(tc.s, tc.width, "  "); got != tc.want {
			t.Errorf("wrap(%q, %d) = %q; want %q", tc.s, tc.width, got, tc.want)
		}
	}
}

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
// handling and tracking would serve no topic — their HTTP handlers run in
// the edge, which serves HTTP, and only main's wiring calls them — so they
// are merged into the edge, each with a note. Pinned to a service of its
// own, handling stays one, with a warning.
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
	var edge *Service
	for _, s := range p.Services {
		if s.Edge {
			edge = s
		} else if !busy[s.Name] {
			t.Errorf("service %s %v serves no topic", s.Name, s.Packages)
		}
	}
	if edge == nil {
		t.Fatalf("no edge service in %+v", p.Services)
	}
	for _, pkg := range []string{"cmd/shipping", "handling", "tracking"} {
		if !slices.Contains(edge.Packages, m+pkg) {
			t.Errorf("edge %s = %v; want it to hold %s", edge.Name, edge.Packages, pkg)
		}
	}
	var merged []string
	for _, n := range p.Notes {
		if rest, ok := strings.CutPrefix(n, "merged service "); ok {
			merged = append(merged, strings.Fields(rest)[0])
			if !strings.Contains(n, "into "+edge.Name+",") {
				t.Errorf("note %q; want a merge into %s", n, edge.Name)
			}
		}
	}
	if want := []string{"handling", "tracking"}; !slices.Equal(merged, want) {
		t.Errorf("notes = %q; want merges of %v", p.Notes, want)
	}
	// plan.yaml says so above the services, and still parses.
	data, err := Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "\n# note: merged service handling (handling) into "+edge.Name+",") {
		t.Errorf("plan.yaml has no note of the merge:\n%s", data)
	}
	if _, err := Parse(data); err != nil {
		t.Errorf("Parse(Marshal(plan)): %v", err)
	}

	// A pin names the service: it stays, and the plan warns.
	p, err = Propose(context.Background(), g, Constraints{Pin: []Pin{{Package: m + "handling", Service: "handling"}}})
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(p.Services, func(s *Service) bool { return s.Name == "handling" })
	if i < 0 || !slices.Equal(p.Services[i].Packages, []string{m + "handling"}) {
		t.Fatalf("services = %+v; want handling on its own", p.Services)
	}
	warned := slices.ContainsFunc(p.Notes, func(n string) bool {
		return strings.HasPrefix(n, "service handling serves no topic and starts no background work")
	})
	if !warned {
		t.Errorf("notes = %q; want a warning that handling serves no topic", p.Notes)
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

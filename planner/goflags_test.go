package planner

import (
	"slices"
	"testing"
)

// TestGoFlagsCommands plans fixtures whose server is a go-flags command:
// the parser calls the command's Execute (goflagsexec) or the program's
// CommandHandler, which calls it through an interface (goflagshandler,
// the remark42 shape). Either way Execute runs once at start-up, so the
// store it builds is wiring: its calls are topics, no request-value
// blocker. The command's package starts the program as main does, so it
// is the edge's, with the handlers it wires.
func TestGoFlagsCommands(t *testing.T) {
	for _, fixture := range []string{"goflagsexec", "goflagshandler"} {
		t.Run(fixture, func(t *testing.T) {
			store := "example.com/" + fixture + "/store"
			p, _ := proposeDir(t, fixture, Constraints{Pin: []Pin{{Package: store, Service: "store"}}})
			for _, b := range p.Blockers {
				if b.Kind == BlockerRequestValue {
					t.Errorf("blocker %s at %s: %s", b.Kind, b.Pos, b.Message)
				}
			}
			if len(p.Topics) == 0 {
				t.Error("no topics; want the API's calls into the store")
			}
			for _, pkg := range []string{"server", "web"} {
				path := "example.com/" + fixture + "/" + pkg
				for _, s := range p.Services {
					if slices.Contains(s.Packages, path) && !s.Edge {
						t.Errorf("package %s in service %s; want the edge", pkg, s.Name)
					}
				}
			}
		})
	}
}

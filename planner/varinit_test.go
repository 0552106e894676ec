package planner

import (
	"strings"
	"testing"
)

// TestCommandInPackageVar plans testdata/cobravar: the cobra command is a
// package variable (`var rootCmd = &cobra.Command{RunE: ...}`), whose
// RunE builds the store and listens (usememos/memos). The literal belongs
// to the package initializer, which runs at start-up: the store is
// wiring, not a value made per request, and its calls are topics.
func TestCommandInPackageVar(t *testing.T) {
	const store = "example.com/cobravar/store"
	p, _ := proposeDir(t, "cobravar", Constraints{Pin: []Pin{{Package: store, Service: "store"}}})
	for _, b := range p.Blockers {
		t.Errorf("blocker %s at %s: %s", b.Kind, b.Pos, b.Message)
	}
	var subjects []string
	for _, tp := range p.Topics {
		subjects = append(subjects, tp.Subject)
	}
	if len(subjects) != 2 {
		t.Errorf("topics %v; want the handlers' Balance and Deposit", subjects)
	}
}

// TestCommandBodiesWrapped plans testdata/cmdwrap: each command passes its
// body, a literal, to a helper whose RunE calls it with the store
// (filebrowser's withStore). Both bodies run at start-up: Seed, which each
// calls, stays in-process, no topic. The call graph gave the helper's one
// call site one of the literals only, so the other body was request time,
// and Seed a topic the edge called while it started alone.
func TestCommandBodiesWrapped(t *testing.T) {
	const store = "example.com/cmdwrap/store"
	p, _ := proposeDir(t, "cmdwrap", Constraints{Pin: []Pin{{Package: store, Service: "store"}}})
	for _, tp := range p.Topics {
		if strings.HasSuffix(tp.Function, ".Seed") {
			t.Errorf("topic %s at %v: Seed runs at start-up only", tp.Subject, tp.Sites)
		}
	}
	for _, ip := range p.InProcess {
		if strings.HasSuffix(ip.Function, ".Seed") && len(ip.Sites) != 2 {
			t.Errorf("in_process %s at %v; want both command bodies' sites", ip.Function, ip.Sites)
		}
	}
}

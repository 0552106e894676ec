package planner

import "testing"

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

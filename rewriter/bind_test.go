package rewriter_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cleave-go/cleave/planner"
	"github.com/cleave-go/cleave/rewriter"
)

// TestUnboundReceiverNote: a receiver of another service's topics that no
// constructor call or &T{...} makes (main hands out the address of a
// package variable) cannot be bound; apply says so, naming the type,
// instead of leaving a split whose calls answer "no instance bound".
func TestUnboundReceiverNote(t *testing.T) {
	dir, p := fixture(t, "nestedctor")
	main := `package main

import (
	"log"
	"net/http"

	"example.com/nest/billing"
	"example.com/nest/ledger"
	"example.com/nest/web"
)

var books ledger.Ledger

func main() {
	log.Fatal(http.ListenAndServe(":8080", web.New(billing.NewService(&books))))
}
`
	if err := os.WriteFile(filepath.Join(dir, "cmd", "billd", "main.go"), []byte(main), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := rewriter.Apply(context.Background(), dir, p, rewriter.Options{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	notes := strings.Join(res.Notes, "\n")
	if want := "apply binds the receivers *ledger.Ledger (ledger) nowhere"; !strings.Contains(notes, want) {
		t.Errorf("notes lack %q:\n%s", want, notes)
	}
	if strings.Contains(notes, "billing.Service") {
		t.Errorf("notes name *billing.Service, which main makes with billing.NewService:\n%s", notes)
	}
}

// TestBlockerWithoutTopicNoted: a blocker the plan lists on no topic
// (here a local-copy one, as cleave plan writes it) is carried into the
// split, and apply says so.
func TestBlockerWithoutTopicNoted(t *testing.T) {
	dir, p := fixture(t, "nestedctor")
	p.Blockers = append(p.Blockers, &planner.Blocker{Kind: planner.BlockerLocalCopy, Pos: "web/web.go:24:16",
		Message: "(*billing.Service).Charge stays a direct call (payload: …), so it runs on this process's own *billing.Service"})
	res, err := rewriter.Apply(context.Background(), dir, p, rewriter.Options{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	notes := strings.Join(res.Notes, "\n")
	if want := "the plan's local-copy blocker at web/web.go:24:16 stays in the split: (*billing.Service).Charge stays a direct call"; !strings.Contains(notes, want) {
		t.Errorf("notes lack %q:\n%s", want, notes)
	}
}

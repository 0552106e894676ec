package rewriter_test

import (
	"context"
	"strings"
	"testing"

	"github.com/cleave-go/cleave/rewriter"
)

// TestSecondApplyListen: listening redirected through the runtime (net/http
// outside main, the frameworks' start calls) is not redirected again.
func TestSecondApplyListen(t *testing.T) {
	for _, name := range []string{"listen", "frameworks"} {
		t.Run(name, func(t *testing.T) { testSecondApply(t, name) })
	}
}

// TestListenNotes: the start calls apply leaves alone are noted with the
// reason, and so are the places the program listens in.
func TestListenNotes(t *testing.T) {
	dir, p := fixture(t, "frameworks")
	res, err := rewriter.Apply(context.Background(), dir, p, rewriter.Options{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	notes := strings.Join(res.Notes, "\n")
	for _, want := range []string{
		"server/server.go:37:9: (*github.com/gofiber/fiber/v2.App).Listen is not redirected (its receiver is not a plain name)",
		"server/server.go:103:9: (*github.com/gofiber/fiber/v3.App).Listen is not redirected (its ListenConfig asks for TLS (CertFile), which app.Listener ignores)",
		"the program listens in 23 places (cmd/fw/main.go:35:6, cmd/fw/main.go:37:13, cmd/fw/main.go:39:14, cmd/fw/main.go:47:13, cmd/fw/main.go:51:13 and 18 more): ",
		"in CLEAVE_LISTEN_EACH",
	} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
}

// TestBackgroundNotes: a start-up call of another service's background
// work whose result is used cannot be guarded; apply says so.
func TestBackgroundNotes(t *testing.T) {
	dir, p := fixture(t, "background")
	res, err := rewriter.Apply(context.Background(), dir, p, rewriter.Options{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	notes := strings.Join(res.Notes, "\n")
	if want := "cmd/m/main.go:21:12: starts the mail service's background work, but its result is used, so it cannot be guarded"; !strings.Contains(notes, want) {
		t.Errorf("notes lack %q:\n%s", want, notes)
	}
}

// TestServersNotes: of two programs that serve, the service mains run the
// one that links the services' packages, and apply says the other is left
// out of the split.
func TestServersNotes(t *testing.T) {
	dir, p := fixture(t, "servers")
	res, err := rewriter.Apply(context.Background(), dir, p, rewriter.Options{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	notes := strings.Join(res.Notes, "\n")
	if want := "the module has 2 programs that serve: every service main runs cmd/api's start-up (it links most of the services' packages); cmd/admin run in no process of the split"; !strings.Contains(notes, want) {
		t.Errorf("notes lack %q:\n%s", want, notes)
	}
}

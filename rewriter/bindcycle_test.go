package rewriter_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/cleave-go/cleave/rewriter"
)

// TestBindImportCycle applies testdata/bindcycle: accounts makes a disk
// of the web service, whose svc package imports web, which imports
// accounts. Binding the disk there would make an import cycle, and the
// rewritten module would not type-check; apply leaves the bind out and
// says so.
func TestBindImportCycle(t *testing.T) {
	ar, err := txtar.ParseFile(filepath.Join("testdata", "bindcycle", "bindcycle.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "mod")
	for _, f := range ar.Files {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p := truthPlan(t, dir, filepath.Join(dir, "services.yaml"))
	res, err := rewriter.Apply(context.Background(), dir, p, rewriter.Options{DryRun: true})
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	notes := strings.Join(res.Notes, "\n")
	if want := "accounts/accounts.go:8:7: apply cannot bind *fsys.Disk in the web service here: websvc imports example.com/bc/accounts"; !strings.Contains(notes, want) {
		t.Errorf("notes lack %q:\n%s", want, notes)
	}
}

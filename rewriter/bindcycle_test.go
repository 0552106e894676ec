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
	dir := extractTxtar(t, "bindcycle")
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

// TestBindInside applies testdata/bindinside: storage.Open makes the notes
// store, whose methods are the notes service's topics, and both packages
// are in that service. apply binds the store there, where the service's
// own process makes it, instead of nowhere.
func TestBindInside(t *testing.T) {
	dir := extractTxtar(t, "bindinside")
	p := truthPlan(t, dir, filepath.Join(dir, "services.yaml"))
	res, err := rewriter.Apply(context.Background(), dir, p, rewriter.Options{DryRun: true})
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if notes := strings.Join(res.Notes, "\n"); strings.Contains(notes, "nowhere") {
		t.Errorf("notes say a receiver is bound nowhere:\n%s", notes)
	}
	var bound []string
	for _, b := range res.Bound {
		bound = append(bound, b.Site+": "+b.Reason)
	}
	if want := "storage/storage.go:10:45: binds *notes.Store in the notes service"; len(bound) != 1 || !strings.HasPrefix(bound[0], want) {
		t.Errorf("bound %q; want %q", bound, want)
	}
	if !strings.Contains(res.Diff, "notessvc.BindStore(notes.NewStore())") {
		t.Errorf("diff lacks the bind:\n%s", res.Diff)
	}
}

// extractTxtar writes testdata/<name>/<name>.txtar into a temporary
// directory and returns it.
func extractTxtar(t *testing.T, name string) string {
	t.Helper()
	ar, err := txtar.ParseFile(filepath.Join("testdata", name, name+".txtar"))
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
	return dir
}

package rewriter_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cleave-go/cleave/rewriter"
)

// TestExclusiveStoreNoted: the ledger's constructor opens a bbolt file (a
// stand-in module under bbolt's path), which one process at a time can
// hold: every service process runs the start-up, so apply says the split
// cannot start as it is (remark42's engine.NewBoltDB).
func TestExclusiveStoreNoted(t *testing.T) {
	dir, p := fixture(t, "nestedctor")
	files := map[string]string{
		"go.mod":                   "module example.com/nest\n\ngo 1.22\n\nrequire go.etcd.io/bbolt v1.3.11\n\nreplace go.etcd.io/bbolt => ./third_party/bbolt\n",
		"third_party/bbolt/go.mod": "module go.etcd.io/bbolt\n\ngo 1.22\n",
		"third_party/bbolt/bolt.go": `// Package bbolt stands in for go.etcd.io/bbolt.
package bbolt

import "os"

// DB is an open database file.
type DB struct{ f *os.File }

// Open opens the database file at path, locking it.
func Open(path string, mode os.FileMode, options any) (*DB, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, mode)
	return &DB{f: f}, err
}
`,
		"ledger/file.go": `package ledger

import bolt "go.etcd.io/bbolt"

// OpenFile returns a ledger kept in the bolt file at path.
func OpenFile(path string) (*Ledger, error) {
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		return nil, err
	}
	l := Open()
	l.db = db
	return l, nil
}
`,
	}
	for name, data := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ledger := filepath.Join(dir, "ledger", "ledger.go")
	src, err := os.ReadFile(ledger)
	if err != nil {
		t.Fatal(err)
	}
	src = []byte(strings.Replace(string(src), "\tbalances map[string]int64\n", "\tbalances map[string]int64\n\tdb       any\n", 1))
	if err := os.WriteFile(ledger, src, 0o644); err != nil {
		t.Fatal(err)
	}
	main := filepath.Join(dir, "cmd", "billd", "main.go")
	if src, err = os.ReadFile(main); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), "ledger.Open()") {
		t.Fatalf("main does not call ledger.Open():\n%s", src)
	}
	src = []byte(strings.Replace(string(src), "ledger.Open()", "must(ledger.OpenFile(\"ledger.db\"))", 1) +
		"\nfunc must(l *ledger.Ledger, err error) *ledger.Ledger {\n\tif err != nil {\n\t\tpanic(err)\n\t}\n\treturn l\n}\n")
	if err := os.WriteFile(main, src, 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := rewriter.Apply(context.Background(), dir, p, rewriter.Options{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	notes := strings.Join(res.Notes, "\n")
	if want := "ledger/file.go:7:13: opens a bbolt database, which one process at a time can hold open (a lock on its files): its constructor runs in the ledger service's processes only"; !strings.Contains(notes, want) {
		t.Errorf("notes lack %q:\n%s", want, notes)
	}
	// main's ledger.OpenFile runs later, in the ledger service's processes
	// only: elsewhere the wiring gets an empty *ledger.Ledger.
	if want := "ledgersvc.BindLedgerLazyErr(func() (*ledger.Ledger, error) { return ledger.OpenFile(\"ledger.db\") })"; !strings.Contains(res.Diff, want) {
		t.Errorf("diff lacks %q:\n%s", want, res.Diff)
	}
	if want := "func BindLedgerLazyErr(open func() (*ledger.Ledger, error)) (*ledger.Ledger, error) {"; !strings.Contains(res.Diff, want) {
		t.Errorf("diff lacks %q", want)
	}
	// A second apply, on the rewritten copy, changes nothing: it keeps
	// Bind<T>LazyErr generated for the call it finds wrapped.
	out := filepath.Join(t.TempDir(), "out")
	if _, err := rewriter.Apply(context.Background(), dir, p, rewriter.Options{Out: out}); err != nil {
		t.Fatal(err)
	}
	again, err := rewriter.Apply(context.Background(), out, p, rewriter.Options{DryRun: true})
	if err != nil {
		t.Fatalf("second apply: %v", err)
	}
	if again.Changed {
		t.Errorf("second apply changes:\n%s", again.Diff)
	}
}

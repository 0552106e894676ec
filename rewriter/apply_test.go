package rewriter_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/cleave-go/cleave/planner"
	"github.com/cleave-go/cleave/rewriter"
)

// fixture writes the module of a golden archive to a temporary directory
// and returns it with its plan.
func fixture(t *testing.T, name string) (string, *planner.Plan) {
	t.Helper()
	ar, err := txtar.ParseFile(filepath.Join("testdata", "golden", name+".txtar"))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "mod")
	var plan *planner.Plan
	for _, f := range ar.Files {
		if f.Name == "want" {
			continue
		}
		if f.Name == "plan.yaml" {
			if plan, err = planner.Parse(f.Data); err != nil {
				t.Fatal(err)
			}
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if plan == nil {
		plan = truthPlan(t, dir, filepath.Join(dir, "services.yaml"))
	}
	return dir, plan
}

func git(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"}, args...)...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

func TestPlanDoesNotMatchCode(t *testing.T) {
	dir, p := fixture(t, "shadow")
	before := snapshot(t, dir)
	for _, tc := range []struct {
		name string
		edit func(p *planner.Plan)
		want string
	}{
		{"function gone", func(p *planner.Plan) { p.Topics[0].Function = "example.com/m/inventory.Gone" }, "inventory.Gone: not found"},
		{"site moved", func(p *planner.Plan) { p.Topics[0].Sites = []string{"orders/count.go:3:1"} }, "orders/count.go:3:1: no call of"},
		{"file gone", func(p *planner.Plan) { p.Topics[0].Sites = []string{"orders/gone.go:1:1"} }, "no such Go file"},
		{"consumer unknown", func(p *planner.Plan) { p.Topics[0].Consumer = "nobody" }, `consumer "nobody"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := clonePlan(p)
			tc.edit(q)
			_, err := rewriter.Apply(context.Background(), dir, q, rewriter.Options{Force: true})
			if err == nil || !strings.Contains(err.Error(), "plan does not match the code") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Apply = %v; want a plan mismatch naming %q", err, tc.want)
			}
			if !equalTrees(before, snapshot(t, dir)) {
				t.Fatal("the module changed")
			}
		})
	}
}

func clonePlan(p *planner.Plan) *planner.Plan {
	q := *p
	q.Topics = nil
	for _, t := range p.Topics {
		c := *t
		c.Sites = append([]string(nil), t.Sites...)
		q.Topics = append(q.Topics, &c)
	}
	return &q
}

func TestTypeCheckFailureWritesNothing(t *testing.T) {
	dir, p := fixture(t, "shadow")
	before := snapshot(t, dir)
	rewriter.SetAfterGenerate(func(changed map[string][]byte) {
		changed["orders/count.go"] = append(changed["orders/count.go"], []byte("\nfunc broken() int { return \"no\" }\n")...)
	})
	defer rewriter.SetAfterGenerate(nil)
	_, err := rewriter.Apply(context.Background(), dir, p, rewriter.Options{Force: true})
	if err == nil || !strings.Contains(err.Error(), "does not type-check; nothing was written") || !strings.Contains(err.Error(), "orders/count.go:") {
		t.Fatalf("Apply = %v; want a positioned type error", err)
	}
	if !equalTrees(before, snapshot(t, dir)) {
		t.Fatal("the module changed")
	}
}

func TestDirtyTreeRefused(t *testing.T) {
	dir, p := fixture(t, "shadow")
	git(t, dir, "init", "-q")
	git(t, dir, "add", ".")
	git(t, dir, "commit", "-q", "-m", "init")
	if err := os.WriteFile(filepath.Join(dir, "orders", "extra.go"), []byte("package orders\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A tracked file changed too: git's status line " M <path>" keeps its
	// leading space in the message, first line or not.
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), append(readFile(t, filepath.Join(dir, "go.mod")), "\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, dir)
	_, err := rewriter.Apply(context.Background(), dir, p, rewriter.Options{})
	if !errors.Is(err, rewriter.ErrDirty) || !strings.Contains(err.Error(), "extra.go") || !strings.Contains(err.Error(), "\n M go.mod") {
		t.Fatalf("Apply = %v; want ErrDirty naming extra.go and \" M go.mod\"", err)
	}
	if !equalTrees(before, snapshot(t, dir)) {
		t.Fatal("the module changed")
	}
	// --force goes ahead.
	if _, err := rewriter.Apply(context.Background(), dir, p, rewriter.Options{Force: true}); err != nil {
		t.Fatalf("Apply --force: %v", err)
	}
}

func TestSecondApplyChangesNothing(t *testing.T) {
	for _, name := range []string{"methods", "cycle", "fanout", "services", "oldgo"} {
		t.Run(name, func(t *testing.T) { testSecondApply(t, name) })
	}
}

func testSecondApply(t *testing.T, name string) {
	dir, p := fixture(t, name)
	res, err := rewriter.Apply(context.Background(), dir, p, rewriter.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Wrote || len(res.Notes) == 0 {
		t.Fatalf("first apply: wrote %v, notes %q; want written, with a note that dir is not in git", res.Wrote, res.Notes)
	}
	after := snapshot(t, dir)
	res, err = rewriter.Apply(context.Background(), dir, p, rewriter.Options{})
	if err != nil {
		t.Fatalf("second Apply: %v", err)
	}
	if res.Changed || res.Wrote {
		t.Errorf("second apply changed %d files:\n%s", len(res.Files)+len(res.Generated), res.Diff)
	}
	if !equalTrees(after, snapshot(t, dir)) {
		t.Fatal("the second apply changed the module")
	}
	already := 0
	for _, tr := range res.Topics {
		already += tr.Already
	}
	if already == 0 {
		t.Error("second apply saw no rewritten sites")
	}
}

func TestOnly(t *testing.T) {
	dir, p := fixture(t, "methods")
	res, err := rewriter.Apply(context.Background(), dir, p, rewriter.Options{DryRun: true, Only: "payments"})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range res.Generated {
		if strings.HasPrefix(g, "cleavesvc/inventorysvc/") {
			t.Errorf("--only payments generated %s", g)
		}
	}
	for _, tr := range res.Topics {
		if tr.Consumer != "payments" && tr.Rewritten > 0 {
			t.Errorf("--only payments: rewrote topic %s of %s", tr.Subject, tr.Consumer)
		}
	}
	if _, err := rewriter.Apply(context.Background(), dir, p, rewriter.Options{DryRun: true, Only: "nobody"}); err == nil {
		t.Error("--only nobody: no error")
	}
}

// TestOnlyThenAll extracts one service, then the rest: the second apply
// keeps the first service's topics in services.json.
func TestOnlyThenAll(t *testing.T) {
	dir, p := fixture(t, "methods")
	if _, err := rewriter.Apply(context.Background(), dir, p, rewriter.Options{Only: "payments"}); err != nil {
		t.Fatal(err)
	}
	res, err := rewriter.Apply(context.Background(), dir, p, rewriter.Options{Only: "inventory"})
	if err != nil {
		t.Fatal(err)
	}
	serves := map[string]int{}
	for _, s := range res.Services {
		serves[s.Name] = len(s.Serves)
	}
	if serves["payments"] == 0 || serves["inventory"] == 0 {
		t.Errorf("after --only payments then --only inventory, serves = %v", serves)
	}
}

// TestOutRelativeReplace writes a copy of a module whose go.mod replaces a
// requirement with a sibling directory (replace example.com/money =>
// ../money, as a monorepo's modules do): the copy, elsewhere, must still
// find it, and build.
func TestOutRelativeReplace(t *testing.T) {
	dir, p := fixture(t, "funcs")
	money := filepath.Join(filepath.Dir(dir), "money")
	writeFiles(t, money, map[string]string{
		"go.mod": "module example.com/money\n\ngo 1.22\n",
		"money.go": `// Package money formats amounts of cents.
package money

import "fmt"

// Format returns cents as a decimal amount.
func Format(cents int) string { return fmt.Sprintf("%d.%02d", cents/100, cents%100) }
`,
	})
	gomod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	gomod = append(gomod, "\nrequire example.com/money v0.0.0\n\nreplace example.com/money => ../money\n"...)
	writeFiles(t, dir, map[string]string{
		"go.mod": string(gomod),
		"orders/price.go": `package orders

import "example.com/money"

// Price formats a price in cents.
func Price(cents int) string { return money.Format(cents) }
`,
	})
	out := filepath.Join(t.TempDir(), "deploy", "split")
	if _, err := rewriter.Apply(context.Background(), dir, p, rewriter.Options{Out: out}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(out, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "=> ../money") {
		t.Errorf("go.mod of the copy still replaces with ../money:\n%s", data)
	}
	goCmd(t, out, nil, "build", "./...")
}

// writeFiles writes files (by slash path) under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestGoModFailureNamesCause: when the go.mod apply would write does not
// build, the error says what the go command says, and suggests nothing
// that writes nothing (--out).
func TestGoModFailureNamesCause(t *testing.T) {
	dir, p := fixture(t, "funcs")
	before := snapshot(t, dir)
	rewriter.SetAfterGenerate(func(changed map[string][]byte) {
		var keep []string
		for _, l := range strings.Split(string(changed["go.mod"]), "\n") {
			if !strings.Contains(l, "nats.go") {
				keep = append(keep, l)
			}
		}
		changed["go.mod"] = []byte(strings.Join(keep, "\n"))
	})
	defer rewriter.SetAfterGenerate(nil)
	_, err := rewriter.Apply(context.Background(), dir, p, rewriter.Options{Force: true})
	if err == nil || !strings.Contains(err.Error(), "nothing was written") || !strings.Contains(err.Error(), "go.mod") || strings.Contains(err.Error(), "--out") {
		t.Fatalf("Apply = %v; want the go command's complaint about go.mod, and no --out", err)
	}
	t.Logf("Apply: %v", err)
	if !equalTrees(before, snapshot(t, dir)) {
		t.Fatal("the module changed")
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

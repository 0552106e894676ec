package rewriter_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/cleave-go/cleave/planner"
	"github.com/cleave-go/cleave/rewriter"
)

// TestPlanAgreesWithApply checks that the plan says what apply will do:
// every topic the plan lists is rewritten by apply (unless the plan lists a
// blocker for it), every call apply leaves alone is one the plan lists as
// blocked (the others are in_process entries, which apply does not touch),
// and no in_process call is rewritten. It runs over the test monoliths'
// proposed and truth splits and over small modules whose shapes the plan
// and apply used to judge differently (methods of data types, value
// receivers held by value, func values, payloads that cannot travel).
func TestPlanAgreesWithApply(t *testing.T) {
	type tc struct {
		name string
		dir  string // module
		plan func(t *testing.T, dir string) *planner.Plan
	}
	truth := func(file string) func(t *testing.T, dir string) *planner.Plan {
		return func(t *testing.T, dir string) *planner.Plan { return truthPlan(t, dir, filepath.Join(dir, file)) }
	}
	proposed := func(t *testing.T, dir string) *planner.Plan { return proposedPlan(t, dir) }
	var cases []tc
	for _, name := range []string{"shop", "clinic"} {
		dir := filepath.Join("..", "testdata", name)
		cases = append(cases, tc{name + "/proposed", dir, proposed}, tc{name + "/truth", dir, truth("truth.yaml")})
	}
	for _, file := range []string{"testdata/agree/shipping.txtar", "testdata/golden/unsupported.txtar"} {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		cases = append(cases, tc{name + "/proposed", file, proposed}, tc{name + "/truth", file, truth("services.yaml")})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := c.dir
			if strings.HasSuffix(dir, ".txtar") {
				dir = extract(t, dir)
			}
			p := c.plan(t, dir)
			res, err := rewriter.Apply(context.Background(), dir, p, rewriter.Options{DryRun: true})
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			blocked := map[string]bool{}
			for _, b := range p.Blockers {
				if b.Topic != "" {
					blocked[b.Topic] = true
				}
			}
			results := map[string]*rewriter.TopicResult{}
			for _, tr := range res.Topics {
				results[tr.Subject] = tr
			}
			for _, tp := range p.Topics {
				tr := results[tp.Subject]
				switch {
				case tr == nil:
					t.Errorf("topic %s: apply does not report it", tp.Subject)
				case blocked[tp.Subject]:
				case tr.LeftAlone > 0 || tr.Rewritten+tr.Already == 0:
					t.Errorf("topic %s (%s): apply rewrote %d sites and left %d alone; want every site rewritten", tp.Subject, tp.Function, tr.Rewritten+tr.Already, tr.LeftAlone)
				}
			}
			for _, s := range res.LeftAlone {
				if !blocked[s.Subject] || !strings.HasPrefix(s.Reason, "blocked: ") {
					t.Errorf("apply leaves %s (%s) alone: %s; the plan lists it as a topic, not in_process", s.Site, s.Subject, s.Reason)
				}
			}
			inProcess := map[string]string{}
			for _, ip := range p.InProcess {
				for _, site := range ip.Sites {
					inProcess[site] = ip.Function + " (" + ip.Reason + ")"
				}
			}
			for _, f := range res.Files {
				for _, site := range f.Sites {
					if fn, ok := inProcess[site]; ok {
						t.Errorf("apply rewrote %s, which the plan keeps in-process: %s", site, fn)
					}
				}
			}
			t.Logf("%d topics, %d in_process, %d blockers", len(p.Topics), len(p.InProcess), len(p.Blockers))
		})
	}
}

// extract writes the files of a txtar archive (want and plan.yaml aside)
// into a new directory and returns it.
func extract(t *testing.T, file string) string {
	t.Helper()
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "mod")
	for _, f := range ar.Files {
		if f.Name == "want" || f.Name == "plan.yaml" {
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
	return dir
}

package rewriter_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/cleave-go/cleave/analyzer"
	"github.com/cleave-go/cleave/planner"
	"github.com/cleave-go/cleave/rewriter"
)

// truthPlan builds the plan of the split a monolith's truth.yaml names:
// its services and shared packages, topics derived by the planner.
func truthPlan(t testing.TB, dir, truthFile string) *planner.Plan {
	t.Helper()
	ctx := context.Background()
	g, err := analyzer.Load(ctx, dir, []string{"./..."}, analyzer.Options{})
	if err != nil {
		t.Fatalf("analyzer.Load(%s): %v", dir, err)
	}
	truth, err := planner.ReadTruth(truthFile)
	if err != nil {
		t.Fatal(err)
	}
	p := &planner.Plan{Version: planner.PlanVersion, Module: g.Module, Broker: "nats", Prefix: filepath.Base(dir), Shared: truth.Shared}
	names := make([]string, 0, len(truth.Services))
	for n := range truth.Services {
		names = append(names, n)
	}
	sort.Strings(names)
	mains := map[string]bool{}
	for _, pkg := range g.Packages {
		if pkg.Main {
			mains[pkg.Path] = true
		}
	}
	for _, n := range names {
		s := &planner.Service{Name: n, Packages: truth.Services[n]}
		for _, pkg := range s.Packages {
			if mains[pkg] {
				s.Edge = true
			}
		}
		p.Services = append(p.Services, s)
	}
	if err := planner.Refresh(g, p); err != nil {
		t.Fatal(err)
	}
	return p
}

// goCmd runs the go command in dir and fails the test with its output.
func goCmd(t *testing.T, dir string, env []string, args ...string) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod"), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go %s in %s: %v\n%s", strings.Join(args, " "), dir, err, out)
	}
}

// TestAcid applies each test monolith's truth split to a copy and runs,
// in the copy, go build and go vet and the monolith's own tests under every
// transport; then builds each service main on its own.
func TestAcid(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and tests whole monoliths")
	}
	for _, name := range []string{"shop", "clinic"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join("..", "testdata", name)
			truth := filepath.Join(dir, "truth.yaml")
			if env := os.Getenv("CLEAVE_TRUTH_" + strings.ToUpper(name)); env != "" {
				truth = env
			}
			var p *planner.Plan
			if _, err := os.Stat(truth); err == nil {
				p = truthPlan(t, dir, truth)
			} else {
				p = proposedPlan(t, dir)
			}
			out := filepath.Join(t.TempDir(), name)
			res, err := rewriter.Apply(context.Background(), dir, p, rewriter.Options{Out: out})
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			logResult(t, res)
			// Every service main builds on its own (one go command, linked in parallel).
			goCmd(t, out, nil, "build", "-o", t.TempDir()+string(filepath.Separator), "./"+rewriter.GenDir+"/cmd/...")
			goCmd(t, out, nil, "vet", "./...")
			for _, tr := range []string{"local", "loopback", "nats"} {
				t.Run(tr, func(t *testing.T) {
					goCmd(t, out, []string{"CLEAVE_TRANSPORT=" + tr, "CLEAVE_EVENTS_WAIT=1"}, "test", "-count=1", "-vet=off", "./...")
				})
			}
		})
	}
}

func logResult(t *testing.T, res *rewriter.Result) {
	rewritten, left := 0, 0
	reasons := map[string]int{}
	for _, tr := range res.Topics {
		rewritten += tr.Rewritten
		left += tr.LeftAlone
	}
	for _, s := range res.LeftAlone {
		r := s.Reason
		if i := strings.Index(r, ":"); i > 0 {
			r = r[:i]
		}
		reasons[r]++
	}
	t.Logf("topics %d, crossings rewritten %d, left alone %d %v, files %d, generated %d, bound %d",
		len(res.Topics), rewritten, left, reasons, len(res.Files), len(res.Generated), len(res.Bound))
	for _, s := range res.LeftAlone {
		t.Logf("left alone %s %s: %s", s.Site, s.Subject, s.Reason)
	}
}

// proposedPlan is the planner's own proposal for the module in dir.
func proposedPlan(t testing.TB, dir string) *planner.Plan {
	t.Helper()
	g, err := analyzer.Load(context.Background(), dir, []string{"./..."}, analyzer.Options{})
	if err != nil {
		t.Fatalf("analyzer.Load(%s): %v", dir, err)
	}
	p, err := planner.Propose(context.Background(), g, planner.Constraints{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

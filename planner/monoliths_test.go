package planner

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cleave-go/cleave/analyzer"
)

// loadMonolith loads one of the test monoliths and its truth.
func loadMonolith(tb testing.TB, name string) (*analyzer.Graph, *Truth) {
	tb.Helper()
	dir := filepath.Join("..", "testdata", name)
	g, err := analyzer.Load(context.Background(), dir, []string{"./..."}, analyzer.Options{})
	if err != nil {
		tb.Skipf("load %s: %v", name, err)
	}
	tr, err := ReadTruth(filepath.Join(dir, "truth.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	return g, tr
}

// TestMonoliths measures the planner on the test monoliths against their
// authors' splits (truth.yaml) and logs the score table (go test -v).
func TestMonoliths(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the test monoliths")
	}
	for _, name := range []string{"shop", "clinic"} {
		g, tr := loadMonolith(t, name)
		p, err := Propose(context.Background(), g, Constraints{})
		if err != nil {
			t.Fatal(err)
		}
		p.Truth = tr
		if err := Refresh(g, p); err != nil {
			t.Fatal(err)
		}
		r := p.Scores
		t.Logf("%s: %s\n%s", name, strings.Join(serviceNames(p), " "), table(r))
		if fm := *r.Split.MoJoFM; fm < 90 {
			t.Errorf("%s: MoJoFM = %.1f; want ≥ 90", name, fm)
		}
		if r.Split.ICP > 0.30 {
			t.Errorf("%s: ICP = %v; want ≤ 0.30", name, r.Split.ICP)
		}
		if r.Split.ICP >= r.Grains.ICP || r.Split.ICP >= r.Random.ICP {
			t.Errorf("%s: ICP %v not below grains %v and random %v", name, r.Split.ICP, r.Grains.ICP, r.Random.ICP)
		}
		if r.Split.SM <= r.Grains.SM {
			t.Errorf("%s: SM %v not above grains %v", name, r.Split.SM, r.Grains.SM)
		}
		if probs := Check(g, p, nil); len(probs) > 0 {
			t.Errorf("%s: Check = %v", name, probs)
		}
	}
}

func serviceNames(p *Plan) []string {
	var out []string
	for _, s := range p.Services {
		out = append(out, fmt.Sprintf("%s(%d)", s.Name, len(s.Packages)))
	}
	return out
}

func table(r *Report) string {
	var b strings.Builder
	f := func(x *float64) string {
		if x == nil {
			return "-"
		}
		return fmt.Sprintf("%.4g", *x)
	}
	fmt.Fprintf(&b, "%-10s %8s %8s %8s %8s\n", "score", "split", "boulder", "grains", "random")
	cols := []Scores{r.Split, r.Boulder, r.Grains, r.Random}
	row := func(name string, get func(Scores) string) {
		fmt.Fprintf(&b, "%-10s", name)
		for _, s := range cols {
			fmt.Fprintf(&b, " %8s", get(s))
		}
		b.WriteByte('\n')
	}
	row("services", func(s Scores) string { return fmt.Sprint(s.Services) })
	row("icp", func(s Scores) string { return fmt.Sprintf("%.4g", s.ICP) })
	row("sm", func(s Scores) string { return fmt.Sprintf("%.4g", s.SM) })
	row("q", func(s Scores) string { return fmt.Sprintf("%.4g", s.Q) })
	row("ifn", func(s Scores) string { return fmt.Sprintf("%.4g", s.IFN) })
	row("ned", func(s Scores) string { return fmt.Sprintf("%.4g", s.NED) })
	row("cdp", func(s Scores) string { return fmt.Sprintf("%.4g", s.CDP) })
	row("topics", func(s Scores) string { return fmt.Sprint(s.Topics) })
	row("blockers", func(s Scores) string { return fmt.Sprint(s.Blockers) })
	row("mojofm", func(s Scores) string { return f(s.MoJoFM) })
	row("precision", func(s Scores) string { return f(s.Precision) })
	row("recall", func(s Scores) string { return f(s.Recall) })
	return b.String()
}

func BenchmarkProposeShop(b *testing.B) {
	g, _ := loadMonolith(b, "shop")
	b.ResetTimer()
	for b.Loop() {
		if _, err := Propose(context.Background(), g, Constraints{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRefreshShop(b *testing.B) {
	g, _ := loadMonolith(b, "shop")
	p, err := Propose(context.Background(), g, Constraints{})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if err := Refresh(g, p); err != nil {
			b.Fatal(err)
		}
	}
}

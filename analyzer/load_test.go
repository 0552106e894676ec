package analyzer

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// extract writes a txtar archive's files into a temporary directory.
func extract(t *testing.T, file string) (dir string, comment string) {
	t.Helper()
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	dir = t.TempDir()
	for _, f := range ar.Files {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir, string(ar.Comment)
}

// wantLines returns the comment's lines that start with one of the
// keywords, keyed by keyword.
func wantLines(comment string) map[string][]string {
	want := map[string][]string{}
	for _, line := range strings.Split(comment, "\n") {
		kw, rest, ok := strings.Cut(strings.TrimSpace(line), " ")
		switch kw {
		case "hazard", "call", "entry", "error", "patterns", "message":
			if ok {
				want[kw] = append(want[kw], rest)
			}
		}
	}
	return want
}

// TestFixtures loads every archive under testdata and compares the
// hazards (always), and the calls, entries or load errors the archive's
// comment lists.
func TestFixtures(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			t.Parallel()
			dir, comment := extract(t, file)
			want := wantLines(comment)
			var patterns []string
			for _, p := range want["patterns"] {
				patterns = append(patterns, strings.Fields(p)...)
			}
			g, err := Load(context.Background(), dir, patterns, Options{})
			if want["error"] != nil {
				var le LoadError
				if !errors.As(err, &le) {
					t.Fatalf("Load = %v; want a LoadError", err)
				}
				var got []string
				for _, d := range le {
					got = append(got, d.String())
				}
				compare(t, "errors", got, want["error"])
				return
			}
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			checkConsistent(t, g)
			var got []string
			for _, h := range g.Hazards {
				got = append(got, h.Kind+" "+h.Pos.String())
			}
			compare(t, "hazards", got, want["hazard"])
			// "message KIND POS: TEXT" lines: a hazard with that message.
			msgs := map[string]bool{}
			for _, h := range g.Hazards {
				msgs[h.Kind+" "+h.Pos.String()+": "+h.Message] = true
			}
			for _, m := range want["message"] {
				if !msgs[m] {
					var all []string
					for m := range msgs {
						all = append(all, m)
					}
					slices.Sort(all)
					t.Errorf("no hazard %s\nhazards:\n\t%s", m, strings.Join(all, "\n\t"))
				}
			}
			if want["call"] != nil {
				got = nil
				for _, c := range g.Calls {
					got = append(got, fmt.Sprintf("%s %s -> %s %s %s", c.Site.Pos, c.Caller, c.Callee, c.Via, c.Mode))
				}
				compare(t, "calls", got, want["call"])
			}
			if want["entry"] != nil {
				got = nil
				for _, e := range g.Entries {
					line := fmt.Sprintf("%s %s %s", e.Kind, e.Func, e.Pos)
					if e.Method != "" || e.Route != "" {
						line += " " + cmp.Or(e.Method, "*") + " " + cmp.Or(e.Route, "?")
					}
					got = append(got, line)
				}
				compare(t, "entries", got, want["entry"])
			}
		})
	}
}

func compare(t *testing.T, what string, got, want []string) {
	t.Helper()
	g, w := slices.Clone(got), slices.Clone(want)
	slices.Sort(g)
	slices.Sort(w)
	if !slices.Equal(g, w) {
		t.Errorf("%s:\ngot:\n\t%s\nwant:\n\t%s", what, strings.Join(g, "\n\t"), strings.Join(w, "\n\t"))
	}
}

// TestDeterministic loads a fixture twice, in two directories, and
// compares the JSON byte for byte.
func TestDeterministic(t *testing.T) {
	for _, fixture := range []string{"godefer", "dispatch", "generics", "gin", "grpc"} {
		testDeterministic(t, fixture)
	}
}

func testDeterministic(t *testing.T, fixture string) {
	var outs [][]byte
	for range 3 {
		dir, _ := extract(t, "testdata/"+fixture+".txtar")
		g, err := Load(context.Background(), dir, nil, Options{})
		if err != nil {
			t.Fatal(err)
		}
		data, err := json.Marshal(g)
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, data)
	}
	for _, out := range outs[1:] {
		if !bytes.Equal(outs[0], out) {
			t.Errorf("%s: two loads of the same tree differ:\n%s\n%s", fixture, outs[0], out)
		}
	}
}

// TestAlgorithms checks every algorithm finds the static calls, and how
// precisely each resolves the interface call (cha also reaches Fake).
func TestAlgorithms(t *testing.T) {
	dir, _ := extract(t, "testdata/dispatch.txtar")
	for _, algo := range Algorithms {
		g, err := Load(context.Background(), dir, nil, Options{Algorithm: algo})
		if err != nil {
			t.Fatalf("Load(%s): %v", algo, err)
		}
		if g.Algorithm != algo {
			t.Errorf("Load(%s).Algorithm = %q", algo, g.Algorithm)
		}
		static, iface := 0, 0
		for _, c := range g.Calls {
			if c.Via == ViaInterface {
				iface++
			} else {
				static++
			}
		}
		wantIface := map[string]int{"vta": 2, "cha": 3, "rta": 2, "static": 0}[algo]
		if static != 2 || iface != wantIface {
			t.Errorf("Load(%s): %d static and %d interface calls; want 2 and %d", algo, static, iface, wantIface)
		}
	}
	if _, err := Load(context.Background(), dir, nil, Options{Algorithm: "pta"}); err == nil {
		t.Errorf("Load(pta) succeeded; want an error")
	}
}

func TestNoMatch(t *testing.T) {
	dir, _ := extract(t, "testdata/dispatch.txtar")
	for _, pattern := range []string{"./nothing/...", "example.com/fx/dispatch/nothing/..."} {
		_, err := Load(context.Background(), dir, []string{pattern}, Options{})
		var le LoadError
		if !errors.As(err, &le) || !strings.Contains(err.Error(), pattern) {
			t.Errorf("Load(%s) = %v; want a LoadError naming the pattern", pattern, err)
		}
	}
}

func TestPackages(t *testing.T) {
	dir, _ := extract(t, "testdata/godefer.txtar")
	g, err := Load(context.Background(), dir, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range g.Packages {
		got = append(got, fmt.Sprintf("%s %s lines=%d funcs=%d in=%d out=%d imports=%v main=%v", p.Path, p.Dir, p.Lines, p.Funcs, p.FanIn, p.FanOut, p.Imports, p.Main))
	}
	want := []string{
		"example.com/fx/godefer/api api lines=37 funcs=7 in=1 out=0 imports=[] main=false",
		"example.com/fx/godefer/cmd/app cmd/app lines=24 funcs=3 in=0 out=2 imports=[example.com/fx/godefer/api example.com/fx/godefer/jobs] main=true",
		"example.com/fx/godefer/jobs jobs lines=12 funcs=3 in=1 out=0 imports=[] main=false",
	}
	compare(t, "packages", got, want)
	for _, d := range g.Deps {
		if d.From == "example.com/fx/godefer/cmd/app" && d.To == "example.com/fx/godefer/jobs" {
			// Start (twice: init and main), Stop, Work: ln 3 + 2 ln 2 — no:
			// pairs are init→Start, main→Start, main→Stop, main→Work, each once.
			if d.Sites != 4 || math.Abs(d.Weight-4*math.Ln2) > 1e-6 {
				t.Errorf("dep app→jobs = %d sites, weight %v; want 4, %v", d.Sites, d.Weight, 4*math.Ln2)
			}
		}
	}
}

// checkConsistent checks that the graph refers only to what it holds.
func checkConsistent(t *testing.T, g *Graph) {
	t.Helper()
	funcs := map[string]bool{}
	for _, f := range g.Funcs {
		funcs[f.ID] = true
	}
	pkgs := map[string]bool{}
	for _, p := range g.Packages {
		pkgs[p.Path] = true
	}
	for _, c := range g.Calls {
		if !funcs[c.Caller] || !funcs[c.Callee] {
			t.Errorf("call %s -> %s at %s: function not in the graph", c.Caller, c.Callee, c.Site.Pos)
		}
		if c.Site.EndOffset <= c.Site.Offset {
			t.Errorf("call at %s: empty span", c.Site.Pos)
		}
	}
	for _, d := range g.Deps {
		if !pkgs[d.From] || !pkgs[d.To] || d.From == d.To {
			t.Errorf("dependency %s -> %s: bad package", d.From, d.To)
		}
	}
	for _, e := range g.Entries {
		if !funcs[e.Func] {
			t.Errorf("entry %s %s: function not in the graph", e.Kind, e.Func)
		}
	}
	for _, h := range g.Hazards {
		if h.Func != "" && !funcs[h.Func] {
			t.Errorf("hazard %s at %s: function %s not in the graph", h.Kind, h.Pos, h.Func)
		}
	}
}

// TestMonoliths loads the project's test monoliths, with and without
// their tests, and checks the graphs are consistent.
func TestMonoliths(t *testing.T) {
	for _, name := range []string{"shop", "clinic"} {
		dir := filepath.Join("..", "testdata", name)
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
			continue
		}
		for _, tests := range []bool{false, true} {
			g, err := Load(context.Background(), dir, nil, Options{Tests: tests})
			if err != nil {
				t.Errorf("Load(%s, tests=%v): %v", name, tests, err)
				continue
			}
			checkConsistent(t, g)
			if len(g.Calls) == 0 || len(g.Entries) == 0 {
				t.Errorf("Load(%s, tests=%v): %d calls, %d entries", name, tests, len(g.Calls), len(g.Entries))
			}
		}
	}
}

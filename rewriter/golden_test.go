package rewriter_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
	"golang.org/x/tools/txtar"

	"github.com/cleave-go/cleave/planner"
	"github.com/cleave-go/cleave/rewriter"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// Each archive under testdata/golden is a small module: its files, a
// services.yaml (truth format: the split; topics come from the analyzer
// and the planner, as cleave plan derives them, kept in plan.yaml) and a want file: the
// calls left alone and the diff of every file apply edits or generates
// (go.sum and the copied mains aside). The archive's comment may say
// "test: go test" to also run the module's own tests, rewritten, over NATS
// (and "transports: local loopback nats" to run them under each of those).
func TestGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "golden", "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			t.Parallel()
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			mod := filepath.Join(dir, "mod")
			var want, planData []byte
			for _, f := range ar.Files {
				switch f.Name {
				case "want":
					want = f.Data
					continue
				case "plan.yaml":
					planData = f.Data
					continue
				}
				p := filepath.Join(mod, filepath.FromSlash(f.Name))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, f.Data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			// The plan is kept in the archive, so that the golden output
			// does not move with the planner; -update derives it afresh.
			var p *planner.Plan
			if planData != nil && !*update {
				if p, err = planner.Parse(planData); err != nil {
					t.Fatal(err)
				}
			} else {
				p = truthPlan(t, mod, filepath.Join(mod, "services.yaml"))
				if planData, err = planner.Marshal(p); err != nil {
					t.Fatal(err)
				}
			}
			before := snapshot(t, mod)
			res, err := rewriter.Apply(context.Background(), mod, p, rewriter.Options{DryRun: true})
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			if after := snapshot(t, mod); !equalTrees(before, after) {
				t.Fatal("dry run changed the module")
			}
			got := render(res)
			if *update {
				var out []txtar.File
				for _, f := range ar.Files {
					if f.Name != "want" && f.Name != "plan.yaml" {
						out = append(out, f)
					}
				}
				ar.Files = append(out, txtar.File{Name: "plan.yaml", Data: planData}, txtar.File{Name: "want", Data: got})
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
			} else if !bytes.Equal(got, want) {
				t.Errorf("apply output differs from the golden file (go test ./rewriter -run TestGolden -update):\n%s", lineDiff(string(want), string(got)))
			}
			// The golden output must compile, vet clean, and pass the
			// module's own tests.
			out := filepath.Join(dir, "out")
			if _, err := rewriter.Apply(context.Background(), mod, p, rewriter.Options{Out: out}); err != nil {
				t.Fatalf("Apply --out: %v", err)
			}
			// Every service has its main, even one serving no topic.
			for _, s := range p.Services {
				if _, err := os.Stat(filepath.Join(out, rewriter.GenDir, "cmd", s.Name, "main.go")); err != nil {
					t.Errorf("service %s has no main: %v", s.Name, err)
				}
			}
			goCmd(t, out, nil, "vet", "./...")
			if strings.Contains(string(ar.Comment), "test: go test") {
				// nats encodes every message as loopback does, and crosses a
				// real broker; the acid test runs all three transports. An
				// archive may name others on a "transports:" line.
				for _, tr := range transports(string(ar.Comment)) {
					goCmd(t, out, []string{"CLEAVE_TRANSPORT=" + tr, "CLEAVE_EVENTS_WAIT=1"}, "test", "-count=1", "-vet=off", "./...")
				}
			}
		})
	}
}

// transports returns the transports an archive's comment names on a
// "transports:" line; nats when it names none.
func transports(comment string) []string {
	for _, line := range strings.Split(comment, "\n") {
		if rest, ok := strings.CutPrefix(line, "transports:"); ok {
			return strings.Fields(rest)
		}
	}
	return []string{"nats"}
}

// render is what a golden file holds: the outcome per site, then the diff.
func render(res *rewriter.Result) []byte {
	var b strings.Builder
	for _, tr := range res.Topics {
		b.WriteString("topic " + tr.Subject + " " + tr.Kind)
		if tr.Stub != "" {
			b.WriteString(" -> " + tr.Stub)
		}
		b.WriteString("\n")
	}
	for _, s := range res.LeftAlone {
		b.WriteString("left alone " + s.Site + ": " + s.Reason + "\n")
	}
	for _, s := range res.Bound {
		b.WriteString("bound " + s.Site + ": " + s.Reason + "\n")
	}
	b.WriteString("\n")
	for _, chunk := range strings.SplitAfter(res.Diff, "\n--- ") {
		_ = chunk
	}
	// Keep the diff of every file but go.sum and the copied mains.
	parts := strings.Split(res.Diff, "--- ")
	for _, part := range parts {
		if part == "" {
			continue
		}
		header := part[:strings.IndexByte(part, '\n')]
		name := strings.TrimPrefix(header, "a/")
		if i := strings.Index(part, "+++ b/"); i >= 0 {
			name = part[i+len("+++ b/"):]
			name = name[:strings.IndexByte(name, '\n')]
		}
		if name == "go.sum" || name == "cleavesvc/asyncapi.yaml" || strings.HasPrefix(name, "cleavesvc/cmd/") {
			continue
		}
		b.WriteString("--- " + part)
	}
	out := b.String()
	if rt := runtimeRoot(); rt != "" {
		out = strings.ReplaceAll(out, rt, "$CLEAVE")
	}
	return []byte(out)
}

// runtimeRoot is the cleave module the generated go.mod points to:
// CLEAVE_RUNTIME_DIR when set (a stable copy of the runtime), else this
// source tree.
func runtimeRoot() string {
	dir := os.Getenv("CLEAVE_RUNTIME_DIR")
	if dir == "" {
		dir = ".."
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	return abs
}

// snapshot reads every file under dir.
func snapshot(t testing.TB, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		if strings.Contains(p, string(filepath.Separator)+".git"+string(filepath.Separator)) {
			return nil
		}
		data, err := os.ReadFile(p)
		m[p] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func equalTrees(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// lineDiff shows the lines only one side has.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	inW := map[string]int{}
	for _, l := range w {
		inW[l]++
	}
	inG := map[string]int{}
	for _, l := range g {
		inG[l]++
	}
	var out []string
	for _, l := range w {
		if inG[l] == 0 {
			out = append(out, "- "+l)
		}
	}
	for _, l := range g {
		if inW[l] == 0 {
			out = append(out, "+ "+l)
		}
	}
	sort.Strings(out)
	if len(out) > 60 {
		out = out[:60]
	}
	return strings.Join(out, "\n")
}

// TestAsyncAPI checks the generated AsyncAPI document: version, a channel
// and a receive operation per topic, a reply for requests.
func TestAsyncAPI(t *testing.T) {
	dir, p := fixture(t, "methods")
	out := filepath.Join(t.TempDir(), "out")
	res, err := rewriter.Apply(context.Background(), dir, p, rewriter.Options{Out: out})
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(out, rewriter.GenDir, "asyncapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		AsyncAPI   string                    `yaml:"asyncapi"`
		Channels   map[string]map[string]any `yaml:"channels"`
		Operations map[string]struct {
			Action string         `yaml:"action"`
			Reply  map[string]any `yaml:"reply"`
		} `yaml:"operations"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.AsyncAPI != "3.0.0" {
		t.Errorf("asyncapi = %q", doc.AsyncAPI)
	}
	for _, tr := range res.Topics {
		if tr.Stub == "" {
			continue
		}
		id := strings.ReplaceAll(tr.Subject, ".", "_")
		if doc.Channels[id]["address"] != tr.Subject {
			t.Errorf("channel %s: address %v; want %s", id, doc.Channels[id]["address"], tr.Subject)
		}
		op, ok := doc.Operations[tr.Consumer+"."+strings.TrimPrefix(tr.Stub, tr.Consumer+"svc.")]
		if !ok || op.Action != "receive" || (tr.Kind == planner.KindRequest) != (op.Reply != nil) {
			t.Errorf("operation of %s: %+v", tr.Subject, op)
		}
	}
}

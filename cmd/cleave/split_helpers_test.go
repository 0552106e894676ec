package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/cleave-go/cleave/analyzer"
	"github.com/cleave-go/cleave/planner"
	"github.com/cleave-go/cleave/rewriter"
)

// writeFiles writes files (slash-separated names under dir → contents).
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		file := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// applyPlan derives the topics of plan (YAML) from mod's code and applies
// it to a copy of mod, with the module's analysis for routes; it returns
// the copy and apply's result.
func applyPlan(ctx context.Context, t *testing.T, mod, plan string) (string, *rewriter.Result) {
	t.Helper()
	g, err := analyzer.Load(ctx, mod, []string{"./..."}, analyzer.Options{Algorithm: "static"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := planner.Parse([]byte(plan))
	if err != nil {
		t.Fatal(err)
	}
	if err := planner.Refresh(g, p); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	res, err := rewriter.Apply(ctx, mod, p, rewriter.Options{Out: out, Graph: g})
	if err != nil {
		t.Fatal(err)
	}
	return out, res
}

// goTestAll runs the module's own tests in dir: they must pass.
func goTestAll(ctx context.Context, t *testing.T, dir string) {
	t.Helper()
	test := exec.CommandContext(ctx, "go", "test", "./...")
	test.Dir = dir
	if b, err := test.CombinedOutput(); err != nil {
		t.Fatalf("go test ./... after apply: %v\n%s", err, b)
	}
}

// runSplitClient builds the client program src in the applied module out
// (as ./name), runs the split there with the edge on a free address, runs
// the client against that address once every service is ready, stops the
// split (cancel) and returns the client's output and the split's log.
func runSplitClient(ctx context.Context, cancel context.CancelFunc, t *testing.T, out, name, src string) (got []byte, splitLog string) {
	t.Helper()
	writeFiles(t, out, map[string]string{name + "/main.go": src})
	client := filepath.Join(t.TempDir(), "client")
	build := exec.CommandContext(ctx, "go", "build", "-o", client, "./"+name)
	build.Dir = out
	if b, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the client: %v\n%s", err, b)
	}
	addr := freeAddr(t)
	var clientErr error
	o := runOptions{dir: out, args: []string{"-addr", addr}, firstAlone: true, readyTimeout: 2 * time.Minute, grace: 10 * time.Second}
	o.ready = func() {
		go func() {
			defer cancel()
			cctx, ccancel := context.WithTimeout(context.Background(), time.Minute)
			defer ccancel()
			got, clientErr = exec.CommandContext(cctx, client, addr).CombinedOutput()
		}()
	}
	var log lockedBuf
	if err := runSplit(ctx, o, &log); err != nil {
		t.Fatalf("runSplit: %v\n%s", err, log.String())
	}
	if clientErr != nil {
		t.Fatalf("client: %v\n%s\n%s", clientErr, got, log.String())
	}
	return got, log.String()
}

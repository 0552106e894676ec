package rewriter_test

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"golang.org/x/tools/txtar"

	"github.com/cleave-go/cleave/analyzer"
	"github.com/cleave-go/cleave/rewriter"
)

// TestSubscriptions: the subscriptions start-up makes that give every
// subscriber every message are kept to one service's processes
// (testdata/subscriptions/feeds.txtar says which and how); the want file
// holds the notes and the diff of the files apply edits and of the
// package it generates for them. The result builds and vets, a second
// apply changes nothing, and, run for real as two processes of the split
// on one NATS server, a reading published once is handled once.
func TestSubscriptions(t *testing.T) {
	file := filepath.Join("testdata", "subscriptions", "feeds.txtar")
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	dir := extract(t, file)
	p := truthPlan(t, dir, filepath.Join(dir, "services.yaml"))
	ctx := context.Background()
	g, err := analyzer.Load(ctx, dir, []string{"./..."}, analyzer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := rewriter.Apply(ctx, dir, p, rewriter.Options{DryRun: true, Graph: g})
	if err != nil {
		t.Fatal(err)
	}
	got := renderSubscriptions(res)
	var want []byte
	for _, f := range ar.Files {
		if f.Name == "want" {
			want = f.Data
		}
	}
	if *update {
		var files []txtar.File
		for _, f := range ar.Files {
			if f.Name != "want" {
				files = append(files, f)
			}
		}
		ar.Files = append(files, txtar.File{Name: "want", Data: got})
		if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
			t.Fatal(err)
		}
	} else if !bytes.Equal(got, want) {
		t.Errorf("apply output differs from the want file (go test ./rewriter -run TestSubscriptions -update):\n%s", lineDiff(string(want), string(got)))
	}

	out := filepath.Join(t.TempDir(), "out")
	if _, err := rewriter.Apply(ctx, dir, p, rewriter.Options{Out: out, Graph: g}); err != nil {
		t.Fatalf("Apply --out: %v", err)
	}
	goCmd(t, out, nil, "vet", "./...")
	g2, err := analyzer.Load(ctx, out, []string{"./..."}, analyzer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	again, err := rewriter.Apply(ctx, out, p, rewriter.Options{DryRun: true, Graph: g2})
	if err != nil {
		t.Fatalf("second Apply: %v", err)
	}
	if again.Changed {
		t.Errorf("a second apply changes the tree:\n%s", again.Diff)
	}
	if testing.Short() {
		return
	}
	handledOnce(t, out)
}

// renderSubscriptions returns the notes about subscriptions and the diff
// of the files apply edits, of the module's own code and of package subs.
func renderSubscriptions(res *rewriter.Result) []byte {
	var b strings.Builder
	for _, n := range res.Notes {
		if strings.Contains(n, "subscribe") || strings.Contains(n, "consume") {
			b.WriteString("note " + n + "\n")
		}
	}
	b.WriteString("\n")
	for _, part := range strings.Split(res.Diff, "--- ") {
		if part == "" {
			continue
		}
		lines := strings.SplitN(part, "\n", 3)
		name := strings.TrimPrefix(strings.Fields(lines[0])[0], "a/")
		if name == "/dev/null" && len(lines) > 1 {
			name = strings.TrimPrefix(strings.TrimPrefix(lines[1], "+++ "), "b/")
		}
		if name == "go.mod" || name == "go.sum" || strings.HasPrefix(name, rewriter.GenDir+"/") && !strings.HasPrefix(name, rewriter.GenDir+"/subs/") {
			continue
		}
		b.WriteString("--- " + part)
	}
	return []byte(b.String())
}

// handledOnce builds the split's mains in out, starts each as a process
// on an embedded NATS server (the bus and the plant's feed both), waits
// for each to be ready, publishes one reading and checks that one process
// handled it.
func handledOnce(t *testing.T, out string) {
	opts := &server.Options{Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: t.TempDir(), NoLog: true, NoSigs: true}
	ns, err := server.NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	go ns.Start()
	defer ns.Shutdown()
	if !ns.ReadyForConnections(30 * time.Second) {
		t.Fatal("nats-server not ready")
	}
	url := ns.ClientURL()
	bin := filepath.Join(t.TempDir(), "bin")
	goCmd(t, out, nil, "build", "-o", bin+string(filepath.Separator), "./cleavesvc/cmd/...")
	names, err := os.ReadDir(bin)
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu      sync.Mutex
		handled []string
		logs    bytes.Buffer
	)
	ready := make(chan string, len(names))
	for _, e := range names {
		svc := e.Name()
		cmd := exec.Command(filepath.Join(bin, svc))
		cmd.Dir = out
		cmd.Env = append(os.Environ(), "CLEAVE_TRANSPORT=nats", "CLEAVE_NATS_URL="+url, "CLEAVE_APP=feeds",
			"CLEAVE_SERVICE="+svc, "FEEDS_NATS_URL="+url)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = &lockedWriter{mu: &mu, w: &logs}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() {
			cmd.Process.Signal(os.Interrupt)
			cmd.Wait()
		}()
		go func() {
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				line := sc.Text()
				mu.Lock()
				logs.WriteString(svc + ": " + line + "\n")
				if strings.HasPrefix(line, "handled reading") {
					handled = append(handled, svc+": "+line)
				}
				mu.Unlock()
				if line == "cleave: ready "+svc {
					ready <- svc
				}
			}
		}()
	}
	dump := func() string { mu.Lock(); defer mu.Unlock(); return logs.String() }
	for range names {
		select {
		case <-ready:
		case <-time.After(90 * time.Second):
			t.Fatalf("the services did not all get ready:\n%s", dump())
		}
	}
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	if err := nc.Publish("plant.readings", []byte("boiler 95")); err != nil {
		t.Fatal(err)
	}
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}
	count := func() int { mu.Lock(); defer mu.Unlock(); return len(handled) }
	for deadline := time.Now().Add(30 * time.Second); count() == 0 && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	// Every subscriber gets a message at once: a second process handling
	// it would have printed by now.
	time.Sleep(time.Second)
	mu.Lock()
	defer mu.Unlock()
	if len(handled) != 1 {
		t.Errorf("the reading was handled %d times, want once: %q\n%s", len(handled), handled, logs.String())
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(p)
}

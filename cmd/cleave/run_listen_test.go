package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/txtar"

	"github.com/cleave-go/cleave/planner"
	"github.com/cleave-go/cleave/rewriter"
)

// TestRunListenOutsideMain applies the rewriter's listen golden (main only
// calls app.Run, which calls http.ListenAndServe) and runs the split: only
// the edge listens, every service gets ready, and the edge answers with the
// notes service's data.
func TestRunListenOutsideMain(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a split")
	}
	ar, err := txtar.ParseFile(filepath.Join("..", "..", "rewriter", "testdata", "golden", "listen.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	mod := filepath.Join(t.TempDir(), "mod")
	var p *planner.Plan
	for _, f := range ar.Files {
		switch f.Name {
		case "want":
			continue
		case "plan.yaml":
			if p, err = planner.Parse(f.Data); err != nil {
				t.Fatal(err)
			}
			continue
		}
		name := filepath.Join(mod, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "out")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if _, err := rewriter.Apply(ctx, mod, p, rewriter.Options{Out: out}); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	var got, body string
	var reqErr error
	o := runOptions{dir: out, args: []string{"-addr", addr}, readyTimeout: time.Minute, grace: 10 * time.Second}
	o.ready = func() {
		go func() {
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, http.MethodPut, "http://"+addr+"/notes/1", strings.NewReader("hello"))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				reqErr = err
				return
			}
			resp.Body.Close()
			got = resp.Status
			resp, err = http.Get("http://" + addr + "/notes/1")
			if err != nil {
				reqErr = err
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			got += ", " + resp.Status
			body = string(b)
		}()
	}
	var log lockedBuf
	if err := runSplit(ctx, o, &log); err != nil {
		t.Fatalf("runSplit: %v\n%s", err, log.String())
	}
	if reqErr != nil || got != "204 No Content, 200 OK" || body != "hello\n" {
		t.Errorf("PUT, GET = %q, body %q, error %v; want 204, 200 and hello\n%s", got, body, reqErr, log.String())
	}
	for _, want := range []string{"cleave: ready notes", "cleave: ready web", "cleave: all 2 ready", "cleave: stopped"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, log.String())
		}
	}
	if strings.Contains(log.String(), "address already in use") {
		t.Errorf("a service other than the edge listened:\n%s", log.String())
	}
}

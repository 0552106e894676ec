package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
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
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	out := applyGolden(ctx, t, "listen")
	addr := freeAddr(t)

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

// TestRunListenEach runs a split whose main listens on an API address
// (through app.Run) and on a metrics address (http.ListenAndServe in
// main), with CLEAVE_LISTEN_EACH naming the metrics port and
// CLEAVE_LISTEN_NOTES pinning the notes service's: only the edge serves
// the API, every service process serves metrics of its own on its own
// port, and nothing finds its address in use.
func TestRunListenEach(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a split")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	out := applyGolden(ctx, t, "listeneach")
	api, metrics, pinned := freeAddr(t), freeAddr(t), freeAddr(t)
	_, metricsPort, _ := net.SplitHostPort(metrics)
	// The services inherit cleave run's environment.
	t.Setenv("CLEAVE_LISTEN_EACH", metricsPort)
	t.Setenv("CLEAVE_LISTEN_NOTES", metricsPort+"="+pinned)

	var log lockedBuf
	announced := regexp.MustCompile(`cleave: listen (\w+) (\S+) at (\S+)`)
	type answer struct{ status, body string }
	got := map[string]answer{} // by what was asked: the API, each service's metrics
	var reqErr error
	o := runOptions{dir: out, args: []string{"-addr", api, "-metrics", metrics}, argsAll: true, readyTimeout: time.Minute, grace: 10 * time.Second}
	o.ready = func() {
		go func() {
			defer cancel()
			get := func(what, method, url string, body io.Reader) {
				req, _ := http.NewRequestWithContext(ctx, method, url, body)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					reqErr = errors.Join(reqErr, fmt.Errorf("%s: %w", what, err))
					return
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				got[what] = answer{resp.Status, string(b)}
			}
			get("api put", http.MethodPut, "http://"+api+"/notes/1", strings.NewReader("hello"))
			get("api get", http.MethodGet, "http://"+api+"/notes/1", nil)
			// The metrics servers start beside the API: wait (bounded)
			// until both services said where theirs listens.
			wait, stop := context.WithTimeout(ctx, 30*time.Second)
			defer stop()
			var at map[string]string
			for wait.Err() == nil {
				at = map[string]string{}
				for _, m := range announced.FindAllStringSubmatch(log.String(), -1) {
					if m[2] == metrics {
						at[m[1]] = m[3]
					}
				}
				if len(at) == 2 {
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
			for svc, a := range at {
				get("metrics "+svc+" at "+a, http.MethodGet, "http://"+a+"/metrics", nil)
			}
		}()
	}
	if err := runSplit(ctx, o, &log); err != nil {
		t.Fatalf("runSplit: %v\n%s", err, log.String())
	}
	if reqErr != nil {
		t.Errorf("requests: %v\n%s", reqErr, log.String())
	}
	if a := got["api get"]; got["api put"].status != "204 No Content" || a.status != "200 OK" || a.body != "hello\n" {
		t.Errorf("API PUT, GET = %v, %v; want 204, then 200 and hello", got["api put"], a)
	}
	pids := map[string]string{}
	for what, a := range got {
		svc, at, ok := strings.Cut(strings.TrimPrefix(what, "metrics "), " at ")
		if !ok {
			continue
		}
		if a.status != "200 OK" || !strings.HasPrefix(a.body, "pid ") {
			t.Errorf("%s = %v; want 200 and the process's metrics", what, a)
			continue
		}
		if _, port, _ := net.SplitHostPort(at); port == metricsPort {
			t.Errorf("%s serves metrics on the monolith's port %s", svc, port)
		}
		if svc == "notes" && at != pinned {
			t.Errorf("notes serves metrics at %s; want %s (CLEAVE_LISTEN_NOTES)", at, pinned)
		}
		pids[strings.SplitN(a.body, "\n", 2)[0]] = svc
	}
	if len(pids) != 2 {
		t.Errorf("metrics answered by %v; want the two services' processes, each its own\n%s", pids, log.String())
	}
	for _, want := range []string{"cleave: all 2 ready", "cleave: stopped"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, log.String())
		}
	}
	if strings.Contains(log.String(), "address already in use") {
		t.Errorf("two processes listened on one address:\n%s", log.String())
	}
}

// applyGolden writes the rewriter's golden archive name (its module and
// plan) to a directory and applies the plan to a copy, which it returns.
func applyGolden(ctx context.Context, t *testing.T, name string) string {
	t.Helper()
	ar, err := txtar.ParseFile(filepath.Join("..", "..", "rewriter", "testdata", "golden", name+".txtar"))
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
	if _, err := rewriter.Apply(ctx, mod, p, rewriter.Options{Out: out}); err != nil {
		t.Fatal(err)
	}
	return out
}

// freeAddr returns a 127.0.0.1 address with a port free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

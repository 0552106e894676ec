package rewriter_test

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/cleave-go/cleave/analyzer"
	"github.com/cleave-go/cleave/rewriter"
)

// TestStartupCallsStayLocal runs the split of testdata/phase/startup.txtar
// as cleave run does: the edge alone first, then the others. The edge's
// start-up asks the store through a function requests share; the store's
// process is not running yet, so the call stays in the edge's process
// (it used to fail the start-up: no handler for the subject). Once every
// process is ready, the same call made for a request goes to the store.
func TestStartupCallsStayLocal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the split")
	}
	dir := extract(t, filepath.Join("testdata", "phase", "startup.txtar"))
	p := truthPlan(t, dir, filepath.Join(dir, "services.yaml"))
	ctx := context.Background()
	g, err := analyzer.Load(ctx, dir, []string{"./..."}, analyzer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	if _, err := rewriter.Apply(ctx, dir, p, rewriter.Options{Out: out, Graph: g}); err != nil {
		t.Fatalf("Apply --out: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "bin")
	goCmd(t, out, nil, "build", "-o", bin+string(filepath.Separator), "./cleavesvc/cmd/...")

	ns, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: t.TempDir(), NoLog: true, NoSigs: true})
	if err != nil {
		t.Fatal(err)
	}
	go ns.Start()
	defer ns.Shutdown()
	if !ns.ReadyForConnections(30 * time.Second) {
		t.Fatal("nats-server not ready")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	var (
		mu   sync.Mutex
		logs bytes.Buffer
	)
	dump := func() string { mu.Lock(); defer mu.Unlock(); return logs.String() }
	start := func(svc string) {
		cmd := exec.Command(filepath.Join(bin, svc), "-addr", addr)
		cmd.Dir = out
		cmd.Env = append(os.Environ(), "CLEAVE_TRANSPORT=nats", "CLEAVE_NATS_URL="+ns.ClientURL(), "CLEAVE_APP=startup", "CLEAVE_SERVICE="+svc)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = &lockedWriter{mu: &mu, w: &logs}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			cmd.Process.Signal(os.Interrupt)
			cmd.Wait()
		})
		ready := make(chan bool, 1)
		go func() {
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				mu.Lock()
				logs.WriteString(svc + ": " + sc.Text() + "\n")
				mu.Unlock()
				if sc.Text() == "cleave: ready "+svc {
					ready <- true
				}
			}
			ready <- false // exited before it was ready
		}()
		select {
		case ok := <-ready:
			if !ok {
				t.Fatalf("%s exited before it was ready:\n%s", svc, dump())
			}
		case <-time.After(90 * time.Second):
			t.Fatalf("%s not ready:\n%s", svc, dump())
		}
	}
	start("gateway")
	start("store")
	start("catalog")
	if !strings.Contains(dump(), "start-up asked gateway") {
		t.Errorf("the edge's start-up did not answer from its own process:\n%s", dump())
	}
	resp, err := http.Get("http://" + addr + "/where")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if got := string(body); got != "store" {
		t.Errorf("GET /where = %q; want store (a request's call goes over the bus)\n%s", got, dump())
	}
}

package launch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The test binary doubles as the supervised services: with LAUNCH_HELPER
// set, TestMain runs helper instead of the tests.
func TestMain(m *testing.M) {
	if mode := os.Getenv("LAUNCH_HELPER"); mode != "" {
		os.Exit(helper(mode, os.Getenv("LAUNCH_NAME"), os.Getenv("LAUNCH_FILE")))
	}
	os.Exit(m.Run())
}

// helper behaves as a service in one of several ways.
func helper(mode, name, file string) int {
	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGTERM)
	fmt.Fprintln(os.Stderr, "starting", name)
	switch mode {
	case "serve":
		fmt.Println(ReadyLine(name))
	case "never-ready":
		fmt.Println("warming up forever")
	case "fail-early":
		fmt.Println("cannot open database")
		return 2
	case "crash-once":
		// First run: ready, then crash. Later runs: serve.
		fmt.Println(ReadyLine(name))
		if _, err := os.Stat(file); err != nil {
			os.WriteFile(file, []byte("crashed\n"), 0o644)
			time.Sleep(50 * time.Millisecond)
			fmt.Println("panic: boom")
			return 3
		}
	case "crash":
		fmt.Println(ReadyLine(name))
		<-time.After(50 * time.Millisecond)
		fmt.Println("panic: boom")
		return 3
	case "after-first":
		// Ready only if the first service is: its ready file exists.
		if _, err := os.Stat(file); err != nil {
			fmt.Println("started before the first was ready:", err)
			return 4
		}
		fmt.Println(ReadyLine(name))
	case "first":
		// Slow start-up work (a migration), then the ready file.
		time.Sleep(200 * time.Millisecond)
		os.WriteFile(file, []byte("migrated\n"), 0o644)
		fmt.Println(ReadyLine(name))
	case "stubborn":
		signal.Ignore(syscall.SIGTERM)
		fmt.Println(ReadyLine(name))
		select {}
	}
	<-term
	if file != "" && mode == "serve" {
		f, err := os.OpenFile(file, os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644)
		if err == nil {
			fmt.Fprintln(f, name)
			f.Close()
		}
		time.Sleep(20 * time.Millisecond) // drain
	}
	fmt.Println("drained", name)
	return 0
}

func svc(t *testing.T, name, mode, file string, edge bool) Service {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return Service{
		Name: name, Path: exe, Edge: edge,
		Env: []string{"LAUNCH_HELPER=" + mode, "LAUNCH_NAME=" + name, "LAUNCH_FILE=" + file},
	}
}

// syncBuf is a bytes.Buffer safe for the supervisor's goroutines.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestReadyAndOrderedStop(t *testing.T) {
	file := filepath.Join(t.TempDir(), "stops")
	var logs syncBuf
	svcs := []Service{
		svc(t, "users", "serve", file, false),
		svc(t, "orders", "serve", file, false),
		svc(t, "api", "serve", file, true),
		svc(t, "payments", "serve", file, false),
	}
	g, err := Start(context.Background(), svcs, Options{Logs: &logs, Grace: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range g.States() {
		if !s.Ready || s.Pid == 0 {
			t.Errorf("state %+v after Start; want ready with a pid", s)
		}
	}
	if err := g.Stop(); err != nil {
		t.Fatalf("Stop() = %v", err)
	}
	got, _ := os.ReadFile(file)
	if want := "api\npayments\norders\nusers\n"; string(got) != want {
		t.Errorf("stop order %q; want %q", got, want)
	}
	for _, want := range []string{"[users]    cleave: ready users", "[api]      starting api", "[payments] drained payments"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("logs lack %q:\n%s", want, logs.String())
		}
	}
	if err := g.Stop(); err != nil {
		t.Errorf("second Stop() = %v", err)
	}
}

func TestNotReady(t *testing.T) {
	file := filepath.Join(t.TempDir(), "stops")
	svcs := []Service{svc(t, "users", "serve", file, false), svc(t, "slow", "never-ready", "", false)}
	_, err := Start(context.Background(), svcs, Options{ReadyTimeout: 500 * time.Millisecond})
	var ee *ExitError
	if !errors.As(err, &ee) || ee.Service != "slow" {
		t.Fatalf("Start() = %v; want an ExitError for slow", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "not ready after") || !strings.Contains(msg, "[slow] warming up forever") {
		t.Errorf("error %q; want the timeout and the last output", msg)
	}
	// The service that was ready has been stopped.
	if got, _ := os.ReadFile(file); string(got) != "users\n" {
		t.Errorf("stopped %q; want users", got)
	}
}

func TestExitBeforeReady(t *testing.T) {
	_, err := Start(context.Background(), []Service{svc(t, "db", "fail-early", "", false)}, Options{})
	if err == nil || !strings.Contains(err.Error(), "service db exited before it was ready: exit status 2") ||
		!strings.Contains(err.Error(), "[db] cannot open database") {
		t.Fatalf("Start() = %v; want exit status and last output", err)
	}
}

func TestCrashReported(t *testing.T) {
	file := filepath.Join(t.TempDir(), "stops")
	svcs := []Service{svc(t, "api", "serve", file, true), svc(t, "orders", "crash", "", false)}
	g, err := Start(context.Background(), svcs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err = g.Wait(ctx)
	var ee *ExitError
	if !errors.As(err, &ee) || ee.Service != "orders" {
		t.Fatalf("Wait() = %v; want orders' crash", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "exit status 3") || !strings.Contains(msg, "[orders] panic: boom") {
		t.Errorf("error %q; want exit status and last output", msg)
	}
	if got, _ := os.ReadFile(file); string(got) != "api\n" {
		t.Errorf("stopped %q; want api stopped after the crash", got)
	}
}

func TestRestart(t *testing.T) {
	file := filepath.Join(t.TempDir(), "crashed")
	var mu sync.Mutex
	var kinds []string
	events := func(e Event) {
		mu.Lock()
		defer mu.Unlock()
		kinds = append(kinds, e.Kind.String())
	}
	g, err := Start(context.Background(), []Service{svc(t, "orders", "crash-once", file, false)},
		Options{Restart: true, Events: events})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Stop()
	first, _ := g.State("orders")
	deadline := time.Now().Add(time.Minute)
	for {
		s, _ := g.State("orders")
		if s.Restarts == 1 && s.Ready {
			if s.Pid == first.Pid {
				t.Errorf("restarted with the same pid %d", s.Pid)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("state %+v; want restarted once and ready", s)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := g.Stop(); err != nil {
		t.Fatalf("Stop() = %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if got, want := strings.Join(kinds, " "), "started ready exited restarting started ready stopped"; got != want {
		t.Errorf("events %q; want %q", got, want)
	}
}

func TestKilledAndRestarted(t *testing.T) {
	g, err := Start(context.Background(), []Service{svc(t, "orders", "serve", "", false)}, Options{Restart: true})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Stop()
	if err := g.Signal("orders", syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for s, _ := g.State("orders"); s.Restarts != 1 || !s.Ready; s, _ = g.State("orders") {
		if time.Now().After(deadline) {
			t.Fatalf("state %+v; want restarted once and ready", s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestGraceThenKill(t *testing.T) {
	g, err := Start(context.Background(), []Service{svc(t, "stuck", "stubborn", "", false)}, Options{Grace: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Stop(); err == nil || !strings.Contains(err.Error(), "stop stuck: still running") {
		t.Errorf("Stop() = %v; want stuck killed after the grace period", err)
	}
}

func TestColorAndReadyImmediately(t *testing.T) {
	var logs syncBuf
	s := svc(t, "mono", "never-ready", "", true)
	s.ReadyLine = "-"
	g, err := Start(context.Background(), []Service{s}, Options{Logs: &logs, Color: true})
	if err != nil {
		t.Fatal(err)
	}
	// Ready at once: wait for its signal handler before stopping it.
	for deadline := time.Now().Add(time.Minute); !strings.Contains(logs.String(), "warming up"); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no output from mono: %q", logs.String())
		}
	}
	if err := g.Stop(); err != nil {
		t.Fatal(err)
	}
	if want := palette[0] + "[mono]" + reset + " drained mono"; !strings.Contains(logs.String(), want) {
		t.Errorf("logs %q lack %q", logs.String(), want)
	}
}

// TestFirstAlone starts a service whose start-up takes a while (a schema
// migration) and two that must not start before it is ready: with
// FirstAlone they start after its ready line, and the group is ready.
func TestFirstAlone(t *testing.T) {
	file := filepath.Join(t.TempDir(), "migrated")
	svcs := []Service{
		svc(t, "api", "first", file, true),
		svc(t, "users", "after-first", file, false),
		svc(t, "orders", "after-first", file, false),
	}
	var logs syncBuf
	g, err := Start(context.Background(), svcs, Options{Logs: &logs, FirstAlone: true, Grace: 5 * time.Second})
	if err != nil {
		t.Fatalf("Start with FirstAlone: %v\n%s", err, logs.String())
	}
	if err := g.Stop(); err != nil {
		t.Errorf("Stop() = %v", err)
	}
	// Without it, the others start at once and fail.
	os.Remove(file)
	if g, err := Start(context.Background(), svcs, Options{Logs: &logs, Grace: 5 * time.Second}); err == nil {
		g.Stop()
		t.Errorf("Start without FirstAlone succeeded; want the others to start before the first was ready")
	}
}

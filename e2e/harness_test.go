package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/cleave-go/cleave/internal/launch"
)

// work is the directory everything built for the suite goes in; TestMain
// removes it.
var work string

// repoRoot is the cleave module's root.
var repoRoot = func() string {
	wd, err := os.Getwd()
	if err != nil {
		panic(err)
	}
	return filepath.Dir(wd)
}()

// shopSrc is the test monolith the suite splits.
var shopSrc = filepath.Join(repoRoot, "testdata", "shop")

// goEnv is the environment of go commands run on the test monoliths: each
// is a module of its own, outside any workspace.
func goEnv() []string { return append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod") }

// goCmd runs a command in dir and returns its combined output.
func goCmd(ctx context.Context, dir string, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = goEnv()
	out, err := cmd.CombinedOutput()
	if err != nil {
		return out, fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, out)
	}
	return out, nil
}

// once is a value computed on first use and shared by the tests.
type once[T any] struct {
	sync.Once
	v    T
	err  error
	skip string
}

func (o *once[T]) get(t testing.TB, f func() (T, string, error)) T {
	t.Helper()
	v, skip, err := o.load(f)
	if err != nil {
		t.Fatal(err)
	}
	if skip != "" {
		t.Skip(skip)
	}
	return v
}

// load is get that leaves the skip to the caller.
func (o *once[T]) load(f func() (T, string, error)) (T, string, error) {
	o.Do(func() { o.v, o.skip, o.err = f() })
	return o.v, o.skip, o.err
}

var monolithBin once[string]

// monolith builds the shop's own main once.
func monolith(t testing.TB) string {
	return monolithBin.get(t, func() (string, string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		bin := filepath.Join(work, "shop-monolith")
		_, err := goCmd(ctx, shopSrc, "go", "build", "-o", bin, "./cmd/shop")
		return bin, "", err
	})
}

// shopArgs are the flags both the monolith and the split's edge service
// get: fixed ids and clock where the shop honours them, no background
// rounds (the scenario dispatches through the admin API).
func shopArgs(addr string) []string {
	return []string{"-addr", addr, "-admin-key", adminKey, "-deterministic",
		"-dispatch-interval", "1h", "-reminder-interval", "1h"}
}

func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// logSink keeps the processes' output; a failed test shows its end.
type logSink struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *logSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *logSink) tail(n int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.b.Bytes()
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

func newLogSink(t testing.TB) *logSink {
	s := &logSink{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("last output of the processes:\n%s", s.tail(16<<10))
		}
	})
	return s
}

// startMonolith starts the shop's own binary and returns its base URL.
func startMonolith(t testing.TB) string {
	t.Helper()
	bin := monolith(t)
	addr := freeAddr(t)
	svc := launch.Service{Name: "shop", Path: bin, Args: shopArgs(addr), Edge: true,
		ReadyLine: "shop: listening on http://" + addr}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	g, err := launch.Start(ctx, []launch.Service{svc}, launch.Options{Logs: newLogSink(t), ReadyTimeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := g.Stop(); err != nil {
			t.Errorf("stop monolith: %v", err)
		}
	})
	return "http://" + addr
}

// waitHealthy polls base's health endpoint until it answers 200.
func waitHealthy(t testing.TB, base string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get(base + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s/healthz not answering after 30s: %v", base, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// subjects counts the messages on every subject of a NATS server: a
// subscription to ">" sees requests, replies and JetStream publishes.
type subjects struct {
	mu sync.Mutex
	n  map[string]int
}

func watchSubjects(t testing.TB, urls []string) *subjects {
	t.Helper()
	nc, err := nats.Connect(strings.Join(urls, ","), nats.MaxReconnects(-1), nats.ReconnectWait(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	s := &subjects{n: map[string]int{}}
	if _, err := nc.Subscribe(">", func(m *nats.Msg) {
		s.mu.Lock()
		s.n[m.Subject]++
		s.mu.Unlock()
	}); err != nil {
		t.Fatal(err)
	}
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	return s
}

// count returns the messages seen on subject, requests on its typed form
// ("<subject>.fp-<schemas>", see the runtime's doc) included.
func (s *subjects) count(subject string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.n[subject]
	for k, v := range s.n {
		if strings.HasPrefix(k, subject+".fp-") {
			n += v
		}
	}
	return n
}

// scenarioResult is one run of the scenario by one client.
type scenarioResult struct {
	entries []entry
	errs    []string
	lat     []time.Duration
}

// options vary a run of the scenario.
type options struct {
	customers  int               // customer journeys
	shared     bool              // other clients use the shop at the same time
	lite       bool              // leave out the shop-wide admin steps (see client.lite)
	patience   time.Duration     // for what events change; 0: the client's default
	checkpoint func(name string) // called at named points
}

// runScenario runs the scenario once against base.
func runScenario(base, run string, o options) scenarioResult {
	c := newClient(base, run)
	c.shared, c.lite, c.checkpoint = o.shared, o.lite, o.checkpoint
	if o.patience > 0 {
		c.patience = o.patience
	}
	c.scenario(o.customers)
	return scenarioResult{entries: c.out, errs: c.errs, lat: c.lat}
}

// diffTranscripts reports the first entries in which got and want differ.
func diffTranscripts(got, want []entry) []string {
	var diffs []string
	for i := range max(len(got), len(want)) {
		switch {
		case i >= len(got):
			diffs = append(diffs, fmt.Sprintf("missing: %v", want[i]))
		case i >= len(want):
			diffs = append(diffs, fmt.Sprintf("extra: %v", got[i]))
		case got[i] != want[i]:
			diffs = append(diffs, fmt.Sprintf("got  %v\nwant %v", got[i], want[i]))
		}
		if len(diffs) == 5 {
			diffs = append(diffs, "...")
			break
		}
	}
	return diffs
}

// percentile returns the p-th percentile (0..100) of ds.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(float64(len(s)-1) * p / 100)
	return s[i]
}

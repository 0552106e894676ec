package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeSplit writes a tiny module that looks like `cleave apply`'s output:
// services a and b and an edge service api, standard library only. Each
// checks that the broker's address it was given accepts connections,
// prints its ready line and drains on SIGTERM. FAKE_CRASH names a service
// that exits with status 3 once ready.
func fakeSplit(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	const svcMain = `package main

import (
	"fmt"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGTERM, os.Interrupt)
	name := os.Getenv("CLEAVE_SERVICE")
	url := os.Getenv("CLEAVE_NATS_URL")
	if os.Getenv("CLEAVE_TRANSPORT") == "nats" {
		c, err := net.DialTimeout("tcp", strings.TrimPrefix(url, "nats://"), 5*time.Second)
		if err != nil {
			fmt.Println("no broker:", err)
			os.Exit(2)
		}
		c.Close()
	}
	fmt.Println("transport", os.Getenv("CLEAVE_TRANSPORT"), "app", os.Getenv("CLEAVE_APP"), "args", strings.Join(os.Args[1:], " "))
	fmt.Println("cleave: ready " + name)
	if os.Getenv("FAKE_CRASH") == name {
		time.Sleep(50 * time.Millisecond)
		fmt.Println("panic: boom")
		os.Exit(3)
	}
	<-term
	fmt.Println("drained " + name)
}
`
	files := map[string]string{
		"go.mod":                    "module example.com/fake\n\ngo 1.22\n",
		"cleavesvc/cmd/a/main.go":   svcMain,
		"cleavesvc/cmd/b/main.go":   svcMain,
		"cleavesvc/cmd/api/main.go": svcMain,
		"cmd/fake/main.go":          svcMain,
		"cleavesvc/services.json": `{"module": "example.com/fake", "app": "fake", "services": [
			{"name": "a", "main": "./cleavesvc/cmd/a", "serves": ["fake.a.Get", "fake.a.Put"]},
			{"name": "b", "main": "./cleavesvc/cmd/b", "serves": ["fake.b.Created"]},
			{"name": "api", "main": "./cleavesvc/cmd/api", "edge": true, "links": ["example.com/fake/api"]}]}`,
	}
	writeFiles(t, dir, files)
	return dir
}

// lockedBuf collects run's output from several goroutines.
type lockedBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.WriteString(string(p))
}

func (l *lockedBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// runUntilReady runs `cleave run` with o and interrupts it once all its
// services are ready and, if until is not empty, it has printed until.
func runUntilReady(t *testing.T, o runOptions, until ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	o.readyTimeout, o.grace = time.Minute, 10*time.Second
	var out lockedBuf
	o.ready = func() {
		go func() {
			for _, u := range until {
				for !strings.Contains(out.String(), u) && ctx.Err() == nil {
					time.Sleep(10 * time.Millisecond)
				}
			}
			cancel()
		}()
	}
	err := runSplit(ctx, o, &out)
	return out.String(), err
}

func TestRunSplit(t *testing.T) {
	dir := fakeSplit(t)
	out, err := runUntilReady(t, runOptions{dir: dir, args: []string{"-addr", "127.0.0.1:0"}})
	if err != nil {
		t.Fatalf("runSplit: %v\n%s", err, out)
	}
	for _, want := range []string{
		"cleave: building 3 services",
		"cleave: nats nats://127.0.0.1:",
		"[a]   transport nats app fake args \n",
		"[api] transport nats app fake args -addr 127.0.0.1:0\n",
		"serves fake.a.Get, fake.a.Put",
		"edge (args: -addr 127.0.0.1:0)",
		"cleave: all 3 ready",
		"cleave: stopped",
		"cleave: nats stopped",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// Edge first, then the others in reverse order.
	api, b, a := strings.Index(out, "drained api"), strings.Index(out, "drained b\n"), strings.Index(out, "drained a\n")
	if api < 0 || b < api || a < b {
		t.Errorf("drain order: api %d, b %d, a %d; want api, b, a:\n%s", api, b, a, out)
	}
	if _, err := os.Stat(filepath.Join(dir, ".cleave", "bin", "api")); err != nil {
		t.Errorf("no binary: %v", err)
	}

	t.Run("args to all", func(t *testing.T) {
		out, err := runUntilReady(t, runOptions{dir: dir, args: []string{"-v"}, argsAll: true}, "[b]   transport nats app fake args -v\n")
		if err != nil {
			t.Fatalf("runSplit: %v\n%s", err, out)
		}
		if !strings.Contains(out, "[a]   transport nats app fake args -v\n") {
			t.Errorf("a did not get the arguments:\n%s", out)
		}
	})

	t.Run("one service", func(t *testing.T) {
		out, err := runUntilReady(t, runOptions{dir: dir, services: []string{"b"}})
		if err != nil {
			t.Fatalf("runSplit: %v\n%s", err, out)
		}
		if !strings.Contains(out, "cleave: all 1 ready") || strings.Contains(out, "[a]") {
			t.Errorf("want only b started:\n%s", out)
		}
	})

	t.Run("unknown service", func(t *testing.T) {
		_, err := runUntilReady(t, runOptions{dir: dir, services: []string{"zz"}})
		if err == nil || !strings.Contains(err.Error(), "no service zz in cleavesvc/services.json (have a, b, api)") {
			t.Errorf("runSplit = %v; want an unknown service error", err)
		}
	})

	t.Run("crash", func(t *testing.T) {
		t.Setenv("FAKE_CRASH", "b")
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		var out lockedBuf
		err := runSplit(ctx, runOptions{dir: dir, readyTimeout: time.Minute, grace: 10 * time.Second}, &out)
		var ee *exitError
		if !errors.As(err, &ee) || !strings.Contains(err.Error(), "service b exited: exit status 3") ||
			!strings.Contains(err.Error(), "[b] panic: boom") {
			t.Fatalf("runSplit = %v; want b's crash with its last lines", err)
		}
		if !strings.Contains(out.String(), "drained api") {
			t.Errorf("the others were not stopped:\n%s", out.String())
		}
	})

	t.Run("monolith", func(t *testing.T) {
		out, err := runUntilReady(t, runOptions{dir: dir, monolith: true, args: []string{"-v"}}, "args -v\n")
		if err != nil {
			t.Fatalf("runSplit: %v\n%s", err, out)
		}
		for _, want := range []string{"cleave: building monolith ./cmd/fake", "[fake] transport local app fake args -v", "monolith, local transport (args: -v)"} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
	})
}

func TestRunNoManifest(t *testing.T) {
	_, err := runUntilReady(t, runOptions{dir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "services.json does not exist (run `cleave apply` first)") {
		t.Errorf("runSplit = %v; want a missing manifest error", err)
	}
}

func TestSplitRunArgs(t *testing.T) {
	withManifest := fakeSplit(t)
	t.Chdir(t.TempDir())
	if err := os.Mkdir("orders", 0o755); err != nil { // a package dir, not a split
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args     []string
		dash     int
		dir      string
		services []string
		rest     []string
		err      bool
	}{
		{nil, -1, ".", nil, nil, false},
		{[]string{"orders"}, -1, ".", []string{"orders"}, nil, false},
		{[]string{"./shop", "orders", "users"}, -1, "./shop", []string{"orders", "users"}, nil, false},
		{[]string{withManifest}, -1, withManifest, nil, nil, false},
		{[]string{".", "-addr", ":8080"}, 1, ".", nil, []string{"-addr", ":8080"}, false},
		{[]string{"-addr", ":8080"}, 0, ".", nil, []string{"-addr", ":8080"}, false},
		{[]string{"orders", "bad name"}, -1, "", nil, nil, true},
	} {
		dir, services, rest, err := splitRunArgs(tc.args, tc.dash)
		if (err != nil) != tc.err {
			t.Errorf("splitRunArgs(%q, %d) error = %v; want error %v", tc.args, tc.dash, err, tc.err)
			continue
		}
		if tc.err {
			continue
		}
		if dir != tc.dir || !reflect.DeepEqual(services, tc.services) && len(services)+len(tc.services) > 0 ||
			!reflect.DeepEqual(rest, tc.rest) && len(rest)+len(tc.rest) > 0 {
			t.Errorf("splitRunArgs(%q, %d) = %q, %q, %q; want %q, %q, %q", tc.args, tc.dash, dir, services, rest, tc.dir, tc.services, tc.rest)
		}
	}
}

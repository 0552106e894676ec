// Command walkthrough runs cleave's whole walk on a sample monolith and
// shows each step as a person would type it:
//
//	go run ./internal/walkthrough testdata/shop
//
// It copies the monolith to a temporary directory, then runs cleave
// analyze, plan, review, apply (to a second copy) and run (the split
// services as separate processes on an embedded NATS server), sends a few
// requests to the split's edge service and to the original monolith, and
// prints both answers. Nothing needs installing; nothing in the repository
// changes. It knows the shop's HTTP API: the requests are the shop's.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

func main() { os.Exit(run()) }

func run() int {
	keep := flag.Bool("keep", false, "keep the temporary directory and print its path")
	flag.Parse()
	src := "testdata/shop"
	if flag.NArg() > 0 {
		src = flag.Arg(0)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := walk(ctx, src, *keep); err != nil {
		fmt.Fprintf(os.Stderr, "walkthrough: %v\n", err)
		return 1
	}
	return 0
}

// walk is the whole tour; every step's failure stops it with that step named.
func walk(ctx context.Context, src string, keep bool) error {
	if _, err := os.Stat(filepath.Join(src, "go.mod")); err != nil {
		return fmt.Errorf("%s is not a Go module: %w", src, err)
	}
	tmp, err := os.MkdirTemp("", "cleave-walkthrough-")
	if err != nil {
		return err
	}
	if keep {
		fmt.Printf("working in %s\n", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}

	step("building cleave")
	cleave := filepath.Join(tmp, "cleave")
	if err := sh(ctx, ".", io.Discard, "go", "build", "-o", cleave, "./cmd/cleave"); err != nil {
		return fmt.Errorf("build cleave: %w", err)
	}
	mono := filepath.Join(tmp, "monolith")
	if err := copyTree(src, mono); err != nil {
		return fmt.Errorf("copy %s: %w", src, err)
	}
	split := filepath.Join(tmp, "split")

	steps := []struct {
		args  []string
		lines int // of output to show; 0: all
	}{
		{[]string{"analyze", "./..."}, 22},
		{[]string{"plan", "./...", "-o", "plan.yaml", "--truth", "truth.yaml"}, 0},
		{[]string{"check", "plan.yaml"}, 0},
		{[]string{"review", "plan.yaml"}, 30},
		{[]string{"apply", "plan.yaml", "--out", split}, 25},
	}
	for _, s := range steps {
		step("$ cleave " + strings.Join(s.args, " "))
		var out bytes.Buffer
		err := sh(ctx, mono, &out, cleave, s.args...)
		printHead(out.String(), s.lines)
		if err != nil {
			return fmt.Errorf("cleave %s: %w", s.args[0], err)
		}
	}

	// The original monolith, for comparison.
	monoAddr, err := freeAddr()
	if err != nil {
		return err
	}
	step("$ go run ./cmd/shop -addr " + monoAddr + "   (the monolith, for comparison)")
	monoCmd := exec.CommandContext(ctx, "go", "run", "./cmd/shop", "-addr", monoAddr, "-demo", "-deterministic", "-admin-key", "secret")
	monoCmd.Dir = mono
	monoCmd.Stdout, monoCmd.Stderr = io.Discard, io.Discard
	monoCmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := monoCmd.Start(); err != nil {
		return fmt.Errorf("start the monolith: %w", err)
	}
	defer stopGroup(monoCmd)

	splitAddr, err := freeAddr()
	if err != nil {
		return err
	}
	step("$ cleave run " + split + " -- -addr " + splitAddr + " -demo -deterministic -admin-key secret")
	runCmd := exec.CommandContext(ctx, cleave, "run", split, "--", "-addr", splitAddr, "-demo", "-deterministic", "-admin-key", "secret")
	runCmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	pr, pw := io.Pipe()
	runCmd.Stdout, runCmd.Stderr = pw, pw
	if err := runCmd.Start(); err != nil {
		return fmt.Errorf("start cleave run: %w", err)
	}
	defer stopGroup(runCmd)
	runLog := &lockedTail{}
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			line := sc.Text()
			runLog.add(line)
			// Show the supervisor's own lines, not every service log line.
			if !strings.HasPrefix(line, "[") {
				fmt.Println("  " + line)
			}
		}
	}()

	for _, addr := range []string{monoAddr, splitAddr} {
		if err := waitHealthy(ctx, addr, 3*time.Minute); err != nil {
			return fmt.Errorf("%s never answered: %w\nlast output of cleave run:\n%s", addr, err, runLog.String())
		}
	}

	step("the same requests to the monolith and to the split services")
	same, total := 0, 0
	for _, r := range tour {
		total++
		a, err := do(ctx, monoAddr, r)
		if err != nil {
			return fmt.Errorf("monolith: %s %s: %w", r.method, r.path, err)
		}
		b, err := do(ctx, splitAddr, r)
		if err != nil {
			return fmt.Errorf("split: %s %s: %w", r.method, r.path, err)
		}
		// Events travel asynchronously in the split: what a reader sees
		// right after an event was published may not show it yet. Ask
		// again for a while before calling a read different.
		waited := time.Duration(0)
		for a != b && r.method == "GET" && waited < 10*time.Second {
			time.Sleep(100 * time.Millisecond)
			waited += 100 * time.Millisecond
			if b, err = do(ctx, splitAddr, r); err != nil {
				return fmt.Errorf("split: %s %s: %w", r.method, r.path, err)
			}
		}
		mark := "same"
		if waited > 0 && a == b {
			mark = fmt.Sprintf("same after %v (events are asynchronous)", waited)
		}
		if a == b {
			same++
		} else {
			mark = "DIFFERENT"
		}
		fmt.Printf("  %-6s %-36s %s\n", r.method, r.path, mark)
		fmt.Printf("         split:    %s\n", clip(b, 110))
		if a != b {
			fmt.Printf("         monolith: %s\n", clip(a, 110))
		}
	}
	fmt.Printf("\n%d of %d answers identical.\n", same, total)

	step("stopping the split (SIGINT, drain, broker last)")
	_ = runCmd.Process.Signal(os.Interrupt)
	done := make(chan error, 1)
	go func() { done <- runCmd.Wait() }()
	select {
	case err := <-done:
		pw.Close()
		if err != nil {
			fmt.Printf("  cleave run: %v\n", err)
		}
	case <-time.After(30 * time.Second):
		return errors.New("cleave run did not stop within 30s of SIGINT")
	}
	if same != total {
		return fmt.Errorf("%d of %d answers differ between the monolith and the split", total-same, total)
	}
	return nil
}

// request is one HTTP request of the tour.
type request struct {
	method, path, body string
	header             map[string]string
}

var (
	user  = map[string]string{"Authorization": "Bearer tok_000001"}
	admin = map[string]string{"X-Admin-Key": "secret"}
	tour  = []request{
		{"GET", "/v1/products?q=espresso", "", nil},
		{"POST", "/v1/users", `{"email":"ada@example.com","name":"Ada","password":"correct horse","address":{"name":"Ada","line1":"Main St 1","city":"Berlin","postal_code":"10115","country":"DE"}}`, nil},
		{"POST", "/v1/cart/items", `{"product_id":"prd_000001","quantity":2}`, user},
		{"POST", "/v1/cart/items", `{"product_id":"prd_000007","quantity":1}`, user},
		{"POST", "/v1/orders", `{"card_number":"4000 0000 0002 0000"}`, user},
		{"POST", "/v1/orders", `{"card_number":"4242 4242 4242 4242"}`, user},
		{"GET", "/v1/admin/stock/prd_000001", "", admin},
		{"POST", "/v1/admin/shipping/dispatch", "", admin},
		{"GET", "/v1/orders/ord_000002", "", user},
		{"GET", "/v1/notifications", "", user},
	}
)

// do sends r to addr and returns "STATUS body" with the body's JSON compacted.
func do(ctx context.Context, addr string, r request) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, "http://"+addr+r.path, body)
	if err != nil {
		return "", err
	}
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if json.Compact(&buf, data) != nil {
		buf.Reset()
		buf.Write(bytes.TrimSpace(data))
	}
	return fmt.Sprintf("%d %s", resp.StatusCode, buf.String()), nil
}

func waitHealthy(ctx context.Context, addr string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no healthy answer within %v", limit)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// stopGroup ends cmd's process group if it is still running.
func stopGroup(cmd *exec.Cmd) {
	if cmd.Process == nil || cmd.ProcessState != nil {
		return
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}

func sh(ctx context.Context, dir string, out io.Writer, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = out, out
	return cmd.Run()
}

func step(title string) { fmt.Printf("\n\033[1m%s\033[0m\n", title) }

func printHead(s string, n int) {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if n > 0 && len(lines) > n {
		lines = append(lines[:n], fmt.Sprintf("… (%d more lines)", len(lines)-n))
	}
	for _, l := range lines {
		fmt.Println("  " + l)
	}
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// copyTree copies the regular files of src into dst.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}

// lockedTail keeps the last lines of a log for error messages.
type lockedTail struct {
	mu    sync.Mutex
	lines []string
}

func (t *lockedTail) add(line string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.lines = append(t.lines, line)
	if len(t.lines) > 30 {
		t.lines = t.lines[len(t.lines)-30:]
	}
}

func (t *lockedTail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.Join(t.lines, "\n")
}

package e2e

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSplitMatchesMonolith starts the split with `cleave run` — embedded
// NATS, every service its own process — runs the scenario and compares
// every answer with the monolith's; every topic of the plan must have
// carried traffic on NATS. Then it stops `cleave run` with SIGTERM and
// expects a clean, ordered stop.
func TestSplitMatchesMonolith(t *testing.T) {
	s := splitUnderTest(t)
	monolithTranscript(t, s.lite)

	addr := freeAddr(t)
	logs := newLogSink(t)
	cmd := exec.Command(cleaveCmd(t), append([]string{"run", s.dir, "--color", "never", "--grace", "15s", "--args-all", "--"}, shopArgs(addr)...)...)
	cmd.Env = goEnv()
	cmd.SysProcAttr = dieWithParent()
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	natsURL := make(chan string, 1)
	ready := make(chan struct{})
	go func() {
		urlRE := regexp.MustCompile(`^cleave: nats (nats://\S+)`)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(logs, line)
			if m := urlRE.FindStringSubmatch(line); m != nil {
				natsURL <- m[1]
			}
			if strings.HasPrefix(line, "cleave: all ") {
				close(ready)
			}
		}
		io.Copy(io.Discard, out)
		exited <- cmd.Wait()
	}()
	t.Cleanup(func() { cmd.Process.Kill() })
	select {
	case <-ready:
	case err := <-exited:
		t.Fatalf("cleave run exited before the split was ready: %v", err)
	case <-time.After(4 * time.Minute):
		t.Fatal("cleave run: split not ready after 4m")
	}
	seen := watchSubjects(t, []string{<-natsURL})
	base := "http://" + addr
	waitHealthy(t, base)

	got := runScenario(base, "R1", options{customers: customers, lite: s.lite})
	compare(t, got, "", s.lite)
	checkTraffic(t, s, seen)

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		var ee *exec.ExitError
		if errors.As(err, &ee) || err != nil {
			t.Errorf("cleave run after SIGTERM: %v", err)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("cleave run still running 2m after SIGTERM")
	}
	if tail := logs.tail(4 << 10); !strings.Contains(tail, "cleave: stopped") || !strings.Contains(tail, "cleave: nats stopped") {
		t.Errorf("cleave run did not report a clean stop:\n%s", tail)
	}
}

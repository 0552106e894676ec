package main

import (
	"bytes"
	"context"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/cleave-go/cleave/analyzer"
	"github.com/cleave-go/cleave/planner"
)

func TestReviewScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:  "testdata/review_scripts",
		Cmds: map[string]func(*testscript.TestScript, bool, []string){"cleave": cleaveCmd},
	})
}

// syncBuffer is a bytes.Buffer safe to read while another goroutine writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestReviewServe(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "shop")
	ctx := context.Background()
	g, err := analyzer.Load(ctx, dir, []string{"./..."}, analyzer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := planner.Propose(ctx, g, planner.Constraints{})
	if err != nil {
		t.Fatal(err)
	}
	plan := filepath.Join(t.TempDir(), "plan.yaml")
	if err := planner.WriteFile(plan, p); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		addr string
		warn bool
	}{{"127.0.0.1:0", false}, {"0.0.0.0:0", true}} {
		t.Run(tc.addr, func(t *testing.T) {
			sctx, stop := context.WithCancel(ctx)
			defer stop()
			var stdout, stderr syncBuffer
			done := make(chan error, 1)
			go func() {
				done <- runReview(sctx, reviewOptions{plan: plan, dir: dir, algo: "vta", serve: true, addr: tc.addr}, &stdout, &stderr)
			}()
			urlRE := regexp.MustCompile(`http://\S+/\?token=\S+`)
			var url string
			for deadline := time.Now().Add(60 * time.Second); url == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
				url = urlRE.FindString(stdout.String())
				select {
				case err := <-done:
					t.Fatalf("review --serve stopped: %v\n%s", err, stderr.String())
				default:
				}
			}
			if url == "" {
				t.Fatalf("review --serve printed no URL: %q", stdout.String())
			}
			url = strings.Replace(url, "0.0.0.0", "127.0.0.1", 1)
			resp, err := http.Get(url)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("GET %s: %d", url, resp.StatusCode)
			}
			base := url[:strings.Index(url, "/?")]
			resp, err = http.Post(base+"/api/save", "application/json", strings.NewReader("{}"))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("save without the token: %d; want 403", resp.StatusCode)
			}
			if got := strings.Contains(stderr.String(), "not loopback"); got != tc.warn {
				t.Errorf("warning on stderr = %v; want %v: %q", got, tc.warn, stderr.String())
			}
			stop()
			if err := <-done; err != nil {
				t.Errorf("review --serve: %v", err)
			}
		})
	}
}

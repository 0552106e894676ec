package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestRunServesUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-demo", "-deterministic"}, pw, io.Discard)
		pw.Close()
	}()

	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the listen line: %v", err)
	}
	url, ok := strings.CutPrefix(strings.TrimSpace(line), "shop: listening on ")
	if !ok {
		t.Fatalf("first line = %q; want the listen address", line)
	}
	go io.Copy(io.Discard, pr)

	resp, err := http.Get(url + "/v1/products/espresso-beans-1-kg")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET demo product: status %d; want 200", resp.StatusCode)
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("run returned %d; want 0", code)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("run did not return after cancel")
	}
}

func TestRunAddressInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var stderr strings.Builder
	if code := run(t.Context(), []string{"-addr", ln.Addr().String()}, io.Discard, &stderr); code != 1 {
		t.Errorf("run on a busy port = %d; want 1", code)
	}
	if !strings.HasPrefix(stderr.String(), "shop: ") {
		t.Errorf("stderr = %q; want a shop: error", stderr.String())
	}
}

func TestRunBadFlag(t *testing.T) {
	if code := run(t.Context(), []string{"-no-such-flag"}, io.Discard, io.Discard); code != 2 {
		t.Errorf("run with a bad flag = %d; want 2", code)
	}
}

package pool

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

func TestMapKeepsOrder(t *testing.T) {
	in := make([]int, 100)
	for i := range in {
		in[i] = i
	}
	out, err := Map(context.Background(), 7, in, func(_ context.Context, n int) (int, error) { return n * n, nil })
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range out {
		if v != i*i {
			t.Fatalf("out[%d] = %d; want %d", i, v, i*i)
		}
	}
}

func TestMapBoundsWorkers(t *testing.T) {
	var running, peak atomic.Int32
	in := make([]int, 50)
	_, err := Map(context.Background(), 3, in, func(context.Context, int) (struct{}, error) {
		n := running.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		running.Add(-1)
		return struct{}{}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if p := peak.Load(); p > 3 || p < 1 {
		t.Errorf("peak concurrency %d; want 1..3", p)
	}
}

func TestMapFirstErrorCancels(t *testing.T) {
	boom := errors.New("boom")
	var calls atomic.Int32
	in := make([]int, 1000)
	for i := range in {
		in[i] = i
	}
	_, err := Map(context.Background(), 2, in, func(ctx context.Context, n int) (int, error) {
		calls.Add(1)
		if n == 3 {
			return 0, boom
		}
		if n > 3 && n < 10 {
			// Slow jobs: they end when Map cancels, so the workers are
			// busy until then and the rest is not handed out.
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
		return n, ctx.Err()
	})
	if !errors.Is(err, boom) {
		t.Errorf("Map = %v; want boom", err)
	}
	if c := calls.Load(); c == 1000 {
		t.Errorf("all %d jobs ran after the failure", c)
	}
}

func TestMapEmptyAndCancelled(t *testing.T) {
	out, err := Map(context.Background(), 4, []int(nil), func(context.Context, int) (int, error) { return 0, nil })
	if err != nil || len(out) != 0 {
		t.Errorf("Map(nil) = %v, %v", out, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = Map(ctx, 4, []int{1, 2, 3}, func(ctx context.Context, n int) (int, error) { return n, ctx.Err() })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Map(cancelled) = %v; want context.Canceled", err)
	}
}

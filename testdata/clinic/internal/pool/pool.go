// Package pool runs a batch of independent jobs on a bounded number of
// goroutines.
package pool

import (
	"context"
	"sync"
)

// Map calls fn on every element of in using at most workers goroutines and
// returns the results in the order of in. The first error cancels the
// context handed to the jobs still running and is returned; jobs not yet
// started are skipped.
func Map[T, R any](ctx context.Context, workers int, in []T, fn func(context.Context, T) (R, error)) ([]R, error) {
	if workers < 1 {
		workers = 1
	}
	workers = min(workers, len(in))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	out := make([]R, len(in))
	jobs := make(chan int)
	var (
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
	)
	for range workers {
		wg.Go(func() {
			for i := range jobs {
				r, err := fn(ctx, in[i])
				if err != nil {
					errOnce.Do(func() {
						firstErr = err
						cancel()
					})
					continue
				}
				out[i] = r
			}
		})
	}
feed:
	for i := range in {
		select {
		case jobs <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

package shipping

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Dispatcher runs DispatchPending in the background at a fixed interval,
// the way the warehouse hands parcels to carriers in batches.
type Dispatcher struct {
	svc      *Service
	interval time.Duration
	log      *slog.Logger

	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan struct{}
}

// NewDispatcher returns a stopped Dispatcher for svc.
func NewDispatcher(svc *Service, interval time.Duration, log *slog.Logger) *Dispatcher {
	return &Dispatcher{svc: svc, interval: interval, log: log}
}

// Start runs the dispatcher until Stop is called or ctx is done.
// Starting a running dispatcher does nothing.
func (d *Dispatcher) Start(ctx context.Context) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cancel != nil {
		return
	}
	ctx, d.cancel = context.WithCancel(ctx)
	d.done = make(chan struct{})
	go d.loop(ctx, d.done)
}

// Stop ends the background loop and waits for a batch in progress.
func (d *Dispatcher) Stop() {
	d.mu.Lock()
	cancel, done := d.cancel, d.done
	d.cancel, d.done = nil, nil
	d.mu.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	<-done
}

func (d *Dispatcher) loop(ctx context.Context, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(d.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			n, err := d.svc.DispatchPending(ctx)
			if err != nil && ctx.Err() == nil {
				d.log.ErrorContext(ctx, "dispatch failed", "err", err)
			} else if n > 0 {
				d.log.InfoContext(ctx, "shipments dispatched", "count", n)
			}
		}
	}
}

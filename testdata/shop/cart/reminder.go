package cart

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"
)

// Nudger tells a customer about a cart they left behind. It must not block.
type Nudger interface {
	CartAbandoned(ctx context.Context, c Cart)
}

// Reminder looks for carts that have not changed for a while and nudges
// their owners, once per cart until it changes again.
type Reminder struct {
	svc      *Service
	nudger   Nudger
	idle     time.Duration
	interval time.Duration
	log      *slog.Logger

	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan struct{}
}

// NewReminder returns a stopped Reminder that nudges about carts idle for
// longer than idle, checking every interval.
func NewReminder(svc *Service, n Nudger, idle, interval time.Duration, log *slog.Logger) *Reminder {
	return &Reminder{svc: svc, nudger: n, idle: idle, interval: interval, log: log}
}

// RunOnce nudges about every cart idle for too long and returns how many.
func (r *Reminder) RunOnce(ctx context.Context) (int, error) {
	now := r.svc.clock.Now()
	carts, err := r.svc.store.All(ctx)
	if err != nil {
		return 0, fmt.Errorf("remind: %w", err)
	}
	slices.SortFunc(carts, func(a, b Cart) int { return cmp.Compare(a.UserID, b.UserID) })
	n := 0
	for _, c := range carts {
		if c.Empty() || c.RemindedAt != nil || now.Sub(c.UpdatedAt) < r.idle {
			continue
		}
		c.RemindedAt = &now
		if err := r.svc.store.Save(ctx, c); err != nil {
			return n, fmt.Errorf("remind %s: %w", c.UserID, err)
		}
		r.nudger.CartAbandoned(ctx, c)
		n++
	}
	return n, nil
}

// Start runs the reminder until Stop is called or ctx is done.
// Starting a running reminder does nothing.
func (r *Reminder) Start(ctx context.Context) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cancel != nil {
		return
	}
	ctx, r.cancel = context.WithCancel(ctx)
	r.done = make(chan struct{})
	go r.loop(ctx, r.done)
}

// Stop ends the background loop and waits for a round in progress.
func (r *Reminder) Stop() {
	r.mu.Lock()
	cancel, done := r.cancel, r.done
	r.cancel, r.done = nil, nil
	r.mu.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	<-done
}

func (r *Reminder) loop(ctx context.Context, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(r.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := r.RunOnce(ctx); err != nil && ctx.Err() == nil {
				r.log.ErrorContext(ctx, "cart reminders failed", "err", err)
			} else if n > 0 {
				r.log.InfoContext(ctx, "cart reminders sent", "count", n)
			}
		}
	}
}

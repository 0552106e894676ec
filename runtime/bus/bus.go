package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

type transport uint8

const (
	tLocal transport = iota
	tLoopback
	tNATS
)

// A Bus carries the calls and events of one process. It is safe for
// concurrent use. Register handlers with Handle and Subscribe, send with
// Call and Publish, stop with Close.
type Bus struct {
	cfg  Config
	kind transport
	// whole: Config.Service was not given, so this process is the whole
	// program (the monolith, or another program of its module), not one
	// service of a split.
	whole bool
	err   error // a Bus that failed to open (see Default) returns err from everything

	mu       sync.Mutex                               // serialises registration and Close
	handlers atomic.Pointer[map[string]*handler]      // copy on write
	subs     atomic.Pointer[map[string][]*subscriber] // copy on write
	closing  atomic.Bool
	closed   chan struct{}
	closeErr error
	work     tracker // in-flight handlers

	// nats only
	srv       *server.Server
	tmpDir    string
	nc        *nats.Conn
	js        jetstream.JetStream
	pub       *publisher
	typed     sync.Map // typedKey → typed subject (typedSubject)
	stream    string
	coreSubs  []*nats.Subscription
	reqs      chan *nats.Msg // requests of all subjects, read by the workers
	workers   sync.WaitGroup
	idle      atomic.Int32
	consumers []jetstream.ConsumeContext
	waiters   sync.Map // Nats-Msg-Id → *waiter (EventsWait)
	baseCtx   context.Context
	cancel    context.CancelFunc
}

// handler is a registered request handler.
type handler struct {
	fn    any    // func(context.Context, *Req) (*Resp, error), for local
	typed string // the subject plus its schemaToken (under nats)
	// serve handles a request and returns the reply, and the buffer of its
	// data to release once the reply is sent. typed says in came on the
	// typed subject, so its schemas are known to match.
	serve func(ctx context.Context, in *nats.Msg, typed bool) (*nats.Msg, *buffer)
}

// subscriber is a registered event handler.
type subscriber struct {
	subject string
	fn      any // func(context.Context, *E) error, for local
	deliver func(ctx context.Context, in *nats.Msg) error
}

// Open returns a Bus configured by c (see Config for the defaults). Under
// "nats" it connects, starting an embedded server first if c.URLs is
// empty, and makes sure the application's stream exists. ctx bounds only
// the opening.
func Open(ctx context.Context, c Config) (*Bus, error) {
	whole := c.Service == ""
	c = c.withDefaults()
	b := &Bus{cfg: c, whole: whole, closed: make(chan struct{})}
	b.handlers.Store(&map[string]*handler{})
	b.subs.Store(&map[string][]*subscriber{})
	switch c.Transport {
	case Local:
		b.kind = tLocal
	case Loopback:
		b.kind = tLoopback
	case NATS:
		b.kind = tNATS
		if err := b.openNATS(ctx); err != nil {
			b.shutdownNATS()
			return nil, fmt.Errorf("bus: open nats: %w", err)
		}
	default:
		return nil, fmt.Errorf("bus: unknown transport %q (want local, loopback or nats)", c.Transport)
	}
	return b, nil
}

// Transport returns the name of b's transport: "local", "loopback" or "nats".
func (b *Bus) Transport() string { return b.cfg.Transport }

// Runs reports whether this process runs service: always under local and
// loopback, and under nats when Config.Service was not given (one process
// is the whole program: the monolith on a broker, or another program of
// its module that reaches the split), else when Config.Service is service.
// Code cleave rewrites guards the start of a service's background work
// and subscriptions with it, so that only that service's processes run
// them. A nil b means Default().
func (b *Bus) Runs(service string) bool {
	if b == nil {
		b = Default()
	}
	return b.kind != tNATS || b.whole || b.cfg.Service == service
}

// Config returns the configuration b was opened with, defaults filled in.
func (b *Bus) Config() Config { return b.cfg }

// ClientURL returns the URL other processes use to reach b's embedded
// server (pass it to them as CLEAVE_NATS_URL), or "" if b started none or
// it listens on no port.
func (b *Bus) ClientURL() string {
	if b.srv == nil || b.cfg.Listen == "none" {
		return ""
	}
	return b.srv.ClientURL()
}

// Conn returns b's NATS connection, nil unless the transport is nats. It is
// for monitoring and tools; messages sent on it bypass the bus.
func (b *Bus) Conn() *nats.Conn { return b.nc }

// Ready returns once every handler and subscription registered so far is
// known to the broker (a round trip; immediate under local and loopback),
// so a sibling process may start calling.
func (b *Bus) Ready() error {
	if b.err != nil {
		return b.err
	}
	if b.nc == nil {
		return nil
	}
	if err := b.nc.FlushTimeout(b.cfg.RequestTimeout); err != nil {
		return fmt.Errorf("bus: ready: %w", err)
	}
	return nil
}

// Serve calls Ready, then waits until ctx is done and closes b.
func (b *Bus) Serve(ctx context.Context) error {
	if err := b.Ready(); err != nil {
		return err
	}
	select {
	case <-ctx.Done():
	case <-b.closed:
	}
	return b.Close()
}

// Close stops taking new work, waits for the handlers in flight (up to
// 30s), drains the connection (pending publishes reach the server) and
// closes it; an embedded server is shut down last. Calling Close again
// returns the first result.
func (b *Bus) Close() error {
	if b == nil || b.err != nil {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closing.Swap(true) {
		<-b.closed
		return b.closeErr
	}
	var errs []error
	if b.kind == tNATS {
		errs = append(errs, b.drainNATS()...)
	}
	if !b.work.wait(30*time.Second) || !waitGroup(&b.workers, 30*time.Second) {
		errs = append(errs, errors.New("bus: close: handlers still running after 30s"))
	}
	if b.kind == tNATS {
		errs = append(errs, b.shutdownNATS()...)
	}
	b.closeErr = errors.Join(errs...)
	close(b.closed)
	return b.closeErr
}

func waitGroup(wg *sync.WaitGroup, d time.Duration) bool {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(d):
		return false
	}
}

var defaultBus struct {
	sync.Mutex
	b *Bus
}

// Default returns the process-wide Bus, opening it from ConfigFromEnv on
// first use (so the local transport when nothing is set). If that fails
// the error is logged and every operation of the returned Bus returns it.
func Default() *Bus {
	defaultBus.Lock()
	defer defaultBus.Unlock()
	if defaultBus.b == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		cfg := ConfigFromEnv()
		b, err := Open(ctx, cfg)
		if err != nil {
			slog.Error("bus: open default bus", "err", err)
			b = &Bus{cfg: cfg.withDefaults(), err: err, closed: make(chan struct{})}
		}
		defaultBus.b = b
	}
	return defaultBus.b
}

// SetDefault makes b the Bus Default returns.
func SetDefault(b *Bus) {
	defaultBus.Lock()
	defaultBus.b = b
	defaultBus.Unlock()
}

// tracker counts handlers in flight; unlike sync.WaitGroup, work may be
// added while someone waits.
type tracker struct {
	mu   sync.Mutex
	n    int
	idle chan struct{} // closed when n drops to 0 and someone waits
}

func (t *tracker) add() {
	t.mu.Lock()
	t.n++
	t.mu.Unlock()
}

func (t *tracker) done() {
	t.mu.Lock()
	t.n--
	if t.n == 0 && t.idle != nil {
		close(t.idle)
		t.idle = nil
	}
	t.mu.Unlock()
}

func (t *tracker) wait(d time.Duration) bool {
	t.mu.Lock()
	if t.n == 0 {
		t.mu.Unlock()
		return true
	}
	if t.idle == nil {
		t.idle = make(chan struct{})
	}
	idle := t.idle
	t.mu.Unlock()
	select {
	case <-idle:
		return true
	case <-time.After(d):
		return false
	}
}

func (b *Bus) register(subject string, h *handler) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closing.Load() {
		return ErrClosed
	}
	old := *b.handlers.Load()
	if _, dup := old[subject]; dup {
		return fmt.Errorf("bus: handle %s: subject already has a handler", subject)
	}
	m := make(map[string]*handler, len(old)+1)
	for k, v := range old {
		m[k] = v
	}
	m[subject] = h
	b.handlers.Store(&m) // before subscribing: a request may come at once
	if b.kind == tNATS {
		if err := b.serveNATS(subject, h.typed); err != nil {
			b.handlers.Store(&old)
			return fmt.Errorf("bus: handle %s: %w", subject, err)
		}
	}
	return nil
}

func (b *Bus) subscribe(s *subscriber) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closing.Load() {
		return ErrClosed
	}
	if b.kind == tNATS {
		if err := b.consumeNATS(s); err != nil {
			return fmt.Errorf("bus: subscribe %s: %w", s.subject, err)
		}
	}
	old := *b.subs.Load()
	m := make(map[string][]*subscriber, len(old)+1)
	for k, v := range old {
		m[k] = v
	}
	m[s.subject] = append(m[s.subject][:len(m[s.subject]):len(m[s.subject])], s)
	b.subs.Store(&m)
	return nil
}

func (b *Bus) logger() *slog.Logger {
	return slog.Default().With("service", b.cfg.Service)
}

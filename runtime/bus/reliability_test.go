package bus

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cleave-go/cleave/runtime/bus/bustest"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// counter records which event ids were handled.
type counter struct {
	seen  []atomic.Bool
	calls atomic.Int64
	uniq  atomic.Int64
	done  chan struct{}
	marks map[int64]chan struct{} // closed when uniq reaches the key
}

func newCounter(n int, marks ...int64) *counter {
	c := &counter{seen: make([]atomic.Bool, n), done: make(chan struct{}), marks: map[int64]chan struct{}{}}
	for _, m := range marks {
		c.marks[m] = make(chan struct{})
	}
	return c
}

func (c *counter) handle(ctx context.Context, e *noted) error {
	c.calls.Add(1)
	if c.seen[e.ID].Swap(true) {
		return nil
	}
	u := c.uniq.Add(1)
	if ch, ok := c.marks[u]; ok {
		close(ch)
	}
	if u == int64(len(c.seen)) {
		close(c.done)
	}
	return nil
}

func (c *counter) wait(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(90 * time.Second):
		t.Fatalf("%s: timed out with %d of %d events handled (%d calls)", what, c.uniq.Load(), len(c.seen), c.calls.Load())
	}
}

// publishAll publishes events 0..n-1 from a few goroutines.
func publishAll(t *testing.T, b *Bus, subject string, n int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	const workers = 16
	for w := 0; w < workers; w++ {
		w := w
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
				if err := Publish(ctx, b, subject, &noted{ID: i}); err != nil {
					errs <- fmt.Errorf("event %d: %w", i, err)
				}
				cancel()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// A consumer whose connection drops in the middle of 10,000 events and
// that comes back handles every one of them at least once.
func TestConsumerCrash(t *testing.T) {
	const n = 10000
	srv := bustest.StartServer(t)
	pub := open(t, NATS, Config{URLs: []string{srv.URL()}, Service: "pub"})
	c := newCounter(n, 3000)
	cfg := Config{URLs: []string{srv.URL()}, Service: "worker", AckWait: time.Second}
	w1 := open(t, NATS, cfg)
	var crashed atomic.Bool
	var lost atomic.Int64
	must(t, Subscribe(w1, "t.stock.Noted", func(ctx context.Context, e *noted) error {
		if crashed.Load() { // the process is dying: this work is lost
			lost.Add(1)
			return errors.New("crashed")
		}
		return c.handle(ctx, e)
	}))
	published := make(chan struct{})
	go func() { defer close(published); publishAll(t, pub, "t.stock.Noted", n) }()
	c.wait(t, c.marks[3000], "first worker")
	crashed.Store(true)
	w1.nc.Close() // abrupt: no drain, no acks; the broker redelivers after AckWait
	w1.Close()
	handledBy1 := c.uniq.Load()

	w2 := open(t, NATS, cfg)
	must(t, Subscribe(w2, "t.stock.Noted", c.handle))
	c.wait(t, c.done, "second worker")
	<-published
	t.Logf("worker 1 handled %d and dropped %d in the crash; worker 2 handled the rest; %d handler calls for %d events",
		handledBy1, lost.Load(), c.calls.Load(), n)
}

// Events stored while the broker goes down (file storage) survive its
// restart and reach a subscriber that was connected the whole time.
func TestBrokerRestart(t *testing.T) {
	const n = 1000
	srv := bustest.StartServer(t)
	pub := open(t, NATS, Config{URLs: []string{srv.URL()}, Service: "pub"})
	sub := open(t, NATS, Config{URLs: []string{srv.URL()}, Service: "worker", AckWait: 2 * time.Second})
	c := newCounter(n, 100)
	gate := make(chan struct{})
	must(t, Subscribe(sub, "t.stock.Noted", func(ctx context.Context, e *noted) error {
		if c.uniq.Load() >= 100 {
			select {
			case <-gate:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return c.handle(ctx, e)
	}))
	publishAll(t, pub, "t.stock.Noted", n)
	c.wait(t, c.marks[100], "before restart")
	srv.Shutdown()
	srv.Restart()
	close(gate)
	c.wait(t, c.done, "after restart")
}

// The embedded broker of a Bus keeps its events in StoreDir: events
// pending when the process stops are handled after it starts again.
func TestEmbeddedRestart(t *testing.T) {
	const n = 500
	dir := t.TempDir()
	// Events the broker handed to b1 but b1 never started come back after AckWait.
	cfg := Config{StoreDir: dir, Service: "shop", InProcess: true, Concurrency: 1, AckWait: time.Second}
	c := newCounter(n, 50)
	gate := make(chan struct{})
	b1 := open(t, NATS, cfg)
	must(t, Subscribe(b1, "t.stock.Noted", func(ctx context.Context, e *noted) error {
		if c.uniq.Load() >= 50 {
			<-gate // hold the rest until Close is under way
		}
		return c.handle(ctx, e)
	}))
	publishAll(t, b1, "t.stock.Noted", n)
	c.wait(t, c.marks[50], "before restart")
	closed := make(chan error)
	go func() { closed <- b1.Close() }()
	close(gate)
	must(t, <-closed)
	if c.uniq.Load() == n {
		t.Fatalf("all %d events handled before the restart; the test proves nothing", n)
	}
	b2 := open(t, NATS, cfg)
	must(t, Subscribe(b2, "t.stock.Noted", c.handle))
	c.wait(t, c.done, "after restart")
}

// With a stream replicated on 3 nodes, killing the stream's leader during
// traffic loses no event, and requests go on.
func TestClusterNodeKilled(t *testing.T) {
	const n = 2000
	cl := bustest.StartCluster(t, 3)
	cfg := Config{URLs: cl.URLs(), Replicas: 3, AckWait: 2 * time.Second}
	cfg.Service = "svc"
	svc := open(t, NATS, cfg)
	cfg.Service = "cli"
	cli := open(t, NATS, cfg)
	c := newCounter(n, n/4)
	must(t, Subscribe(svc, "t.stock.Noted", c.handle))
	must(t, Handle(svc, "t.echo.Echo", func(ctx context.Context, r *echoReq) (*echoResp, error) {
		return &echoResp{Text: r.Text}, nil
	}))
	must(t, svc.Ready())

	stop := make(chan struct{})
	var killed atomic.Bool
	var calls, failed, okAfterKill atomic.Int64
	recovered := make(chan struct{}) // closed by the first call to succeed after the kill
	var callers sync.WaitGroup
	for i := 0; i < 4; i++ {
		callers.Add(1)
		go func() {
			defer callers.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				_, err := Call[echoReq, echoResp](ctx, cli, "t.echo.Echo", &echoReq{Text: "x"})
				cancel()
				calls.Add(1)
				switch {
				case err != nil:
					failed.Add(1)
				case killed.Load():
					if okAfterKill.Add(1) == 1 {
						close(recovered)
					}
				}
			}
		}()
	}
	published := make(chan struct{})
	go func() { defer close(published); publishAll(t, cli, "t.stock.Noted", n) }()
	c.wait(t, c.marks[n/4], "before the kill")
	leader := cl.Leader(cli.StreamName())
	if leader < 0 {
		leader = 0
	}
	cl.Kill(leader)
	killed.Store(true)
	<-published
	c.wait(t, c.done, "after the kill")
	select {
	case <-recovered:
	case <-time.After(60 * time.Second):
		t.Errorf("no call succeeded after the kill (%d calls, %d failed)", calls.Load(), failed.Load())
	}
	close(stop)
	callers.Wait()
	for i := 0; i < 20; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_, err := Call[echoReq, echoResp](ctx, cli, "t.echo.Echo", &echoReq{Text: "after"})
		cancel()
		if err != nil {
			t.Errorf("call %d after the kill: %v", i, err)
		}
	}
	// The node comes back and the cluster carries on.
	cl.Restart(leader)
	more := newCounter(100)
	must(t, Subscribe(svc, "t.stock.More", more.handle))
	publishAll(t, cli, "t.stock.More", 100)
	more.wait(t, more.done, "after the restart")
	t.Logf("killed n%d (stream leader); %d calls, %d failed; %d handler calls for %d events",
		leader+1, calls.Load(), failed.Load(), c.calls.Load(), n)
}

// Poison events go to the dead-letter subject with a reason; the service
// keeps serving events and requests.
func TestPoisonDeadLettered(t *testing.T) {
	b := open(t, NATS, Config{Service: "svc", MaxMessageBytes: 1024, MaxDeliver: 3, Backoff: 10 * time.Millisecond})
	good := make(chan int, 10)
	var failing atomic.Int64
	must(t, Subscribe(b, "t.p.Ev", func(ctx context.Context, e *noted) error {
		if e.ID == 666 {
			failing.Add(1)
			return errors.New("cursed")
		}
		good <- e.ID
		return nil
	}))
	must(t, Handle(b, "t.echo.Echo", func(ctx context.Context, r *echoReq) (*echoResp, error) {
		return &echoResp{Text: r.Text}, nil
	}))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	raw := func(h nats.Header, data []byte) {
		t.Helper()
		if h == nil {
			h = nats.Header{}
		}
		_, err := b.js.PublishMsg(ctx, &nats.Msg{Subject: b.EventSubject("t.p.Ev"), Header: h, Data: data})
		must(t, err)
	}
	raw(nil, []byte("\x00\x01 not json"))
	raw(nats.Header{HeaderSchema: {"0123456789abcdef"}}, []byte(`{"id":1}`))
	raw(nats.Header{jetstream.MsgIDHeader: {eventID("0123456789abcdef", "x1")}}, []byte(`{"id":3}`))
	raw(nil, []byte(`{"id":2,"pad":"`+strings.Repeat("x", 4096)+`"}`))
	must(t, Publish(ctx, b, "t.p.Ev", &noted{ID: 666}))
	must(t, Publish(ctx, b, "t.p.Ev", &noted{ID: 7}))

	select {
	case id := <-good:
		if id != 7 {
			t.Errorf("handler got event %d; want only 7", id)
		}
	case <-ctx.Done():
		t.Fatal("good event not handled")
	}
	if r, err := Call[echoReq, echoResp](ctx, b, "t.echo.Echo", &echoReq{Text: "ok"}); err != nil || r.Text != "ok" {
		t.Errorf("Call after poison = %v, %v", r, err)
	}

	dead, err := b.js.OrderedConsumer(ctx, b.StreamName(), jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{b.DeadLetterSubject("t.p.Ev")},
	})
	must(t, err)
	wantReasons := []string{"cannot decode", "schema mismatch", "schema mismatch", "too large", "handler failed 3 times"}
	var got []string
	for range wantReasons {
		m, err := dead.Next(jetstream.FetchMaxWait(30 * time.Second))
		if err != nil {
			t.Fatalf("dead letters so far %q: %v", got, err)
		}
		got = append(got, m.Headers().Get(HeaderDeadReason))
		if svc := m.Headers().Get(HeaderDeadService); svc != "svc" {
			t.Errorf("dead letter service = %q; want svc", svc)
		}
	}
	for _, want := range wantReasons {
		found := false
		for _, r := range got {
			found = found || strings.Contains(r, want)
		}
		if !found {
			t.Errorf("dead-letter reasons %q; want one containing %q", got, want)
		}
	}
	if f := failing.Load(); f != 3 {
		t.Errorf("failing handler called %d times; want MaxDeliver = 3", f)
	}
}

// A call to a service nobody runs fails at once, naming the subject.
func TestCallNobodyServing(t *testing.T) {
	srv := bustest.StartServer(t)
	b := open(t, NATS, Config{URLs: []string{srv.URL()}})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := Call[echoReq, echoResp](ctx, b, "t.billing.Charge", &echoReq{})
	if !errors.Is(err, ErrNoHandler) || !strings.Contains(err.Error(), "t.billing.Charge") {
		t.Errorf("Call = %v; want ErrNoHandler naming t.billing.Charge", err)
	}
	if ctx.Err() != nil {
		t.Errorf("Call returned only at the deadline")
	}
}

// A Call whose deadline passes while the handler works fails with the
// context's error.
func TestCallDeadline(t *testing.T) {
	b := open(t, NATS, Config{})
	release := make(chan struct{})
	defer close(release)
	must(t, Handle(b, "t.slow.Op", func(ctx context.Context, r *echoReq) (*echoResp, error) {
		<-release
		return &echoResp{}, nil
	}))
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := Call[echoReq, echoResp](ctx, b, "t.slow.Op", &echoReq{})
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "t.slow.Op") {
		t.Errorf("Call = %v; want deadline exceeded naming the subject", err)
	}
}

// Close lets a request in flight finish and its reply reach the caller.
func TestCloseFinishesInFlight(t *testing.T) {
	srv := bustest.StartServer(t)
	svc := open(t, NATS, Config{URLs: []string{srv.URL()}, Service: "svc"})
	cli := open(t, NATS, Config{URLs: []string{srv.URL()}, Service: "cli"})
	started, release := make(chan struct{}), make(chan struct{})
	must(t, Handle(svc, "t.slow.Op", func(ctx context.Context, r *echoReq) (*echoResp, error) {
		close(started)
		<-release
		return &echoResp{Text: "finished"}, nil
	}))
	must(t, svc.Ready())
	type result struct {
		r   *echoResp
		err error
	}
	got := make(chan result)
	go func() {
		r, err := Call[echoReq, echoResp](context.Background(), cli, "t.slow.Op", &echoReq{})
		got <- result{r, err}
	}()
	<-started
	closed := make(chan error)
	go func() { closed <- svc.Close() }()
	close(release)
	res := <-got
	if res.err != nil || res.r.Text != "finished" {
		t.Errorf("Call during Close = %v, %v; want finished", res.r, res.err)
	}
	must(t, <-closed)
	_, err := Call[echoReq, echoResp](context.Background(), cli, "t.slow.Op", &echoReq{})
	if !errors.Is(err, ErrNoHandler) {
		t.Errorf("Call after Close = %v; want ErrNoHandler", err)
	}
}

// With EventsWait a subscriber's dead letter comes back from Publish.
func TestEventsWaitDeadLetter(t *testing.T) {
	b := open(t, NATS, Config{EventsWait: true, MaxDeliver: 2, Backoff: time.Millisecond})
	must(t, Subscribe(b, "t.x", func(ctx context.Context, e *noted) error { return errors.New("nope") }))
	err := Publish(context.Background(), b, "t.x", &noted{})
	if err == nil || !strings.Contains(err.Error(), "dead-lettered") {
		t.Errorf("Publish = %v; want dead-lettered", err)
	}
}

// Publish stores each event with a Nats-Msg-Id; the same message sent
// again (as Publish's own retry does) is not stored twice.
func TestPublishDeduplicated(t *testing.T) {
	b := open(t, NATS, Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	must(t, Publish(ctx, b, "t.d.Ev", &noted{ID: 1}))
	stream, err := b.js.Stream(ctx, b.StreamName())
	must(t, err)
	m, err := stream.GetLastMsgForSubject(ctx, b.EventSubject("t.d.Ev"))
	must(t, err)
	id := m.Header.Get(jetstream.MsgIDHeader)
	if id == "" {
		t.Fatal("stored event has no Nats-Msg-Id")
	}
	again := &nats.Msg{Subject: m.Subject, Header: m.Header, Data: m.Data}
	ack, err := b.js.PublishMsg(ctx, again)
	must(t, err)
	if !ack.Duplicate {
		t.Errorf("second publish with Nats-Msg-Id %s stored again", id)
	}
}

// Connection options reach the server: a token-protected server accepts
// the configured token and refuses a Bus without it, clearly.
func TestTokenAuth(t *testing.T) {
	srv := bustest.StartServer(t, func(o *server.Options) { o.Authorization = "s3cret" })
	b := open(t, NATS, Config{URLs: []string{srv.URL()}, Token: "s3cret"})
	must(t, Handle(b, "t.echo.Echo", func(ctx context.Context, r *echoReq) (*echoResp, error) { return &echoResp{Text: r.Text}, nil }))
	if got, err := Call[echoReq, echoResp](context.Background(), b, "t.echo.Echo", &echoReq{Text: "in"}); err != nil || got.Text != "in" {
		t.Errorf("Call with token = %v, %v", got, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := Open(ctx, Config{Transport: NATS, URLs: []string{srv.URL()}})
	if err == nil || !strings.Contains(err.Error(), "connect "+srv.URL()) || !strings.Contains(strings.ToLower(err.Error()), "authorization") {
		t.Errorf("Open without token = %v; want an authorization error naming the URL", err)
	}
}

// A handler slower than AckWait keeps its event: no second delivery.
func TestSlowHandlerNotRedelivered(t *testing.T) {
	b := open(t, NATS, Config{AckWait: 2 * time.Second, EventsWait: true})
	var calls atomic.Int64
	must(t, Subscribe(b, "t.slow.Ev", func(ctx context.Context, e *noted) error {
		calls.Add(1)
		time.Sleep(3 * time.Second) // slow work, 1.5 AckWaits
		return nil
	}))
	must(t, Publish(context.Background(), b, "t.slow.Ev", &noted{}))
	if n := calls.Load(); n != 1 {
		t.Errorf("slow handler called %d times; want 1", n)
	}
}

// A server without JetStream is reported at once, not retried forever.
func TestNoJetStream(t *testing.T) {
	srv := bustest.StartServer(t, func(o *server.Options) { o.JetStream = false })
	_, err := Open(context.Background(), Config{Transport: NATS, URLs: []string{srv.URL()}})
	if err == nil || !strings.Contains(err.Error(), "create stream") || !strings.Contains(strings.ToLower(err.Error()), "jetstream") {
		t.Errorf("Open on a server without JetStream = %v; want a clear error", err)
	}
}

package bus

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Dead-letter headers, added to the original message's headers.
const (
	HeaderDeadReason     = "Cleave-Dead-Reason"     // why it was dead-lettered
	HeaderDeadService    = "Cleave-Dead-Service"    // the subscribing service
	HeaderDeadDeliveries = "Cleave-Dead-Deliveries" // attempts made
	HeaderDeadSubject    = "Cleave-Dead-Subject"    // the event's subject
)

// EventSubject returns the JetStream subject events on subject are stored
// under: "<App>.events.<subject>".
func (b *Bus) EventSubject(subject string) string { return b.cfg.App + ".events." + subject }

// DeadLetterSubject returns where events on subject go when they cannot be
// handled: "<App>.dead.<subject>", kept in the same stream.
func (b *Bus) DeadLetterSubject(subject string) string { return b.cfg.App + ".dead." + subject }

// StreamName returns the name of the application's JetStream stream.
func (b *Bus) StreamName() string { return b.stream }

// streamName makes app a valid stream name.
func streamName(app string) string {
	return strings.Map(func(r rune) rune {
		if r <= ' ' || r == '.' || r == '*' || r == '>' || r == '/' || r == '\\' || r > 126 {
			return '_'
		}
		return r
	}, app)
}

// durableName names the consumer of (service, subject): readable, plus a
// hash so that distinct pairs never collide after sanitising.
// The nth (n > 0) further subscription of one Bus to one subject gets a
// consumer of its own, so that each receives every event as under local.
func durableName(service, subject string, n int) string {
	h := fnv.New32a()
	fmt.Fprintf(h, "%s\x00%s\x00%d", service, subject, n)
	suffix := ""
	if n > 0 {
		suffix = fmt.Sprintf("_%d", n+1)
	}
	return fmt.Sprintf("%s_%s%s_%08x", streamName(service), strings.ReplaceAll(streamName(subject), "_", "-"), suffix, h.Sum32())
}

func (b *Bus) openNATS(ctx context.Context) error {
	c := b.cfg
	b.baseCtx, b.cancel = context.WithCancel(context.Background())
	urls := c.URLs
	opts := []nats.Option{
		nats.Name(c.App + "/" + c.Service),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(250 * time.Millisecond),
		nats.ReconnectJitter(100*time.Millisecond, time.Second),
	}
	if len(urls) == 0 {
		if err := b.startEmbedded(); err != nil {
			return err
		}
		if c.InProcess || c.Listen == "none" {
			opts = append(opts, nats.InProcessServer(b.srv))
		}
		urls = []string{b.srv.ClientURL()}
	}
	if c.Token != "" {
		opts = append(opts, nats.Token(c.Token))
	}
	if c.Creds != "" {
		opts = append(opts, nats.UserCredentials(c.Creds))
	}
	if c.TLSCA != "" {
		opts = append(opts, nats.RootCAs(c.TLSCA))
	}
	if c.TLSCert != "" || c.TLSKey != "" {
		opts = append(opts, nats.ClientCert(c.TLSCert, c.TLSKey))
	}
	opts = append(opts, c.Options...)
	nc, err := nats.Connect(strings.Join(urls, ","), opts...)
	if err != nil {
		return fmt.Errorf("connect %s: %w", strings.Join(urls, ","), err)
	}
	b.nc = nc
	b.pub = newPublisher(nc)
	if b.js, err = jetstream.New(nc); err != nil {
		return err
	}
	b.stream = streamName(c.App)
	storage := jetstream.FileStorage
	if b.tmpDir != "" {
		// An embedded server without StoreDir starts empty each time:
		// keep its events in memory and leave nothing behind on disk.
		storage = jetstream.MemoryStorage
	}
	cfg := jetstream.StreamConfig{
		Name:        b.stream,
		Description: "cleave events of " + c.App,
		Subjects:    []string{c.App + ".events.>", c.App + ".dead.>"},
		Storage:     storage,
		Retention:   jetstream.LimitsPolicy,
		MaxAge:      c.MaxAge,
		Replicas:    c.Replicas,
		Duplicates:  2 * time.Minute,
	}
	// A cluster may still be electing its leaders: retry for a while.
	ctx, cancelOpen := context.WithTimeout(ctx, c.RequestTimeout)
	defer cancelOpen()
	for {
		actx, cancel := context.WithTimeout(ctx, 5*time.Second)
		if s, err := b.js.Stream(actx, b.stream); err == nil {
			// The storage of a stream cannot change: join it as it is
			// (a sibling may have made it on its own embedded server).
			cfg.Storage = s.CachedInfo().Config.Storage
		}
		_, err = b.js.CreateOrUpdateStream(actx, cfg)
		cancel()
		if errors.Is(err, nats.ErrNoResponders) {
			err = fmt.Errorf("%w: is JetStream enabled on the server? (nats-server -js)", jetstream.ErrJetStreamNotEnabled)
		}
		if err == nil || ctx.Err() != nil ||
			errors.Is(err, jetstream.ErrJetStreamNotEnabled) || errors.Is(err, jetstream.ErrJetStreamNotEnabledForAccount) {
			break
		}
		if !sleepCtx(ctx, 200*time.Millisecond) {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("create stream %s: %w", b.stream, err)
	}
	return nil
}

func (b *Bus) startEmbedded() error {
	c := b.cfg
	dir := c.StoreDir
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "cleave-nats-"); err != nil {
			return err
		}
		b.tmpDir = dir
	}
	opts := &server.Options{
		ServerName: "cleave-" + streamName(c.Service),
		JetStream:  true,
		StoreDir:   dir,
		NoSigs:     true,
		NoLog:      true,
		MaxPayload: int32(max(c.MaxMessageBytes+64<<10, 1<<20)),
	}
	if c.Listen == "none" {
		opts.DontListen = true
	} else {
		host, port, ok := strings.Cut(c.Listen, ":")
		if !ok {
			return fmt.Errorf("listen address %q: want host:port", c.Listen)
		}
		p, err := strconv.Atoi(port)
		if err != nil {
			return fmt.Errorf("listen address %q: %w", c.Listen, err)
		}
		if p == 0 {
			p = server.RANDOM_PORT
		}
		opts.Host, opts.Port = host, p
	}
	srv, err := server.NewServer(opts)
	if err != nil {
		return fmt.Errorf("embedded server: %w", err)
	}
	b.srv = srv
	srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		return errors.New("embedded server: not ready after 10s")
	}
	return nil
}

// serveNATS subscribes to subject in the service's queue group. The
// requests of all subjects go into one channel read by an elastic pool of
// workers: one always waits, so a request costs no goroutine start and
// no extra hand-off, and slow handlers never hold up others.
//
// Both subject and its typed form (see schemaToken) are served.
func (b *Bus) serveNATS(subject, typed string) error {
	if b.reqs == nil {
		b.reqs = make(chan *nats.Msg, 1<<16)
		b.workers.Add(1)
		go b.worker()
	}
	for _, s := range []string{subject, typed} {
		sub, err := b.nc.ChanQueueSubscribe(s, b.cfg.Service, b.reqs)
		if err != nil {
			return err
		}
		b.coreSubs = append(b.coreSubs, sub)
	}
	return nil
}

const maxIdleWorkers = 32

func (b *Bus) worker() {
	defer b.workers.Done()
	b.idle.Add(1)
	for m := range b.reqs {
		if b.idle.Add(-1) == 0 {
			b.workers.Add(1)
			go b.worker()
		}
		b.serveRequest(m)
		if b.idle.Load() >= maxIdleWorkers {
			return
		}
		b.idle.Add(1)
	}
}

func (b *Bus) serveRequest(m *nats.Msg) {
	if m.Reply == "" {
		return
	}
	handlers := *b.handlers.Load()
	h, typed := handlers[m.Subject], false
	if h == nil {
		if i := strings.LastIndexByte(m.Subject, '.'); i > 0 {
			h = handlers[m.Subject[:i]]
		}
		if h == nil || h.typed != m.Subject {
			return
		}
		typed = true
	}
	reply, buf := h.serve(b.baseCtx, m, typed)
	if err := m.RespondMsg(reply); err != nil {
		b.logger().Warn("bus: reply", "subject", m.Subject, "err", err)
	}
	putMsg(reply)
	release(buf)
}

// consumeNATS creates (or joins) the durable consumer of (subject,
// service) and starts handling its events.
func (b *Bus) consumeNATS(s *subscriber) error {
	c := b.cfg
	name := durableName(c.Service, s.subject, len((*b.subs.Load())[s.subject]))
	ctx, cancel := context.WithTimeout(b.baseCtx, c.RequestTimeout)
	defer cancel()
	var cons jetstream.Consumer
	var err error
	for {
		actx, acancel := context.WithTimeout(ctx, 5*time.Second)
		cons, err = b.js.CreateOrUpdateConsumer(actx, b.stream, jetstream.ConsumerConfig{
			Durable:       name,
			Description:   c.Service + " ← " + s.subject,
			FilterSubject: b.EventSubject(s.subject),
			DeliverPolicy: jetstream.DeliverAllPolicy,
			AckPolicy:     jetstream.AckExplicitPolicy,
			AckWait:       c.AckWait,
			MaxDeliver:    -1, // counted here, to dead-letter with a reason
			MaxAckPending: max(4*c.Concurrency, 256),
		})
		acancel()
		if err == nil || ctx.Err() != nil || !sleepCtx(ctx, 200*time.Millisecond) {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("consumer %s: %w", name, err)
	}
	sem := make(chan struct{}, c.Concurrency)
	cc, err := cons.Consume(func(m jetstream.Msg) {
		b.work.add() // before blocking, so that Close waits for this one
		sem <- struct{}{}
		if b.closing.Load() {
			// Closing: hand the event back for immediate redelivery.
			_ = m.Nak()
			<-sem
			b.work.done()
			return
		}
		go func() {
			defer func() { <-sem; b.work.done() }()
			b.handleEvent(s, m)
		}()
	},
		jetstream.PullMaxMessages(2*c.Concurrency),
		// Short pulls with heartbeats: after a node dies or a consumer
		// leader moves, a lost pull is noticed within seconds.
		jetstream.PullExpiry(5*time.Second),
		jetstream.PullHeartbeat(time.Second),
		jetstream.ConsumeErrHandler(func(_ jetstream.ConsumeContext, err error) {
			if !errors.Is(err, jetstream.ErrConsumerDeleted) {
				b.logger().Debug("bus: consume", "subject", s.subject, "err", err)
			}
		}))
	if err != nil {
		return fmt.Errorf("consume %s: %w", name, err)
	}
	b.consumers = append(b.consumers, cc)
	return nil
}

func (b *Bus) handleEvent(s *subscriber, m jetstream.Msg) {
	log := func() *slog.Logger { return b.logger().With("subject", s.subject) }
	in := &nats.Msg{Subject: s.subject, Header: m.Headers(), Data: m.Data()}
	id := in.Header.Get(jetstream.MsgIDHeader)
	delivered := uint64(1)
	if md, err := m.Metadata(); err == nil {
		delivered = md.NumDelivered
	}
	stop := keepAlive(m, b.cfg.AckWait/2)
	err := s.deliver(b.baseCtx, in)
	stop()
	switch {
	case err == nil:
		if err := m.Ack(); err != nil {
			log().Warn("bus: ack", "err", err)
		}
		b.signal(id, s, nil)
		return
	case errors.Is(err, ErrDecode) || errors.Is(err, ErrSchemaMismatch) || errors.Is(err, ErrTooLarge):
		b.deadLetter(s, m, delivered, err.Error())
	case delivered >= uint64(b.cfg.MaxDeliver):
		b.deadLetter(s, m, delivered, fmt.Sprintf("handler failed %d times, last: %v", delivered, err))
	default:
		delay := b.cfg.Backoff << min(delivered-1, 16)
		delay = min(delay, 30*time.Second)
		log().Warn("bus: event handler failed, will retry", "err", err, "delivery", delivered, "retry_in", delay)
		if err := m.NakWithDelay(delay); err != nil {
			log().Warn("bus: nak", "err", err)
		}
	}
}

// keepAlive tells the broker every interval that m is still being
// handled, so that a handler slower than AckWait is not given a twin. It
// returns the function that stops it.
func keepAlive(m jetstream.Msg, every time.Duration) (stop func()) {
	var mu sync.Mutex
	stopped := false
	var t *time.Timer
	mu.Lock()
	defer mu.Unlock()
	t = time.AfterFunc(every, func() {
		mu.Lock()
		defer mu.Unlock()
		if !stopped {
			_ = m.InProgress()
			t.Reset(every)
		}
	})
	return func() {
		mu.Lock()
		stopped = true
		t.Stop()
		mu.Unlock()
	}
}

// deadLetter stores m on the dead-letter subject with reason, then
// terminates it. If the store fails the event is redelivered later.
func (b *Bus) deadLetter(s *subscriber, m jetstream.Msg, delivered uint64, reason string) {
	log := b.logger().With("subject", s.subject)
	h := nats.Header{}
	for k, v := range m.Headers() {
		h[k] = v
	}
	seq := "0"
	if md, err := m.Metadata(); err == nil {
		seq = strconv.FormatUint(md.Sequence.Stream, 10)
	}
	// The trace and correlation id a receiver derived from the event's
	// id, which the copy does not keep.
	if mc, ok := inContext(context.Background(), &nats.Msg{Header: h}).(*metaCtx); ok {
		m := mc.meta()
		if h.Get(HeaderTraceParent) == "" {
			h.Set(HeaderTraceParent, m.traceParent)
		}
		if h.Get(HeaderCorrelationID) == "" {
			h.Set(HeaderCorrelationID, m.correlationID)
		}
	}
	h.Set(HeaderDeadReason, reason)
	h.Set(HeaderDeadService, b.cfg.Service)
	h.Set(HeaderDeadSubject, s.subject)
	h.Set(HeaderDeadDeliveries, strconv.FormatUint(delivered, 10))
	h.Set(jetstream.MsgIDHeader, "dead-"+b.cfg.Service+"-"+seq)
	ctx, cancel := context.WithTimeout(b.baseCtx, 10*time.Second)
	defer cancel()
	dl := &nats.Msg{Subject: b.DeadLetterSubject(s.subject), Header: h, Data: m.Data()}
	if _, err := b.js.PublishMsg(ctx, dl); err != nil {
		log.Error("bus: dead-letter failed, will retry", "err", err)
		_ = m.NakWithDelay(b.cfg.Backoff)
		return
	}
	log.Error("bus: event dead-lettered", "reason", reason, "dead_letter", dl.Subject)
	if err := m.TermWithReason(reason); err != nil {
		log.Warn("bus: term", "err", err)
	}
	b.signal(m.Headers().Get(jetstream.MsgIDHeader), s, errors.New("bus: event dead-lettered: "+reason))
}

// waiter lets Publish wait for the local subscribers (EventsWait).
type waiter struct {
	mu   sync.Mutex
	want map[*subscriber]bool
	errs []error
	done chan struct{}
}

func (b *Bus) signal(id string, s *subscriber, err error) {
	if id == "" {
		return
	}
	v, ok := b.waiters.Load(id)
	if !ok {
		return
	}
	w := v.(*waiter)
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.want[s] {
		return
	}
	delete(w.want, s)
	if err != nil {
		w.errs = append(w.errs, err)
	}
	if len(w.want) == 0 {
		close(w.done)
	}
}

// publishNATS stores msg, whose Nats-Msg-Id is id, in the stream.
func (b *Bus) publishNATS(ctx context.Context, subject, id string, msg *nats.Msg) error {
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(b.cfg.RequestTimeout)
	}
	var w *waiter
	if b.cfg.EventsWait {
		if subs := (*b.subs.Load())[subject]; len(subs) > 0 {
			w = &waiter{want: map[*subscriber]bool{}, done: make(chan struct{})}
			for _, s := range subs {
				w.want[s] = true
			}
			b.waiters.Store(id, w)
			defer b.waiters.Delete(id)
		}
	}
	for attempt := 0; ; attempt++ {
		err := b.publishOnce(ctx, msg)
		if err == nil {
			break
		}
		if ctx.Err() != nil || errors.Is(err, nats.ErrConnectionClosed) || time.Now().After(deadline) {
			return fmt.Errorf("bus: publish %s: %w", subject, err)
		}
		// No stream leader, a lost ack, a reconnect: try again with the
		// same Nats-Msg-Id, which the stream deduplicates.
		if !sleepCtx(ctx, min(time.Duration(attempt+1)*50*time.Millisecond, time.Second)) {
			return fmt.Errorf("bus: publish %s: %w", subject, err)
		}
	}
	if w == nil {
		return nil
	}
	t := time.NewTimer(time.Until(deadline))
	defer t.Stop()
	select {
	case <-w.done:
		w.mu.Lock()
		defer w.mu.Unlock()
		return errors.Join(w.errs...)
	case <-ctx.Done():
		return fmt.Errorf("bus: publish %s: waiting for subscribers: %w", subject, ctx.Err())
	case <-t.C:
		return fmt.Errorf("bus: publish %s: waiting for subscribers: %w", subject, context.DeadlineExceeded)
	}
}

// publishOnce stores msg and waits for the stream's ack. The acks of all
// publishes come back on one subscription; a publish without an ack after
// publishAckWait fails (and is retried by publishNATS).
func (b *Bus) publishOnce(ctx context.Context, msg *nats.Msg) error {
	w, err := b.pub.start(msg)
	if err != nil {
		return err
	}
	select {
	case err := <-w.res:
		w.recycle()
		return err
	case <-ctx.Done():
		b.pub.cancel(w)
		return ctx.Err()
	}
}

const publishAckWait = 5 * time.Second

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// drainNATS stops new work: subscriptions and consumers stop receiving;
// requests already received are handled, events in flight finish.
func (b *Bus) drainNATS() []error {
	if b.nc == nil || b.nc.IsClosed() {
		if b.reqs != nil {
			close(b.reqs)
		}
		return nil
	}
	var errs []error
	// Unsubscribing a channel subscription is synchronous: nothing is
	// sent on b.reqs after it, so b.reqs can be closed and the workers
	// finish the requests already received.
	for _, sub := range b.coreSubs {
		if err := sub.Unsubscribe(); err != nil && !errors.Is(err, nats.ErrConnectionClosed) {
			errs = append(errs, err)
		}
	}
	if b.reqs != nil {
		close(b.reqs)
	}
	for _, cc := range b.consumers {
		// Buffered events reach the callback, which naks them (closing).
		cc.Drain()
	}
	timeout := time.After(30 * time.Second)
	for _, cc := range b.consumers {
		select {
		case <-cc.Closed():
		case <-timeout:
		}
	}
	return errs
}

// shutdownNATS drains and closes the connection, then the embedded server.
func (b *Bus) shutdownNATS() []error {
	var errs []error
	if b.nc != nil && !b.nc.IsClosed() {
		done := make(chan struct{})
		b.nc.SetClosedHandler(func(*nats.Conn) { close(done) })
		if err := b.nc.Drain(); err != nil {
			b.nc.Close()
		} else {
			select {
			case <-done:
			case <-time.After(30 * time.Second):
				b.nc.Close()
			}
		}
	}
	if b.cancel != nil {
		b.cancel()
	}
	if b.srv != nil {
		b.srv.Shutdown()
		b.srv.WaitForShutdown()
	}
	if b.tmpDir != "" {
		if err := os.RemoveAll(b.tmpDir); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

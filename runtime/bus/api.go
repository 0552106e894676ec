package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nuid"
)

// Call sends req to the handler of subject and returns its reply. The
// handler's error comes back as described at RegisterError. Under nats the
// deadline comes from ctx (Config.RequestTimeout if ctx has none), and
// ErrNoHandler is reported at once when no process serves subject. A nil
// b means Default().
func Call[Req, Resp any](ctx context.Context, b *Bus, subject string, req *Req) (*Resp, error) {
	if b == nil {
		b = Default()
	}
	if b.kind == tLocal && b.err == nil {
		h := (*b.handlers.Load())[subject]
		if h == nil {
			return nil, noHandler(subject)
		}
		f, ok := h.fn.(func(context.Context, *Req) (*Resp, error))
		if !ok {
			return nil, fmt.Errorf("bus: call %s: %w: handler takes %T", subject, ErrSchemaMismatch, h.fn)
		}
		return safeCall(ctx, subject, f, req)
	}
	return callEncoded[Req, Resp](ctx, b, subject, req)
}

func callEncoded[Req, Resp any](ctx context.Context, b *Bus, subject string, req *Req) (*Resp, error) {
	if b.err != nil {
		return nil, b.err
	}
	select {
	case <-b.closed:
		return nil, fmt.Errorf("bus: call %s: %w", subject, ErrClosed)
	default:
	}
	data, buf, err := marshal(b.cfg.Codec, req)
	if err != nil {
		return nil, fmt.Errorf("bus: call %s: encode %T: %w", subject, req, err)
	}
	// The request is written (or, under loopback, decoded) before Call
	// returns: its buffer can be reused then.
	defer release(buf)
	if len(data) > b.cfg.MaxMessageBytes {
		return nil, fmt.Errorf("bus: call %s: %w: %d bytes, limit %d", subject, ErrTooLarge, len(data), b.cfg.MaxMessageBytes)
	}
	msg := getMsg()
	defer putMsg(msg)
	msg.Subject, msg.Data = subject, data
	var reply *nats.Msg
	if b.kind == tLoopback {
		msg.Header = outHeader(ctx, b.cfg.Codec, Fingerprint[Req](), Fingerprint[Resp](), false, "")
		h := (*b.handlers.Load())[subject]
		if h == nil {
			return nil, noHandler(subject)
		}
		var rbuf *buffer
		reply, rbuf = h.serve(noValues{ctx}, msg, false)
		defer putMsg(reply)
		defer release(rbuf)
	} else {
		// The typed subject first: its handler needs no schema headers.
		msg.Subject = typedSubject[Req, Resp](b, subject)
		msg.Header = outHeader(ctx, b.cfg.Codec, "", "", true, "")
		reply, err = b.request(ctx, msg)
		if errors.Is(err, nats.ErrNoResponders) {
			// No handler of these schemas: the plain subject's handler,
			// if any, says how they differ.
			msg.Subject = subject
			msg.Header = outHeader(ctx, b.cfg.Codec, Fingerprint[Req](), Fingerprint[Resp](), true, "")
			reply, err = b.request(ctx, msg)
		}
		switch {
		case errors.Is(err, nats.ErrNoResponders):
			return nil, noHandler(subject)
		case err != nil:
			return nil, fmt.Errorf("bus: call %s: %w", subject, err)
		}
	}
	if reply.Header.Get(hdrErr) != "" {
		return nil, decodeError(subject, reply.Header.Get(hdrErrCode), reply.Header.Get(hdrErrExact) != "", string(reply.Data))
	}
	if reply.Header.Get(hdrNil) != "" {
		return nil, nil
	}
	// The handler checked the codec and Cleave-Reply-Schema before it ran;
	// a successful reply carries no headers, to spare their parsing.
	resp := new(Resp)
	if err := unmarshal(b.cfg.Codec, reply.Data, resp); err != nil {
		return nil, fmt.Errorf("bus: call %s: reply: %w as %T: %v", subject, ErrDecode, resp, err)
	}
	return resp, nil
}

const hdrNil = "Cleave-Nil" // the handler returned a nil reply

// msgPool recycles the request and reply messages the bus builds: nats.go
// encodes a message when it is published and keeps no reference to it.
var msgPool = sync.Pool{New: func() any { return new(nats.Msg) }}

func getMsg() *nats.Msg { return msgPool.Get().(*nats.Msg) }

// putMsg returns m to the pool once nothing reads it any more.
func putMsg(m *nats.Msg) {
	*m = nats.Msg{}
	msgPool.Put(m)
}

// noValues is the caller's context under loopback as the wire leaves it:
// its deadline and cancellation, none of its values (what the headers
// carry is added back from the message), so that a test under loopback
// fails where a handler depends on a value only the caller's context had.
type noValues struct{ context.Context }

func (noValues) Value(any) any { return nil }

// request sends msg under nats and waits for the reply until ctx's
// deadline, or Config.RequestTimeout if it has none. The deadline travels
// as Cleave-Timeout.
func (b *Bus) request(ctx context.Context, msg *nats.Msg) (*nats.Msg, error) {
	dl, hasDeadline := ctx.Deadline()
	if hasDeadline {
		// Relative, so that clocks need not agree.
		if msg.Header == nil {
			msg.Header = nats.Header{}
		}
		msg.Header[HeaderTimeout] = []string{strconv.FormatInt(time.Until(dl).Milliseconds(), 10)}
	}
	switch {
	case hasDeadline:
		return b.nc.RequestMsgWithContext(ctx, msg)
	case ctx.Done() == nil: // never cancelled: spare a context and its timer
		reply, err := b.nc.RequestMsg(msg, b.cfg.RequestTimeout)
		if errors.Is(err, nats.ErrTimeout) {
			err = fmt.Errorf("%w after %v (Config.RequestTimeout)", context.DeadlineExceeded, b.cfg.RequestTimeout)
		}
		return reply, err
	default:
		tctx, cancel := context.WithTimeout(ctx, b.cfg.RequestTimeout)
		defer cancel()
		return b.nc.RequestMsgWithContext(tctx, msg)
	}
}

// Handle makes h the handler of subject on b. One subject has one handler
// per Bus; under nats, processes of the same Config.Service share the
// requests of a subject (a queue group). A nil b means Default().
func Handle[Req, Resp any](b *Bus, subject string, h func(context.Context, *Req) (*Resp, error)) error {
	if b == nil {
		b = Default()
	}
	if b.err != nil {
		return b.err
	}
	reqFP, respFP := Fingerprint[Req](), Fingerprint[Resp]()
	codec := b.cfg.Codec
	serve := func(ctx context.Context, in *nats.Msg, typed bool) (*nats.Msg, *buffer) {
		ctx = inContext(ctx, in)
		if v := in.Header.Get(HeaderTimeout); v != "" {
			if ms, err := strconv.ParseInt(v, 10, 64); err == nil {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, time.Duration(ms)*time.Millisecond)
				defer cancel()
			}
		}
		req := new(Req)
		if typed {
			if len(in.Data) > b.cfg.MaxMessageBytes {
				return errorReply(fmt.Errorf("bus: %s: %w: %d bytes, limit %d", subject, ErrTooLarge, len(in.Data), b.cfg.MaxMessageBytes)), nil
			}
			if err := unmarshal(codec, in.Data, req); err != nil {
				return errorReply(fmt.Errorf("bus: %s: %w as %T: %v", subject, ErrDecode, req, err)), nil
			}
		} else {
			got, gotReply := schemas(in.Header)
			if gotReply != "" && gotReply != respFP {
				return errorReply(fmt.Errorf("bus: %s: %w: caller expects a reply of schema %s, handler returns %s (%T; the two sides were built from different versions of the type)",
					subject, ErrSchemaMismatch, gotReply, respFP, (*Resp)(nil))), nil
			}
			if err := b.decode(subject, in, got, reqFP, req); err != nil {
				return errorReply(err), nil
			}
		}
		resp, err := safeCall(ctx, subject, h, req)
		if err != nil {
			return errorReply(err), nil
		}
		if resp == nil {
			return &nats.Msg{Header: nats.Header{hdrNil: {"1"}}}, nil
		}
		data, buf, err := marshal(codec, resp)
		if err != nil {
			return errorReply(fmt.Errorf("bus: %s: encode reply %T: %w", subject, resp, err)), nil
		}
		reply := getMsg()
		reply.Data = data
		return reply, buf
	}
	typed := subject + "." + schemaToken(codec.Name(), reqFP, respFP)
	return b.register(subject, &handler{fn: h, typed: typed, serve: serve})
}

// Publish sends the event ev on subject to every subscriber.
//
// Under local and loopback the subscribers of b run before Publish returns
// and their errors come back joined, as the direct calls they replace did.
// Under nats Publish returns once the stream has stored the event (retrying
// with the same Nats-Msg-Id, so a retry is not stored twice); subscribers
// then receive it at least once. A nil b means Default().
func Publish[E any](ctx context.Context, b *Bus, subject string, ev *E) error {
	if b == nil {
		b = Default()
	}
	if b.kind == tLocal && b.err == nil {
		var errs []error
		for _, s := range (*b.subs.Load())[subject] {
			f, ok := s.fn.(func(context.Context, *E) error)
			if !ok {
				errs = append(errs, fmt.Errorf("bus: publish %s: %w: subscriber takes %T", subject, ErrSchemaMismatch, s.fn))
				continue
			}
			if err := safeHandle(ctx, subject, f, ev); err != nil {
				errs = append(errs, err)
			}
		}
		return errors.Join(errs...)
	}
	if b.err != nil {
		return b.err
	}
	select {
	case <-b.closed:
		return fmt.Errorf("bus: publish %s: %w", subject, ErrClosed)
	default:
	}
	data, buf, err := marshal(b.cfg.Codec, ev)
	if err != nil {
		return fmt.Errorf("bus: publish %s: encode %T: %w", subject, ev, err)
	}
	if len(data) > b.cfg.MaxMessageBytes {
		release(buf)
		return fmt.Errorf("bus: publish %s: %w: %d bytes, limit %d", subject, ErrTooLarge, len(data), b.cfg.MaxMessageBytes)
	}
	if b.kind == tNATS {
		id := eventID(Fingerprint[E](), nuid.Next())
		msg := &nats.Msg{Subject: b.EventSubject(subject), Header: outHeader(ctx, b.cfg.Codec, "", "", true, id), Data: data}
		err := b.publishNATS(ctx, subject, id, msg)
		if err == nil {
			// Acked, so sent: the buffer is free. After an error it may
			// still be queued for sending, and is left to the collector.
			release(buf)
		}
		return err
	}
	defer release(buf)
	// Loopback: the subscribers run (and decode) before Publish returns.
	h := outHeader(ctx, b.cfg.Codec, Fingerprint[E](), "", false, "")
	var errs []error
	for _, s := range (*b.subs.Load())[subject] {
		if err := s.deliver(noValues{ctx}, &nats.Msg{Subject: subject, Header: h, Data: data}); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Subscribe makes h a handler of the events on subject. Under nats each
// (subject, Config.Service) pair has one durable consumer: processes of
// one service share the events, each service gets every event. A handler
// error makes the event be redelivered with backoff; after
// Config.MaxDeliver attempts, or at once if it cannot be decoded, it goes
// to the dead-letter subject (see the package doc). A nil b means
// Default().
func Subscribe[E any](b *Bus, subject string, h func(context.Context, *E) error) error {
	if b == nil {
		b = Default()
	}
	if b.err != nil {
		return b.err
	}
	fp := Fingerprint[E]()
	deliver := func(ctx context.Context, in *nats.Msg) error {
		ctx = inContext(ctx, in)
		ev := new(E)
		got, _ := schemas(in.Header)
		if got == "" {
			got = eventSchema(in.Header.Get(jetstream.MsgIDHeader))
		}
		if err := b.decode(subject, in, got, fp, ev); err != nil {
			return err
		}
		return safeHandle(ctx, subject, h, ev)
	}
	return b.subscribe(&subscriber{subject: subject, fn: h, deliver: deliver})
}

// schemas returns the fingerprints a message's headers give: its own, and
// for a request, the one of the reply expected.
func schemas(h nats.Header) (schema, reply string) {
	schema, reply, _ = strings.Cut(h.Get(HeaderSchema), " ")
	if reply == "" {
		reply = h.Get(HeaderReplySchema)
	}
	return schema, reply
}

// decode checks in's size, codec and schema fingerprint (got, from its
// headers), then decodes it into v. Its errors wrap ErrTooLarge, ErrDecode
// or ErrSchemaMismatch.
func (b *Bus) decode(subject string, in *nats.Msg, got, fp string, v any) error {
	if len(in.Data) > b.cfg.MaxMessageBytes {
		return fmt.Errorf("bus: %s: %w: %d bytes, limit %d", subject, ErrTooLarge, len(in.Data), b.cfg.MaxMessageBytes)
	}
	c := in.Header.Get(HeaderCodec)
	if c == "" {
		c = "json"
	}
	if c != b.cfg.Codec.Name() {
		return fmt.Errorf("bus: %s: %w: message encoded with codec %q, this side uses %q", subject, ErrDecode, c, b.cfg.Codec.Name())
	}
	if got != "" && got != fp {
		return fmt.Errorf("bus: %s: %w: message has schema %s, %T expects %s (the two sides were built from different versions of the type)",
			subject, ErrSchemaMismatch, got, v, fp)
	}
	if err := unmarshal(b.cfg.Codec, in.Data, v); err != nil {
		return fmt.Errorf("bus: %s: %w as %T: %v", subject, ErrDecode, v, err)
	}
	return nil
}

func errorReply(err error) *nats.Msg {
	code, exact := errorCode(err)
	h := nats.Header{hdrErr: {"1"}}
	if code != "" {
		h.Set(hdrErrCode, code)
	}
	if exact {
		h.Set(hdrErrExact, "1")
	}
	return &nats.Msg{Header: h, Data: []byte(err.Error())}
}

func safeCall[Req, Resp any](ctx context.Context, subject string, h func(context.Context, *Req) (*Resp, error), req *Req) (resp *Resp, err error) {
	defer func() {
		if r := recover(); r != nil {
			resp, err = nil, recovered(subject, r)
		}
	}()
	return h(ctx, req)
}

func safeHandle[E any](ctx context.Context, subject string, h func(context.Context, *E) error, ev *E) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = recovered(subject, r)
		}
	}()
	return h(ctx, ev)
}

func recovered(subject string, r any) error {
	slog.Error("bus: handler panicked", "subject", subject, "panic", r, "stack", string(debug.Stack()))
	return fmt.Errorf("bus: %s: %w: %v", subject, ErrPanic, r)
}

package bus

import (
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
)

type echoReq struct {
	Text string `json:"text"`
	N    int    `json:"n"`
}

type echoResp struct {
	Text string `json:"text"`
	Corr string `json:"corr"`
	TP   string `json:"tp"`
}

type otherReq struct {
	Text int `json:"text"` // same name, another kind
}

type otherResp struct {
	Text []int `json:"text"`
}

type noted struct {
	ID int `json:"id"`
}

var (
	errOutOfStock = errors.New("out of stock")
	errUnexported = errors.New("never registered")
)

var errNotCancellable = errors.New("not cancellable")

func init() {
	RegisterError("test.out_of_stock", errOutOfStock)
	RegisterError("test.not_cancellable", errNotCancellable)
}

// open returns a Bus of each transport; nats uses an embedded server.
func open(t testing.TB, transport string, c Config) *Bus {
	t.Helper()
	c.Transport = transport
	if c.App == "" {
		c.App = "t"
	}
	if transport == NATS && c.URLs == nil {
		c.InProcess = true
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b, err := Open(ctx, c)
	if err != nil {
		t.Fatalf("Open(%s) = %v", transport, err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Errorf("Close() = %v", err)
		}
	})
	return b
}

var transports = []string{Local, Loopback, NATS}

func TestCall(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			b := open(t, tr, Config{Service: "echo"})
			must(t, Handle(b, "t.echo.Echo", func(ctx context.Context, r *echoReq) (*echoResp, error) {
				switch r.Text {
				case "stock":
					return nil, errOutOfStock
				case "wrapped":
					return nil, fmt.Errorf("sku %d: %w", r.N, errOutOfStock)
				case "both":
					return nil, fmt.Errorf("cancel: %w: %w", errNotCancellable, errOutOfStock)
				case "plain":
					return nil, errUnexported
				case "panic":
					panic("boom")
				case "nil":
					return nil, nil
				}
				return &echoResp{Text: r.Text, Corr: CorrelationID(ctx), TP: TraceParent(ctx)}, nil
			}))
			must(t, b.Ready())
			ctx := context.Background()
			call := func(text string) (*echoResp, error) {
				return Call[echoReq, echoResp](ctx, b, "t.echo.Echo", &echoReq{Text: text, N: 7})
			}
			got, err := call("hi")
			if err != nil || got.Text != "hi" {
				t.Fatalf("Call(hi) = %+v, %v; want hi", got, err)
			}
			if _, err := call("stock"); err != errOutOfStock {
				t.Errorf("Call(stock) error = %#v; want the sentinel itself", err)
			}
			if _, err := call("wrapped"); !errors.Is(err, errOutOfStock) || err.Error() != "sku 7: out of stock" {
				t.Errorf("Call(wrapped) error = %v; want errors.Is out of stock, message kept", err)
			}
			if _, err := call("both"); !errors.Is(err, errNotCancellable) || !errors.Is(err, errOutOfStock) {
				t.Errorf("Call(both) error = %v; want errors.Is both sentinels", err)
			}
			if _, err := call("plain"); err == nil || err.Error() != "never registered" {
				t.Errorf("Call(plain) error = %v; want message kept", err)
			}
			if _, err := call("panic"); !errors.Is(err, ErrPanic) || !strings.Contains(err.Error(), "boom") {
				t.Errorf("Call(panic) error = %v; want ErrPanic with the value", err)
			}
			if got, err := call("nil"); got != nil || err != nil {
				t.Errorf("Call(nil) = %v, %v; want nil, nil", got, err)
			}
			if got, err := call("still"); err != nil || got.Text != "still" {
				t.Errorf("Call after panic = %v, %v; want served", got, err)
			}
			_, err = Call[echoReq, echoResp](ctx, b, "t.nobody.Home", &echoReq{})
			if !errors.Is(err, ErrNoHandler) || !strings.Contains(err.Error(), "t.nobody.Home") {
				t.Errorf("Call(no handler) error = %v; want ErrNoHandler naming the subject", err)
			}
		})
	}
}

func TestHeadersPropagate(t *testing.T) {
	for _, tr := range []string{Loopback, NATS} {
		t.Run(tr, func(t *testing.T) {
			b := open(t, tr, Config{})
			must(t, Handle(b, "t.echo.Echo", func(ctx context.Context, r *echoReq) (*echoResp, error) {
				return &echoResp{Corr: CorrelationID(ctx), TP: TraceParent(ctx)}, nil
			}))
			parent := "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
			ctx := WithTraceParent(WithCorrelationID(context.Background(), "corr-1"), parent)
			got, err := Call[echoReq, echoResp](ctx, b, "t.echo.Echo", &echoReq{})
			must(t, err)
			if got.Corr != "corr-1" {
				t.Errorf("correlation id = %q; want corr-1", got.Corr)
			}
			tid, flags, ok := parseTraceParent(got.TP)
			if !ok || tid != "4bf92f3577b34da6a3ce929d0e0e4736" || flags != "01" || got.TP == parent {
				t.Errorf("traceparent = %q; want a child of %q", got.TP, parent)
			}
			got, err = Call[echoReq, echoResp](context.Background(), b, "t.echo.Echo", &echoReq{})
			must(t, err)
			if _, _, ok := parseTraceParent(got.TP); !ok || got.Corr == "" {
				t.Errorf("fresh headers = %q, %q; want a valid traceparent and an id", got.TP, got.Corr)
			}
		})
	}
}

func TestSchemaMismatch(t *testing.T) {
	for _, tr := range []string{Loopback, NATS} {
		t.Run(tr, func(t *testing.T) {
			b := open(t, tr, Config{})
			must(t, Handle(b, "t.echo.Echo", func(ctx context.Context, r *echoReq) (*echoResp, error) {
				return &echoResp{}, nil
			}))
			_, err := Call[otherReq, echoResp](context.Background(), b, "t.echo.Echo", &otherReq{Text: 1})
			if !errors.Is(err, ErrSchemaMismatch) || !strings.Contains(err.Error(), "schema") {
				t.Errorf("Call(other request type) error = %v; want ErrSchemaMismatch", err)
			}
			_, err = Call[echoReq, otherResp](context.Background(), b, "t.echo.Echo", &echoReq{})
			if !errors.Is(err, ErrSchemaMismatch) || !strings.Contains(err.Error(), "reply") {
				t.Errorf("Call(other reply type) error = %v; want ErrSchemaMismatch about the reply", err)
			}
		})
	}
}

// Under nats a call whose context adds nothing goes to the typed subject
// without a header; the plain subject still serves callers that send the
// schemas in headers (other clients, or other types: TestSchemaMismatch).
func TestTypedSubject(t *testing.T) {
	b := open(t, NATS, Config{})
	must(t, Handle(b, "t.ty.Echo", func(ctx context.Context, r *echoReq) (*echoResp, error) {
		return &echoResp{Text: r.Text}, nil
	}))
	seen := make(chan *nats.Msg, 4)
	snoop, err := b.nc.ChanSubscribe("t.ty.>", seen)
	must(t, err)
	defer snoop.Unsubscribe()
	_, err = Call[echoReq, echoResp](context.Background(), b, "t.ty.Echo", &echoReq{Text: "a"})
	must(t, err)
	m := <-seen
	if !strings.HasPrefix(m.Subject, "t.ty.Echo."+schemaTokenPrefix) || len(m.Header) != 0 {
		t.Errorf("plain call sent on %q with headers %v; want the typed subject and none", m.Subject, m.Header)
	}
	reply, err := b.nc.Request("t.ty.Echo", []byte(`{"text":"raw"}`), 10*time.Second)
	must(t, err)
	if string(reply.Data) != `{"text":"raw","corr":"","tp":""}` {
		t.Errorf("raw request on the plain subject: reply %s", reply.Data)
	}
}

// Values of the caller's context do not cross, under loopback as over
// NATS; the correlation id and trace do.
func TestContextValuesStay(t *testing.T) {
	type key struct{}
	for _, tr := range []string{Loopback, NATS} {
		t.Run(tr, func(t *testing.T) {
			b := open(t, tr, Config{})
			must(t, Handle(b, "t.cv.Echo", func(ctx context.Context, r *echoReq) (*echoResp, error) {
				v, _ := ctx.Value(key{}).(string)
				return &echoResp{Text: v, Corr: CorrelationID(ctx)}, nil
			}))
			ctx := WithCorrelationID(context.WithValue(context.Background(), key{}, "secret"), "corr-9")
			got, err := Call[echoReq, echoResp](ctx, b, "t.cv.Echo", &echoReq{})
			must(t, err)
			if got.Text != "" || got.Corr != "corr-9" {
				t.Errorf("handler saw value %q, correlation id %q; want none and corr-9", got.Text, got.Corr)
			}
		})
	}
}

func TestRuns(t *testing.T) {
	for _, tr := range transports {
		b := open(t, tr, Config{Service: "orders"})
		if !b.Runs("orders") || b.Runs("billing") != (tr != NATS) {
			t.Errorf("%s: Runs(orders) = %v, Runs(billing) = %v; want true, %v", tr, b.Runs("orders"), b.Runs("billing"), tr != NATS)
		}
		// No service named: the process is the whole program, and runs
		// every service's background work as the monolith did.
		if whole := open(t, tr, Config{}); !whole.Runs("orders") || !whole.Runs("billing") {
			t.Errorf("%s, no service: Runs(orders) = %v, Runs(billing) = %v; want true, true", tr, whole.Runs("orders"), whole.Runs("billing"))
		}
	}
}

func TestEvents(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			b := open(t, tr, Config{EventsWait: true})
			var sum, calls atomic.Int64
			for i := 0; i < 2; i++ { // two subscribers: both get every event
				must(t, Subscribe(b, "t.stock.Noted", func(ctx context.Context, e *noted) error {
					sum.Add(int64(e.ID))
					calls.Add(1)
					return nil
				}))
			}
			for i := 1; i <= 10; i++ {
				must(t, Publish(context.Background(), b, "t.stock.Noted", &noted{ID: i}))
			}
			// Synchronous under local and loopback, and under nats with EventsWait.
			if got := sum.Load(); got != 110 {
				t.Errorf("after Publish, sum = %d (calls %d); want 110", got, calls.Load())
			}
		})
	}
}

func TestEventErrorsLocal(t *testing.T) {
	for _, tr := range []string{Local, Loopback} {
		t.Run(tr, func(t *testing.T) {
			b := open(t, tr, Config{})
			must(t, Subscribe(b, "t.x", func(ctx context.Context, e *noted) error { return errOutOfStock }))
			must(t, Subscribe(b, "t.x", func(ctx context.Context, e *noted) error { panic("bad") }))
			err := Publish(context.Background(), b, "t.x", &noted{})
			if !errors.Is(err, errOutOfStock) || !errors.Is(err, ErrPanic) {
				t.Errorf("Publish error = %v; want both subscribers' errors", err)
			}
			if err := Publish(context.Background(), b, "t.nobody", &noted{}); err != nil {
				t.Errorf("Publish(no subscriber) = %v; want nil", err)
			}
		})
	}
}

func TestTraceParent(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", true},
		{"00-00000000000000000000000000000000-00f067aa0ba902b7-01", false},
		{"00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", false},
		{"00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", false},
		{"01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", false},
		{"garbage", false},
	} {
		if _, _, ok := parseTraceParent(tc.in); ok != tc.ok {
			t.Errorf("parseTraceParent(%q) ok = %v; want %v", tc.in, ok, tc.ok)
		}
	}
	for i := 0; i < 100; i++ {
		if tp := childTraceParent(""); !isValid(tp) {
			t.Fatalf("childTraceParent(\"\") = %q; not valid", tp)
		}
	}
}

func isValid(tp string) bool { _, _, ok := parseTraceParent(tp); return ok }

func TestFingerprint(t *testing.T) {
	type a struct {
		X int    `json:"x"`
		Y string `json:"y"`
	}
	type b struct { // same shape, other name and field order
		Y string `json:"y"`
		X int64  `json:"x"`
	}
	type c struct {
		X float64 `json:"x"`
		Y string  `json:"y"`
	}
	type rec struct {
		Next *rec
		V    []map[string]*a
	}
	if Fingerprint[a]() != Fingerprint[b]() {
		t.Errorf("Fingerprint differs for the same JSON shape")
	}
	if Fingerprint[a]() == Fingerprint[c]() {
		t.Errorf("Fingerprint equal for int and float fields")
	}
	if fp := Fingerprint[rec](); len(fp) != 16 {
		t.Errorf("Fingerprint[rec]() = %q; want 16 hex digits", fp)
	}
}

func TestConfigFromEnv(t *testing.T) {
	t.Setenv("CLEAVE_TRANSPORT", "nats")
	t.Setenv("CLEAVE_NATS_URL", "nats://a:4222, nats://b:4222")
	t.Setenv("CLEAVE_APP", "shop")
	t.Setenv("CLEAVE_SERVICE", "orders")
	t.Setenv("CLEAVE_STORE_DIR", "/var/lib/x")
	t.Setenv("CLEAVE_EVENTS_WAIT", "1")
	t.Setenv("CLEAVE_REQUEST_TIMEOUT", "2s")
	t.Setenv("CLEAVE_ACK_WAIT", "3s")
	t.Setenv("CLEAVE_MAX_DELIVER", "7")
	c := ConfigFromEnv()
	if c.Transport != "nats" || len(c.URLs) != 2 || c.URLs[1] != "nats://b:4222" || c.App != "shop" ||
		c.Service != "orders" || c.StoreDir != "/var/lib/x" || !c.EventsWait || c.RequestTimeout != 2*time.Second ||
		c.AckWait != 3*time.Second || c.MaxDeliver != 7 {
		t.Errorf("ConfigFromEnv() = %+v", c)
	}
}

func TestOpenUnknownTransport(t *testing.T) {
	if _, err := Open(context.Background(), Config{Transport: "carrier-pigeon"}); err == nil {
		t.Error("Open(carrier-pigeon) = nil error")
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestDeadlineReachesHandler(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			b := open(t, tr, Config{})
			must(t, Handle(b, "t.echo.Echo", func(ctx context.Context, r *echoReq) (*echoResp, error) {
				dl, ok := ctx.Deadline()
				if !ok {
					return nil, errors.New("no deadline")
				}
				return &echoResp{Text: time.Until(dl).Round(time.Minute).String()}, nil
			}))
			ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
			defer cancel()
			got, err := Call[echoReq, echoResp](ctx, b, "t.echo.Echo", &echoReq{})
			if err != nil || got.Text != "1h0m0s" {
				t.Errorf("handler saw deadline %v, %v; want about an hour", got, err)
			}
		})
	}
}

func TestDefaultAndNilBus(t *testing.T) {
	old := Default()
	defer SetDefault(old)
	if old.Transport() != Local {
		t.Errorf("Default().Transport() = %q with no environment; want local", old.Transport())
	}
	b := open(t, Loopback, Config{})
	SetDefault(b)
	must(t, Handle[echoReq, echoResp](nil, "t.echo.Echo", func(ctx context.Context, r *echoReq) (*echoResp, error) {
		return &echoResp{Text: r.Text}, nil
	}))
	got, err := Call[echoReq, echoResp](context.Background(), nil, "t.echo.Echo", &echoReq{Text: "via default"})
	if err != nil || got.Text != "via default" {
		t.Errorf("Call(nil bus) = %v, %v", got, err)
	}
	if err := Handle(b, "t.echo.Echo", func(ctx context.Context, r *echoReq) (*echoResp, error) { return nil, nil }); err == nil {
		t.Error("second Handle of one subject = nil error")
	}
}

func TestClosedBus(t *testing.T) {
	for _, tr := range []string{Loopback, NATS} {
		t.Run(tr, func(t *testing.T) {
			b := open(t, tr, Config{})
			must(t, b.Close())
			if _, err := Call[echoReq, echoResp](context.Background(), b, "t.x", &echoReq{}); !errors.Is(err, ErrClosed) {
				t.Errorf("Call after Close = %v; want ErrClosed", err)
			}
			if err := Handle(b, "t.x", func(ctx context.Context, r *echoReq) (*echoResp, error) { return nil, nil }); !errors.Is(err, ErrClosed) {
				t.Errorf("Handle after Close = %v; want ErrClosed", err)
			}
		})
	}
}

type gobCodec struct{}

func (gobCodec) Name() string { return "gob" }
func (gobCodec) Marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	err := gob.NewEncoder(&buf).Encode(v)
	return buf.Bytes(), err
}
func (gobCodec) Unmarshal(data []byte, v any) error {
	return gob.NewDecoder(bytes.NewReader(data)).Decode(v)
}

func TestCustomCodec(t *testing.T) {
	for _, tr := range []string{Loopback, NATS} {
		t.Run(tr, func(t *testing.T) {
			b := open(t, tr, Config{Codec: gobCodec{}, EventsWait: true})
			must(t, Handle(b, "t.echo.Echo", func(ctx context.Context, r *echoReq) (*echoResp, error) {
				return &echoResp{Text: r.Text + "!"}, nil
			}))
			got, err := Call[echoReq, echoResp](context.Background(), b, "t.echo.Echo", &echoReq{Text: "gob"})
			if err != nil || got.Text != "gob!" {
				t.Errorf("Call with gob = %v, %v", got, err)
			}
			var seen atomic.Int64
			must(t, Subscribe(b, "t.ev", func(ctx context.Context, e *noted) error { seen.Store(int64(e.ID)); return nil }))
			must(t, Publish(context.Background(), b, "t.ev", &noted{ID: 42}))
			if seen.Load() != 42 {
				t.Errorf("event with gob: got %d; want 42", seen.Load())
			}
		})
	}
}

// A process joining an embedded server by URL joins its stream as it is,
// whatever storage it has.
func TestSiblingJoinsEmbedded(t *testing.T) {
	parent := open(t, NATS, Config{Service: "parent"}) // memory stream, listening
	url := parent.ClientURL()
	if url == "" {
		t.Fatal("ClientURL() is empty for a listening embedded server")
	}
	child := open(t, NATS, Config{URLs: []string{url}, Service: "child", EventsWait: true})
	must(t, Handle(parent, "t.echo.Echo", func(ctx context.Context, r *echoReq) (*echoResp, error) { return &echoResp{Text: r.Text}, nil }))
	must(t, parent.Ready())
	if got, err := Call[echoReq, echoResp](context.Background(), child, "t.echo.Echo", &echoReq{Text: "hi"}); err != nil || got.Text != "hi" {
		t.Errorf("child Call = %v, %v", got, err)
	}
	var n atomic.Int64
	must(t, Subscribe(child, "t.ev", func(ctx context.Context, e *noted) error { n.Add(1); return nil }))
	must(t, Publish(context.Background(), child, "t.ev", &noted{}))
	if n.Load() != 1 {
		t.Errorf("child handled %d events; want 1", n.Load())
	}
}

// An event published outside any trace carries no traceparent: its
// subscriber sees one derived from its Nats-Msg-Id, the same on every
// delivery, and the trace id as correlation id. Set ones travel as such.
func TestEventHeadersImplied(t *testing.T) {
	for _, tr := range []string{Loopback, NATS} {
		t.Run(tr, func(t *testing.T) {
			b := open(t, tr, Config{EventsWait: true})
			type seen struct{ corr, tp string }
			got := make(chan seen, 4)
			must(t, Subscribe(b, "t.hdr.Ev", func(ctx context.Context, e *noted) error {
				got <- seen{CorrelationID(ctx), TraceParent(ctx)}
				return nil
			}))
			must(t, Publish(context.Background(), b, "t.hdr.Ev", &noted{ID: 1}))
			s := <-got
			tid, _, ok := parseTraceParent(s.tp)
			if !ok || s.corr != tid {
				t.Errorf("fresh event: traceparent %q, correlation id %q; want a valid traceparent and its trace id", s.tp, s.corr)
			}
			must(t, Publish(context.Background(), b, "t.hdr.Ev", &noted{ID: 2}))
			if s2 := <-got; s2.tp == s.tp {
				t.Errorf("two events share traceparent %q", s.tp)
			}
			must(t, Publish(WithCorrelationID(context.Background(), "corr-2"), b, "t.hdr.Ev", &noted{ID: 3}))
			if s := <-got; s.corr != "corr-2" || !isValid(s.tp) {
				t.Errorf("event with a correlation id: %q, %q; want corr-2 and a valid traceparent", s.corr, s.tp)
			}
			parent := "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
			must(t, Publish(WithTraceParent(context.Background(), parent), b, "t.hdr.Ev", &noted{ID: 4}))
			if s := <-got; s.corr != "4bf92f3577b34da6a3ce929d0e0e4736" || !strings.HasPrefix(s.tp, parent[:36]) || s.tp == parent {
				t.Errorf("event under a trace: %q, %q; want the trace id and a child of %q", s.corr, s.tp, parent)
			}
		})
	}
}

func TestDerivedTraceParent(t *testing.T) {
	a, b := derivedTraceParent("id-1"), derivedTraceParent("id-2")
	if !isValid(a) || !isValid(b) || a == b || a != derivedTraceParent("id-1") {
		t.Errorf("derivedTraceParent: %q, %q", a, b)
	}
}

// A request names the reply's fingerprint after its own in Cleave-Schema;
// a separate Cleave-Reply-Schema header is still understood.
func TestReplySchemaHeaders(t *testing.T) {
	b := open(t, Loopback, Config{})
	must(t, Handle(b, "t.rs.Echo", func(ctx context.Context, r *echoReq) (*echoResp, error) { return &echoResp{}, nil }))
	h := (*b.handlers.Load())["t.rs.Echo"]
	req, resp := Fingerprint[echoReq](), Fingerprint[echoResp]()
	for _, tc := range []struct {
		hdr  nats.Header
		fail bool
	}{
		{nats.Header{HeaderSchema: {req + " " + resp}}, false},
		{nats.Header{HeaderSchema: {req + " 0123456789abcdef"}}, true},
		{nats.Header{HeaderSchema: {req}, HeaderReplySchema: {resp}}, false},
		{nats.Header{HeaderSchema: {req}, HeaderReplySchema: {"0123456789abcdef"}}, true},
		{nats.Header{HeaderSchema: {"0123456789abcdef " + resp}}, true},
	} {
		reply, _ := h.serve(context.Background(), &nats.Msg{Subject: "t.rs.Echo", Header: tc.hdr, Data: []byte(`{}`)}, false)
		if failed := reply.Header.Get(hdrErr) != ""; failed != tc.fail {
			t.Errorf("headers %v: failed = %v (%s); want %v", tc.hdr, failed, reply.Data, tc.fail)
		}
	}
}

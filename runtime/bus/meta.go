package bus

import (
	"context"
	"encoding"
	"encoding/json"
	"math/rand"
	"reflect"
	"strings"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Header names of the messages under loopback and nats.
const (
	HeaderCorrelationID = "Cleave-Correlation-Id" // one id for a whole chain of calls
	HeaderTraceParent   = "traceparent"           // W3C Trace Context
	HeaderSchema        = "Cleave-Schema"         // Fingerprint of the message's Go type; a request's is followed by a space and the reply's
	HeaderCodec         = "Cleave-Codec"          // Codec.Name of the body, absent for json
	HeaderReplySchema   = "Cleave-Reply-Schema"   // Fingerprint of the reply a Call expects, if not in Cleave-Schema (older senders)
	HeaderTimeout       = "Cleave-Timeout"        // milliseconds left of the caller's deadline
)

type ctxKey struct{}

// meta is what a message's headers put in its handler's context.
type meta struct{ correlationID, traceParent string }

func metaOf(ctx context.Context) meta {
	switch m := ctx.Value(ctxKey{}).(type) {
	case *meta:
		return *m
	case *metaCtx:
		return m.meta()
	}
	return meta{}
}

// WithCorrelationID returns ctx carrying id; calls and events sent with it
// carry id in the Cleave-Correlation-Id header.
func WithCorrelationID(ctx context.Context, id string) context.Context {
	m := metaOf(ctx)
	m.correlationID = id
	return context.WithValue(ctx, ctxKey{}, &m)
}

// CorrelationID returns ctx's correlation id: the one a handler's message
// carried, or one set by WithCorrelationID. It is "" if none.
func CorrelationID(ctx context.Context) string { return metaOf(ctx).correlationID }

// WithTraceParent returns ctx carrying a W3C traceparent; messages sent with
// ctx continue that trace (same trace id, new parent id).
func WithTraceParent(ctx context.Context, tp string) context.Context {
	m := metaOf(ctx)
	m.traceParent = tp
	return context.WithValue(ctx, ctxKey{}, &m)
}

// TraceParent returns ctx's W3C traceparent, "" if none. In a handler it is
// the traceparent the message arrived with.
func TraceParent(ctx context.Context) string { return metaOf(ctx).traceParent }

const hexDigits = "0123456789abcdef"

// putHex fills dst with random lower-case hex digits, not all zero.
func putHex(dst []byte) {
	for {
		var v uint64
		nonzero := false
		for i := range dst {
			if i%16 == 0 {
				v = rand.Uint64()
			}
			d := v & 15
			v >>= 4
			nonzero = nonzero || d != 0
			dst[i] = hexDigits[d]
		}
		if nonzero {
			return
		}
	}
}

// childTraceParent returns a traceparent for a message sent under parent:
// the same trace id and flags with a new parent id, or a new trace if
// parent is not a valid version-00 traceparent. A new trace is not marked
// sampled: the bus records nothing itself (and a sampled traceparent makes
// nats-server look for message-trace settings on every message).
func childTraceParent(parent string) string {
	var b [55]byte
	copy(b[:], "00-")
	if traceID, flags, ok := parseTraceParent(parent); ok {
		copy(b[3:35], traceID)
		copy(b[53:], flags)
	} else {
		putHex(b[3:35])
		copy(b[53:], "00")
	}
	b[35], b[52] = '-', '-'
	putHex(b[36:52])
	return string(b[:])
}

// parseTraceParent checks "00-<32 hex>-<16 hex>-<2 hex>" (lower case, ids
// not all zero) per W3C Trace Context.
func parseTraceParent(tp string) (traceID, flags string, ok bool) {
	if len(tp) != 55 || tp[2] != '-' || tp[35] != '-' || tp[52] != '-' || tp[:2] != "00" {
		return "", "", false
	}
	traceID, parentID, flags := tp[3:35], tp[36:52], tp[53:55]
	for _, s := range []string{traceID, parentID, flags} {
		for i := 0; i < len(s); i++ {
			if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
				return "", "", false
			}
		}
	}
	if strings.Trim(traceID, "0") == "" || strings.Trim(parentID, "0") == "" {
		return "", "", false
	}
	return traceID, flags, true
}

// outHeader builds the headers of a message sent under ctx. replySchema is
// the fingerprint of the reply a Call expects, "" for events. unique says
// the message will have an id of its own that its receiver sees (an
// event's Nats-Msg-Id, a request's reply subject): then a message sent
// outside any trace carries no traceparent, its receiver derives it from
// that id (see inContext). A correlation id equal to the trace id is
// implied too.
//
// msgID, if not "", is the Nats-Msg-Id of an event. schema "" leaves the
// fingerprint out (the subject or msgID carries it); nil means no headers.
func outHeader(ctx context.Context, codec Codec, schema, replySchema string, unique bool, msgID string) nats.Header {
	m := metaOf(ctx)
	var tp string
	if m.traceParent != "" || !unique {
		tp = childTraceParent(m.traceParent)
	}
	corr := m.correlationID
	if corr != "" && len(tp) == 55 && corr == tp[3:35] {
		corr = ""
	}
	// One backing array for all the values: fewer allocations.
	if replySchema != "" {
		// One header for both: each header costs the broker and the
		// receiver more than its bytes.
		schema += " " + replySchema
	}
	name := codec.Name()
	if schema == "" && tp == "" && corr == "" && name == "json" && msgID == "" {
		return nil
	}
	v := [...]string{schema, tp, corr, name, msgID}
	h := make(nats.Header, 4)
	if schema != "" {
		h[HeaderSchema] = v[0:1:1]
	}
	if tp != "" {
		h[HeaderTraceParent] = v[1:2:2]
	}
	if corr != "" {
		h[HeaderCorrelationID] = v[2:3:3]
	}
	if v[3] != "json" { // absent means json
		h[HeaderCodec] = v[3:4:4]
	}
	if msgID != "" {
		h[jetstream.MsgIDHeader] = v[4:5:5]
	}
	return h
}

// inContext returns ctx carrying the correlation id and traceparent of
// in. Without a traceparent header, a message with an id of its own
// (Nats-Msg-Id, else its reply subject) starts a trace derived from that
// id; without a Cleave-Correlation-Id header, the correlation id is the
// trace id.
func inContext(ctx context.Context, in *nats.Msg) context.Context {
	c := &metaCtx{Context: ctx, m: meta{correlationID: in.Header.Get(HeaderCorrelationID), traceParent: in.Header.Get(HeaderTraceParent)}}
	if c.m.traceParent == "" {
		if c.id = in.Header.Get(jetstream.MsgIDHeader); c.id == "" {
			c.id = in.Reply
		}
	}
	if c.m == (meta{}) && c.id == "" {
		return ctx
	}
	return c
}

// metaCtx is context.WithValue(ctx, ctxKey{}, &meta) in one allocation;
// what derives from the message's id is derived when asked for.
type metaCtx struct {
	context.Context
	m  meta
	id string // the message's own id, when it has no traceparent
}

func (c *metaCtx) Value(key any) any {
	if key == (ctxKey{}) {
		return c
	}
	return c.Context.Value(key)
}

func (c *metaCtx) meta() meta {
	m := c.m
	if m.traceParent == "" && c.id != "" {
		m.traceParent = derivedTraceParent(c.id)
	}
	if m.correlationID == "" {
		if traceID, _, ok := parseTraceParent(m.traceParent); ok {
			m.correlationID = traceID
		}
	}
	return m
}

// derivedTraceParent returns a version-00, not sampled traceparent whose
// ids are hashes of id: the same for every delivery of one message.
func derivedTraceParent(id string) string {
	var b [55]byte
	copy(b[:], "00-")
	b[35], b[52] = '-', '-'
	copy(b[53:], "00")
	putHash(b[3:19], id, 1)
	putHash(b[19:35], id, 2)
	putHash(b[36:52], id, 3)
	return string(b[:])
}

// putHash writes 16 hex digits of an FNV-1a hash of (seed, s), not zero.
func putHash(dst []byte, s string, seed byte) {
	h := uint64(14695981039346656037)
	h = (h ^ uint64(seed)) * 1099511628211
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	h ^= h >> 29 // mix the high bits down
	if h == 0 {
		h = 1
	}
	for i := 15; i >= 0; i-- {
		dst[i] = hexDigits[h&15]
		h >>= 4
	}
}

var (
	jsonMarshaler = reflectTypeFor[json.Marshaler]()
	textMarshaler = reflectTypeFor[encoding.TextMarshaler]()
)

// typedSubject returns the subject a Call under nats sends a request of
// type Req expecting Resp to: subject plus a token naming the pair of
// schemas and the codec (see Handle). Cached per subject and pair.
func typedSubject[Req, Resp any](b *Bus, subject string) string {
	key := typedKey{subject, reflect.TypeOf((*Req)(nil)).Elem(), reflect.TypeOf((*Resp)(nil)).Elem()}
	if s, ok := b.typed.Load(key); ok {
		return s.(string)
	}
	s := subject + "." + schemaToken(b.cfg.Codec.Name(), Fingerprint[Req](), Fingerprint[Resp]())
	b.typed.Store(key, s)
	return s
}

type typedKey struct {
	subject   string
	req, resp reflect.Type
}

package bus

import (
	"context"
	"encoding"
	"encoding/json"
	"math/rand/v2"
	"strings"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nuid"
)

// Header names of the messages under loopback and nats.
const (
	HeaderCorrelationID = "Cleave-Correlation-Id" // one id for a whole chain of calls
	HeaderTraceParent   = "traceparent"           // W3C Trace Context
	HeaderSchema        = "Cleave-Schema"         // Fingerprint of the message's Go type
	HeaderCodec         = "Cleave-Codec"          // Codec.Name of the body, absent for json
	HeaderReplySchema   = "Cleave-Reply-Schema"   // Fingerprint of the reply a Call expects
	HeaderTimeout       = "Cleave-Timeout"        // milliseconds left of the caller's deadline
)

type ctxKey struct{}

// meta is what a message's headers put in its handler's context.
type meta struct{ correlationID, traceParent string }

func metaOf(ctx context.Context) meta {
	m, _ := ctx.Value(ctxKey{}).(*meta)
	if m == nil {
		return meta{}
	}
	return *m
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
// the fingerprint of the reply a Call expects, "" for events.
func outHeader(ctx context.Context, codec Codec, schema, replySchema string) nats.Header {
	m := metaOf(ctx)
	id := m.correlationID
	if id == "" {
		id = nuid.Next()
	}
	// One backing array for all the values: fewer allocations.
	v := [...]string{id, childTraceParent(m.traceParent), schema, codec.Name(), replySchema}
	h := make(nats.Header, 6)
	h[HeaderCorrelationID] = v[0:1:1]
	h[HeaderTraceParent] = v[1:2:2]
	h[HeaderSchema] = v[2:3:3]
	if v[3] != "json" { // absent means json
		h[HeaderCodec] = v[3:4:4]
	}
	if replySchema != "" {
		h[HeaderReplySchema] = v[4:5:5]
	}
	return h
}

// inContext returns ctx carrying the correlation id and traceparent of h.
func inContext(ctx context.Context, h nats.Header) context.Context {
	m := meta{correlationID: h.Get(HeaderCorrelationID), traceParent: h.Get(HeaderTraceParent)}
	if m == (meta{}) {
		return ctx
	}
	return context.WithValue(ctx, ctxKey{}, &m)
}

var (
	jsonMarshaler = reflectTypeFor[json.Marshaler]()
	textMarshaler = reflectTypeFor[encoding.TextMarshaler]()
)

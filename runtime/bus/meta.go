package bus

import (
	"context"
	"encoding"
	"encoding/hex"
	"encoding/json"
	"math/rand/v2"
	"strings"

	"github.com/nats-io/nats.go"
)

// Header names carried by every message under loopback and nats.
const (
	HeaderCorrelationID = "Cleave-Correlation-Id" // one id for a whole chain of calls
	HeaderTraceParent   = "traceparent"           // W3C Trace Context
	HeaderSchema        = "Cleave-Schema"         // Fingerprint of the message's Go type
	HeaderCodec         = "Cleave-Codec"          // Codec.Name of the body
)

type ctxKey int

const (
	correlationKey ctxKey = iota
	traceParentKey
)

// WithCorrelationID returns ctx carrying id; calls and events sent with it
// carry id in the Cleave-Correlation-Id header.
func WithCorrelationID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, correlationKey, id)
}

// CorrelationID returns ctx's correlation id: the one a handler's message
// carried, or one set by WithCorrelationID. It is "" if none.
func CorrelationID(ctx context.Context) string {
	id, _ := ctx.Value(correlationKey).(string)
	return id
}

// WithTraceParent returns ctx carrying a W3C traceparent; messages sent with
// ctx continue that trace (same trace id, new parent id).
func WithTraceParent(ctx context.Context, tp string) context.Context {
	return context.WithValue(ctx, traceParentKey, tp)
}

// TraceParent returns ctx's W3C traceparent, "" if none. In a handler it is
// the traceparent the message arrived with.
func TraceParent(ctx context.Context) string {
	tp, _ := ctx.Value(traceParentKey).(string)
	return tp
}

func randomHex(n int) string {
	b := make([]byte, n)
	for i := 0; i < n; i += 8 {
		v := rand.Uint64()
		for j := 0; j < 8 && i+j < n; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return hex.EncodeToString(b)
}

// childTraceParent returns a traceparent for a message sent under parent:
// the same trace id and flags with a new parent id, or a new sampled trace
// if parent is not a valid version-00 traceparent.
func childTraceParent(parent string) string {
	if traceID, flags, ok := parseTraceParent(parent); ok {
		return "00-" + traceID + "-" + nonZeroHex(8) + "-" + flags
	}
	return "00-" + nonZeroHex(16) + "-" + nonZeroHex(8) + "-01"
}

func nonZeroHex(n int) string {
	for {
		if s := randomHex(n); strings.Trim(s, "0") != "" {
			return s
		}
	}
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

// outHeader builds the headers of a message sent under ctx.
func outHeader(ctx context.Context, codec Codec, schema string) nats.Header {
	id := CorrelationID(ctx)
	if id == "" {
		id = randomHex(12)
	}
	return nats.Header{
		HeaderCorrelationID: {id},
		HeaderTraceParent:   {childTraceParent(TraceParent(ctx))},
		HeaderSchema:        {schema},
		HeaderCodec:         {codec.Name()},
	}
}

// inContext returns ctx carrying the correlation id and traceparent of h.
func inContext(ctx context.Context, h nats.Header) context.Context {
	if id := h.Get(HeaderCorrelationID); id != "" {
		ctx = WithCorrelationID(ctx, id)
	}
	if tp := h.Get(HeaderTraceParent); tp != "" {
		ctx = WithTraceParent(ctx, tp)
	}
	return ctx
}

var (
	jsonMarshaler = reflectTypeFor[json.Marshaler]()
	textMarshaler = reflectTypeFor[encoding.TextMarshaler]()
)

package bus

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// gRPC forwarding. In a modular monolith each module registers its gRPC
// services on the program's one *grpc.Server, and every service process
// builds that whole server; only the edge service listens. Generated
// service mains set a method table (SetGRPCMethods) naming the service
// that owns each method, and give the monolith's grpc.NewServer a unary
// interceptor first in its chain. In the edge, the interceptor sends a
// call whose method another service owns to that service over the bus
// (ForwardGRPC: request/reply on GRPCSubject, the request message as
// protobuf bytes), and returns its reply: the response message, header and
// trailer metadata, status code, message and details. The owning service
// serves the calls it is sent with its own copy of the server
// (ServeGRPC): a *grpc.Server is an http.Handler, and ServeGRPC hands it
// each call as the HTTP/2 request a gRPC client would have sent, in
// process, so the server's own interceptors, handlers and status
// conversion run as they would for a client of the monolith.
//
// This package does not import gRPC: the generated main holds the few
// lines that need its types (the interceptor, the response message's type
// from the protobuf registry). Streaming methods are served where they
// arrive, in the edge, like calls of methods the table does not name.

var (
	grpcHookMu  sync.RWMutex
	grpcOptions []any
	grpcBuilt   func(server any)
)

// SetGRPCServerHooks sets what GRPCServerOptions and GRPCServer add to the
// gRPC servers the monolith builds outside package main: options (of type
// grpc.ServerOption) go first among each server's options, and built is
// given each server. Generated service mains call it before the
// monolith's code runs; unset, both leave the monolith's servers alone.
func SetGRPCServerHooks(options []any, built func(server any)) {
	grpcHookMu.Lock()
	defer grpcHookMu.Unlock()
	grpcOptions, grpcBuilt = options, built
}

// GRPCServerOptions returns opts after the options SetGRPCServerHooks set
// that are of opts' type. cleave apply rewrites grpc.NewServer(opts...)
// outside package main into
// bus.GRPCServer(grpc.NewServer(bus.GRPCServerOptions(opts...)...)).
func GRPCServerOptions[T any](opts ...T) []T {
	grpcHookMu.RLock()
	defer grpcHookMu.RUnlock()
	var out []T
	for _, o := range grpcOptions {
		if t, ok := o.(T); ok {
			out = append(out, t)
		}
	}
	if len(out) == 0 {
		return opts
	}
	return append(out, opts...)
}

// GRPCServer gives s to the hook SetGRPCServerHooks set, and returns it.
func GRPCServer[S any](s S) S {
	grpcHookMu.RLock()
	built := grpcBuilt
	grpcHookMu.RUnlock()
	if built != nil {
		built(s)
	}
	return s
}

// GRPCMethod says which service serves a gRPC method.
type GRPCMethod struct {
	// Method is the method's full name, "/package.Service/Method".
	Method string `json:"method"`
	// Service is the service whose process serves the method.
	Service string `json:"service"`
}

// GRPCCall is a unary gRPC call forwarded to the service that serves it.
type GRPCCall struct {
	Method string `json:"method"` // full method name, "/package.Service/Method"
	// Metadata is the call's incoming metadata; the values of binary keys
	// (ending in -bin) are the raw bytes.
	Metadata  map[string][]string `json:"metadata,omitempty"`
	Authority string              `json:"authority,omitempty"`
	Peer      string              `json:"peer,omitempty"`    // the client's address
	Message   []byte              `json:"message,omitempty"` // the request message, protobuf-encoded
}

// GRPCReply is the reply to a GRPCCall.
type GRPCReply struct {
	Code    int    `json:"code,omitempty"`    // the status code (google.golang.org/grpc/codes), 0 for OK
	Status  string `json:"status,omitempty"`  // the status message
	Details []byte `json:"details,omitempty"` // the status as a google.rpc.Status message, when it has details
	// Header and Trailer are the metadata the handler set; binary values
	// are the raw bytes.
	Header  map[string][]string `json:"header,omitempty"`
	Trailer map[string][]string `json:"trailer,omitempty"`
	Message []byte              `json:"message,omitempty"` // the response message, protobuf-encoded; set when Code is 0
}

// Status codes of google.golang.org/grpc/codes the runtime replies with.
const (
	grpcCanceled          = 1
	grpcUnknown           = 2
	grpcDeadlineExceeded  = 4
	grpcResourceExhausted = 8
	grpcInternal          = 13
	grpcUnavailable       = 14
)

// GRPCSubject is the subject the processes of service serve forwarded gRPC
// calls on: "<App>.grpc.<service>". A nil b means Default().
func (b *Bus) GRPCSubject(service string) string {
	if b == nil {
		b = Default()
	}
	return b.cfg.App + ".grpc." + service
}

var (
	grpcMu      sync.RWMutex
	grpcMethods map[string]string // full method → service
)

// SetGRPCMethods sets the process's gRPC method table (nil: none; every
// call is served where it arrives). Generated service mains call it before
// the monolith's code runs.
func SetGRPCMethods(ms []GRPCMethod) {
	var t map[string]string
	for _, m := range ms {
		if t == nil {
			t = map[string]string{}
		}
		t[m.Method] = m.Service
	}
	grpcMu.Lock()
	defer grpcMu.Unlock()
	grpcMethods = t
}

// LookupGRPCMethod returns the service SetGRPCMethods says serves
// fullMethod, and whether there is one.
func LookupGRPCMethod(fullMethod string) (string, bool) {
	grpcMu.RLock()
	defer grpcMu.RUnlock()
	s, ok := grpcMethods[fullMethod]
	return s, ok && s != ""
}

// GRPCForwardTo returns the service a call of fullMethod arriving at b's
// process goes to, and whether that is another service than b's: under
// nats, the one LookupGRPCMethod names. A nil b means Default().
func GRPCForwardTo(b *Bus, fullMethod string) (string, bool) {
	if b == nil {
		b = Default()
	}
	if b.kind != tNATS {
		return "", false
	}
	s, ok := LookupGRPCMethod(fullMethod)
	if !ok || s == b.cfg.Service {
		return "", false
	}
	return s, true
}

// ForwardGRPC sends call to the processes of service and returns their
// reply. It always returns a reply: when the call does not get through
// (no process serves the subject, the deadline passed, the message is too
// large), the reply carries the status a gRPC client would get. The call's
// deadline is ctx's, else Config.RequestTimeout. A nil b means Default().
func ForwardGRPC(ctx context.Context, b *Bus, service string, call *GRPCCall) *GRPCReply {
	if b == nil {
		b = Default()
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, b.cfg.RequestTimeout)
		defer cancel()
	}
	subject := b.GRPCSubject(service)
	resp, err := Call[GRPCCall, GRPCReply](ctx, b, subject, call)
	switch {
	case err == nil && resp != nil:
		return resp
	case err == nil:
		return &GRPCReply{Code: grpcInternal, Status: fmt.Sprintf("cleave: the %s service sent an empty reply to %s", service, call.Method)}
	case errors.Is(err, ErrNoHandler):
		return &GRPCReply{Code: grpcUnavailable, Status: fmt.Sprintf("cleave: no process of the %s service serves %s (%s): is it running?", service, call.Method, subject)}
	case errors.Is(err, context.DeadlineExceeded):
		return &GRPCReply{Code: grpcDeadlineExceeded, Status: fmt.Sprintf("cleave: the %s service did not answer %s in time", service, call.Method)}
	case errors.Is(err, context.Canceled):
		return &GRPCReply{Code: grpcCanceled, Status: fmt.Sprintf("cleave: %s to the %s service: %v", call.Method, service, err)}
	case errors.Is(err, ErrTooLarge):
		return &GRPCReply{Code: grpcResourceExhausted, Status: fmt.Sprintf("cleave: %s to the %s service: %v", call.Method, service, err)}
	}
	return &GRPCReply{Code: grpcUnavailable, Status: fmt.Sprintf("cleave: the %s service failed %s: %v", service, call.Method, err)}
}

// ServeGRPC makes h serve the gRPC calls forwarded to b's service
// (Config.Service) on GRPCSubject. h is the process's *grpc.Server, which
// serves gRPC over an HTTP/2 request (its ServeHTTP): each call becomes
// such a request, in process, with the call's metadata as headers and its
// deadline as grpc-timeout, and the response's headers, body and trailers
// become the reply. A nil b means Default().
func ServeGRPC(b *Bus, h http.Handler) error {
	if b == nil {
		b = Default()
	}
	if h == nil {
		return errors.New("bus: serve gRPC: no server")
	}
	return Handle(b, b.GRPCSubject(b.cfg.Service), func(ctx context.Context, in *GRPCCall) (*GRPCReply, error) {
		return serveGRPCCall(ctx, h, in), nil
	})
}

// serveGRPCCall serves one forwarded call with h.
func serveGRPCCall(ctx context.Context, h http.Handler, in *GRPCCall) *GRPCReply {
	body := make([]byte, 5+len(in.Message))
	binary.BigEndian.PutUint32(body[1:5], uint32(len(in.Message)))
	copy(body[5:], in.Message)
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, "/", bytes.NewReader(body))
	if err != nil {
		return &GRPCReply{Code: grpcInternal, Status: fmt.Sprintf("cleave: forwarded call %s: %v", in.Method, err)}
	}
	r.URL = &url.URL{Path: in.Method}
	r.RequestURI = in.Method
	r.Proto, r.ProtoMajor, r.ProtoMinor = "HTTP/2.0", 2, 0
	r.Host = in.Authority
	r.RemoteAddr = in.Peer
	r.Header = http.Header{}
	for k, vs := range in.Metadata {
		k = strings.ToLower(k)
		if strings.HasPrefix(k, ":") || strings.HasPrefix(k, "grpc-") || k == "content-type" || k == "te" {
			continue
		}
		for _, v := range vs {
			if strings.HasSuffix(k, "-bin") {
				v = base64.RawStdEncoding.EncodeToString([]byte(v))
			}
			r.Header.Add(k, v)
		}
	}
	r.Header.Set("Content-Type", "application/grpc")
	r.Header.Set("Te", "trailers")
	if dl, ok := ctx.Deadline(); ok {
		r.Header.Set("Grpc-Timeout", grpcTimeout(time.Until(dl)))
	}
	rec := &grpcRecorder{header: http.Header{}}
	h.ServeHTTP(rec, r)
	reply := rec.reply(in.Method)
	if rec.header.Get("Grpc-Status") == "" {
		switch ctx.Err() {
		case context.DeadlineExceeded:
			reply = &GRPCReply{Code: grpcDeadlineExceeded, Status: "cleave: forwarded call " + in.Method + ": deadline exceeded"}
		case context.Canceled:
			reply = &GRPCReply{Code: grpcCanceled, Status: "cleave: forwarded call " + in.Method + ": canceled"}
		}
	}
	return reply
}

// grpcTimeout encodes d as a grpc-timeout header value: at most eight
// digits and a unit.
func grpcTimeout(d time.Duration) string {
	if d <= 0 {
		return "1n"
	}
	for _, u := range []struct {
		unit string
		d    time.Duration
	}{{"n", time.Nanosecond}, {"u", time.Microsecond}, {"m", time.Millisecond}, {"S", time.Second}, {"M", time.Minute}, {"H", time.Hour}} {
		if n := (d + u.d - 1) / u.d; n <= 99999999 {
			return strconv.FormatInt(int64(n), 10) + u.unit
		}
	}
	return "99999999H"
}

// grpcRecorder is the ResponseWriter a forwarded call is served with. The
// gRPC server writes the response's headers, flushes them, writes the
// framed message and then sets the trailers in the same header map: what
// the map holds at the first flush or write is the header.
type grpcRecorder struct {
	mu     sync.Mutex
	header http.Header
	sent   http.Header // the header as it was sent; nil before
	status int
	body   bytes.Buffer
}

func (w *grpcRecorder) Header() http.Header { return w.header }

func (w *grpcRecorder) send() {
	if w.sent == nil {
		w.sent = w.header.Clone()
		if w.sent == nil {
			w.sent = http.Header{}
		}
	}
}

func (w *grpcRecorder) WriteHeader(status int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.status == 0 {
		w.status = status
	}
	w.send()
}

func (w *grpcRecorder) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.send()
	return w.body.Write(p)
}

func (w *grpcRecorder) Flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.send()
}

// reply turns what the server wrote into a GRPCReply.
func (w *grpcRecorder) reply(method string) *GRPCReply {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.send()
	out := &GRPCReply{}
	code := w.header.Get("Grpc-Status")
	if code == "" {
		// The server refused the request before gRPC began (it is
		// stopped, or an HTTP error).
		msg := strings.TrimSpace(w.body.String())
		if msg == "" {
			msg = "the server is stopped"
		}
		return &GRPCReply{Code: grpcUnavailable, Status: fmt.Sprintf("cleave: serve forwarded call %s: %s", method, msg)}
	}
	n, err := strconv.Atoi(code)
	if err != nil {
		return &GRPCReply{Code: grpcUnknown, Status: fmt.Sprintf("cleave: serve forwarded call %s: status %q", method, code)}
	}
	out.Code = n
	out.Status = decodeGRPCMessage(w.header.Get("Grpc-Message"))
	if v := w.header.Get("Grpc-Status-Details-Bin"); v != "" {
		out.Details, _ = decodeBinValue(v)
	}
	for k, vs := range w.sent {
		k = strings.ToLower(k)
		if k == "content-type" || k == "trailer" || k == "date" || strings.HasPrefix(k, "grpc-") {
			continue
		}
		out.Header = addMetadata(out.Header, k, vs)
	}
	for k, vs := range w.header {
		if t, ok := strings.CutPrefix(k, http.TrailerPrefix); ok {
			out.Trailer = addMetadata(out.Trailer, strings.ToLower(t), vs)
		}
	}
	if out.Code != 0 {
		return out
	}
	msg, err := firstFrame(w.body.Bytes(), w.sent.Get("Grpc-Encoding"))
	if err != nil {
		return &GRPCReply{Code: grpcInternal, Status: fmt.Sprintf("cleave: serve forwarded call %s: response: %v", method, err), Header: out.Header, Trailer: out.Trailer}
	}
	out.Message = msg
	return out
}

// addMetadata adds the values of key k, decoding binary ones.
func addMetadata(md map[string][]string, k string, vs []string) map[string][]string {
	if md == nil {
		md = map[string][]string{}
	}
	for _, v := range vs {
		if strings.HasSuffix(k, "-bin") {
			if b, err := decodeBinValue(v); err == nil {
				v = string(b)
			}
		}
		md[k] = append(md[k], v)
	}
	return md
}

// decodeBinValue decodes a binary metadata value (base64, padded or not).
func decodeBinValue(v string) ([]byte, error) {
	if len(v)%4 == 0 {
		return base64.StdEncoding.DecodeString(v)
	}
	return base64.RawStdEncoding.DecodeString(v)
}

// decodeGRPCMessage undoes the percent-encoding of a grpc-message value.
func decodeGRPCMessage(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				b.WriteByte(byte(n))
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// firstFrame returns the message of the first gRPC frame of body (a
// compressed flag, a 4-byte length, the message), decompressed if the
// response's encoding is gzip.
func firstFrame(body []byte, encoding string) ([]byte, error) {
	if len(body) < 5 {
		return nil, fmt.Errorf("%d bytes: no message", len(body))
	}
	n := binary.BigEndian.Uint32(body[1:5])
	if uint64(len(body)-5) < uint64(n) {
		return nil, fmt.Errorf("message of %d bytes cut at %d", n, len(body)-5)
	}
	msg := body[5 : 5+n]
	if body[0] == 0 {
		return msg, nil
	}
	if encoding != "gzip" {
		return nil, fmt.Errorf("message compressed with %q", encoding)
	}
	zr, err := gzip.NewReader(bytes.NewReader(msg))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

package bus

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cleave-go/cleave/runtime/bus/bustest"
)

func TestGRPCTimeout(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{0, "1n"},
		{-time.Second, "1n"},
		{1500 * time.Nanosecond, "1500n"},
		{30 * time.Second, "30000000u"},
		{100 * time.Second, "100000m"},
		{48 * time.Hour, "172800S"},
	} {
		if got := grpcTimeout(c.d); got != c.want {
			t.Errorf("grpcTimeout(%v) = %q; want %q", c.d, got, c.want)
		}
	}
}

func TestDecodeGRPCMessage(t *testing.T) {
	for in, want := range map[string]string{
		"plain":              "plain",
		"not%20found%25":     "not found%",
		"caf%C3%A9":          "café",
		"trailing%2":         "trailing%2",
		"bad%zzescape":       "bad%zzescape",
		"":                   "",
		"%E2%9C%93 done %0A": "✓ done \n",
	} {
		if got := decodeGRPCMessage(in); got != want {
			t.Errorf("decodeGRPCMessage(%q) = %q; want %q", in, got, want)
		}
	}
}

// fakeGRPCServer answers requests as a *grpc.Server's ServeHTTP does: it
// checks the request a gRPC client would send, then writes the header,
// flushes, writes one framed message and sets the trailers.
type fakeGRPCServer struct {
	t       *testing.T
	process string
}

func (s *fakeGRPCServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.ProtoMajor != 2 || r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/grpc" {
		http.Error(w, "gRPC requires HTTP/2", http.StatusHTTPVersionNotSupported)
		return
	}
	body, _ := io.ReadAll(r.Body)
	if len(body) < 5 || int(binary.BigEndian.Uint32(body[1:5])) != len(body)-5 {
		s.t.Errorf("request body %q is not one gRPC frame", body)
		return
	}
	msg := string(body[5:])
	h := w.Header()
	h.Set("Content-Type", "application/grpc")
	h.Add("Trailer", "Grpc-Status")
	h.Set("X-Served-By", s.process)
	h.Set("X-Raw-Bin", base64.RawStdEncoding.EncodeToString([]byte{0, 1, 2}))
	switch r.URL.Path {
	case "/test.Echo/Say":
		w.(http.Flusher).Flush()
		out := s.process + " says " + msg + " to " + r.Header.Get("X-Caller") + " from " + r.RemoteAddr + " at " + r.Host
		if bin, _ := base64.RawStdEncoding.DecodeString(r.Header.Get("X-Key-Bin")); string(bin) != "\x00k" {
			out += " (bad binary metadata)"
		}
		if r.Header.Get("Grpc-Timeout") == "" {
			out += " (no deadline)"
		}
		frame := make([]byte, 5+len(out))
		binary.BigEndian.PutUint32(frame[1:5], uint32(len(out)))
		copy(frame[5:], out)
		w.Write(frame)
		w.(http.Flusher).Flush()
		h.Set("Grpc-Status", "0")
		h.Add(http.TrailerPrefix+"X-Done", "yes")
	case "/test.Echo/Fail":
		w.(http.Flusher).Flush()
		h.Set("Grpc-Status", "5")
		h.Set("Grpc-Message", "no such thing%3A "+msg)
		h.Set("Grpc-Status-Details-Bin", base64.RawStdEncoding.EncodeToString([]byte("details")))
	default:
		w.(http.Flusher).Flush()
		h.Set("Grpc-Status", "12")
		h.Set("Grpc-Message", "unknown method "+r.URL.Path)
	}
}

// TestForwardGRPC: two processes' buses on one broker; the edge forwards a
// unary call of a method the table gives the echo service to its process,
// whose server answers with the header, message and trailer a gRPC server
// writes; status, metadata and deadline cross.
func TestForwardGRPC(t *testing.T) {
	srv := bustest.StartServer(t)
	SetGRPCMethods([]GRPCMethod{{Method: "/test.Echo/Say", Service: "echo"}, {Method: "/test.Echo/Fail", Service: "echo"}, {Method: "/test.Edge/Own", Service: "edge"}, {Method: "/test.Gone/Call", Service: "gone"}})
	defer SetGRPCMethods(nil)
	edge := open(t, NATS, Config{Service: "edge", URLs: []string{srv.URL()}})
	echo := open(t, NATS, Config{Service: "echo", URLs: []string{srv.URL()}})
	must(t, ServeGRPC(echo, &fakeGRPCServer{t: t, process: "echo"}))
	must(t, echo.Ready())

	for _, c := range []struct {
		b      *Bus
		method string
		want   string
		ok     bool
	}{
		{edge, "/test.Echo/Say", "echo", true},
		{echo, "/test.Echo/Say", "", false},
		{edge, "/test.Edge/Own", "", false},
		{edge, "/test.Other/Call", "", false},
	} {
		got, ok := GRPCForwardTo(c.b, c.method)
		if got != c.want || ok != c.ok {
			t.Errorf("GRPCForwardTo(%s, %s) = %q, %v; want %q, %v", c.b.cfg.Service, c.method, got, ok, c.want, c.ok)
		}
	}
	local := open(t, Local, Config{Service: "edge"})
	if s, ok := GRPCForwardTo(local, "/test.Echo/Say"); ok {
		t.Errorf("GRPCForwardTo under local = %q; want none", s)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	call := &GRPCCall{
		Method:    "/test.Echo/Say",
		Metadata:  map[string][]string{"x-caller": {"client"}, "x-key-bin": {"\x00k"}, ":authority": {"ignored"}, "grpc-accept-encoding": {"gzip"}},
		Authority: "api.example",
		Peer:      "10.0.0.1:5000",
		Message:   []byte("hello"),
	}
	reply := ForwardGRPC(ctx, edge, "echo", call)
	if want := "echo says hello to client from 10.0.0.1:5000 at api.example"; reply.Code != 0 || string(reply.Message) != want {
		t.Errorf("ForwardGRPC(Say) = %d %q %q; want 0 %q", reply.Code, reply.Status, reply.Message, want)
	}
	if got := reply.Header["x-served-by"]; len(got) != 1 || got[0] != "echo" {
		t.Errorf("reply header x-served-by = %q; want echo (header %v)", got, reply.Header)
	}
	if got := reply.Header["x-raw-bin"]; len(got) != 1 || got[0] != "\x00\x01\x02" {
		t.Errorf("reply header x-raw-bin = %q; want the raw bytes 0 1 2", got)
	}
	if _, ok := reply.Header["grpc-status"]; ok {
		t.Errorf("reply header has the status: %v", reply.Header)
	}
	if got := reply.Trailer["x-done"]; len(got) != 1 || got[0] != "yes" {
		t.Errorf("reply trailer x-done = %q; want yes (trailer %v)", got, reply.Trailer)
	}

	reply = ForwardGRPC(ctx, edge, "echo", &GRPCCall{Method: "/test.Echo/Fail", Message: []byte("x")})
	if reply.Code != 5 || reply.Status != "no such thing: x" || string(reply.Details) != "details" || reply.Message != nil {
		t.Errorf("ForwardGRPC(Fail) = %d %q details %q message %q; want 5 %q details %q", reply.Code, reply.Status, reply.Details, reply.Message, "no such thing: x", "details")
	}

	reply = ForwardGRPC(ctx, edge, "gone", &GRPCCall{Method: "/test.Gone/Call"})
	if reply.Code != grpcUnavailable || !strings.Contains(reply.Status, "no process of the gone service") {
		t.Errorf("ForwardGRPC(gone) = %d %q; want Unavailable naming the service", reply.Code, reply.Status)
	}

	// A server that refuses the request before gRPC begins.
	if r := serveGRPCCall(ctx, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}), &GRPCCall{Method: "/x.Y/Z"}); r.Code != grpcUnavailable {
		t.Errorf("serveGRPCCall(stopped server) = %d %q; want Unavailable", r.Code, r.Status)
	}
}

func TestForwardGRPCDeadline(t *testing.T) {
	srv := bustest.StartServer(t)
	edge := open(t, NATS, Config{Service: "edge", URLs: []string{srv.URL()}})
	slow := open(t, NATS, Config{Service: "slow", URLs: []string{srv.URL()}})
	release := make(chan struct{})
	defer close(release)
	must(t, ServeGRPC(slow, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})))
	must(t, slow.Ready())
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	reply := ForwardGRPC(ctx, edge, "slow", &GRPCCall{Method: "/test.Slow/Call"})
	if reply.Code != grpcDeadlineExceeded {
		t.Errorf("ForwardGRPC past the deadline = %d %q; want DeadlineExceeded", reply.Code, reply.Status)
	}
}

// TestGRPCServerHooks: the options the hooks set go first, only those of
// the options' type; the built hook sees each server; unset, the options
// are the monolith's.
func TestGRPCServerHooks(t *testing.T) {
	type option string
	if got := GRPCServerOptions(option("a")); len(got) != 1 || got[0] != "a" {
		t.Errorf("GRPCServerOptions without hooks = %v; want [a]", got)
	}
	var built []any
	SetGRPCServerHooks([]any{option("cleave"), 42}, func(s any) { built = append(built, s) })
	defer SetGRPCServerHooks(nil, nil)
	if got := GRPCServerOptions(option("a"), option("b")); len(got) != 3 || got[0] != "cleave" || got[1] != "a" || got[2] != "b" {
		t.Errorf("GRPCServerOptions(a, b) = %v; want [cleave a b]", got)
	}
	if got := GRPCServerOptions[option](); len(got) != 1 || got[0] != "cleave" {
		t.Errorf("GRPCServerOptions() = %v; want [cleave]", got)
	}
	if s := GRPCServer("server"); s != "server" || len(built) != 1 || built[0] != "server" {
		t.Errorf("GRPCServer(server) = %v, built %v; want server, [server]", s, built)
	}
}

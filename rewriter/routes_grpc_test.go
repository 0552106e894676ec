package rewriter

import (
	"reflect"
	"strings"
	"testing"

	"github.com/cleave-go/cleave/analyzer"
)

// TestGRPCMethods: the unary methods whose handlers one service other than
// the edge holds are forwarded; streaming ones stay in the edge (listed
// apart), as do the edge's own, methods known by name alone and methods
// several services implement.
func TestGRPCMethods(t *testing.T) {
	const m = "example.com/rpc/"
	unary := func(id, pkg string) *analyzer.Func {
		return &analyzer.Func{ID: id, Package: pkg, Params: []analyzer.Param{{Name: "ctx", Type: "context.Context"}, {Name: "req", Type: "*example.com/pb.Req"}}, Results: []string{"*example.com/pb.Resp", "error"}}
	}
	g := &analyzer.Graph{
		Funcs: []*analyzer.Func{
			unary("(*"+m+"echo.Server).Say", m+"echo"),
			{ID: "(*" + m + "echo.Server).Watch", Package: m + "echo", Params: []analyzer.Param{{Name: "req", Type: "*example.com/pb.Req"}, {Name: "stream", Type: "example.com/pb.Echo_WatchServer"}}, Results: []string{"error"}},
			unary("(*"+m+"web.Server).Check", m+"web"),
			unary("(*"+m+"echo.Server).Bare", m+"echo"),
			unary("(*"+m+"echo.Alt).Both", m+"echo"),
			unary("(*"+m+"audit.Alt).Both", m+"audit"),
			unary("(*"+m+"audit.Server).Log", m+"audit"),
		},
		Entries: []*analyzer.Entry{
			{Kind: analyzer.EntryRPC, Func: "(*" + m + "echo.Server).Say", Route: "/pb.Echo/Say"},
			{Kind: analyzer.EntryRPC, Func: "(*" + m + "echo.Server).Watch", Route: "/pb.Echo/Watch"},
			{Kind: analyzer.EntryRPC, Func: "(*" + m + "web.Server).Check", Route: "/pb.Health/Check"},
			{Kind: analyzer.EntryRPC, Func: "(*" + m + "echo.Server).Bare", Route: "Bare"},
			{Kind: analyzer.EntryRPC, Func: "(*" + m + "echo.Alt).Both", Route: "/pb.Both/Both"},
			{Kind: analyzer.EntryRPC, Func: "(*" + m + "audit.Alt).Both", Route: "/pb.Both/Both"},
			{Kind: analyzer.EntryRPC, Func: "(*" + m + "audit.Server).Log", Route: "/pb.Audit/Log"},
			{Kind: analyzer.EntryHTTP, Func: "(*" + m + "echo.Server).Say", Route: "/say"},
		},
	}
	r := &rewrite{opts: Options{Graph: g}, svcOf: map[string]string{m + "echo": "echo", m + "web": "web", m + "audit": "audit"}}
	gotUnary, gotStreaming := r.grpcMethods("web")
	wantUnary := []grpcMethod{{"/pb.Audit/Log", "audit"}, {"/pb.Echo/Say", "echo"}}
	wantStreaming := []grpcMethod{{"/pb.Echo/Watch", "echo"}}
	if !reflect.DeepEqual(gotUnary, wantUnary) || !reflect.DeepEqual(gotStreaming, wantStreaming) {
		t.Errorf("grpcMethods(web) = %v, %v; want %v, %v", gotUnary, gotStreaming, wantUnary, wantStreaming)
	}
	if u, s := r.grpcMethods(""); u != nil || s != nil {
		t.Errorf("grpcMethods with no edge = %v, %v; want none", u, s)
	}
}

func TestGRPCSource(t *testing.T) {
	got := grpcSource("bus", []grpcMethod{{"/pb.Echo/Say", "echo"}})
	want := "[]bus.GRPCMethod{\n\t{Method: \"/pb.Echo/Say\", Service: \"echo\"},\n}"
	if got != want {
		t.Errorf("grpcSource = %q; want %q", got, want)
	}
}

func TestGRPCUnsupported(t *testing.T) {
	for _, c := range []struct {
		gomod string
		want  string // a part of the reason; "" for none
	}{
		{"module m\n\ngo 1.22\n\nrequire (\n\tgoogle.golang.org/grpc v1.82.1\n\tgoogle.golang.org/protobuf v1.36.11 // indirect\n)\n", ""},
		{"module m\n\ngo 1.22\n\nrequire google.golang.org/grpc v1.82.1\n", "does not require google.golang.org/protobuf"},
		{"module m\n\ngo 1.13\n\nrequire (\n\tgoogle.golang.org/grpc v1.27.1\n\tgoogle.golang.org/protobuf v1.25.0\n)\n", "has no grpc.ChainUnaryInterceptor"},
	} {
		r := &rewrite{gomod: []byte(c.gomod)}
		got := r.grpcUnsupported()
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("grpcUnsupported(%q) = %q; want %q", c.gomod, got, c.want)
		}
	}
}

func TestHookGRPCSource(t *testing.T) {
	const head = "package server\n\nimport (\n\tg \"google.golang.org/grpc\"\n)\n\n"
	const added = "package server\n\nimport (\n\tcbus \"github.com/cleave-go/cleave/runtime/bus\"\n\tg \"google.golang.org/grpc\"\n)\n\n"
	const busImport = "package server\n\nimport (\n\tg \"google.golang.org/grpc\"\n\n\tcbus \"github.com/cleave-go/cleave/runtime/bus\"\n)\n\n"
	for _, c := range []struct{ in, want string }{
		{head + "var s = g.NewServer()\n", added + "var s = cbus.GRPCServer(g.NewServer(cbus.GRPCServerOptions[g.ServerOption]()...))\n"},
		{head + "var s = g.NewServer(g.MaxRecvMsgSize(1), opt)\n", added + "var s = cbus.GRPCServer(g.NewServer(cbus.GRPCServerOptions(g.MaxRecvMsgSize(1), opt)...))\n"},
		{head + "var s = g.NewServer(\n\topts...,\n)\n", added + "var s = cbus.GRPCServer(g.NewServer(cbus.GRPCServerOptions(\n\topts...,\n)...))\n"},
		// An earlier apply's: left as it is.
		{busImport + "var s = cbus.GRPCServer(g.NewServer(cbus.GRPCServerOptions(opt)...))\n", busImport + "var s = cbus.GRPCServer(g.NewServer(cbus.GRPCServerOptions(opt)...))\n"},
	} {
		got, err := hookGRPCSource("server.go", []byte(c.in), "g", "cbus")
		if err != nil {
			t.Errorf("hookGRPCSource(%q): %v", c.in, err)
			continue
		}
		if string(got) != c.want {
			t.Errorf("hookGRPCSource(%q) =\n%s\nwant\n%s", c.in, got, c.want)
		}
	}
}

package main

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// grpcfwdPlan splits testdata/grpcfwd, a modular monolith whose health
// and echo modules register their gRPC services on main's one server, into
// the edge (main and health) and echo.
const grpcfwdPlan = `version: 1
module: example.com/grpcfwd
broker: nats
prefix: grpcfwd
services:
  - name: web
    packages:
      - example.com/grpcfwd
      - example.com/grpcfwd/health
    edge: true
  - name: echo
    packages:
      - example.com/grpcfwd/echo
`

// grpcfwdClient is a gRPC client of the split, written into the applied
// module (which requires gRPC; cleave's module does not): it calls the
// edge and prints one line per call.
const grpcfwdClient = `package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	testpb "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

func main() {
	conn, err := grpc.NewClient(os.Args[1], grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		fmt.Println("dial", err)
		os.Exit(1)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ctx = metadata.AppendToOutgoingContext(ctx, "x-caller", "tester", "x-trace-bin", "\x00\x01trace")
	test := testpb.NewTestServiceClient(conn)

	var header, trailer metadata.MD
	resp, err := test.UnaryCall(ctx, &testpb.SimpleRequest{}, grpc.Header(&header), grpc.Trailer(&trailer))
	fmt.Printf("unary %s %s %s header=%s trailer=%s err=%v\n", resp.GetUsername(), resp.GetHostname(), resp.GetServerId(),
		strings.Join(header.Get("x-served-by"), ","), strings.Join(trailer.Get("x-done"), ","), err)
	fmt.Printf("binary %q\n", header.Get("x-trace-bin"))

	_, err = test.UnaryCall(ctx, &testpb.SimpleRequest{ResponseSize: -1})
	fmt.Printf("invalid %s %s\n", status.Code(err), status.Convert(err).Message())

	_, err = test.EmptyCall(ctx, &testpb.Empty{})
	fmt.Printf("empty %s %s", status.Code(err), status.Convert(err).Message())
	for _, d := range status.Convert(err).Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			fmt.Printf(" detail=%s@%s", info.GetReason(), info.GetDomain())
		}
	}
	fmt.Println()

	header = nil
	h, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{}, grpc.Header(&header))
	fmt.Printf("health %s header=%s err=%v\n", h.GetStatus(), strings.Join(header.Get("x-served-by"), ","), err)

	stream, err := test.StreamingOutputCall(ctx, &testpb.StreamingOutputCallRequest{ResponseParameters: []*testpb.ResponseParameters{{}, {}}})
	var bodies []string
	for err == nil {
		var r *testpb.StreamingOutputCallResponse
		if r, err = stream.Recv(); err == nil {
			bodies = append(bodies, string(r.GetPayload().GetBody()))
		}
	}
	fmt.Printf("stream %s\n", strings.Join(bodies, ","))
}
`

// grpcfwdOutside changes testdata/grpcfwd to build its gRPC server in a
// package of its own, not in main.
var grpcfwdOutside = map[string]string{
	"main.go": `package main

import (
	"flag"
	"log"
	"net"

	"example.com/grpcfwd/server"
)

func main() {
	addr := flag.String("addr", ":9090", "listen address")
	flag.Parse()
	lis, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	if err := server.Serve(lis); err != nil {
		log.Fatal(err)
	}
}
`,
	"server/server.go": `// Package server builds the program's gRPC server.
package server

import (
	"net"

	"google.golang.org/grpc"

	"example.com/grpcfwd/echo"
	"example.com/grpcfwd/health"
)

// New returns a server of every module's services.
func New() *grpc.Server {
	s := grpc.NewServer()
	health.Register(s)
	echo.Register(s)
	return s
}

// Serve serves the modules on lis.
func Serve(lis net.Listener) error {
	s := New()
	return s.Serve(lis)
}
`,
}

// TestRunForwardGRPC splits testdata/grpcfwd and runs it: a gRPC client of
// the edge gets the echo module's unary answers from the echo process
// (with its header, trailer, binary metadata and status with details;
// the caller's metadata and deadline reach the handler), the health check
// and the streaming call from the edge. The monolith's own tests pass
// after apply. The server is built in main (the copies of main hook it),
// or in a package of its own (apply hooks it through the runtime).
func TestRunForwardGRPC(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a split")
	}
	t.Run("main", func(t *testing.T) { testRunForwardGRPC(t, nil, grpcfwdPlan) })
	t.Run("outside", func(t *testing.T) {
		plan := strings.Replace(grpcfwdPlan, "      - example.com/grpcfwd/health\n", "      - example.com/grpcfwd/health\n      - example.com/grpcfwd/server\n", 1)
		testRunForwardGRPC(t, grpcfwdOutside, plan)
	})
}

func testRunForwardGRPC(t *testing.T, overlay map[string]string, plan string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	mod := filepath.Join(t.TempDir(), "mod")
	if err := copyFixture(filepath.Join("testdata", "grpcfwd"), mod); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, mod, overlay)
	out, res := applyPlan(ctx, t, mod, plan)
	if !slices.ContainsFunc(res.Notes, func(n string) bool {
		return strings.Contains(n, "the streaming gRPC methods /grpc.testing.TestService/StreamingOutputCall are served in the edge")
	}) {
		t.Errorf("apply notes %q; want one saying StreamingOutputCall stays in the edge", res.Notes)
	}

	// services.json lists the unary methods echo serves.
	data, err := os.ReadFile(filepath.Join(out, "cleavesvc", "services.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Services []struct {
			Name string
			GRPC []string
		}
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	methods := map[string][]string{}
	for _, s := range doc.Services {
		methods[s.Name] = s.GRPC
	}
	if got, want := strings.Join(methods["echo"], " "), "/grpc.testing.TestService/EmptyCall /grpc.testing.TestService/UnaryCall"; got != want || len(methods["web"]) != 0 {
		t.Errorf("services.json grpc = %v; want echo: %s\n%s", methods, want, data)
	}

	// The monolith's own tests still pass.
	goTestAll(ctx, t, out)

	// The client, built in the applied module, against the split.
	got, splitLog := runSplitClient(ctx, cancel, t, out, "grpcfwdclient", grpcfwdClient)
	lines := strings.Split(strings.TrimSpace(string(got)), "\n")
	// The handler sees the client's deadline (20s), not the bus's
	// default (30s).
	if m := regexp.MustCompile(`^unary \S+ \S+ (\d+)s `).FindStringSubmatch(lines[0]); m != nil {
		if n, _ := strconv.Atoi(m[1]); n > 10 && n <= 20 {
			lines[0] = strings.Replace(lines[0], " "+m[1]+"s ", " 20s ", 1)
		}
	}
	want := []string{
		"unary echo tester 20s header=echo trailer=yes err=<nil>",
		`binary ["\x00\x01trace"]`,
		"invalid InvalidArgument negative size -1",
		"empty NotFound nothing here (echo) detail=EMPTY@echo",
		"health SERVING header=web err=<nil>",
		"stream web,web",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("client got\n%s\nwant\n%s\n%s", got, strings.Join(want, "\n"), splitLog)
	}
}

// copyFixture copies the directory tree from into to.
func copyFixture(from, to string) error {
	return filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, path)
		if err != nil {
			return err
		}
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	})
}

// Package echo serves the gRPC test service: it echoes who asked and who
// answered.
package echo

import (
	"context"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	testpb "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// Register registers the echo service on s.
func Register(s *grpc.Server) {
	testpb.RegisterTestServiceServer(s, &Server{})
}

// Server is the echo service.
type Server struct {
	testpb.UnimplementedTestServiceServer
}

// UnaryCall answers with the process that served it (Username), the
// caller's x-caller metadata (Hostname) and the seconds left of the call's
// deadline ("20s"; "none": no deadline) (ServerId); it sets header
// x-served-by (and x-trace-bin, the caller's) and trailer x-done.
func (*Server) UnaryCall(ctx context.Context, req *testpb.SimpleRequest) (*testpb.SimpleResponse, error) {
	if req.GetResponseSize() < 0 {
		return nil, status.Errorf(codes.InvalidArgument, "negative size %d", req.GetResponseSize())
	}
	md, _ := metadata.FromIncomingContext(ctx)
	header := metadata.Pairs("x-served-by", servedBy())
	for _, v := range md.Get("x-trace-bin") {
		header.Append("x-trace-bin", v)
	}
	grpc.SetHeader(ctx, header)
	grpc.SetTrailer(ctx, metadata.Pairs("x-done", "yes"))
	deadline := "none"
	if dl, ok := ctx.Deadline(); ok {
		deadline = strconv.Itoa(int(math.Ceil(time.Until(dl).Seconds()))) + "s"
	}
	return &testpb.SimpleResponse{
		Username: servedBy(),
		Hostname: strings.Join(md.Get("x-caller"), ","),
		ServerId: deadline,
	}, nil
}

// EmptyCall fails: there is nothing to return. The status's details say
// which process answered.
func (*Server) EmptyCall(ctx context.Context, _ *testpb.Empty) (*testpb.Empty, error) {
	st, err := status.New(codes.NotFound, fmt.Sprintf("nothing here (%s)", servedBy())).
		WithDetails(&errdetails.ErrorInfo{Reason: "EMPTY", Domain: servedBy()})
	if err != nil {
		return nil, err
	}
	return nil, st.Err()
}

// StreamingOutputCall sends one response per requested size, each naming
// the process that served it.
func (*Server) StreamingOutputCall(req *testpb.StreamingOutputCallRequest, stream testpb.TestService_StreamingOutputCallServer) error {
	for range req.GetResponseParameters() {
		if err := stream.Send(&testpb.StreamingOutputCallResponse{Payload: &testpb.Payload{Body: []byte(servedBy())}}); err != nil {
			return err
		}
	}
	return nil
}

func servedBy() string {
	if s := os.Getenv("CLEAVE_SERVICE"); s != "" {
		return s
	}
	return "monolith"
}

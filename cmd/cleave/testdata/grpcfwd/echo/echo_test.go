package echo

import (
	"context"
	"testing"

	"google.golang.org/grpc/codes"
	testpb "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/status"
)

func TestUnaryCall(t *testing.T) {
	resp, err := (&Server{}).UnaryCall(context.Background(), &testpb.SimpleRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if resp.GetUsername() == "" || resp.GetServerId() != "none" {
		t.Errorf("UnaryCall = %v", resp)
	}
	if _, err := (&Server{}).EmptyCall(context.Background(), &testpb.Empty{}); status.Code(err) != codes.NotFound {
		t.Errorf("EmptyCall error = %v; want NotFound", err)
	}
}

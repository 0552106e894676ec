// Package health serves the gRPC health service.
package health

import (
	"context"
	"os"

	"google.golang.org/grpc"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
)

// Register registers the health service on s.
func Register(s *grpc.Server) {
	healthpb.RegisterHealthServer(s, &Server{})
}

// Server answers health checks.
type Server struct {
	healthpb.UnimplementedHealthServer
}

// Check says the program serves, and which process answered (header
// x-served-by).
func (*Server) Check(ctx context.Context, req *healthpb.HealthCheckRequest) (*healthpb.HealthCheckResponse, error) {
	grpc.SetHeader(ctx, metadata.Pairs("x-served-by", servedBy()))
	return &healthpb.HealthCheckResponse{Status: healthpb.HealthCheckResponse_SERVING}, nil
}

func servedBy() string {
	if s := os.Getenv("CLEAVE_SERVICE"); s != "" {
		return s
	}
	return "monolith"
}

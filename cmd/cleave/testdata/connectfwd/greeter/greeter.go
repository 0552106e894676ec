// Package greeter implements greet.v1.GreetService.
package greeter

import (
	"context"
	"net/http"
	"os"

	"connectrpc.com/connect"

	greetv1 "example.com/connectfwd/gen/greet/v1"
	"example.com/connectfwd/gen/greet/v1/greetv1connect"
)

// Server greets.
type Server struct{}

// Greet says hello.
func (s *Server) Greet(ctx context.Context, req *connect.Request[greetv1.GreetRequest]) (*connect.Response[greetv1.GreetResponse], error) {
	resp := connect.NewResponse(&greetv1.GreetResponse{Greeting: "hello " + req.Msg.GetName() + " from " + os.Getenv("CLEAVE_SERVICE")})
	resp.Header().Set("X-Caller", req.Header().Get("X-Caller"))
	return resp, nil
}

// Farewell says goodbye; it has no side effects, so it is served by GET too.
func (s *Server) Farewell(ctx context.Context, req *connect.Request[greetv1.GreetRequest]) (*connect.Response[greetv1.GreetResponse], error) {
	return connect.NewResponse(&greetv1.GreetResponse{Greeting: "bye " + req.Msg.GetName() + " from " + os.Getenv("CLEAVE_SERVICE")}), nil
}

// Register serves the greeter on mux.
func Register(mux *http.ServeMux) {
	mux.Handle(greetv1connect.NewGreetServiceHandler(&Server{}))
}

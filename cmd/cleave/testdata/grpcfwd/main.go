// Command grpcfwd is a modular monolith serving gRPC: the health and echo
// modules register their services on main's one grpc.Server.
package main

import (
	"flag"
	"log"
	"net"

	"google.golang.org/grpc"

	"example.com/grpcfwd/echo"
	"example.com/grpcfwd/health"
)

func main() {
	addr := flag.String("addr", ":9090", "listen address")
	flag.Parse()
	lis, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	s := grpc.NewServer(grpc.MaxRecvMsgSize(1 << 20))
	health.Register(s)
	echo.Register(s)
	if err := s.Serve(lis); err != nil {
		log.Fatal(err)
	}
}

package launch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// NATS is an embedded nats-server with JetStream, listening on loopback.
type NATS struct {
	srv *server.Server
}

// NATSOptions configure an embedded server.
type NATSOptions struct {
	StoreDir string // JetStream's store; required
	Name     string // server name; default "cleave"
	Port     int    // client port; 0 picks a free one

	// Cluster, when non-empty, names the cluster this server joins; it
	// listens for routes on ClusterPort and dials Routes (nats-route://
	// URLs of the other members).
	Cluster     string
	ClusterPort int
	Routes      []string
}

// StartNATS starts an embedded nats-server and waits until it takes
// connections (and, clustered, until JetStream is up).
func StartNATS(ctx context.Context, o NATSOptions) (*NATS, error) {
	if o.StoreDir == "" {
		return nil, errors.New("start nats: no store directory")
	}
	if o.Name == "" {
		o.Name = "cleave"
	}
	opts := &server.Options{
		ServerName: o.Name,
		Host:       "127.0.0.1",
		Port:       o.Port,
		JetStream:  true,
		StoreDir:   o.StoreDir,
		NoSigs:     true,
		NoLog:      true,
	}
	if o.Port == 0 {
		opts.Port = server.RANDOM_PORT
	}
	if o.Cluster != "" {
		opts.Cluster = server.ClusterOpts{Name: o.Cluster, Host: "127.0.0.1", Port: o.ClusterPort}
		opts.Routes = server.RoutesFromStr(strings.Join(o.Routes, ","))
	}
	srv, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("start nats: %w", err)
	}
	go srv.Start()
	deadline := 10 * time.Second
	if dl, ok := ctx.Deadline(); ok {
		deadline = min(deadline, time.Until(dl))
	}
	if !srv.ReadyForConnections(deadline) {
		srv.Shutdown()
		return nil, fmt.Errorf("start nats: not ready after %v", deadline)
	}
	return &NATS{srv: srv}, nil
}

// URL is the client URL, nats://127.0.0.1:port.
func (n *NATS) URL() string { return n.srv.ClientURL() }

// Server is the embedded server, for monitoring in tests.
func (n *NATS) Server() *server.Server { return n.srv }

// Shutdown stops the server.
func (n *NATS) Shutdown() {
	n.srv.Shutdown()
	n.srv.WaitForShutdown()
}

// FreePorts returns n TCP ports on 127.0.0.1 that were free a moment ago.
func FreePorts(n int) ([]int, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("free port: %w", err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

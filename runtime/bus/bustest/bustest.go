// Package bustest starts embedded NATS servers for tests: a single
// JetStream server, or a JetStream cluster on loopback whose nodes can be
// killed and restarted. Everything listens on 127.0.0.1 on random ports,
// stores in t.TempDir() and stops when the test ends.
package bustest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// A Server is an embedded nats-server with JetStream.
type Server struct {
	t    testing.TB
	mu   sync.Mutex
	opts *server.Options
	srv  *server.Server // nil while down
}

// StartServer starts a JetStream server with file storage; it is shut
// down when the test ends. Each configure function may change its options
// (authorization, limits, ...) before it starts.
func StartServer(t testing.TB, configure ...func(*server.Options)) *Server {
	t.Helper()
	s := &Server{t: t, opts: &server.Options{
		ServerName: "test",
		Host:       "127.0.0.1",
		Port:       server.RANDOM_PORT, // fixed at first start, kept by restarts
		JetStream:  true,
		StoreDir:   t.TempDir(),
		NoSigs:     true,
		NoLog:      true,
	}}
	for _, f := range configure {
		f(s.opts)
	}
	s.Restart()
	t.Cleanup(s.Shutdown)
	return s
}

// URL returns the server's client URL; it stays the same across restarts.
func (s *Server) URL() string { return fmt.Sprintf("nats://%s:%d", s.opts.Host, s.opts.Port) }

// StoreDir returns the server's JetStream directory.
func (s *Server) StoreDir() string { return s.opts.StoreDir }

// NATS returns the running server, nil while it is down.
func (s *Server) NATS() *server.Server {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.srv
}

// Shutdown stops the server (the test's "kill"): clients see their
// connection drop. Stored messages stay on disk. It does nothing if the
// server is down.
func (s *Server) Shutdown() {
	s.mu.Lock()
	srv := s.srv
	s.srv = nil
	s.mu.Unlock()
	if srv != nil {
		srv.Shutdown()
		srv.WaitForShutdown()
	}
}

// Restart starts the server again on the same port and store; it does
// nothing if the server is running.
func (s *Server) Restart() {
	s.t.Helper()
	if err := s.start(); err != nil {
		s.t.Fatal(err)
	}
}

// start starts the server unless it runs; safe off the test goroutine.
func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil {
		return nil
	}
	opts := *s.opts
	srv, err := server.NewServer(&opts)
	if err != nil {
		return fmt.Errorf("bustest: start %s: %w", opts.ServerName, err)
	}
	srv.Start()
	if !srv.ReadyForConnections(30 * time.Second) {
		srv.Shutdown()
		return fmt.Errorf("bustest: %s not ready after 30s (port taken?)", opts.ServerName)
	}
	if s.opts.Port == server.RANDOM_PORT {
		s.opts.Port = srv.Addr().(*net.TCPAddr).Port
	}
	s.srv = srv
	return nil
}

// A Cluster is a JetStream cluster of embedded servers.
type Cluster struct {
	t     testing.TB
	Nodes []*Server
}

// StartCluster starts a JetStream cluster of n nodes (3 if n < 1) and
// waits until it has elected a meta leader.
func StartCluster(t testing.TB, n int) *Cluster {
	t.Helper()
	if n < 1 {
		n = 3
	}
	// Route ports must be known before the nodes start; one may be taken
	// between choosing and binding it, so try a few times.
	var err error
	for i := 0; i < 3; i++ {
		var c *Cluster
		if c, err = startCluster(t, n); err == nil {
			t.Cleanup(c.shutdown)
			c.WaitJetStream(60 * time.Second)
			return c
		}
	}
	t.Fatal(err)
	return nil
}

func startCluster(t testing.TB, n int) (*Cluster, error) {
	c := &Cluster{t: t}
	routePorts := make([]int, n)
	for i := range routePorts {
		routePorts[i] = freePort(t)
	}
	var routes []string
	for _, p := range routePorts {
		routes = append(routes, fmt.Sprintf("nats-route://127.0.0.1:%d", p))
	}
	for i := 0; i < n; i++ {
		c.Nodes = append(c.Nodes, &Server{t: t, opts: &server.Options{
			ServerName: fmt.Sprintf("n%d", i+1),
			Host:       "127.0.0.1",
			Port:       server.RANDOM_PORT,
			JetStream:  true,
			StoreDir:   t.TempDir(),
			NoSigs:     true,
			NoLog:      true,
			Cluster: server.ClusterOpts{
				Name: "cleave-test",
				Host: "127.0.0.1",
				Port: routePorts[i],
			},
			Routes: server.RoutesFromStr(strings.Join(routes, ",")),
		}})
	}
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i, s := range c.Nodes {
		i, s := i, s
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = s.start() }()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		c.shutdown()
		return nil, err
	}
	return c, nil
}

func (c *Cluster) shutdown() {
	for _, s := range c.Nodes {
		s.Shutdown()
	}
}

// URLs returns the client URLs of all nodes.
func (c *Cluster) URLs() []string {
	var urls []string
	for _, s := range c.Nodes {
		urls = append(urls, s.URL())
	}
	return urls
}

// Kill shuts node i down.
func (c *Cluster) Kill(i int) { c.Nodes[i].Shutdown() }

// Restart starts node i again with its store.
func (c *Cluster) Restart(i int) { c.Nodes[i].Restart() }

// WaitJetStream waits until the cluster's JetStream answers API requests
// (a meta leader is elected), failing the test after d.
func (c *Cluster) WaitJetStream(d time.Duration) {
	c.t.Helper()
	nc, err := nats.Connect(strings.Join(c.URLs(), ","))
	if err != nil {
		c.t.Fatalf("bustest: connect: %v", err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		c.t.Fatal(err)
	}
	deadline := time.Now().Add(d)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_, err := js.AccountInfo(ctx)
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("bustest: JetStream not ready after %v: %v", d, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Leader returns the index of the node leading stream, or -1.
func (c *Cluster) Leader(stream string) int {
	for i, s := range c.Nodes {
		srv := s.NATS()
		if srv == nil {
			continue
		}
		if srv.JetStreamIsStreamLeader(server.DEFAULT_GLOBAL_ACCOUNT, stream) {
			return i
		}
	}
	return -1
}

// freePort returns a port that was free a moment ago on 127.0.0.1.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

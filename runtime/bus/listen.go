package bus

import (
	"context"
	"net"
	"net/http"
	"sync"
)

// Listening, redirected. cleave apply rewrites the calls that open the
// monolith's listening sockets outside package main (net.Listen,
// http.ListenAndServe, srv.ListenAndServe(), ...) into calls of the
// functions below. In the monolith nothing is set and they do what the
// standard library does. In a split service the generated main sets its
// own listener and server hooks, so that wherever the program's start-up
// path listens (main → app.Run → http.ListenAndServe), only the edge
// service binds the monolith's address, the others get a listener that
// accepts nothing, and the service can say it is ready and shut the server
// down on SIGINT or SIGTERM.

var (
	hookMu   sync.RWMutex
	listenFn func(network, addr string) (net.Listener, error)
	serveFn  func(serve func() error, shutdown func(context.Context) error) error
)

// SetListener sets the function Listen calls instead of net.Listen (nil:
// net.Listen again). Generated service mains set it before the monolith's
// code runs.
func SetListener(f func(network, addr string) (net.Listener, error)) {
	hookMu.Lock()
	defer hookMu.Unlock()
	listenFn = f
}

// SetServer sets the function Serve, ServeServer and the other serving
// functions hand a server to once its listener is open: serve runs the
// server on that listener and returns what it returns; shutdown, when not
// nil, stops the server gracefully (http.Server.Shutdown). f may return
// before serve does, after calling shutdown. nil restores the default,
// which calls serve.
func SetServer(f func(serve func() error, shutdown func(context.Context) error) error) {
	hookMu.Lock()
	defer hookMu.Unlock()
	serveFn = f
}

// Listen is net.Listen, unless SetListener set another function: it
// stands in for net.Listen in code rewritten by cleave apply.
func Listen(network, addr string) (net.Listener, error) {
	hookMu.RLock()
	f := listenFn
	hookMu.RUnlock()
	if f == nil {
		return net.Listen(network, addr)
	}
	return f(network, addr)
}

// ListenAndServe stands in for http.ListenAndServe: it listens through
// Listen and serves h.
func ListenAndServe(addr string, h http.Handler) error {
	return ServeServer(&http.Server{Addr: addr, Handler: h})
}

// ListenAndServeTLS stands in for http.ListenAndServeTLS.
func ListenAndServeTLS(addr, certFile, keyFile string, h http.Handler) error {
	return ServeServerTLS(&http.Server{Addr: addr, Handler: h}, certFile, keyFile)
}

// ServeServer stands in for srv.ListenAndServe(): it listens on srv.Addr
// (":http" when empty) through Listen and serves srv there.
func ServeServer(srv *http.Server) error {
	addr := srv.Addr
	if addr == "" {
		addr = ":http"
	}
	ln, err := Listen("tcp", addr)
	if err != nil {
		return err
	}
	return serveWith(func() error { return srv.Serve(ln) }, srv.Shutdown)
}

// ServeServerTLS stands in for srv.ListenAndServeTLS(certFile, keyFile):
// it listens on srv.Addr (":https" when empty) through Listen and serves
// TLS there.
func ServeServerTLS(srv *http.Server, certFile, keyFile string) error {
	addr := srv.Addr
	if addr == "" {
		addr = ":https"
	}
	ln, err := Listen("tcp", addr)
	if err != nil {
		return err
	}
	return serveWith(func() error { return srv.ServeTLS(ln, certFile, keyFile) }, srv.Shutdown)
}

// ServeOn stands in for srv.Serve(ln): it serves srv on ln, handing it
// to the server hook, so that a split service shuts it down on SIGTERM.
func ServeOn(srv *http.Server, ln net.Listener) error {
	return serveWith(func() error { return srv.Serve(ln) }, srv.Shutdown)
}

// HTTPServe stands in for http.Serve(ln, h).
func HTTPServe(ln net.Listener, h http.Handler) error {
	return ServeOn(&http.Server{Handler: h}, ln)
}

// Serve listens on addr through Listen and runs serve on the listener; it
// stands in for the start calls of web frameworks that serve on a listener
// of their own (echo's e.Start, fiber's app.Listen). shutdown, when not
// nil, stops the server gracefully.
func Serve(network, addr string, serve func(net.Listener) error, shutdown func(context.Context) error) error {
	ln, err := Listen(network, addr)
	if err != nil {
		return err
	}
	return serveWith(func() error { return serve(ln) }, shutdown)
}

func serveWith(run func() error, shutdown func(context.Context) error) error {
	hookMu.RLock()
	f := serveFn
	hookMu.RUnlock()
	if f == nil {
		return run()
	}
	return f(run, shutdown)
}

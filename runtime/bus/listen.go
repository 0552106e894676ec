package bus

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
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
//
// A monolith often listens on more than one address: its API, and a port
// for metrics, health or pprof. In a split, the API belongs to the edge
// service, but every service process has metrics of its own to serve, each
// on a port of its own. Two variables say which listens are the process's
// own; they apply only in a split service (once SetListener was called),
// to TCP listens, matched by port:
//
//	CLEAVE_LISTEN_EACH=9090,6060         every service process serves these ports, each on a free port
//	CLEAVE_LISTEN_<SERVICE>=9090=:9191   this service serves the monolith's port 9090 on :9191
//
// <SERVICE> is the service's name in upper case (CLEAVE_LISTEN_ORDERS for
// orders). A port CLEAVE_LISTEN_EACH names is served on the same host with
// port 0, a free port the system picks; a CLEAVE_LISTEN_<SERVICE> entry
// PORT=ADDR pins it (ADDR may be a port alone: same host). Either way the
// process prints the address it got on its standard output:
//
//	cleave: listen orders :9090 at [::]:40211
//
// Every other listen follows the service main's rule: the edge binds the
// monolith's address, the others get a listener that accepts nothing.

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
// stands in for net.Listen in code rewritten by cleave apply. With a
// listener set, a TCP address CLEAVE_LISTEN_EACH or CLEAVE_LISTEN_<SERVICE>
// names is listened on as they say (see above) and announced.
func Listen(network, addr string) (net.Listener, error) {
	return ListenWithConfig(&net.ListenConfig{}, context.Background(), network, addr)
}

// ListenWithConfig is lc.Listen(ctx, network, addr), unless SetListener
// set another function: then it listens as Listen does, so that only the
// edge service binds addr. The listener set gets network and addr only:
// lc's options (KeepAlive, Control) apply where the monolith's own
// listening does, and to the ports CLEAVE_LISTEN_EACH names.
func ListenWithConfig(lc *net.ListenConfig, ctx context.Context, network, addr string) (net.Listener, error) {
	hookMu.RLock()
	f := listenFn
	hookMu.RUnlock()
	if f == nil {
		return lc.Listen(ctx, network, addr)
	}
	switch network {
	case "tcp", "tcp4", "tcp6":
		service := os.Getenv("CLEAVE_SERVICE")
		own, ok, err := ownAddr(os.Getenv, service, addr)
		if err != nil {
			return nil, err
		}
		if ok {
			ln, err := lc.Listen(ctx, network, own)
			if err != nil {
				return nil, err
			}
			fmt.Printf("cleave: listen %s %s at %s\n", service, addr, ln.Addr())
			return ln, nil
		}
	}
	return f(network, addr)
}

// ownAddr returns the address a service listens on for the monolith's
// addr when CLEAVE_LISTEN_<SERVICE> or CLEAVE_LISTEN_EACH (read with
// getenv) names its port, and whether one does.
func ownAddr(getenv func(string) string, service, addr string) (string, bool, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", false, nil
	}
	port = portNumber(port)
	name := "CLEAVE_LISTEN_" + envName(service)
	for _, e := range strings.Split(getenv(name), ",") {
		if e = strings.TrimSpace(e); e == "" {
			continue
		}
		from, to, ok := strings.Cut(e, "=")
		if !ok || to == "" {
			return "", false, fmt.Errorf("%s: %q is not PORT=ADDR", name, e)
		}
		if portOf(from) != port {
			continue
		}
		if !strings.Contains(to, ":") {
			to = net.JoinHostPort(host, to)
		}
		return to, true, nil
	}
	for _, e := range strings.Split(getenv("CLEAVE_LISTEN_EACH"), ",") {
		if e = strings.TrimSpace(e); e != "" && portOf(e) == port {
			return net.JoinHostPort(host, "0"), true, nil
		}
	}
	return "", false, nil
}

// portOf returns the port of an address or of a port alone, as a number
// when it is a service name.
func portOf(s string) string {
	if _, p, err := net.SplitHostPort(s); err == nil {
		s = p
	}
	return portNumber(s)
}

func portNumber(p string) string {
	if n, err := net.LookupPort("tcp", p); err == nil {
		return fmt.Sprint(n)
	}
	return p
}

// envName is a service name as it appears in an environment variable's
// name: upper case, anything but letters and digits an underscore.
func envName(service string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case 'a' <= r && r <= 'z':
			return r - 'a' + 'A'
		case 'A' <= r && r <= 'Z', '0' <= r && r <= '9':
			return r
		}
		return '_'
	}, service)
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
	prepareServer(srv, true)
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
	prepareServer(srv, true)
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

// DefaultAddr is the address of a server started with none: ":$PORT"
// when the environment sets PORT, else def. It stands in for gin's
// r.Run() with no argument (def ":8080").
func DefaultAddr(def string) string {
	if port := os.Getenv("PORT"); port != "" {
		return ":" + port
	}
	return def
}

// ServeServerFunc listens on srv.Addr through Listen and runs serve(srv,
// ln), which serves srv on that listener; srv.Shutdown stops it. It stands
// in for echo's e.StartServer(srv).
func ServeServerFunc(srv *http.Server, serve func(srv *http.Server, ln net.Listener) error) error {
	prepareServer(srv, false)
	ln, err := Listen("tcp", srv.Addr)
	if err != nil {
		return err
	}
	return serveWith(func() error { return serve(srv, ln) }, srv.Shutdown)
}

// ServeOn stands in for srv.Serve(ln): it serves srv on ln, handing it
// to the server hook, so that a split service shuts it down on SIGTERM.
func ServeOn(srv *http.Server, ln net.Listener) error {
	prepareServer(srv, true)
	return serveWith(func() error { return srv.Serve(ln) }, srv.Shutdown)
}

// ServeOnTLS stands in for srv.ServeTLS(ln, certFile, keyFile).
func ServeOnTLS(srv *http.Server, ln net.Listener, certFile, keyFile string) error {
	prepareServer(srv, true)
	return serveWith(func() error { return srv.ServeTLS(ln, certFile, keyFile) }, srv.Shutdown)
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

// ServeTLS is Serve with TLS: it loads the key pair in certFile and
// keyFile first and hands serve a listener that serves TLS 1.2 and later
// with it. It stands in for fiber's app.ListenTLS.
func ServeTLS(network, addr, certFile, keyFile string, serve func(net.Listener) error, shutdown func(context.Context) error) error {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return fmt.Errorf("tls: load key pair %s, %s: %w", certFile, keyFile, err)
	}
	config := &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}}
	return Serve(network, addr, func(ln net.Listener) error { return serve(tls.NewListener(ln, config)) }, shutdown)
}

// TLSListener returns a listener serving TLS on the connections ln
// accepts, each with the configuration *config holds when it is accepted:
// for a framework that builds its TLS configuration after it was handed
// its listener (echo's StartTLS: e.TLSListener = bus.TLSListener(ln,
// &e.TLSServer.TLSConfig)).
func TLSListener(ln net.Listener, config **tls.Config) net.Listener {
	return &tlsListener{Listener: ln, config: config}
}

type tlsListener struct {
	net.Listener
	config **tls.Config
}

func (l *tlsListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return tls.Server(c, *l.config), nil
}

// ServeFunc runs serve, a server already given its listener (gRPC's
// s.Serve(lis), lis from Listen), handing it to the server hook as the
// other serving functions do; shutdown, when not nil, stops it.
func ServeFunc(serve func() error, shutdown func(context.Context) error) error {
	return serveWith(serve, shutdown)
}

// ShutdownFunc returns a shutdown function for a server stopped without a
// context (gRPC's GracefulStop and Stop): it calls graceful, and stop if
// the context ends first.
func ShutdownFunc(graceful, stop func()) func(context.Context) error {
	return func(ctx context.Context) error {
		done := make(chan struct{})
		go func() {
			defer close(done)
			graceful()
		}()
		select {
		case <-done:
			return nil
		case <-ctx.Done():
			stop()
			<-done
			return ctx.Err()
		}
	}
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

package bus

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestListenDefault: with no listener set, Listen is net.Listen and
// ServeServer serves as srv.ListenAndServe would.
func TestListenDefault(t *testing.T) {
	ln, err := Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	srv := &http.Server{Addr: addr, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello")
	})}
	done := make(chan error, 1)
	go func() { done <- ServeServer(srv) }()
	var resp *http.Response
	for i := 0; i < 200; i++ {
		if resp, err = http.Get("http://" + addr + "/"); err == nil {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("ServeServer returned early: %v", err)
		default:
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "hello" {
		t.Errorf("body = %q", body)
	}
	srv.Shutdown(context.Background())
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		t.Errorf("ServeServer after Shutdown = %v; want ErrServerClosed", err)
	}
}

// TestSetListener: the listener and server hooks see every listen and
// serve, with ":http" for an empty address, and nil restores the default.
func TestSetListener(t *testing.T) {
	var got []string
	sentinel := errors.New("no listening here")
	SetListener(func(network, addr string) (net.Listener, error) {
		got = append(got, network+" "+addr)
		return nil, sentinel
	})
	t.Cleanup(func() { SetListener(nil); SetServer(nil) })
	if _, err := Listen("tcp", "127.0.0.1:1"); err != sentinel {
		t.Errorf("Listen = %v", err)
	}
	if _, err := ListenWithConfig(&net.ListenConfig{KeepAlive: time.Minute}, context.Background(), "tcp", "127.0.0.1:3"); err != sentinel {
		t.Errorf("ListenWithConfig = %v", err)
	}
	if err := ListenAndServe("127.0.0.1:2", nil); err != sentinel {
		t.Errorf("ListenAndServe = %v", err)
	}
	if err := ServeServer(&http.Server{}); err != sentinel {
		t.Errorf("ServeServer = %v", err)
	}
	if err := ServeServerTLS(&http.Server{}, "c", "k"); err != sentinel {
		t.Errorf("ServeServerTLS = %v", err)
	}
	want := []string{"tcp 127.0.0.1:1", "tcp 127.0.0.1:3", "tcp 127.0.0.1:2", "tcp :http", "tcp :https"}
	if len(got) != len(want) {
		t.Fatalf("listens = %q; want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("listen %d = %q; want %q", i, got[i], want[i])
		}
	}

	// A listener that is set and a server hook that shuts the server down.
	SetListener(func(network, addr string) (net.Listener, error) {
		return net.Listen(network, "127.0.0.1:0")
	})
	SetServer(func(serve func() error, shutdown func(context.Context) error) error {
		errc := make(chan error, 1)
		go func() { errc <- serve() }()
		if shutdown != nil {
			shutdown(context.Background())
		}
		return <-errc
	})
	srv := &http.Server{Addr: "127.0.0.1:1"}
	if err := ServeServer(srv); !errors.Is(err, http.ErrServerClosed) {
		t.Errorf("ServeServer = %v; want ErrServerClosed", err)
	}
	// Serve: a framework's server on the listener, stopped by its shutdown.
	stop := make(chan struct{})
	var served net.Listener
	err := Serve("tcp", "127.0.0.1:1", func(ln net.Listener) error {
		served = ln
		<-stop
		return http.ErrServerClosed
	}, func(context.Context) error { close(stop); return nil })
	if !errors.Is(err, http.ErrServerClosed) || served == nil {
		t.Errorf("Serve = %v (listener %v); want ErrServerClosed", err, served)
	}
	if served != nil {
		served.Close()
	}

	// ServeOn and HTTPServe hand their server to the hook too.
	for _, f := range []func(net.Listener) error{
		func(ln net.Listener) error { return ServeOn(&http.Server{}, ln) },
		func(ln net.Listener) error { return HTTPServe(ln, nil) },
	} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		if err := f(ln); !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("ServeOn/HTTPServe = %v; want ErrServerClosed", err)
		}
		ln.Close()
	}

	SetListener(nil)
	SetServer(nil)
	ln, err := Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
}

// TestOwnAddr: which listens CLEAVE_LISTEN_EACH and CLEAVE_LISTEN_<SERVICE>
// make a service's own, and where.
func TestOwnAddr(t *testing.T) {
	env := map[string]string{
		"CLEAVE_LISTEN_EACH":         "9090, :6060,http",
		"CLEAVE_LISTEN_ORDERS":       "9090=:9191,7070=127.0.0.2:7171,6060=6161",
		"CLEAVE_LISTEN_BAD":          "9090",
		"CLEAVE_LISTEN_ORDER_ITEMS2": "9090=:9292",
	}
	getenv := func(k string) string { return env[k] }
	for _, c := range []struct {
		service, addr string
		want          string
		ok, err       bool
	}{
		{"orders", ":9090", ":9191", true, false},
		{"orders", "127.0.0.1:7070", "127.0.0.2:7171", true, false},
		{"orders", "127.0.0.1:6060", "127.0.0.1:6161", true, false},
		{"orders", ":8080", "", false, false},
		{"users", "0.0.0.0:9090", "0.0.0.0:0", true, false},
		{"users", "localhost:6060", "localhost:0", true, false},
		{"users", ":80", ":0", true, false},
		{"users", ":8080", "", false, false},
		{"users", "no port", "", false, false},
		{"order_items2", ":9090", ":9292", true, false},
		{"bad", ":9090", "", false, true},
	} {
		got, ok, err := ownAddr(getenv, c.service, c.addr)
		if got != c.want || ok != c.ok || (err != nil) != c.err {
			t.Errorf("ownAddr(%s, %q) = %q, %v, %v; want %q, %v, error %v", c.service, c.addr, got, ok, err, c.want, c.ok, c.err)
		}
	}
}

// TestListenEach: in a split service (a listener set), a port
// CLEAVE_LISTEN_EACH names is listened on at a free port of the process's
// own; other addresses go to the listener.
func TestListenEach(t *testing.T) {
	sentinel := errors.New("idle")
	var hooked []string
	SetListener(func(network, addr string) (net.Listener, error) {
		hooked = append(hooked, addr)
		return nil, sentinel
	})
	t.Cleanup(func() { SetListener(nil) })
	free, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	each := free.Addr().(*net.TCPAddr)
	free.Close()
	t.Setenv("CLEAVE_SERVICE", "orders")
	t.Setenv("CLEAVE_LISTEN_EACH", fmt.Sprint(each.Port))
	ln, err := Listen("tcp", each.String())
	if err != nil {
		t.Fatalf("Listen of an each port = %v", err)
	}
	if a := ln.Addr().(*net.TCPAddr); !a.IP.Equal(each.IP) || a.Port == each.Port || a.Port == 0 {
		t.Errorf("each listen at %v; want 127.0.0.1 on another free port than %d", a, each.Port)
	}
	ln.Close()
	if _, err := Listen("tcp", "127.0.0.1:2"); err != sentinel {
		t.Errorf("Listen of another port = %v; want the listener's", err)
	}
	if _, err := Listen("unix", "1"); err != sentinel {
		t.Errorf("Listen unix = %v; want the listener's", err)
	}
	if len(hooked) != 2 {
		t.Errorf("listener saw %q; want the two other listens", hooked)
	}
	t.Setenv("CLEAVE_LISTEN_ORDERS", "2")
	if _, err := Listen("tcp", "127.0.0.1:2"); err == nil || !strings.Contains(err.Error(), "CLEAVE_LISTEN_ORDERS") {
		t.Errorf("Listen with a bad CLEAVE_LISTEN_ORDERS = %v; want an error naming it", err)
	}
	// Without a listener set (the monolith), the variables change nothing.
	SetListener(nil)
	ln, err = Listen("tcp", each.String())
	must(t, err)
	if ln.Addr().String() != each.String() {
		t.Errorf("monolith Listen(%s) at %v; want the address itself", each, ln.Addr())
	}
	ln.Close()
}

// TestServeTLS: ServeTLS and TLSListener serve TLS with a key pair loaded
// first or a configuration set after the listener was handed over; a
// ServeFunc server stops through ShutdownFunc.
func TestServeTLS(t *testing.T) {
	ca, caKey := newCert(t, nil, nil, "test CA")
	cert, key := newCert(t, ca, caKey, "127.0.0.1")
	dir := t.TempDir()
	certFile := writePEM(t, dir, "cert.pem", "CERTIFICATE", cert.Raw)
	keyDER, err := x509.MarshalECPrivateKey(key)
	must(t, err)
	keyFile := writePEM(t, dir, "key.pem", "EC PRIVATE KEY", keyDER)
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	hello := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hello") })

	get := func(serve func(addr string, stop <-chan struct{}) error) {
		t.Helper()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		must(t, err)
		addr := ln.Addr().String()
		ln.Close()
		stop := make(chan struct{})
		done := make(chan error, 1)
		go func() { done <- serve(addr, stop) }()
		var resp *http.Response
		for i := 0; i < 500; i++ {
			if resp, err = client.Get("https://" + addr + "/"); err == nil {
				break
			}
			select {
			case err := <-done:
				t.Fatalf("server returned early: %v", err)
			case <-time.After(10 * time.Millisecond):
			}
		}
		must(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(body) != "hello" {
			t.Errorf("body = %q", body)
		}
		close(stop)
		if err := <-done; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("server after shutdown = %v; want ErrServerClosed", err)
		}
	}
	// fiber's app.ListenTLS.
	get(func(addr string, stop <-chan struct{}) error {
		srv := &http.Server{Handler: hello}
		go func() { <-stop; srv.Shutdown(context.Background()) }()
		return ServeTLS("tcp", addr, certFile, keyFile, srv.Serve, srv.Shutdown)
	})
	// echo's StartTLS: the configuration comes after the listener.
	get(func(addr string, stop <-chan struct{}) error {
		srv := &http.Server{Handler: hello}
		go func() { <-stop; srv.Shutdown(context.Background()) }()
		return Serve("tcp", addr, func(ln net.Listener) error {
			tl := TLSListener(ln, &srv.TLSConfig)
			pair, err := tls.LoadX509KeyPair(certFile, keyFile)
			if err != nil {
				return err
			}
			srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{pair}}
			return srv.Serve(tl)
		}, srv.Shutdown)
	})
	// srv.ServeTLS(ln, cert, key), stopped by the server hook.
	t.Cleanup(func() { SetServer(nil) })
	get(func(addr string, stop <-chan struct{}) error {
		SetServer(func(serve func() error, shutdown func(context.Context) error) error {
			errc := make(chan error, 1)
			go func() { errc <- serve() }()
			<-stop
			shutdown(context.Background())
			return <-errc
		})
		ln, err := Listen("tcp", addr)
		if err != nil {
			return err
		}
		return ServeOnTLS(&http.Server{Handler: hello}, ln, certFile, keyFile)
	})
}

// TestShutdownFunc: a graceful stop that does not finish before the
// context ends is cut short by the hard stop; ServeFunc hands its server
// to the hook.
func TestShutdownFunc(t *testing.T) {
	release := make(chan struct{})
	stopped := false
	shutdown := ShutdownFunc(func() { <-release }, func() { stopped = true; close(release) })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := shutdown(ctx); !errors.Is(err, context.Canceled) || !stopped {
		t.Errorf("shutdown after the context ended = %v (stopped %v); want Canceled and a hard stop", err, stopped)
	}
	if err := ShutdownFunc(func() {}, func() { t.Error("hard stop after a graceful one") })(context.Background()); err != nil {
		t.Errorf("graceful shutdown = %v", err)
	}

	var hooked bool
	SetServer(func(serve func() error, shutdown func(context.Context) error) error {
		hooked = shutdown != nil
		return serve()
	})
	t.Cleanup(func() { SetServer(nil) })
	sentinel := errors.New("served")
	if err := ServeFunc(func() error { return sentinel }, shutdown); err != sentinel || !hooked {
		t.Errorf("ServeFunc = %v (hooked %v); want the server's error through the hook", err, hooked)
	}
}

package bus

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
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
	if err := ListenAndServe("127.0.0.1:2", nil); err != sentinel {
		t.Errorf("ListenAndServe = %v", err)
	}
	if err := ServeServer(&http.Server{}); err != sentinel {
		t.Errorf("ServeServer = %v", err)
	}
	if err := ServeServerTLS(&http.Server{}, "c", "k"); err != sentinel {
		t.Errorf("ServeServerTLS = %v", err)
	}
	want := []string{"tcp 127.0.0.1:1", "tcp 127.0.0.1:2", "tcp :http", "tcp :https"}
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

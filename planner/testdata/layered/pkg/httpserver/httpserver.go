// Package httpserver runs an HTTP server until it fails.
package httpserver

import "net/http"

// Server is an HTTP server and its error channel.
type Server struct {
	srv    *http.Server
	notify chan error
}

// New prepares a server.
func New(addr string, h http.Handler) *Server {
	return &Server{srv: &http.Server{Addr: addr, Handler: h}, notify: make(chan error, 1)}
}

// Start serves in the background.
func (s *Server) Start() { go func() { s.notify <- s.srv.ListenAndServe() }() }

// Notify reports the server's failure.
func (s *Server) Notify() <-chan error { return s.notify }

// Shutdown stops the server.
func (s *Server) Shutdown() { s.srv.Close() }

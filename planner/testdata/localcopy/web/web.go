// Package web serves the API.
package web

import (
	"fmt"
	"net/http"

	"example.com/localcopy/orders"
	"example.com/localcopy/sessions"
)

// Server serves the API.
type Server struct {
	Sessions *sessions.Store
	Orders   *orders.Repo
}

// Routes returns the API's routes.
func (s *Server) Routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /signin", s.signIn)
	mux.HandleFunc("GET /active", s.active)
	mux.HandleFunc("GET /orders/latest", s.latest)
	return mux
}

func (s *Server) signIn(w http.ResponseWriter, r *http.Request) {
	sess, err := s.Sessions.SignIn(r.Context(), r.FormValue("user"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: "session", Value: sess.Token})
	fmt.Fprintf(w, "hello %s\n", sess.User)
}

func (s *Server) active(w http.ResponseWriter, r *http.Request) {
	n, err := s.Sessions.Active(r.Context())
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	fmt.Fprintf(w, "%d active\n", n)
}

func (s *Server) latest(w http.ResponseWriter, r *http.Request) {
	o, err := s.Orders.Latest(r.Context())
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	fmt.Fprintf(w, "order %d\n", o.ID)
}

// Package web streams a user's changes.
package web

import (
	"fmt"
	"net/http"

	"example.com/factoryiface/hub"
)

// Server serves the change stream.
type Server struct{ Hub *hub.Hub }

// Routes returns the server's routes.
func (s *Server) Routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /changes/{user}", s.changes)
	mux.HandleFunc("POST /changes/{user}", s.publish)
	return mux
}

func (s *Server) changes(w http.ResponseWriter, r *http.Request) {
	watch, err := s.Hub.Watch(r.Context(), r.PathValue("user"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	defer watch.Stop()
	select {
	case c := <-watch.Changes():
		fmt.Fprintln(w, c)
	case <-r.Context().Done():
	}
}

func (s *Server) publish(w http.ResponseWriter, r *http.Request) {
	if err := s.Hub.Publish(r.Context(), r.PathValue("user"), r.FormValue("change")); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

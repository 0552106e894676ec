// Package web serves the notes API.
package web

import (
	"context"
	"fmt"
	"net/http"

	"example.com/cfggetters/notes"
	"example.com/cfggetters/settings"
	"example.com/cfggetters/stats"
)

// Server serves notes.
type Server struct {
	Notes *notes.Store
}

// Routes returns the API.
func (s *Server) Routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /notes/{user}", s.add)
	mux.HandleFunc("GET /notes/{user}", s.list)
	mux.HandleFunc("GET /stats", s.stats)
	return mux
}

func (s *Server) add(w http.ResponseWriter, r *http.Request) {
	stats.Requests.Inc()
	ctx, cancel := context.WithTimeout(r.Context(), settings.Current.Timeout())
	defer cancel()
	n, err := s.Notes.Add(ctx, r.PathValue("user"), r.FormValue("text"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusConflict)
		return
	}
	fmt.Fprintf(w, "%s: note %d saved\n", settings.Current.SiteName(), n)
}

func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	stats.Requests.Inc()
	ns, err := s.Notes.List(r.Context(), r.PathValue("user"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	fmt.Fprintf(w, "%s: %q\n", settings.Current.SiteName(), ns)
}

func (s *Server) stats(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintf(w, "%d requests\n", stats.Requests.Value())
}

// Package web serves the notes over HTTP.
package web

import (
	"fmt"
	"net/http"

	"example.com/cleanupclosure/store"
)

type API struct{ S *store.Store }

func (a *API) Put(w http.ResponseWriter, r *http.Request) {
	a.S.Put(r.URL.Query().Get("id"), r.URL.Query().Get("text"))
	fmt.Fprintln(w, "ok")
}

func (a *API) Get(w http.ResponseWriter, r *http.Request) {
	t, ok := a.S.Get(r.URL.Query().Get("id"))
	fmt.Fprintln(w, t, ok)
}

// Setup wires the program and returns its handler and a cleanup func.
func Setup() (http.Handler, func()) {
	s := store.New()
	a := &API{S: s}
	mux := http.NewServeMux()
	mux.HandleFunc("/put", a.Put)
	mux.HandleFunc("/get", a.Get)
	return mux, func() { s.Close() }
}

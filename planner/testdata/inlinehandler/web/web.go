// Package web serves the notes over HTTP.
package web

import (
	"fmt"
	"net/http"

	"example.com/inlinehandler/store"
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

// Setup builds the program: the store, the API and its routes.
func Setup() http.Handler {
	a := &API{S: store.New()}
	mux := http.NewServeMux()
	mux.HandleFunc("/put", a.Put)
	mux.HandleFunc("/get", a.Get)
	mux.HandleFunc("/version", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "v1")
	})
	return mux
}

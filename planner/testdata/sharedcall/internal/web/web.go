// Package web is the HTTP API.
package web

import (
	"fmt"
	"net/http"

	"example.com/sharedcall/internal/contracts"
)

type API struct {
	C     contracts.Counter
	Queue chan<- string
}

func (a *API) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST /inc/{key}", a.inc)
	mux.HandleFunc("POST /enqueue/{key}", a.enqueue)
	mux.HandleFunc("GET /count/{key}", a.get)
}

func (a *API) inc(w http.ResponseWriter, r *http.Request) {
	n, err := a.C.Inc(r.Context(), r.PathValue("key"))
	if err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	fmt.Fprintln(w, n)
}

func (a *API) enqueue(w http.ResponseWriter, r *http.Request) {
	a.Queue <- r.PathValue("key")
	w.WriteHeader(http.StatusAccepted)
}

func (a *API) get(w http.ResponseWriter, r *http.Request) {
	n, err := a.C.Get(r.Context(), r.PathValue("key"))
	if err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	fmt.Fprintln(w, n)
}

// Package web serves the store over HTTP.
package web

import (
	"fmt"
	"net/http"

	"example.com/xnetctx/store"
)

type Handler struct{ s *store.Store }

func New(s *store.Store) *Handler { return &Handler{s: s} }

func (h *Handler) Add(w http.ResponseWriter, r *http.Request) {
	if err := h.s.Add(r.Context(), r.URL.Query().Get("item")); err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	fmt.Fprintln(w, "ok")
}

func (h *Handler) List(w http.ResponseWriter, r *http.Request) {
	items, err := h.s.List(r.Context())
	if err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	fmt.Fprintln(w, items)
}

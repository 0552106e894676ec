// Package web serves the shop's API.
package web

import (
	"encoding/json"
	"net/http"
	"strconv"

	"example.com/factorymethod/catalog"
)

// Handler serves the API.
type Handler struct {
	Catalog *catalog.Catalog
}

// Routes returns the API's routes.
func (h *Handler) Routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /products", h.search)
	mux.HandleFunc("POST /products", h.put)
	return mux
}

func (h *Handler) search(w http.ResponseWriter, r *http.Request) {
	s := h.Catalog.NewSearch(r.URL.Query().Get("category"))
	if max, err := strconv.Atoi(r.URL.Query().Get("under")); err == nil {
		s = s.Under(max)
	}
	found, err := s.Run(r.Context())
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	json.NewEncoder(w).Encode(found)
}

func (h *Handler) put(w http.ResponseWriter, r *http.Request) {
	var p catalog.Product
	if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if err := h.Catalog.Put(r.Context(), p); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

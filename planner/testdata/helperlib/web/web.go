// Package web serves the orders to customers.
package web

import (
	"encoding/json"
	"net/http"

	"example.com/helperlib/orders"
	"example.com/helperlib/respond"
)

// API is the customers' HTTP API.
type API struct{ Book *orders.Book }

// Routes returns the API's handler.
func (a *API) Routes(mux *http.ServeMux) {
	mux.HandleFunc("POST /orders", a.place)
	mux.HandleFunc("GET /orders/{id}", a.get)
}

func (a *API) place(w http.ResponseWriter, r *http.Request) {
	var o orders.Order
	if err := json.NewDecoder(r.Body).Decode(&o); err != nil {
		respond.Error(w, http.StatusBadRequest, err)
		return
	}
	if err := a.Book.Place(o); err != nil {
		respond.Error(w, http.StatusUnprocessableEntity, err)
		return
	}
	respond.JSON(w, http.StatusCreated, o)
}

func (a *API) get(w http.ResponseWriter, r *http.Request) {
	o, err := a.Book.Get(r.PathValue("id"))
	if err != nil {
		respond.Error(w, http.StatusNotFound, err)
		return
	}
	respond.JSON(w, http.StatusOK, o)
}

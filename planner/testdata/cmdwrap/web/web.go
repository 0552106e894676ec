// Package web serves the accounts over HTTP.
package web

import (
	"fmt"
	"net/http"
	"strconv"

	"example.com/cmdwrap/store"
)

// API answers balance questions and takes deposits.
type API struct{ Store *store.Store }

// Routes returns the API's handler.
func (a *API) Routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /balance/{id}", a.balance)
	mux.HandleFunc("POST /deposit/{id}", a.deposit)
	return mux
}

func (a *API) balance(w http.ResponseWriter, r *http.Request) {
	b, err := a.Store.Balance(r.PathValue("id"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	fmt.Fprintln(w, b)
}

func (a *API) deposit(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(r.URL.Query().Get("amount"))
	if err != nil {
		http.Error(w, "bad amount", http.StatusBadRequest)
		return
	}
	b, err := a.Store.Deposit(r.PathValue("id"), n)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	fmt.Fprintln(w, b)
}

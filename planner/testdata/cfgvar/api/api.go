// Package api is the HTTP API.
package api

import (
	"encoding/json"
	"net/http"

	"example.com/cfgvar/auth"
	"example.com/cfgvar/config"
	"example.com/cfgvar/db"
)

type API struct {
	DB   *db.DB
	Auth *auth.Sessions
}

func (a *API) Routes(mux *http.ServeMux) {
	mux.HandleFunc("POST /users", a.createUser)
	mux.HandleFunc("GET /users", a.listUsers)
	mux.HandleFunc("POST /login", a.login)
	mux.HandleFunc("GET /me", a.me)
}

func (a *API) createUser(w http.ResponseWriter, r *http.Request) {
	if config.Opts.ReadOnly || config.Logins < 0 {
		http.Error(w, "read-only", http.StatusForbidden)
		return
	}
	var u db.User
	if err := json.NewDecoder(r.Body).Decode(&u); err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	if err := a.DB.PutUser(r.Context(), u); err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	w.WriteHeader(201)
}

func (a *API) listUsers(w http.ResponseWriter, r *http.Request) {
	us, err := a.DB.Users(r.Context())
	if err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	json.NewEncoder(w).Encode(us)
}

func (a *API) login(w http.ResponseWriter, r *http.Request) {
	tok, err := a.Auth.Login(r.Context(), r.URL.Query().Get("email"))
	if err != nil {
		http.Error(w, err.Error(), 401)
		return
	}
	json.NewEncoder(w).Encode(map[string]string{"token": tok})
}

func (a *API) me(w http.ResponseWriter, r *http.Request) {
	u, err := a.Auth.Who(r.Context(), r.Header.Get("Authorization"))
	if err != nil {
		http.Error(w, err.Error(), 401)
		return
	}
	json.NewEncoder(w).Encode(u)
}

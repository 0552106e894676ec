// Package web is the HTTP API of the use case.
package web

import (
	"fmt"
	"net/http"

	"example.com/layered/internal/tasks"
)

// Register routes the API on mux.
func Register(mux *http.ServeMux, uc tasks.UseCase) {
	mux.HandleFunc("POST /tasks", func(w http.ResponseWriter, r *http.Request) {
		if err := uc.Add(r.Context(), r.FormValue("title")); err != nil {
			http.Error(w, err.Error(), 400)
		}
	})
	mux.HandleFunc("GET /tasks", func(w http.ResponseWriter, r *http.Request) {
		ts, _ := uc.List(r.Context())
		fmt.Fprintln(w, ts)
	})
}

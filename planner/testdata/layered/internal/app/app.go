// Package app wires the program: the connection, the repository, the use
// case, the HTTP server.
package app

import (
	"net/http"

	"example.com/layered/internal/taskrepo"
	"example.com/layered/internal/tasks"
	"example.com/layered/internal/web"
	"example.com/layered/pkg/httpserver"
	"example.com/layered/pkg/pgx"
)

// Run builds everything and serves addr.
func Run(addr string) {
	conn := pgx.New("postgres://")
	uc := tasks.New(taskrepo.New(conn))
	mux := http.NewServeMux()
	web.Register(mux, uc)
	srv := httpserver.New(addr, mux)
	srv.Start()
	<-srv.Notify()
	srv.Shutdown()
}

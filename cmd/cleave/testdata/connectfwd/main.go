// Command connectfwd is a modular monolith whose modules serve their APIs
// with connect (greeter, billing) and twirp (hats) on one mux.
package main

import (
	"flag"
	"io"
	"log"
	"net/http"
	"os"

	"example.com/connectfwd/billing"
	"example.com/connectfwd/greeter"
	"example.com/connectfwd/hats"
)

func main() {
	addr := flag.String("addr", ":8080", "listen address")
	flag.Parse()
	// HTTP/1.1 and unencrypted HTTP/2, for gRPC clients.
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true)
	srv := &http.Server{Addr: *addr, Handler: newMux(), Protocols: &protocols}
	log.Fatal(srv.ListenAndServe())
}

// newMux serves every module.
func newMux() *http.ServeMux {
	mux := http.NewServeMux()
	greeter.Register(mux)

	// The billing module under /api.
	api := http.NewServeMux()
	api.Handle(billing.Routes())
	mux.Handle("/api/", http.StripPrefix("/api", api))

	hats.Register(mux)
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok from "+os.Getenv("CLEAVE_SERVICE"))
	})
	return mux
}

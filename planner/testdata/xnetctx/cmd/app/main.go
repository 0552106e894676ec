package main

import (
	"flag"
	"log"
	"net/http"

	"golang.org/x/net/context"

	"example.com/xnetctx/store"
	"example.com/xnetctx/web"
)

// setup builds the store and migrates it, once, before serving.
func setup(ctx context.Context) *store.Store {
	s := store.New()
	if err := s.Migrate(ctx); err != nil {
		log.Fatal(err)
	}
	return s
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	h := web.New(setup(context.Background()))
	http.HandleFunc("/add", h.Add)
	http.HandleFunc("/list", h.List)
	log.Fatal(http.ListenAndServe(*addr, nil))
}

package main

import (
	"flag"
	"log"
	"net/http"

	"example.com/callbackmain/store"
	"example.com/callbackmain/web"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	s := store.New()
	s.OnPut = func(id string) { log.Printf("put %s", id) }
	log.Fatal(http.ListenAndServe(*addr, web.Routes(&web.API{S: s})))
}

package main

import (
	"flag"
	"log"
	"net/http"

	"example.com/cleanupclosure/web"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	h, cleanup := web.Setup()
	defer cleanup()
	log.Fatal(http.ListenAndServe(*addr, h))
}

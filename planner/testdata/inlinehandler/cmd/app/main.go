package main

import (
	"flag"
	"log"
	"net/http"

	"example.com/inlinehandler/web"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	log.Fatal(http.ListenAndServe(*addr, web.Setup()))
}

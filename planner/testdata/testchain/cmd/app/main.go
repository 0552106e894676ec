// Command app serves the accounts API.
package main

import (
	"flag"
	"log"
	"net/http"

	"example.com/testchain/api"
	"example.com/testchain/store"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	a := &api.API{Store: store.New()}
	log.Fatal(http.ListenAndServe(*addr, a.Routes()))
}

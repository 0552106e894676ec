// Command app serves the orders.
package main

import (
	"flag"
	"log"
	"net/http"

	"example.com/helperlib/admin"
	"example.com/helperlib/orders"
	"example.com/helperlib/web"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	book := orders.New()
	mux := http.NewServeMux()
	(&web.API{Book: book}).Routes(mux)
	(&admin.Office{Book: book}).Routes(mux)
	log.Fatal(http.ListenAndServe(*addr, mux))
}

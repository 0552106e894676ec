package main

import (
	"log"
	"net/http"

	"example.com/litreq/pricing"
	"example.com/litreq/web"
)

func main() {
	log.Fatal(http.ListenAndServe("127.0.0.1:8080", web.Routes(&web.API{Rates: pricing.NewTable()})))
}

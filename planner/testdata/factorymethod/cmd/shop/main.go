package main

import (
	"log"
	"net/http"

	"example.com/factorymethod/catalog"
	"example.com/factorymethod/web"
)

func main() {
	h := &web.Handler{Catalog: catalog.New()}
	log.Fatal(http.ListenAndServe(":8080", h.Routes()))
}

package main

import (
	"log"
	"net/http"

	"example.com/factoryiface/hub"
	"example.com/factoryiface/web"
)

func main() {
	s := &web.Server{Hub: hub.New()}
	log.Fatal(http.ListenAndServe(":8080", s.Routes()))
}

package main

import (
	"log"
	"net/http"

	"example.com/cfggetters/notes"
	"example.com/cfggetters/settings"
	"example.com/cfggetters/web"
)

func main() {
	var err error
	settings.Current, err = settings.Load()
	if err != nil {
		log.Fatal(err)
	}
	srv := &web.Server{Notes: notes.NewStore()}
	log.Fatal(http.ListenAndServe(":8080", srv.Routes()))
}

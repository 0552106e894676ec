package main

import (
	"database/sql"
	"log"
	"net/http"

	"example.com/localcopy/orders"
	"example.com/localcopy/sessions"
	"example.com/localcopy/web"
)

func main() {
	db, err := sql.Open("postgres", "postgres://localhost/shop")
	if err != nil {
		log.Fatal(err)
	}
	s := &web.Server{Sessions: sessions.NewStore(), Orders: orders.NewRepo(db)}
	log.Fatal(http.ListenAndServe(":8080", s.Routes()))
}

// Command app serves the users API.
package main

import (
	"flag"
	"log"
	"net/http"

	"example.com/pkglayout/pkg/api"
	"example.com/pkglayout/pkg/auth"
	"example.com/pkglayout/pkg/db"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	dsn := flag.String("db", "mem", "database")
	flag.Parse()
	d, err := db.Open(*dsn)
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	(&api.API{DB: d, Auth: auth.New(d)}).Routes(mux)
	log.Fatal(http.ListenAndServe(*addr, mux))
}

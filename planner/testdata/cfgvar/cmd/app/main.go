package main

import (
	"log"
	"net/http"
	"os"

	"example.com/cfgvar/api"
	"example.com/cfgvar/auth"
	"example.com/cfgvar/config"
	"example.com/cfgvar/db"
)

func main() {
	if err := config.Parse(os.Args[1:]); err != nil {
		log.Fatal(err)
	}
	d, err := db.Open(config.Opts.DSN)
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	(&api.API{DB: d, Auth: auth.New(d)}).Routes(mux)
	log.Fatal(http.ListenAndServe(config.Opts.Addr, mux))
}

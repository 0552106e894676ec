// Command shipping serves the booking, handling and tracking APIs.
package main

import (
	"flag"
	"log"
	"net/http"

	"example.com/kitship/booking"
	"example.com/kitship/handling"
	"example.com/kitship/inmem"
	"example.com/kitship/routing"
	"example.com/kitship/tracking"
)

func main() {
	addr := flag.String("http.addr", ":8080", "HTTP listen address")
	flag.Parse()

	cargos := inmem.NewCargoRepository()
	bs := booking.NewService(cargos, routing.NewService())
	hs := handling.NewService(cargos)
	ts := tracking.NewService(cargos)

	mux := http.NewServeMux()
	mux.Handle("/booking/v1/", booking.MakeHandler(bs))
	mux.Handle("/handling/v1/", handling.MakeHandler(hs))
	mux.Handle("/tracking/v1/", tracking.MakeHandler(ts))
	http.Handle("/", mux)

	log.Printf("listening on %s", *addr)
	log.Fatal(http.ListenAndServe(*addr, nil))
}

package main

import (
	"flag"
	"log"
	"net/http"

	orders "example.com/dup/orders/store"
	users "example.com/dup/users/store"
	"example.com/dup/web"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	a := &web.API{Users: users.New(), Orders: orders.New()}
	log.Fatal(http.ListenAndServe(*addr, web.Routes(a)))
}

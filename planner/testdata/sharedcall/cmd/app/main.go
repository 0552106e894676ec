package main

import (
	"context"
	"flag"
	"log"
	"net/http"

	"example.com/sharedcall/internal/counter"
	"example.com/sharedcall/internal/queue"
	"example.com/sharedcall/internal/web"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	c := counter.New()
	q := make(chan string, 16)
	go queue.Consume(context.Background(), q, c)
	mux := http.NewServeMux()
	(&web.API{C: c, Queue: q}).Register(mux)
	log.Fatal(http.ListenAndServe(*addr, mux))
}

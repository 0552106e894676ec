package main

import (
	"context"
	"flag"
	"log"
	"net/http"
	"os"
	"sync"

	"example.com/defergo/store"
	"example.com/defergo/web"
)

func setup(ctx context.Context) *store.Store {
	s := store.New()
	if err := s.Migrate(ctx); err != nil {
		log.Fatal(err)
	}
	return s
}

// check is a subcommand: it works on the store from a few goroutines.
func check(ctx context.Context) {
	s := setup(ctx)
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer func() { wg.Done() }()
			_ = s
		}()
	}
	wg.Wait()
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	ctx := context.Background()
	if len(os.Args) > 1 && os.Args[1] == "check" {
		check(ctx)
		return
	}
	h := web.New(setup(ctx))
	http.HandleFunc("/add", h.Add)
	http.HandleFunc("/list", h.List)
	log.Fatal(http.ListenAndServe(*addr, nil))
}

package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"sync"

	"example.com/mwnext/auth"
)

type App struct {
	mu   sync.Mutex
	hits map[string]int
	auth *auth.Auth
}

func (a *App) Hello(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	a.hits[r.URL.Path]++
	n := a.hits[r.URL.Path]
	a.mu.Unlock()
	fmt.Fprintf(w, "hello %d\n", n)
}

func (a *App) Login(w http.ResponseWriter, r *http.Request) {
	if err := a.auth.Add(r.Context(), r.URL.Query().Get("user"), r.URL.Query().Get("token")); err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	fmt.Fprintln(w, "ok")
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	a := &App{hits: map[string]int{}, auth: auth.New()}
	http.HandleFunc("/login", a.Login)
	http.HandleFunc("/hello", a.auth.Wrap(a.Hello))
	log.Fatal(http.ListenAndServe(*addr, nil))
}

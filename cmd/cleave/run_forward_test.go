package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cleave-go/cleave/rewriter"
)

// modfwd is a modular monolith: two modules, users and orders, each
// register their routes on main's one ServeMux and never call each other.
var modfwd = map[string]string{
	"go.mod": "module example.com/modfwd\n\ngo 1.22\n",
	"main.go": `package main

import (
	"flag"
	"io"
	"net/http"
	"os"

	"example.com/modfwd/orders"
	"example.com/modfwd/users"
)

func main() {
	addr := flag.String("addr", ":8080", "listen address")
	flag.Parse()
	mux := http.NewServeMux()
	users.Register(mux)
	orders.Register(mux)
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok from "+os.Getenv("CLEAVE_SERVICE"))
	})
	if err := http.ListenAndServe(*addr, mux); err != nil {
		panic(err)
	}
}
`,
	"users/users.go": `package users

import (
	"io"
	"net/http"
	"os"
)

// Register registers the users module's routes.
func Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /users/{id}", get)
}

func get(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Module", "users")
	io.WriteString(w, "user "+r.PathValue("id")+" from "+os.Getenv("CLEAVE_SERVICE"))
}
`,
	"users/users_test.go": `package users

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestGet(t *testing.T) {
	mux := http.NewServeMux()
	Register(mux)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/users/7", nil))
	if !strings.HasPrefix(rec.Body.String(), "user 7 from") {
		t.Errorf("GET /users/7 = %q", rec.Body.String())
	}
}
`,
	"orders/orders.go": `package orders

import (
	"io"
	"net/http"
	"os"
)

// Register registers the orders module's routes.
func Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /orders/{id}", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "order "+r.PathValue("id")+" from "+os.Getenv("CLEAVE_SERVICE"))
	})
}
`,
}

const modfwdPlan = `version: 1
module: example.com/modfwd
broker: nats
prefix: modfwd
services:
  - name: web
    packages:
      - example.com/modfwd
      - example.com/modfwd/orders
    edge: true
  - name: users
    packages:
      - example.com/modfwd/users
`

// TestRunForwardRoutes splits a modular monolith into the edge (main and
// orders) and users, and runs it: the edge forwards GET /users/7 to the
// users process, which answers with its own copy of the router, and serves
// /orders and /health itself. The monolith's own tests pass after apply.
func TestRunForwardRoutes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a split")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	mod := filepath.Join(t.TempDir(), "mod")
	writeFiles(t, mod, modfwd)
	out, _ := applyPlan(ctx, t, mod, modfwdPlan)

	// services.json lists the routes each service serves.
	data, err := os.ReadFile(filepath.Join(out, "cleavesvc", "services.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Services []struct {
			Name   string
			Routes []rewriter.RouteInfo
		}
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	routes := map[string]string{}
	for _, s := range doc.Services {
		for _, r := range s.Routes {
			routes[strings.TrimSpace(r.Method+" "+r.Route)] = s.Name
		}
	}
	if routes["GET /users/{id}"] != "users" && routes["GET GET /users/{id}"] != "users" {
		t.Errorf("services.json routes = %v; want GET /users/{id} in users\n%s", routes, data)
	}

	// The monolith's own tests still pass.
	goTestAll(ctx, t, out)

	addr := freeAddr(t)
	got := map[string]string{}
	var reqErr error
	o := runOptions{dir: out, args: []string{"-addr", addr}, firstAlone: true, readyTimeout: 2 * time.Minute, grace: 10 * time.Second}
	o.ready = func() {
		go func() {
			defer cancel()
			for _, path := range []string{"/users/7", "/orders/3", "/health"} {
				resp, err := http.Get("http://" + addr + path)
				if err != nil {
					reqErr = err
					return
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				got[path] = resp.Status + " " + string(b)
			}
		}()
	}
	var log lockedBuf
	if err := runSplit(ctx, o, &log); err != nil {
		t.Fatalf("runSplit: %v\n%s", err, log.String())
	}
	if reqErr != nil {
		t.Fatalf("request: %v\n%s", reqErr, log.String())
	}
	if !strings.Contains(log.String(), "HTTP GET /users/{id}") {
		t.Errorf("cleave run does not say users serves GET /users/{id}:\n%s", log.String())
	}
	for path, want := range map[string]string{
		"/users/7":  "200 OK user 7 from users",
		"/orders/3": "200 OK order 3 from web",
		"/health":   "200 OK ok from web",
	} {
		if got[path] != want {
			t.Errorf("GET %s = %q; want %q\n%s", path, got[path], want, log.String())
		}
	}
}

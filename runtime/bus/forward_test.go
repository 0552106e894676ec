package bus

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cleave-go/cleave/runtime/bus/bustest"
)

func TestForwardLookupRoute(t *testing.T) {
	SetRoutes([]Route{
		{Pattern: "/users/:id", Service: "users"},
		{Pattern: "/users/me", Service: "edge"},
		{Pattern: "/users/{id}/orders", Service: "orders"},
		{Method: "POST", Pattern: "/users/:id/orders", Service: "billing"},
		{Pattern: "/files/*rest", Service: "files"},
		{Pattern: "/files/{name}", Service: "names"},
		{Pattern: "/static/{path...}", Service: "static"},
		{Pattern: "GET /api/", Service: "api"},
		{Pattern: "/api/items/{id}", Service: "items"},
		{Pattern: "/exact/{$}", Service: "exact"},
		{Method: "GET,PUT", Pattern: "/multi", Service: "multi"},
		{Pattern: "/v1/albums/<id>", Service: "album"},
		{Pattern: "/v1/assets/<path:.*>", Service: "assets"},
	})
	defer SetRoutes(nil)
	for _, c := range []struct {
		method, path, want string // want "": no route
	}{
		{"GET", "/users/42", "users"},
		{"GET", "/users/me", "edge"},
		{"GET", "/users/", ""},
		{"GET", "/users", ""},
		{"GET", "/users/42/orders", "orders"},
		{"POST", "/users/42/orders", "billing"},
		{"GET", "/users/42/orders/7", ""},
		{"GET", "/files/a", "names"},
		{"GET", "/files/a/b", "files"},
		{"GET", "/files/", "files"},
		{"GET", "/static/css/x.css", "static"},
		{"GET", "/api/x/y", "api"},
		{"POST", "/api/x/y", ""},
		{"GET", "/api/items/3", "items"},
		{"GET", "/exact/", "exact"},
		{"GET", "/exact/x", ""},
		{"PUT", "/multi", "multi"},
		{"HEAD", "/multi", "multi"},
		{"DELETE", "/multi", ""},
		{"GET", "/health", ""},
		{"PUT", "/v1/albums/12", "album"},
		{"GET", "/v1/assets/img/a.png", "assets"},
	} {
		r, ok := LookupRoute(c.method, c.path)
		got := ""
		if ok {
			got = r.Service
		}
		if got != c.want {
			t.Errorf("LookupRoute(%s %s) = %q (%+v); want %q", c.method, c.path, got, r, c.want)
		}
	}
}

// TestForwardHTTP: two processes' buses on one broker; the edge's handler
// forwards /users/... to the users bus, whose own copy of the router
// serves it, and serves /health itself.
func TestForwardHTTP(t *testing.T) {
	srv := bustest.StartServer(t)
	SetRoutes([]Route{{Method: "GET", Pattern: "/users/{id}", Service: "users"}, {Pattern: "/users/:id", Service: "users"}, {Pattern: "/health", Service: "edge"}})
	defer SetRoutes(nil)
	edge := open(t, NATS, Config{Service: "edge", URLs: []string{srv.URL()}})
	users := open(t, NATS, Config{Service: "users", URLs: []string{srv.URL()}})
	router := func(process string) http.Handler {
		mux := http.NewServeMux()
		mux.HandleFunc("/users/", func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			w.Header().Set("X-Process", process)
			if _, ok := r.Context().Deadline(); !ok {
				w.Header().Set("X-No-Deadline", "1")
			}
			w.WriteHeader(http.StatusCreated)
			io.WriteString(w, process+" "+r.Method+" "+r.URL.RequestURI()+" "+r.Header.Get("X-Token")+" "+string(body))
		})
		mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok "+process) })
		return mux
	}
	must(t, ServeRoutes(users, router("users")))
	must(t, users.Ready())
	front := httptest.NewServer(ForwardHandler(edge, router("edge")))
	defer front.Close()

	do := func(method, path, body string) (*http.Response, string) {
		t.Helper()
		req, err := http.NewRequest(method, front.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Token", "tok")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	resp, body := do("POST", "/users/42?x=1", "hello")
	if want := "users POST /users/42?x=1 tok hello"; resp.StatusCode != http.StatusCreated || body != want {
		t.Errorf("POST /users/42 = %d %q; want 201 %q", resp.StatusCode, body, want)
	}
	if resp.Header.Get("X-Process") != "users" {
		t.Errorf("X-Process = %q; want users", resp.Header.Get("X-Process"))
	}
	if resp.Header.Get("X-No-Deadline") != "" {
		t.Errorf("the users handler's context has no deadline")
	}
	if _, body := do("GET", "/health", ""); body != "ok edge" {
		t.Errorf("GET /health = %q; want ok edge", body)
	}
	// Not in the table: served where it arrives.
	if _, body := do("GET", "/users/", ""); !strings.HasPrefix(body, "edge ") {
		t.Errorf("GET /users/ = %q; want the edge's", body)
	}
	// A websocket upgrade stays in the edge.
	req, _ := http.NewRequest("GET", front.URL+"/users/7", nil)
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Upgrade", "websocket")
	if resp, err := http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	} else {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.HasPrefix(string(b), "edge ") {
			t.Errorf("upgrade GET /users/7 = %q; want the edge's", b)
		}
	}

	// The owner gone: 502 naming it.
	must(t, users.Close())
	resp, body = do("GET", "/users/42", "")
	if resp.StatusCode != http.StatusBadGateway || !strings.Contains(body, "users service") {
		t.Errorf("GET /users/42 with no users process = %d %q; want 502 naming the users service", resp.StatusCode, body)
	}
}

// TestForwardServeServer: the serving functions serve the Default bus's
// service's routes and wrap the handler once SetRoutes was called.
func TestForwardServeServer(t *testing.T) {
	srv := bustest.StartServer(t)
	SetRoutes([]Route{{Pattern: "/users/:id", Service: "users"}})
	defer SetRoutes(nil)
	users := open(t, NATS, Config{Service: "users", URLs: []string{srv.URL()}})
	edge := open(t, NATS, Config{Service: "edge", URLs: []string{srv.URL()}})
	old := Default()
	SetDefault(users)
	defer SetDefault(old)
	mux := http.NewServeMux()
	mux.HandleFunc("/users/", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "users") })
	hs := &http.Server{Handler: mux}
	prepareServer(hs, true)
	if _, ok := hs.Handler.(*forwarder); !ok {
		t.Fatalf("handler = %T; want the forwarder", hs.Handler)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := Call[HTTPRequest, HTTPResponse](ctx, edge, edge.HTTPSubject("users"), &HTTPRequest{Method: "GET", URL: "/users/1"})
	if err != nil || resp.Status != http.StatusOK || string(resp.Body) != "users" {
		t.Fatalf("forwarded GET /users/1 = %+v, %v; want 200 users", resp, err)
	}
}

// TestForwardLocal: under local (one process serves everything) nothing
// is forwarded.
func TestForwardLocal(t *testing.T) {
	SetRoutes([]Route{{Pattern: "/users/:id", Service: "users"}})
	defer SetRoutes(nil)
	b := open(t, Local, Config{Service: "edge"})
	h := ForwardHandler(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "here") }))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/users/1", nil))
	if rec.Code != http.StatusOK || rec.Body.String() != "here" {
		t.Errorf("GET /users/1 under local = %d %q; want 200 here", rec.Code, rec.Body.String())
	}
}

package analyzer

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

func TestJoinRoute(t *testing.T) {
	for _, tc := range []struct {
		pkg, prefix, path, want string
	}{
		{"github.com/gin-gonic/gin", "", "/users", "/users"},
		{"github.com/gin-gonic/gin", "/api", "/users", "/api/users"},
		{"github.com/gin-gonic/gin", "/api/users", "/", "/api/users/"},
		{"github.com/gin-gonic/gin", "/api/", "/users", "/api/users"},
		{"github.com/gin-gonic/gin", "", "current/user", "/current/user"},
		{"github.com/gin-gonic/gin", "/user", "", "/user"},
		{"github.com/go-chi/chi", "/orders", "/", "/orders"},
		{"github.com/go-chi/chi", "/orders", "/{id}", "/orders/{id}"},
		{"github.com/go-ozzo/ozzo-routing", "/v1", "", "/v1"},
	} {
		if got := joinRoute(tc.pkg, tc.prefix, tc.path); got != tc.want {
			t.Errorf("joinRoute(%q, %q, %q) = %q; want %q", tc.pkg, tc.prefix, tc.path, got, tc.want)
		}
	}
}

// TestRouteEntries checks what http entries say beyond their route: a
// route's handler is the handler its router runs last (first for echo),
// the handlers registered beside it are its middleware, not entries of
// their own; a route whose router's prefix is unknown is marked.
func TestRouteEntries(t *testing.T) {
	for _, tc := range []struct {
		fixture    string
		middleware []string // "METHOD ROUTE FUNC <- MIDDLEWARE, ..." for routes with middleware
		unknown    []string // "METHOD ROUTE FUNC" for routes whose prefix is unknown
	}{
		{"ginmiddleware", []string{
			"GET /message (*example.com/fx/notify/api.MessageAPI).GetMessages <- (*example.com/fx/notify/auth.Auth).RequireClient",
			"POST /message (*example.com/fx/notify/api.MessageAPI).CreateMessage <- (*example.com/fx/notify/auth.Auth).RequireClient",
			"DELETE /api/message/:id (*example.com/fx/notify/api.MessageAPI).DeleteMessage <- (*example.com/fx/notify/auth.Auth).RequireAdmin",
		}, nil},
		{"gin", []string{
			"POST /api/articles (*example.com/fx/ginblog/articles.Handler).create <- example.com/fx/ginblog/auth.Required",
			"DELETE /api/articles/:slug (*example.com/fx/ginblog/articles.Handler).remove <- example.com/fx/ginblog/auth.Required",
		}, nil},
		{"ginmodules", []string{
			"POST /api/students (*example.com/fx/school/students.Module).enrol <- example.com/fx/school/platform.RequireRole",
			"POST /api/grades/:student example.com/fx/school/grades.addGrade <- example.com/fx/school/platform.RequireRole",
		}, []string{
			"GET /status example.com/fx/school/legacy.status",
		}},
		{"chimodules", nil, nil},
		{"fiberv3", []string{
			"POST /api/books (*example.com/fx/books/books.Handler).create <- example.com/fx/books/books.requireKey",
		}, nil},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			t.Parallel()
			dir, _ := extract(t, "testdata/"+tc.fixture+".txtar")
			g, err := Load(context.Background(), dir, nil, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var middleware, unknown []string
			handlers := map[string]bool{}
			for _, e := range g.Entries {
				if e.Kind != EntryHTTP {
					continue
				}
				handlers[e.Func] = true
				if len(e.Middleware) > 0 {
					middleware = append(middleware, fmt.Sprintf("%s %s %s <- %s", e.Method, e.Route, e.Func, strings.Join(e.Middleware, ", ")))
				}
				if e.PrefixUnknown {
					unknown = append(unknown, fmt.Sprintf("%s %s %s", e.Method, e.Route, e.Func))
				}
			}
			compare(t, "routes with middleware", middleware, tc.middleware)
			compare(t, "routes whose prefix is unknown", unknown, tc.unknown)
			for _, e := range g.Entries {
				for _, mw := range e.Middleware {
					if handlers[mw] {
						t.Errorf("middleware %s is the handler of an http entry", mw)
					}
				}
			}
		})
	}
}

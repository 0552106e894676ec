package analyzer

import "testing"

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

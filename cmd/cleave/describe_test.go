package main

import (
	"testing"

	"github.com/cleave-go/cleave/internal/launch"
)

// TestDescribe: cleave run's line per service says what it serves: its
// subjects, the HTTP routes and the gRPC methods the edge forwards to it.
func TestDescribe(t *testing.T) {
	for _, tc := range []struct {
		s    launch.ManifestService
		want string
	}{
		{launch.ManifestService{Edge: true}, "edge"},
		{launch.ManifestService{}, "no subjects"},
		{launch.ManifestService{Serves: []string{"a.b.C"}, Routes: []launch.ManifestRoute{{Method: "GET", Route: "/users/{id}"}, {Route: "/users"}}},
			"serves a.b.C; HTTP GET /users/{id}, ... (2 routes)"},
		{launch.ManifestService{GRPC: []string{"/echo.Echo/Say", "/echo.Echo/Shout"}}, "gRPC /echo.Echo/Say, ... (2 methods)"},
	} {
		if got := describe(tc.s, nil); got != tc.want {
			t.Errorf("describe(%+v) = %q; want %q", tc.s, got, tc.want)
		}
	}
}

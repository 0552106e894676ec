// Package hats implements the hats.v1.Haberdasher twirp service.
package hats

import (
	"context"
	"net/http"
	"os"

	"github.com/twitchtv/twirp"

	hatsv1 "example.com/connectfwd/gen/hats/v1"
)

// Shop makes hats.
type Shop struct{}

// MakeHat makes a hat of the size asked for.
func (s *Shop) MakeHat(ctx context.Context, size *hatsv1.Size) (*hatsv1.Hat, error) {
	if size.GetInches() <= 0 {
		return nil, twirp.InvalidArgumentError("inches", "must be positive")
	}
	return &hatsv1.Hat{Inches: size.GetInches(), Color: "blue from " + os.Getenv("CLEAVE_SERVICE")}, nil
}

// Register serves the haberdasher on mux.
func Register(mux *http.ServeMux) {
	server := hatsv1.NewHaberdasherServer(&Shop{})
	mux.Handle(server.PathPrefix(), server)
}

// Package routing finds itineraries through the shipping network.
package routing

import (
	"errors"
	"sync"
)

// ErrNoRoute is returned when no itinerary joins two places.
var ErrNoRoute = errors.New("no route")

// Service finds routes.
type Service struct {
	mu   sync.Mutex
	legs map[string][]string // place → places one voyage away
	asks int
}

// NewService makes a routing service over the network's voyages.
func NewService() *Service {
	return &Service{legs: map[string][]string{
		"SESTO": {"CNHKG", "DEHAM"},
		"CNHKG": {"USNYC", "AUMEL"},
		"DEHAM": {"USNYC"},
	}}
}

// FetchRoutes returns the itineraries from origin to destination, at most
// two voyages long.
func (s *Service) FetchRoutes(origin, destination string) ([][]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.asks++
	var routes [][]string
	for _, a := range s.legs[origin] {
		if a == destination {
			routes = append(routes, []string{origin, destination})
		}
		for _, b := range s.legs[a] {
			if b == destination {
				routes = append(routes, []string{origin, a, destination})
			}
		}
	}
	if len(routes) == 0 {
		return nil, ErrNoRoute
	}
	return routes, nil
}

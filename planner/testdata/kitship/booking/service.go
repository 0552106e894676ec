// Package booking books cargos and routes them.
package booking

import (
	"errors"
	"fmt"

	"example.com/kitship/cargo"
	"example.com/kitship/routing"
)

// ErrInvalidArgument is returned for a request that misses a field.
var ErrInvalidArgument = errors.New("invalid argument")

// Service is the booking use case.
type Service interface {
	BookNewCargo(origin, destination string) (cargo.TrackingID, error)
	LoadCargo(id cargo.TrackingID) (Cargo, error)
	AssignCargoToRoute(id cargo.TrackingID, itinerary []string) error
	RequestPossibleRoutes(id cargo.TrackingID) ([][]string, error)
	Cargos() []Cargo
}

// Cargo is the read model of a cargo.
type Cargo struct {
	TrackingID  string   `json:"tracking_id"`
	Origin      string   `json:"origin"`
	Destination string   `json:"destination"`
	Legs        []string `json:"legs,omitempty"`
	Routed      bool     `json:"routed"`
}

type service struct {
	cargos cargo.Repository
	routes *routing.Service
	next   int
}

// NewService makes a booking service.
func NewService(cargos cargo.Repository, routes *routing.Service) Service {
	return &service{cargos: cargos, routes: routes}
}

func (s *service) BookNewCargo(origin, destination string) (cargo.TrackingID, error) {
	if origin == "" || destination == "" {
		return "", ErrInvalidArgument
	}
	s.next++
	c := &cargo.Cargo{TrackingID: cargo.TrackingID(fmt.Sprintf("C%03d", s.next)), Origin: origin, Destination: destination}
	if err := s.cargos.Store(c); err != nil {
		return "", err
	}
	return c.TrackingID, nil
}

func (s *service) LoadCargo(id cargo.TrackingID) (Cargo, error) {
	c, err := s.cargos.Find(id)
	if err != nil {
		return Cargo{}, err
	}
	return assemble(c), nil
}

func (s *service) AssignCargoToRoute(id cargo.TrackingID, itinerary []string) error {
	c, err := s.cargos.Find(id)
	if err != nil {
		return err
	}
	c.AssignToRoute(itinerary)
	return s.cargos.Store(c)
}

func (s *service) RequestPossibleRoutes(id cargo.TrackingID) ([][]string, error) {
	c, err := s.cargos.Find(id)
	if err != nil {
		return nil, err
	}
	return s.routes.FetchRoutes(c.Origin, c.Destination)
}

func (s *service) Cargos() []Cargo {
	var out []Cargo
	for _, c := range s.cargos.FindAll() {
		out = append(out, assemble(c))
	}
	return out
}

func assemble(c *cargo.Cargo) Cargo {
	return Cargo{TrackingID: string(c.TrackingID), Origin: c.Origin, Destination: c.Destination, Legs: c.Itinerary, Routed: len(c.Itinerary) > 0}
}

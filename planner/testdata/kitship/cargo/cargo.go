// Package cargo is the domain model: the cargo entity and its repository.
package cargo

import "errors"

// ErrUnknown is returned for a cargo that is not stored.
var ErrUnknown = errors.New("unknown cargo")

// TrackingID names a cargo.
type TrackingID string

// Cargo is the entity.
type Cargo struct {
	TrackingID  TrackingID
	Origin      string
	Destination string
	Itinerary   []string
	Events      []string
}

// AssignToRoute attaches an itinerary to the cargo.
func (c *Cargo) AssignToRoute(itinerary []string) { c.Itinerary = itinerary }

// Handled records a handling event.
func (c *Cargo) Handled(event string) { c.Events = append(c.Events, event) }

// Repository stores cargos.
type Repository interface {
	Store(c *Cargo) error
	Find(id TrackingID) (*Cargo, error)
	FindAll() []*Cargo
}

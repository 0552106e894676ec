// Package handling registers what happens to a cargo on its way.
package handling

import (
	"errors"
	"time"

	"example.com/kitship/cargo"
)

// ErrInvalidArgument is returned for a request that misses a field.
var ErrInvalidArgument = errors.New("invalid argument")

// Service registers handling events.
type Service interface {
	RegisterHandlingEvent(completed time.Time, id cargo.TrackingID, event string) error
}

type service struct {
	cargos cargo.Repository
}

// NewService makes a handling service.
func NewService(cargos cargo.Repository) Service { return &service{cargos: cargos} }

func (s *service) RegisterHandlingEvent(completed time.Time, id cargo.TrackingID, event string) error {
	if completed.IsZero() || id == "" || event == "" {
		return ErrInvalidArgument
	}
	c, err := s.cargos.Find(id)
	if err != nil {
		return err
	}
	c.Handled(completed.Format(time.DateOnly) + " " + event)
	return s.cargos.Store(c)
}

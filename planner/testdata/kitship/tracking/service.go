// Package tracking tells where a cargo is.
package tracking

import "example.com/kitship/cargo"

// Service tracks cargos.
type Service interface {
	Track(id string) (Cargo, error)
}

// Cargo is the tracking read model.
type Cargo struct {
	TrackingID string   `json:"tracking_id"`
	Status     string   `json:"status"`
	Events     []string `json:"events"`
}

type service struct{ cargos cargo.Repository }

// NewService makes a tracking service.
func NewService(cargos cargo.Repository) Service { return &service{cargos: cargos} }

func (s *service) Track(id string) (Cargo, error) {
	c, err := s.cargos.Find(cargo.TrackingID(id))
	if err != nil {
		return Cargo{}, err
	}
	status := "not received"
	if n := len(c.Events); n > 0 {
		status = c.Events[n-1]
	}
	return Cargo{TrackingID: string(c.TrackingID), Status: status, Events: c.Events}, nil
}

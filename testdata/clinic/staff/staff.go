// Package staff is the clinic's roster: who works here, in which role, on
// which days, and the weekly rota built from it.
package staff

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"example.com/clinic/internal/config"
	"example.com/clinic/internal/store"
)

// Role is what a member of staff may do.
type Role string

// Roles.
const (
	Vet       Role = "vet"
	Nurse     Role = "nurse"
	Reception Role = "reception"
)

// Errors a caller can test for with errors.Is.
var (
	ErrNotFound = errors.New("no such member of staff")
	ErrNotVet   = errors.New("not a veterinarian")
	// ErrNoCover is reported for an open day with nobody in a role the
	// clinic cannot open without.
	ErrNoCover = errors.New("no cover")
)

// Member is one member of staff.
type Member struct {
	ID   string   `json:"id"`
	Name string   `json:"name"`
	Role Role     `json:"role"`
	Days []string `json:"days"` // "Mon" … "Sun"
	// Leave lists days off, YYYY-MM-DD.
	Leave []string `json:"leave,omitempty"`
}

// WorksOn reports whether m is at work on day.
func (m Member) WorksOn(day time.Time) bool {
	if !slices.Contains(m.Days, day.Weekday().String()[:3]) {
		return false
	}
	return !slices.Contains(m.Leave, day.Format(time.DateOnly))
}

var roster = store.NewTable[string, Member]()

// Load replaces the roster with the members listed in a JSON file.
func Load(path string) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("load staff: %w", err)
	}
	var members []Member
	if err := json.Unmarshal(data, &members); err != nil {
		return 0, fmt.Errorf("load staff %s: %w", path, err)
	}
	roster.Reset()
	for _, m := range members {
		if err := Add(m); err != nil {
			return 0, fmt.Errorf("load staff %s: %w", path, err)
		}
	}
	return len(members), nil
}

// Add puts m on the roster.
func Add(m Member) error {
	switch m.Role {
	case Vet, Nurse, Reception:
	default:
		return fmt.Errorf("member %s: unknown role %q", m.ID, m.Role)
	}
	for _, d := range m.Days {
		if _, ok := config.Weekday(d); !ok {
			return fmt.Errorf("member %s: unknown day %q", m.ID, d)
		}
	}
	if !roster.Insert(m.ID, m) {
		return fmt.Errorf("member %s: already on the roster", m.ID)
	}
	return nil
}

// Get returns a member of staff.
func Get(id string) (Member, error) {
	m, ok := roster.Get(id)
	if !ok {
		return m, fmt.Errorf("staff %s: %w", id, ErrNotFound)
	}
	return m, nil
}

// Name returns a member's name, or the ID itself for someone who has left.
func Name(id string) string {
	if m, ok := roster.Get(id); ok {
		return m.Name
	}
	return id
}

// RequireVet returns the member if they are a veterinarian.
func RequireVet(id string) (Member, error) {
	m, err := Get(id)
	if err != nil {
		return m, err
	}
	if m.Role != Vet {
		return m, fmt.Errorf("staff %s (%s, %s): %w", id, m.Name, m.Role, ErrNotVet)
	}
	return m, nil
}

// OnDuty returns the members in role at work on day, in ID order.
func OnDuty(day time.Time, role Role) []Member {
	return roster.Select(func(m Member) bool { return m.Role == role && m.WorksOn(day) })
}

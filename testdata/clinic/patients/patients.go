// Package patients is the clinic's register of animals and their owners.
//
// The register is a package singleton, Default, as most of the clinic asks
// "who is patient P-0042 and whom do we call about it" without carrying a
// registry around; the package-level functions act on it.
package patients

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"example.com/clinic/internal/audit"
	"example.com/clinic/internal/events"
	"example.com/clinic/internal/store"
)

// Errors a caller can test for with errors.Is.
var (
	ErrNotFound  = errors.New("patient not found")
	ErrDuplicate = errors.New("patient already registered")
	// ErrInactive is returned for a patient that has died: no appointment,
	// prescription or reminder may be made for it.
	ErrInactive = errors.New("patient is deceased")
	ErrInvalid  = errors.New("invalid patient record")
)

// Owner is the person responsible for (and paying for) a patient.
type Owner struct {
	ID    string
	Name  string
	Email string
	Phone string
}

// Contact is where reminders for the owner go: e-mail when known, else the
// phone number for a text message.
func (o Owner) Contact() string {
	if o.Email != "" {
		return o.Email
	}
	return o.Phone
}

// Patient is one animal.
type Patient struct {
	ID      string
	Name    string
	Species string
	Breed   string
	Born    time.Time
	// Microchip is the 15-digit ISO 11784 transponder code, when chipped.
	Microchip       string
	Owner           Owner
	LastVaccination time.Time
	Deceased        time.Time
}

// Active reports whether the patient is alive on the clinic's books.
func (p Patient) Active() bool { return p.Deceased.IsZero() }

// Validate checks the fields a record cannot do without.
func (p Patient) Validate() error {
	var missing []string
	if p.ID == "" {
		missing = append(missing, "id")
	}
	if p.Name == "" {
		missing = append(missing, "name")
	}
	if p.Species == "" {
		missing = append(missing, "species")
	}
	if p.Owner.ID == "" || p.Owner.Name == "" {
		missing = append(missing, "owner")
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: missing %s", ErrInvalid, strings.Join(missing, ", "))
	}
	if p.Owner.Email == "" && p.Owner.Phone == "" {
		return fmt.Errorf("%w: owner %s has neither e-mail nor phone", ErrInvalid, p.Owner.ID)
	}
	if p.Owner.Email != "" && !strings.Contains(p.Owner.Email, "@") {
		return fmt.Errorf("%w: owner e-mail %q", ErrInvalid, p.Owner.Email)
	}
	if p.Microchip != "" && !validChip(p.Microchip) {
		return fmt.Errorf("%w: microchip %q is not 15 digits", ErrInvalid, p.Microchip)
	}
	return nil
}

func validChip(s string) bool {
	if len(s) != 15 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Registry is a register of patients.
type Registry struct {
	patients *store.Table[string, Patient]
	chips    *store.Table[string, string] // microchip → patient ID
}

// NewRegistry returns an empty register.
func NewRegistry() *Registry {
	return &Registry{
		patients: store.NewTable[string, Patient](),
		chips:    store.NewTable[string, string](),
	}
}

// Default is the clinic's register.
var Default = NewRegistry()

// Add registers p.
func (r *Registry) Add(p Patient) error {
	if err := p.Validate(); err != nil {
		return fmt.Errorf("add patient %s: %w", p.ID, err)
	}
	if p.Microchip != "" {
		if other, ok := r.chips.Get(p.Microchip); ok {
			return fmt.Errorf("add patient %s: microchip %s belongs to %s: %w", p.ID, p.Microchip, other, ErrDuplicate)
		}
	}
	if !r.patients.Insert(p.ID, p) {
		return fmt.Errorf("add patient %s: %w", p.ID, ErrDuplicate)
	}
	if p.Microchip != "" {
		r.chips.Put(p.Microchip, p.ID)
	}
	events.Publish(events.Event{Kind: events.PatientRegistered, PatientID: p.ID, Note: p.Name})
	return nil
}

// Get returns the patient with the given ID, alive or not.
func (r *Registry) Get(id string) (Patient, error) {
	p, ok := r.patients.Get(id)
	if !ok {
		return Patient{}, fmt.Errorf("patient %s: %w", id, ErrNotFound)
	}
	return p, nil
}

// Active returns the patient if it is alive, ErrInactive if not.
func (r *Registry) Active(id string) (Patient, error) {
	p, err := r.Get(id)
	if err != nil {
		return p, err
	}
	if !p.Active() {
		return p, fmt.Errorf("patient %s (%s): %w", id, p.Name, ErrInactive)
	}
	return p, nil
}

// All returns every patient in ID order.
func (r *Registry) All() []Patient { return r.patients.Select(nil) }

// ByOwner returns the owner's patients in ID order.
func (r *Registry) ByOwner(ownerID string) []Patient {
	return r.patients.Select(func(p Patient) bool { return p.Owner.ID == ownerID })
}

// RecordVaccination notes that the patient was vaccinated on day.
func (r *Registry) RecordVaccination(id string, day time.Time) error {
	err := r.patients.Update(id, func(p *Patient) error {
		if day.After(p.LastVaccination) {
			p.LastVaccination = day
		}
		return nil
	})
	if errors.Is(err, store.ErrNoRow) {
		return fmt.Errorf("patient %s: %w", id, ErrNotFound)
	}
	return err
}

// MarkDeceased closes the patient's record as of day.
func (r *Registry) MarkDeceased(id string, day time.Time, by string) error {
	err := r.patients.Update(id, func(p *Patient) error {
		if !p.Active() {
			return fmt.Errorf("patient %s: %w", id, ErrInactive)
		}
		p.Deceased = day
		return nil
	})
	if errors.Is(err, store.ErrNoRow) {
		return fmt.Errorf("patient %s: %w", id, ErrNotFound)
	}
	if err == nil {
		audit.Record(by, "patient.deceased", "patient", id, "day", day.Format(time.DateOnly))
	}
	return err
}

// Reset empties the register.
func (r *Registry) Reset() {
	r.patients.Reset()
	r.chips.Reset()
}

// Add registers p in Default.
func Add(p Patient) error { return Default.Add(p) }

// Get returns a patient from Default.
func Get(id string) (Patient, error) { return Default.Get(id) }

// Active returns a living patient from Default.
func Active(id string) (Patient, error) { return Default.Active(id) }

// OwnerOf returns the owner of a patient in Default.
func OwnerOf(id string) (Owner, error) {
	p, err := Default.Get(id)
	return p.Owner, err
}

// All returns every patient in Default.
func All() []Patient { return Default.All() }

// ByOwner returns an owner's patients in Default.
func ByOwner(ownerID string) []Patient { return Default.ByOwner(ownerID) }

// RecordVaccination records a vaccination in Default.
func RecordVaccination(id string, day time.Time) error { return Default.RecordVaccination(id, day) }

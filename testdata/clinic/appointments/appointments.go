// Package appointments is the clinic's book: booking, cancelling and
// completing visits, the scheduler that places a batch of requests on the
// grid, and the visit charges it reports to billing.
package appointments

import (
	"errors"
	"fmt"
	"time"

	"example.com/clinic/billing"
	"example.com/clinic/internal/audit"
	"example.com/clinic/internal/clock"
	"example.com/clinic/internal/config"
	"example.com/clinic/internal/events"
	"example.com/clinic/internal/store"
	"example.com/clinic/patients"
	"example.com/clinic/staff"
)

// Kind is the type of visit; it sets the length and the fee.
type Kind string

// Kinds of visit.
const (
	Checkup     Kind = "checkup"
	Vaccination Kind = "vaccination"
	Dental      Kind = "dental"
	Surgery     Kind = "surgery"
)

var minutes = map[Kind]int{Checkup: 15, Vaccination: 15, Dental: 45, Surgery: 90}

// Duration is how long a visit of kind k takes.
func Duration(k Kind) (time.Duration, error) {
	m, ok := minutes[k]
	if !ok {
		return 0, fmt.Errorf("%w %q", ErrUnknownKind, k)
	}
	return time.Duration(m) * time.Minute, nil
}

// Status is where an appointment stands.
type Status string

// Statuses.
const (
	Scheduled Status = "scheduled"
	Completed Status = "completed"
	Cancelled Status = "cancelled"
	NoShow    Status = "no-show"
)

// Appointment is one visit in the book.
type Appointment struct {
	ID        string
	PatientID string
	VetID     string
	Kind      Kind
	Start     time.Time
	End       time.Time
	Status    Status
}

// Errors a caller can test for with errors.Is.
var (
	ErrNotFound    = errors.New("appointment not found")
	ErrUnknownKind = errors.New("unknown kind of visit")
	ErrSlotTaken   = errors.New("slot taken")
	ErrClosed      = errors.New("clinic closed")
	ErrOffGrid     = errors.New("not on the booking grid")
	ErrPast        = errors.New("time has passed")
	ErrOffDuty     = errors.New("vet not on duty")
	ErrStatus      = errors.New("wrong status")
)

var (
	book = store.NewTable[string, Appointment]()
	ids  = store.NewSeq("A")
)

func init() {
	billing.RegisterSource("visits", charges)
}

// Book puts a visit in the book, for a living patient, with a vet on duty,
// within opening hours, on the booking grid, in the future, clashing with
// neither the vet's nor the patient's other visits.
func Book(patientID, vetID string, kind Kind, start time.Time, by string) (Appointment, error) {
	a, err := check(patientID, vetID, kind, start)
	if err != nil {
		return a, fmt.Errorf("book %s for %s: %w", kind, patientID, err)
	}
	if !start.After(clock.Now()) {
		return a, fmt.Errorf("book %s for %s at %s: %w", kind, patientID, start.Format(clock.MinuteLayout), ErrPast)
	}
	a.ID = ids.Next()
	a.Status = Scheduled
	book.Put(a.ID, a)
	audit.Record(by, "appointment.booked", "id", a.ID, "patient", patientID, "vet", vetID, "start", start.Format(time.RFC3339))
	events.Publish(events.Event{
		Kind:      events.AppointmentBooked,
		PatientID: patientID,
		Ref:       a.ID,
		When:      a.Start,
		Note:      fmt.Sprintf("%s with %s", kind, staff.Name(vetID)),
	})
	return a, nil
}

// check validates a visit against the book without writing it.
func check(patientID, vetID string, kind Kind, start time.Time) (Appointment, error) {
	a := Appointment{PatientID: patientID, VetID: vetID, Kind: kind, Start: start}
	d, err := Duration(kind)
	if err != nil {
		return a, err
	}
	a.End = start.Add(d)
	if _, err := patients.Active(patientID); err != nil {
		return a, err
	}
	vet, err := staff.RequireVet(vetID)
	if err != nil {
		return a, err
	}
	cfg := config.Current
	open, closing := cfg.Hours(start)
	if !cfg.IsOpenOn(start) || start.Before(open) || a.End.After(closing) {
		return a, fmt.Errorf("%s: %w", start.Format("Mon 15:04"), ErrClosed)
	}
	if start.Sub(open)%(time.Duration(cfg.SlotMinutes)*time.Minute) != 0 {
		return a, fmt.Errorf("%s, %d-minute slots: %w", start.Format("15:04"), cfg.SlotMinutes, ErrOffGrid)
	}
	if !vet.WorksOn(start) {
		return a, fmt.Errorf("%s on %s: %w", vet.Name, start.Format(time.DateOnly), ErrOffDuty)
	}
	clash := book.Select(func(b Appointment) bool {
		return b.Status == Scheduled && (b.VetID == vetID || b.PatientID == patientID) &&
			b.Start.Before(a.End) && start.Before(b.End)
	})
	if len(clash) > 0 {
		return a, fmt.Errorf("%s clashes with %s: %w", start.Format(clock.MinuteLayout), clash[0].ID, ErrSlotTaken)
	}
	return a, nil
}

// Get returns an appointment.
func Get(id string) (Appointment, error) {
	a, ok := book.Get(id)
	if !ok {
		return a, fmt.Errorf("appointment %s: %w", id, ErrNotFound)
	}
	return a, nil
}

// Cancel takes a scheduled visit out of the book.
func Cancel(id, reason, by string) error {
	a, err := setStatus(id, Cancelled)
	if err != nil {
		return err
	}
	audit.Record(by, "appointment.cancelled", "id", id, "reason", fmt.Sprintf("%q", reason))
	events.Publish(events.Event{Kind: events.AppointmentCancelled, PatientID: a.PatientID, Ref: id, When: a.Start, Note: reason})
	return nil
}

// Complete closes a visit that took place. A completed vaccination is
// written to the patient's record.
func Complete(id, by string) error {
	a, err := setStatus(id, Completed)
	if err != nil {
		return err
	}
	if a.Kind == Vaccination {
		if err := patients.RecordVaccination(a.PatientID, clock.Day(a.Start)); err != nil {
			return fmt.Errorf("complete %s: %w", id, err)
		}
	}
	audit.Record(by, "appointment.completed", "id", id)
	events.Publish(events.Event{Kind: events.AppointmentCompleted, PatientID: a.PatientID, Ref: id, When: a.Start})
	return nil
}

func setStatus(id string, to Status) (Appointment, error) {
	var a Appointment
	err := book.Update(id, func(b *Appointment) error {
		if b.Status != Scheduled {
			return fmt.Errorf("appointment %s is %s: %w", id, b.Status, ErrStatus)
		}
		b.Status = to
		a = *b
		return nil
	})
	if errors.Is(err, store.ErrNoRow) {
		return a, fmt.Errorf("appointment %s: %w", id, ErrNotFound)
	}
	return a, err
}

// Between returns the appointments starting from first up to the end of
// last's day, in start order.
func Between(first, last time.Time) []Appointment {
	end := clock.Day(last).AddDate(0, 0, 1)
	as := book.Select(func(a Appointment) bool { return !a.Start.Before(first) && a.Start.Before(end) })
	sortByStart(as)
	return as
}

// charges is the billing source for visits: completed visits at their
// fee, no-shows at the no-show fee.
func charges(first, last time.Time) ([]billing.Line, error) {
	fees := config.Current.Fees
	var lines []billing.Line
	for _, a := range Between(first, last) {
		var fee, desc string
		switch a.Status {
		case Completed:
			fee, desc = string(a.Kind), string(a.Kind)
		case NoShow:
			fee, desc = "no_show", "missed "+string(a.Kind)
		default:
			continue
		}
		unit, ok := fees[fee]
		if !ok {
			return nil, fmt.Errorf("appointment %s: no fee for %q", a.ID, fee)
		}
		lines = append(lines, billing.Line{
			PatientID: a.PatientID, Date: clock.Day(a.Start), Description: desc, Qty: 1, Unit: unit,
		})
	}
	return lines, nil
}

// Package reminders decides which owners to remind of what, and when:
// the day before an appointment, before a prescription runs out, and when
// a yearly vaccination comes due.
//
// Appointment and refill reminders are queued as the rest of the clinic
// announces bookings and prescriptions (the package subscribes in init);
// vaccination reminders are worked out from the register on the day.
package reminders

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"example.com/clinic/internal/audit"
	"example.com/clinic/internal/clock"
	"example.com/clinic/internal/config"
	"example.com/clinic/internal/events"
	"example.com/clinic/notify"
	"example.com/clinic/patients"
)

// Kind is what a reminder is about.
type Kind string

// Kinds of reminder.
const (
	Appointment Kind = "appointment"
	Refill      Kind = "refill"
	Vaccination Kind = "vaccination"
)

// Reminder is one message to send on Day.
type Reminder struct {
	Day       time.Time
	Kind      Kind
	PatientID string
	Ref       string
	When      time.Time // the appointment, the end of supply, the due date
	Note      string
}

var (
	mu    sync.Mutex
	queue = map[string]Reminder{} // by Ref
)

func init() {
	events.Subscribe(events.AppointmentBooked, onBooked)
	events.Subscribe(events.AppointmentCancelled, drop)
	events.Subscribe(events.PrescriptionDispensed, onDispensed)
}

func onBooked(e events.Event) {
	enqueue(Reminder{Day: clock.Day(e.When).AddDate(0, 0, -1), Kind: Appointment, PatientID: e.PatientID, Ref: e.Ref, When: e.When, Note: e.Note})
}

func onDispensed(e events.Event) {
	enqueue(Reminder{Day: clock.Day(e.When).AddDate(0, 0, -3), Kind: Refill, PatientID: e.PatientID, Ref: e.Ref, When: e.When, Note: e.Note})
}

func drop(e events.Event) {
	mu.Lock()
	defer mu.Unlock()
	delete(queue, e.Ref)
}

func enqueue(r Reminder) {
	mu.Lock()
	defer mu.Unlock()
	queue[r.Ref] = r
}

// Reset forgets every queued reminder.
func Reset() {
	mu.Lock()
	defer mu.Unlock()
	clear(queue)
}

// Due returns the reminders to send on day, in patient order: the queued
// ones for that day, and a vaccination reminder for every living patient
// whose yearly vaccination falls due exactly config.Current.ReminderLeadDays
// later.
func Due(day time.Time) []Reminder {
	day = clock.Day(day)
	var due []Reminder
	mu.Lock()
	for _, r := range queue {
		if r.Day.Equal(day) {
			due = append(due, r)
		}
	}
	mu.Unlock()

	cfg := config.Current
	for _, p := range patients.All() {
		if !p.Active() || p.LastVaccination.IsZero() {
			continue
		}
		next := p.LastVaccination.AddDate(0, 0, cfg.VaccinationIntervalDays)
		if next.AddDate(0, 0, -cfg.ReminderLeadDays).Equal(day) {
			due = append(due, Reminder{Day: day, Kind: Vaccination, PatientID: p.ID, Ref: "vacc-" + p.ID, When: next})
		}
	}
	slices.SortFunc(due, func(a, b Reminder) int {
		return cmp.Or(cmp.Compare(a.PatientID, b.PatientID), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Ref, b.Ref))
	})
	return due
}

// Result counts what Dispatch did.
type Result struct {
	Sent, Skipped int
	Failed        []error
}

// Dispatch sends the reminders due on day through send, which receives the
// owner's address, a subject and a body. Reminders for patients who have
// died since they were queued are dropped silently — a grieving owner must
// not be asked to bring the dog in. Owners without an address or who opted
// out are counted as skipped; any other failure is collected and the rest
// are still sent.
func Dispatch(day time.Time, send func(to, subject, body string) error) Result {
	var res Result
	for _, r := range Due(day) {
		p, err := patients.Active(r.PatientID)
		if errors.Is(err, patients.ErrInactive) || errors.Is(err, patients.ErrNotFound) {
			res.Skipped++
			continue
		}
		subject, body := compose(r, p)
		err = send(p.Owner.Contact(), subject, body)
		switch {
		case err == nil:
			res.Sent++
		case errors.Is(err, notify.ErrNoAddress), errors.Is(err, notify.ErrOptedOut):
			res.Skipped++
		default:
			res.Failed = append(res.Failed, fmt.Errorf("remind %s about %s: %w", r.PatientID, r.Ref, err))
		}
	}
	audit.Record("reminders", "reminders.dispatched", "day", day.Format(time.DateOnly), "sent", res.Sent, "skipped", res.Skipped, "failed", len(res.Failed))
	return res
}

func compose(r Reminder, p patients.Patient) (subject, body string) {
	clinic := config.Current.ClinicName
	switch r.Kind {
	case Appointment:
		return fmt.Sprintf("%s: %s tomorrow at %s", clinic, p.Name, r.When.Format("15:04")),
			fmt.Sprintf("Dear %s,\n%s is booked for a %s on %s at %s.",
				p.Owner.Name, p.Name, r.Note, r.When.Format("Monday 2 January"), r.When.Format("15:04"))
	case Refill:
		return fmt.Sprintf("%s: %s's medicine runs out soon", clinic, p.Name),
			fmt.Sprintf("Dear %s,\n%s's supply of %s lasts until %s. Reply to order a refill.",
				p.Owner.Name, p.Name, r.Note, r.When.Format("2 January"))
	default:
		return fmt.Sprintf("%s: %s is due a vaccination", clinic, p.Name),
			fmt.Sprintf("Dear %s,\n%s's yearly vaccination is due on %s. Call us to book.",
				p.Owner.Name, p.Name, r.When.Format("2 January"))
	}
}

package appointments

import (
	"fmt"
	"time"

	"example.com/clinic/internal/clock"
	"example.com/clinic/internal/csvio"
	"example.com/clinic/internal/events"
	"example.com/clinic/staff"
)

// parseHistory reads one line of the appointment book file:
//
//	id,patient,vet,kind,start,status
func parseHistory(row csvio.Row) (Appointment, error) {
	a := Appointment{
		ID: row.Str("id"), PatientID: row.Str("patient"), VetID: row.Str("vet"),
		Kind: Kind(row.Str("kind")), Status: Status(row.Str("status")),
	}
	d, err := Duration(a.Kind)
	if err != nil {
		return a, err
	}
	if a.Start, err = row.Minute("start"); err != nil {
		return a, err
	}
	a.End = a.Start.Add(d)
	switch a.Status {
	case Scheduled, Completed, Cancelled, NoShow:
	default:
		return a, fmt.Errorf("status %q", a.Status)
	}
	return a, nil
}

// Load replaces the book with the appointments of a CSV file. Scheduled
// visits still to come are announced again, as if just booked, so that
// reminders are queued for them.
func Load(path string) (int, []csvio.RowError, error) {
	as, rejected, err := csvio.ReadFile(path, []string{"id", "patient", "vet", "kind", "start", "status"}, parseHistory)
	if err != nil {
		return 0, rejected, fmt.Errorf("load appointments: %w", err)
	}
	book.Reset()
	ids.Restart()
	now := clock.Now()
	for _, a := range as {
		ids.Skip(a.ID)
		book.Put(a.ID, a)
		if a.Status == Scheduled && a.Start.After(now) {
			events.Publish(events.Event{
				Kind: events.AppointmentBooked, PatientID: a.PatientID, Ref: a.ID, When: a.Start,
				Note: fmt.Sprintf("%s with %s", a.Kind, staff.Name(a.VetID)),
			})
		}
	}
	return len(as), rejected, nil
}

// Day returns the day's appointments in start order.
func Day(day time.Time) []Appointment {
	return Between(clock.Day(day), clock.Day(day))
}

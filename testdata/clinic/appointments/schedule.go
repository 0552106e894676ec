package appointments

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"time"

	"example.com/clinic/internal/clock"
	"example.com/clinic/internal/config"
	"example.com/clinic/internal/csvio"
	"example.com/clinic/patients"
	"example.com/clinic/staff"
)

// Request is a visit someone asked for: a patient, a kind, a preferred day
// and optionally a preferred vet.
type Request struct {
	Line      int
	PatientID string
	Kind      Kind
	Day       time.Time
	VetID     string
}

// Unplaced is a request the scheduler could not book, and why.
type Unplaced struct {
	Request Request
	Err     error
}

// ParseRequest reads one line of a requests file:
//
//	patient,kind,day,vet
func ParseRequest(row csvio.Row) (Request, error) {
	r := Request{Line: row.Line(), PatientID: row.Str("patient"), Kind: Kind(row.Str("kind")), VetID: row.Str("vet")}
	if _, err := Duration(r.Kind); err != nil {
		return r, err
	}
	day, err := row.Date("day")
	if err != nil {
		return r, err
	}
	if day.IsZero() {
		return r, errors.New("day: missing")
	}
	r.Day = day
	return r, nil
}

// ReadRequests reads a requests file.
func ReadRequests(path string) ([]Request, []csvio.RowError, error) {
	return csvio.ReadFile(path, []string{"patient", "kind", "day"}, ParseRequest)
}

// Schedule books each request on the earliest free slot from its preferred
// day on, looking up to searchDays days ahead, with the preferred vet if
// there is one or else any vet on duty. Long procedures are placed first,
// so that they get the morning slots before the day fills with checkups.
// It returns what it booked in start order and what it could not.
func Schedule(reqs []Request, searchDays int, by string) (booked []Appointment, unplaced []Unplaced) {
	order := slices.Clone(reqs)
	slices.SortStableFunc(order, func(a, b Request) int {
		return cmp.Or(-cmp.Compare(minutes[a.Kind], minutes[b.Kind]), a.Day.Compare(b.Day))
	})
	for _, r := range order {
		a, err := place(r, searchDays, by)
		if err != nil {
			unplaced = append(unplaced, Unplaced{r, err})
			continue
		}
		booked = append(booked, a)
	}
	sortByStart(booked)
	slices.SortFunc(unplaced, func(a, b Unplaced) int { return a.Request.Line - b.Request.Line })
	return booked, unplaced
}

func place(r Request, searchDays int, by string) (Appointment, error) {
	// A request for an unknown or deceased patient fails the same way on
	// every day: say so at once.
	if _, err := patients.Active(r.PatientID); err != nil {
		return Appointment{}, err
	}
	cfg := config.Current
	step := time.Duration(cfg.SlotMinutes) * time.Minute
	from := clock.Day(r.Day)
	for d := range searchDays + 1 {
		day := from.AddDate(0, 0, d)
		if !cfg.IsOpenOn(day) {
			continue
		}
		vets := []string{r.VetID}
		if r.VetID == "" {
			vets = vets[:0]
			for _, m := range staff.OnDuty(day, staff.Vet) {
				vets = append(vets, m.ID)
			}
		}
		open, closing := cfg.Hours(day)
		for t := open; t.Before(closing); t = t.Add(step) {
			for _, vet := range vets {
				a, err := Book(r.PatientID, vet, r.Kind, t, by)
				switch {
				case err == nil:
					return a, nil
				case errors.Is(err, staff.ErrNotFound), errors.Is(err, staff.ErrNotVet):
					return a, err
				}
				// Taken, closed, off duty or past: try the next slot.
			}
		}
	}
	return Appointment{}, fmt.Errorf("no free slot within %d days of %s", searchDays, r.Day.Format(time.DateOnly))
}

func sortByStart(as []Appointment) {
	slices.SortFunc(as, func(a, b Appointment) int {
		return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.VetID, b.VetID))
	})
}

package staff

import (
	"fmt"
	"time"

	"example.com/clinic/internal/config"
)

// Shift is who works on one open day.
type Shift struct {
	Day       time.Time
	Vets      []Member
	Nurses    []Member
	Reception []Member
}

// Rota builds the shifts of the seven days from weekStart on which the
// clinic is open. It also returns one error wrapping ErrNoCover for each day
// without a vet or without reception: the clinic cannot open that day.
func Rota(weekStart time.Time) ([]Shift, []error) {
	var (
		shifts []Shift
		gaps   []error
	)
	for i := range 7 {
		day := weekStart.AddDate(0, 0, i)
		if !config.Current.IsOpenOn(day) {
			continue
		}
		s := Shift{
			Day:       day,
			Vets:      OnDuty(day, Vet),
			Nurses:    OnDuty(day, Nurse),
			Reception: OnDuty(day, Reception),
		}
		if len(s.Vets) == 0 {
			gaps = append(gaps, fmt.Errorf("%s: %w: no vet", day.Format("Mon 2006-01-02"), ErrNoCover))
		}
		if len(s.Reception) == 0 {
			gaps = append(gaps, fmt.Errorf("%s: %w: no reception", day.Format("Mon 2006-01-02"), ErrNoCover))
		}
		shifts = append(shifts, s)
	}
	return shifts, gaps
}

// Package clock is the clinic's single notion of "now".
//
// Everything that depends on the date — the booking window, reminder due
// dates, the date printed on an invoice, the audit trail — asks clock.Now
// rather than time.Now, so that a batch run can be replayed as of a given
// day (clinic -now) and tests are deterministic. The clinic works in UTC.
package clock

import (
	"fmt"
	"time"
)

// Now reports the current time. The clinic command replaces it when run
// with -now; tests replace it with Freeze.
var Now = time.Now

// Freeze makes Now report t until the returned function restores the
// previous clock.
func Freeze(t time.Time) (restore func()) {
	prev := Now
	Now = func() time.Time { return t }
	return func() { Now = prev }
}

// Today is midnight UTC of the current day.
func Today() time.Time {
	return Day(Now())
}

// Day truncates t to midnight UTC of its day.
func Day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Layouts the clinic's files use.
const (
	DateLayout   = "2006-01-02"
	MinuteLayout = "2006-01-02 15:04"
)

// ParseDate parses a calendar day such as 2026-03-02.
func ParseDate(s string) (time.Time, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("date %q: want YYYY-MM-DD", s)
	}
	return t, nil
}

// ParseMinute parses a wall-clock time such as "2026-03-02 09:30" (UTC).
func ParseMinute(s string) (time.Time, error) {
	t, err := time.Parse(MinuteLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("time %q: want YYYY-MM-DD HH:MM", s)
	}
	return t, nil
}

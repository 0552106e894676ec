// Package billing turns a month of visits and dispensed medicines into one
// invoice per owner.
//
// Billing does not know where charges come from. Each module with something
// to charge registers a Source from its init function, the way a
// database/sql driver registers itself, and billing asks every source for
// the month's lines.
package billing

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"example.com/clinic/internal/money"
)

// Line is one charge for one patient.
type Line struct {
	PatientID   string
	Date        time.Time
	Source      string // the registered source's name
	Description string
	Qty         int
	Unit        money.Cents
}

// Amount is the line's total before discount and tax.
func (l Line) Amount() money.Cents { return l.Unit.Times(l.Qty) }

// A Source lists the charges for the days from first to last, inclusive.
type Source func(first, last time.Time) ([]Line, error)

var (
	sourcesMu sync.RWMutex
	sources   = map[string]Source{}
)

// RegisterSource makes a source of charges known under name. It panics if
// the name is taken, as two modules billing under one name is a programming
// error.
func RegisterSource(name string, s Source) {
	sourcesMu.Lock()
	defer sourcesMu.Unlock()
	if _, dup := sources[name]; dup {
		panic("billing: source registered twice: " + name)
	}
	sources[name] = s
}

// Sources returns the names of the registered sources, sorted.
func Sources() []string {
	sourcesMu.RLock()
	defer sourcesMu.RUnlock()
	names := make([]string, 0, len(sources))
	for n := range sources {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Errors a caller can test for with errors.Is.
var (
	ErrBadMonth  = errors.New("bad month")
	ErrNoCharges = errors.New("nothing to bill")
)

// MonthRange returns the first and last day of a month written YYYY-MM.
func MonthRange(month string) (first, last time.Time, err error) {
	first, err = time.Parse("2006-01", month)
	if err != nil {
		return first, last, fmt.Errorf("%w %q: want YYYY-MM", ErrBadMonth, month)
	}
	return first, first.AddDate(0, 1, -1), nil
}

// Collect asks every source for its lines in the month, in source-name
// order, then by date and patient.
func Collect(first, last time.Time) ([]Line, error) {
	var all []Line
	for _, name := range Sources() {
		sourcesMu.RLock()
		src := sources[name]
		sourcesMu.RUnlock()
		lines, err := src(first, last)
		if err != nil {
			return nil, fmt.Errorf("collect %s charges: %w", name, err)
		}
		for i := range lines {
			lines[i].Source = name
		}
		all = append(all, lines...)
	}
	slices.SortStableFunc(all, func(a, b Line) int {
		if c := a.Date.Compare(b.Date); c != 0 {
			return c
		}
		if a.PatientID != b.PatientID {
			if a.PatientID < b.PatientID {
				return -1
			}
			return 1
		}
		return 0
	})
	return all, nil
}

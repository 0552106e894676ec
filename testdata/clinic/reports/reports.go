// Package reports builds the clinic's monthly management report: visits by
// vet and kind, the no-show rate, revenue by source, the medicines handed
// out most and the ones running low.
package reports

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"

	"example.com/clinic/appointments"
	"example.com/clinic/billing"
	"example.com/clinic/internal/config"
	"example.com/clinic/internal/money"
	"example.com/clinic/pharmacy"
	"example.com/clinic/staff"
)

// Count is a label with a number.
type Count[K cmp.Ordered] struct {
	Key K
	N   int
}

// Monthly is the report for one month.
type Monthly struct {
	Clinic    string
	Month     string
	Visits    int
	ByKind    []Count[appointments.Kind]
	ByVet     []Count[string] // vet names
	NoShows   int
	Cancelled int
	Revenue   map[string]money.Cents // by billing source, before discount and tax
	Invoiced  money.Cents            // total of the invoices, tax included
	Invoices  int
	Unbilled  int
	TopDrugs  []Count[string]
	LowStock  []pharmacy.Drug
}

// Build gathers the report for a month written YYYY-MM.
func Build(ctx context.Context, month string) (Monthly, error) {
	first, last, err := billing.MonthRange(month)
	if err != nil {
		return Monthly{}, err
	}
	m := Monthly{Clinic: config.Current.ClinicName, Month: month, Revenue: map[string]money.Cents{}}

	var done []appointments.Appointment
	for _, a := range appointments.Between(first, last) {
		switch a.Status {
		case appointments.Completed:
			done = append(done, a)
		case appointments.NoShow:
			m.NoShows++
		case appointments.Cancelled:
			m.Cancelled++
		}
	}
	m.Visits = len(done)
	m.ByKind = countBy(done, func(a appointments.Appointment) appointments.Kind { return a.Kind })
	m.ByVet = countBy(done, func(a appointments.Appointment) string { return staff.Name(a.VetID) })

	units := map[string]int{}
	for _, rx := range pharmacy.Dispensed(first, last) {
		units[rx.Drug] += rx.Qty
	}
	m.TopDrugs = top(units, 3)
	m.LowStock = pharmacy.LowStock(config.Current.LowStockThreshold)

	invoices, unbilled, err := billing.Run(ctx, month)
	switch {
	case errors.Is(err, billing.ErrNoCharges):
		// A month without charges still gets a report.
	case err != nil:
		return m, fmt.Errorf("report %s: %w", month, err)
	}
	m.Invoices, m.Unbilled = len(invoices), len(unbilled)
	for _, inv := range invoices {
		m.Invoiced += inv.Total
		for _, l := range inv.Lines {
			m.Revenue[l.Source] += l.Amount()
		}
	}
	return m, nil
}

// countBy counts xs by key, largest count first, ties in key order.
func countBy[T any, K cmp.Ordered](xs []T, key func(T) K) []Count[K] {
	n := map[K]int{}
	for _, x := range xs {
		n[key(x)]++
	}
	return top(n, len(n))
}

// top returns the k largest counts of n, ties in key order.
func top[K cmp.Ordered](n map[K]int, k int) []Count[K] {
	out := make([]Count[K], 0, len(n))
	for _, key := range slices.Sorted(maps.Keys(n)) {
		out = append(out, Count[K]{key, n[key]})
	}
	slices.SortStableFunc(out, func(a, b Count[K]) int { return b.N - a.N })
	return out[:min(k, len(out))]
}

// Write prints the report as text.
func (m Monthly) Write(w io.Writer) error {
	cur := config.Current.Currency
	var b []byte
	p := func(format string, args ...any) { b = fmt.Appendf(b, format, args...) }
	p("%s — report for %s\n\n", m.Clinic, m.Month)
	p("visits          %d (no-shows %d, cancelled %d)\n", m.Visits, m.NoShows, m.Cancelled)
	for _, c := range m.ByKind {
		p("  %-16s %d\n", c.Key, c.N)
	}
	p("by vet\n")
	for _, c := range m.ByVet {
		p("  %-16s %d\n", c.Key, c.N)
	}
	p("revenue (before discount and tax)\n")
	for _, src := range slices.Sorted(maps.Keys(m.Revenue)) {
		p("  %-16s %10s %s\n", src, m.Revenue[src], cur)
	}
	p("invoiced          %10s %s in %d invoices", m.Invoiced, cur, m.Invoices)
	if m.Unbilled > 0 {
		p(", unbilled charges: %d", m.Unbilled)
	}
	p("\nmost dispensed\n")
	for _, c := range m.TopDrugs {
		p("  %-16s %d\n", c.Key, c.N)
	}
	p("low stock (under %d)\n", config.Current.LowStockThreshold)
	for _, d := range m.LowStock {
		p("  %-16s %d %s left\n", d.Code, d.Stock, d.Unit)
	}
	_, err := w.Write(b)
	return err
}

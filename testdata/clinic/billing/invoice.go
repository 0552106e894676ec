package billing

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"example.com/clinic/internal/audit"
	"example.com/clinic/internal/clock"
	"example.com/clinic/internal/config"
	"example.com/clinic/internal/events"
	"example.com/clinic/internal/money"
	"example.com/clinic/internal/pool"
	"example.com/clinic/patients"
)

// Invoice is what one owner owes for one month.
type Invoice struct {
	Number   string
	Month    string
	Issued   time.Time
	Owner    patients.Owner
	Lines    []Line
	Pets     int
	Subtotal money.Cents
	Discount money.Cents
	Tax      money.Cents
	Total    money.Cents
}

// Unbilled is a charge no invoice could take, with the reason.
type Unbilled struct {
	Line Line
	Err  error
}

// Run drafts the month's invoices: it collects every source's lines, groups
// them by owner and prices each owner's invoice on a pool of
// config.Current.Workers goroutines. Charges for patients the register does
// not know are returned as unbilled rather than failing the run. Invoices
// are numbered in owner order; Run does not issue them.
func Run(ctx context.Context, month string) ([]Invoice, []Unbilled, error) {
	first, last, err := MonthRange(month)
	if err != nil {
		return nil, nil, err
	}
	lines, err := Collect(first, last)
	if err != nil {
		return nil, nil, err
	}
	if len(lines) == 0 {
		return nil, nil, fmt.Errorf("bill %s: %w", month, ErrNoCharges)
	}
	byOwner := map[string][]Line{}
	var unbilled []Unbilled
	for _, l := range lines {
		owner, err := patients.OwnerOf(l.PatientID)
		if errors.Is(err, patients.ErrNotFound) {
			unbilled = append(unbilled, Unbilled{l, err})
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		byOwner[owner.ID] = append(byOwner[owner.ID], l)
	}
	owners := make([]string, 0, len(byOwner))
	for id := range byOwner {
		owners = append(owners, id)
	}
	slices.Sort(owners)

	invoices, err := pool.Map(ctx, config.Current.Workers, owners, func(ctx context.Context, owner string) (Invoice, error) {
		return price(ctx, month, byOwner[owner])
	})
	if err != nil {
		return nil, unbilled, fmt.Errorf("bill %s: %w", month, err)
	}
	for i := range invoices {
		invoices[i].Number = fmt.Sprintf("INV-%s-%04d", month, i+1)
	}
	return invoices, unbilled, nil
}

// price totals one owner's lines.
func price(ctx context.Context, month string, lines []Line) (Invoice, error) {
	if err := ctx.Err(); err != nil {
		return Invoice{}, err
	}
	owner, err := patients.OwnerOf(lines[0].PatientID)
	if err != nil {
		return Invoice{}, err
	}
	pets := map[string]bool{}
	for _, l := range lines {
		pets[l.PatientID] = true
	}
	cfg := config.Current
	inv := Invoice{
		Month:    month,
		Issued:   clock.Today(),
		Owner:    owner,
		Lines:    lines,
		Pets:     len(pets),
		Subtotal: money.Sum(lines, Line.Amount),
	}
	if inv.Pets > 1 {
		inv.Discount = inv.Subtotal.Percent(cfg.MultiPetDiscountBP)
	}
	inv.Tax = (inv.Subtotal - inv.Discount).Percent(cfg.TaxBasisPoints)
	inv.Total = inv.Subtotal - inv.Discount + inv.Tax
	return inv, nil
}

// Issue records the invoices as sent: each goes to the audit trail and is
// announced to the rest of the clinic.
func Issue(by string, invoices ...Invoice) {
	for _, inv := range invoices {
		audit.Record(by, "invoice.issued", "number", inv.Number, "owner", inv.Owner.ID, "total", inv.Total)
		events.Publish(events.Event{
			Kind: events.InvoiceIssued,
			Ref:  inv.Number,
			When: inv.Issued,
			Note: fmt.Sprintf("%s %s", inv.Total, config.Current.Currency),
		})
	}
}

// Render prints an invoice as plain text.
func Render(w io.Writer, inv Invoice) error {
	cur := config.Current.Currency
	b := fmt.Appendf(nil, "%s  %s  issued %s\n", inv.Number, inv.Owner.Name, inv.Issued.Format(time.DateOnly))
	for _, l := range inv.Lines {
		b = fmt.Appendf(b, "  %s  %-8s %-10s %-28s %3d x %8s\n",
			l.Date.Format(time.DateOnly), l.PatientID, l.Source, l.Description, l.Qty, l.Unit)
	}
	total := func(label string, c money.Cents) {
		b = fmt.Appendf(b, "  %-66s %8s %s\n", label, c, cur)
	}
	total("subtotal", inv.Subtotal)
	if inv.Discount != 0 {
		total(fmt.Sprintf("multi-pet discount (%d pets)", inv.Pets), -inv.Discount)
	}
	total("tax", inv.Tax)
	total("total", inv.Total)
	_, err := w.Write(b)
	return err
}

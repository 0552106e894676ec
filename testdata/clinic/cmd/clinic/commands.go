package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strings"
	"time"

	"example.com/clinic/appointments"
	"example.com/clinic/billing"
	"example.com/clinic/internal/clock"
	"example.com/clinic/internal/config"
	"example.com/clinic/internal/money"
	"example.com/clinic/notify"
	"example.com/clinic/patients"
	"example.com/clinic/pharmacy"
	"example.com/clinic/reminders"
	"example.com/clinic/reports"
	"example.com/clinic/staff"
)

func runImport(e *env, args []string) error {
	fs := subFlags(e, "import", "FILE")
	if err := parse(fs, args, 1); err != nil {
		return err
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	added, rejected, err := patients.Import(f, e.user)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.out, "imported %d patients, rejected %d\n", added, len(rejected))
	for _, r := range rejected {
		why := "invalid"
		switch {
		case errors.Is(r, patients.ErrDuplicate):
			why = "duplicate"
		case errors.Is(r, patients.ErrInvalid):
			why = "incomplete"
		}
		fmt.Fprintf(e.out, "  line %d: %s: %v\n", r.Line, why, r.Err)
	}
	return nil
}

func runRota(e *env, args []string) error {
	fs := subFlags(e, "rota", "[-week DATE]")
	week := fs.String("week", "", "any day of the `week` (default this week)")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	day, err := dayFlag(*week)
	if err != nil {
		return err
	}
	monday := day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
	shifts, gaps := staff.Rota(monday)
	fmt.Fprintf(e.out, "rota for the week of %s\n", monday.Format(time.DateOnly))
	for _, s := range shifts {
		fmt.Fprintf(e.out, "%s  vets: %s; nurses: %s; reception: %s\n",
			s.Day.Format("Mon 2006-01-02"), names(s.Vets), names(s.Nurses), names(s.Reception))
	}
	for _, g := range gaps {
		fmt.Fprintf(e.out, "gap: %v\n", g)
	}
	return nil
}

func names(ms []staff.Member) string {
	if len(ms) == 0 {
		return "-"
	}
	ns := make([]string, len(ms))
	for i, m := range ms {
		ns[i] = m.Name
	}
	return strings.Join(ns, ", ")
}

func runSchedule(e *env, args []string) error {
	fs := subFlags(e, "schedule", "[-days N] FILE")
	days := fs.Int("days", 5, "look this many `days` past the preferred day")
	if err := parse(fs, args, 1); err != nil {
		return err
	}
	reqs, rejected, err := appointments.ReadRequests(fs.Arg(0))
	if err != nil {
		return err
	}
	booked, unplaced := appointments.Schedule(reqs, *days, e.user)
	fmt.Fprintf(e.out, "booked %d of %d requests\n", len(booked), len(reqs)+len(rejected))
	var last time.Time
	for _, a := range booked {
		if d := clock.Day(a.Start); !d.Equal(last) {
			fmt.Fprintf(e.out, "%s\n", d.Format("Mon 2006-01-02"))
			last = d
		}
		p, _ := patients.Get(a.PatientID)
		fmt.Fprintf(e.out, "  %s-%s  %s  %-11s %-6s %-8s %s\n", a.Start.Format("15:04"), a.End.Format("15:04"),
			a.ID, a.Kind, a.PatientID, p.Name, staff.Name(a.VetID))
	}
	type miss struct {
		line int
		msg  string
	}
	var misses []miss
	for _, r := range rejected {
		misses = append(misses, miss{r.Line, fmt.Sprintf("unreadable: %v", r.Err)})
	}
	for _, u := range unplaced {
		why := "no slot"
		switch {
		case errors.Is(u.Err, patients.ErrNotFound):
			why = "unknown patient"
		case errors.Is(u.Err, patients.ErrInactive):
			why = "deceased"
		case errors.Is(u.Err, staff.ErrNotVet), errors.Is(u.Err, staff.ErrNotFound):
			why = "not a vet"
		}
		misses = append(misses, miss{u.Request.Line, fmt.Sprintf("%s: %v", why, u.Err)})
	}
	slices.SortFunc(misses, func(a, b miss) int { return a.line - b.line })
	if len(misses) > 0 {
		fmt.Fprintf(e.out, "not booked\n")
	}
	for _, m := range misses {
		fmt.Fprintf(e.out, "  line %d: %s\n", m.line, m.msg)
	}
	return nil
}

func runDispense(e *env, args []string) error {
	fs := subFlags(e, "dispense", "FILE")
	if err := parse(fs, args, 1); err != nil {
		return err
	}
	done, refused, err := pharmacy.DispenseFile(fs.Arg(0))
	if err != nil {
		return err
	}
	fmt.Fprintf(e.out, "dispensed %d, refused %d\n", len(done), len(refused))
	for _, rx := range done {
		fmt.Fprintf(e.out, "  %s  %s  %s x%d, %d refills\n", rx.ID, rx.PatientID, rx.Drug, rx.Qty, rx.Refills)
	}
	for _, r := range refused {
		action := "check the prescription"
		switch {
		case errors.Is(r, pharmacy.ErrOutOfStock):
			action = "reorder stock"
		case errors.Is(r, pharmacy.ErrInteraction):
			action = "refer to the vet"
		case errors.Is(r, pharmacy.ErrNotPrescriber):
			action = "needs a vet's signature"
		case errors.Is(r, patients.ErrInactive):
			action = "close the record"
		}
		fmt.Fprintf(e.out, "  line %d: %s: %v\n", r.Line, action, r.Err)
	}
	return nil
}

func runBill(e *env, args []string) error {
	fs := subFlags(e, "bill", "[-month YYYY-MM] [-issue]")
	month := fs.String("month", "", "the `month` to bill (default the current one)")
	issue := fs.Bool("issue", false, "issue the invoices rather than draft them")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if *month == "" {
		*month = clock.Today().Format("2006-01")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	invoices, unbilled, err := billing.Run(ctx, *month)
	if errors.Is(err, billing.ErrNoCharges) {
		fmt.Fprintf(e.out, "nothing to bill for %s\n", *month)
		return nil
	}
	if err != nil {
		return err
	}
	for _, inv := range invoices {
		if err := billing.Render(e.out, inv); err != nil {
			return err
		}
	}
	for _, u := range unbilled {
		fmt.Fprintf(e.out, "unbilled: %s %s %s: %v\n", u.Line.Date.Format(time.DateOnly), u.Line.Source, u.Line.Description, u.Err)
	}
	state := "drafted"
	if *issue {
		billing.Issue(e.user, invoices...)
		state = "issued"
	}
	fmt.Fprintf(e.out, "%s %d invoices for %s, %s %s\n", state, len(invoices), *month,
		money.Sum(invoices, func(inv billing.Invoice) money.Cents { return inv.Total }), config.Current.Currency)
	return nil
}

func runRemind(e *env, args []string) error {
	fs := subFlags(e, "remind", "[-day DATE] [-opt-out ADDR,...]")
	dayStr := fs.String("day", "", "the `day` whose reminders to send (default today)")
	optOut := fs.String("opt-out", "", "comma-separated `addresses` not to write to")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	day, err := dayFlag(*dayStr)
	if err != nil {
		return err
	}
	outbox := notify.NewOutbox(e.out, config.Current.ClinicName)
	if *optOut != "" {
		outbox.OptOut(strings.Split(*optOut, ",")...)
	}
	res := reminders.Dispatch(day, outbox.Deliver)
	fmt.Fprintf(e.out, "reminders for %s: sent %d, skipped %d, failed %d\n",
		day.Format(time.DateOnly), res.Sent, res.Skipped, len(res.Failed))
	return errors.Join(res.Failed...)
}

func runReport(e *env, args []string) error {
	fs := subFlags(e, "report", "[-month YYYY-MM]")
	month := fs.String("month", "", "the `month` to report (default the current one)")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if *month == "" {
		*month = clock.Today().Format("2006-01")
	}
	m, err := reports.Build(context.Background(), *month)
	if err != nil {
		return err
	}
	return m.Write(e.out)
}

// dayFlag parses a -day or -week flag, today when empty.
func dayFlag(s string) (time.Time, error) {
	if s == "" {
		return clock.Today(), nil
	}
	d, err := clock.ParseDate(s)
	if err != nil {
		return d, fmt.Errorf("%w: %w", errUsage, err)
	}
	return d, nil
}

package billing

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"example.com/clinic/internal/audit"
	"example.com/clinic/internal/clock"
	"example.com/clinic/internal/config"
	"example.com/clinic/internal/events"
	"example.com/clinic/internal/money"
	"example.com/clinic/patients"
)

// The test sources bill whatever the test puts in these.
var (
	visitLines    []Line
	medicineLines []Line
	failing       error
)

func init() {
	RegisterSource("visits", func(first, last time.Time) ([]Line, error) { return within(visitLines, first, last), nil })
	RegisterSource("medicines", func(first, last time.Time) ([]Line, error) {
		return within(medicineLines, first, last), failing
	})
}

func within(lines []Line, first, last time.Time) []Line {
	var out []Line
	for _, l := range lines {
		if !l.Date.Before(first) && !l.Date.After(last) {
			out = append(out, l)
		}
	}
	return out
}

func date(d int) time.Time { return time.Date(2026, 3, d, 0, 0, 0, 0, time.UTC) }

func setup(t *testing.T) {
	t.Helper()
	t.Cleanup(clock.Freeze(time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC)))
	prev := config.Current
	config.Current = config.Default() // 20% tax, 5% multi-pet discount
	t.Cleanup(func() { config.Current = prev })
	patients.Default.Reset()
	ann := patients.Owner{ID: "O1", Name: "Ann", Email: "ann@example.org"}
	bob := patients.Owner{ID: "O2", Name: "Bob", Phone: "+44 20 7946 0000"}
	for _, p := range []patients.Patient{
		{ID: "P1", Name: "Rex", Species: "dog", Owner: ann},
		{ID: "P2", Name: "Tom", Species: "cat", Owner: ann},
		{ID: "P3", Name: "Kiwi", Species: "bird", Owner: bob},
	} {
		if err := patients.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	visitLines = []Line{
		{PatientID: "P1", Date: date(2), Description: "checkup", Qty: 1, Unit: 4500},
		{PatientID: "P3", Date: date(3), Description: "checkup", Qty: 1, Unit: 4500},
		{PatientID: "P2", Date: date(9), Description: "dental", Qty: 1, Unit: 12000},
		{PatientID: "P9", Date: date(10), Description: "checkup", Qty: 1, Unit: 4500},
		{PatientID: "P1", Date: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), Description: "checkup", Qty: 1, Unit: 4500},
	}
	medicineLines = []Line{{PatientID: "P1", Date: date(2), Description: "Amoxicillin", Qty: 14, Unit: 60}}
	failing = nil
}

func TestMonthRange(t *testing.T) {
	first, last, err := MonthRange("2024-02")
	if err != nil || first.Day() != 1 || last.Day() != 29 || last.Month() != time.February {
		t.Errorf("MonthRange(2024-02) = %v, %v, %v", first, last, err)
	}
	for _, bad := range []string{"2024-13", "March", "2024-2-1", ""} {
		if _, _, err := MonthRange(bad); !errors.Is(err, ErrBadMonth) {
			t.Errorf("MonthRange(%q) = %v; want ErrBadMonth", bad, err)
		}
	}
}

func TestRun(t *testing.T) {
	setup(t)
	invoices, unbilled, err := Run(context.Background(), "2026-03")
	if err != nil {
		t.Fatal(err)
	}
	if len(invoices) != 2 {
		t.Fatalf("%d invoices; want one for Ann, one for Bob", len(invoices))
	}
	ann, bob := invoices[0], invoices[1]
	if ann.Number != "INV-2026-03-0001" || ann.Owner.Name != "Ann" || bob.Number != "INV-2026-03-0002" {
		t.Errorf("numbers/owners: %s %s, %s %s", ann.Number, ann.Owner.Name, bob.Number, bob.Owner.Name)
	}
	// Ann: 45.00 + 8.40 + 120.00 = 173.40; two pets, 5% off = 8.67; 20% tax
	// on 164.73 = 32.95; total 197.68.
	type sums struct {
		pets                           int
		subtotal, discount, tax, total money.Cents
	}
	want := sums{2, 17340, 867, 3295, 19768}
	got := sums{ann.Pets, ann.Subtotal, ann.Discount, ann.Tax, ann.Total}
	if got != want {
		t.Errorf("Ann's invoice = %+v; want %+v", got, want)
	}
	var sources []string
	for _, l := range ann.Lines {
		sources = append(sources, l.Source+":"+l.Description)
	}
	if strings.Join(sources, ",") != "medicines:Amoxicillin,visits:checkup,visits:dental" {
		t.Errorf("Ann's lines %v", sources)
	}
	if bob.Discount != 0 || bob.Total != 5400 {
		t.Errorf("Bob's invoice = %+v", bob)
	}
	if len(unbilled) != 1 || unbilled[0].Line.PatientID != "P9" || !errors.Is(unbilled[0].Err, patients.ErrNotFound) {
		t.Errorf("unbilled = %+v", unbilled)
	}
	if got := Sources(); !slices.Equal(got, []string{"medicines", "visits"}) {
		t.Errorf("Sources = %v", got)
	}
}

func TestRunErrors(t *testing.T) {
	setup(t)
	if _, _, err := Run(context.Background(), "2026-02"); !errors.Is(err, ErrNoCharges) {
		t.Errorf("Run(empty month) = %v; want ErrNoCharges", err)
	}
	if _, _, err := Run(context.Background(), "26-03"); !errors.Is(err, ErrBadMonth) {
		t.Errorf("Run(bad month) = %v; want ErrBadMonth", err)
	}
	failing = errors.New("formulary offline")
	if _, _, err := Run(context.Background(), "2026-03"); !errors.Is(err, failing) || !strings.Contains(err.Error(), "medicines") {
		t.Errorf("Run(failing source) = %v", err)
	}
	failing = nil
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := Run(ctx, "2026-03"); !errors.Is(err, context.Canceled) {
		t.Errorf("Run(cancelled) = %v; want context.Canceled", err)
	}
}

func TestRegisterTwicePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("registering visits twice did not panic")
		}
	}()
	RegisterSource("visits", nil)
}

func TestIssueAndRender(t *testing.T) {
	setup(t)
	var trail bytes.Buffer
	prev := audit.Out
	audit.Out = &trail
	t.Cleanup(func() { audit.Out = prev })
	var issued []string
	events.Subscribe(events.InvoiceIssued, func(e events.Event) { issued = append(issued, e.Ref+" "+e.Note) })

	invoices, _, err := Run(context.Background(), "2026-03")
	if err != nil {
		t.Fatal(err)
	}
	Issue("accounts", invoices...)
	if strings.Join(issued, "; ") != "INV-2026-03-0001 197.68 EUR; INV-2026-03-0002 54.00 EUR" {
		t.Errorf("issued %v", issued)
	}
	if !strings.Contains(trail.String(), "accounts invoice.issued number=INV-2026-03-0002 owner=O2 total=54.00") {
		t.Errorf("trail:\n%s", trail.String())
	}
	var out bytes.Buffer
	if err := Render(&out, invoices[0]); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"INV-2026-03-0001  Ann  issued 2026-04-01",
		"2026-03-02  P1       medicines  Amoxicillin                   14 x     0.60",
		"multi-pet discount (2 pets)", "-8.67 EUR", "197.68 EUR",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("invoice lacks %q:\n%s", want, out.String())
		}
	}
	if money.Sum(invoices, func(i Invoice) money.Cents { return i.Total }) != 25168 {
		t.Error("totals do not add up")
	}
}

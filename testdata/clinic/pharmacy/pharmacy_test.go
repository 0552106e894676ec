package pharmacy

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"example.com/clinic/billing"
	"example.com/clinic/internal/audit"
	"example.com/clinic/internal/clock"
	"example.com/clinic/internal/events"
	"example.com/clinic/patients"
	"example.com/clinic/staff"
)

func fixture(name string) string { return filepath.Join("..", "testdata", name) }

func setup(t *testing.T) *bytes.Buffer {
	t.Helper()
	t.Cleanup(clock.Freeze(time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC)))
	var trail bytes.Buffer
	prev := audit.Out
	audit.Out = &trail
	t.Cleanup(func() { audit.Out = prev })
	if _, err := staff.Load(fixture("staff.json")); err != nil {
		t.Fatal(err)
	}
	if n, err := LoadFormulary(fixture("formulary.json")); err != nil || n != 9 {
		t.Fatalf("LoadFormulary = %d, %v", n, err)
	}
	patients.Default.Reset()
	owner := patients.Owner{ID: "O1", Name: "Ann", Email: "ann@example.org"}
	for _, p := range []patients.Patient{
		{ID: "P1", Name: "Rex", Species: "dog", Owner: owner},
		{ID: "P2", Name: "Old", Species: "cat", Owner: owner, Deceased: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		if err := patients.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	return &trail
}

func TestDispenseChecks(t *testing.T) {
	trail := setup(t)
	rx, err := Dispense(Prescription{PatientID: "P1", VetID: "V01", Drug: "MELOX15", Qty: 20, DaysSupply: 10})
	if err != nil {
		t.Fatal(err)
	}
	if rx.ID != "RX0001" || !rx.Issued.Equal(clock.Today()) {
		t.Errorf("Dispense = %+v", rx)
	}
	if d, _ := Lookup("MELOX15"); d.Stock != 280 {
		t.Errorf("stock after dispensing = %d; want 280", d.Stock)
	}
	for _, tt := range []struct {
		name string
		rx   Prescription
		want error
	}{
		{"interaction", Prescription{PatientID: "P1", VetID: "V01", Drug: "PRED5", Qty: 10, DaysSupply: 5}, ErrInteraction},
		{"stock", Prescription{PatientID: "P1", VetID: "V01", Drug: "KETA100", Qty: 13}, ErrOutOfStock},
		{"nurse", Prescription{PatientID: "P1", VetID: "N01", Drug: "AMOX250", Qty: 10}, ErrNotPrescriber},
		{"nurse is not a vet", Prescription{PatientID: "P1", VetID: "N01", Drug: "AMOX250", Qty: 10}, staff.ErrNotVet},
		{"stranger", Prescription{PatientID: "P1", VetID: "X1", Drug: "AMOX250", Qty: 10}, staff.ErrNotFound},
		{"deceased", Prescription{PatientID: "P2", VetID: "V01", Drug: "AMOX250", Qty: 10}, patients.ErrInactive},
		{"unknown drug", Prescription{PatientID: "P1", VetID: "V01", Drug: "XYZ", Qty: 1}, ErrUnknownDrug},
	} {
		if _, err := Dispense(tt.rx); !errors.Is(err, tt.want) {
			t.Errorf("%s: Dispense = %v; want %v", tt.name, err, tt.want)
		}
	}
	if d, _ := Lookup("KETA100"); d.Stock != 12 {
		t.Errorf("a refused prescription took stock: %d left", d.Stock)
	}
	// The course of meloxicam ends on 11 April; prednisolone is fine after.
	if _, err := Dispense(Prescription{PatientID: "P1", VetID: "V01", Drug: "PRED5", Qty: 10, Issued: clock.Today().AddDate(0, 0, 10)}); err != nil {
		t.Errorf("Dispense after the course = %v", err)
	}
	if _, err := Dispense(Prescription{PatientID: "P1", VetID: "V02", Drug: "TRAM50", Qty: 10}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(trail.String(), "V02 prescription.dispensed rx=RX0003 patient=P1 drug=TRAM50 qty=10 controlled=true stock_left=50") {
		t.Errorf("controlled drug missing from the trail:\n%s", trail)
	}
}

func TestCheckInteractions(t *testing.T) {
	setup(t)
	if err := CheckInteractions("AMOX250", "MELOX15", "TRAM50"); err != nil {
		t.Errorf("CheckInteractions = %v", err)
	}
	if err := CheckInteractions("PRED5", "AMOX250", "MELOX15"); !errors.Is(err, ErrInteraction) {
		t.Errorf("CheckInteractions = %v; want ErrInteraction", err)
	}
	if err := CheckInteractions(); err != nil {
		t.Errorf("CheckInteractions() = %v", err)
	}
	if err := CheckInteractions("AMOX250", "NOPE"); !errors.Is(err, ErrUnknownDrug) {
		t.Errorf("CheckInteractions(unknown) = %v", err)
	}
}

func TestRefill(t *testing.T) {
	setup(t)
	var due []time.Time
	events.Subscribe(events.PrescriptionDispensed, func(e events.Event) { due = append(due, e.When) })

	rx, err := Dispense(Prescription{PatientID: "P1", VetID: "V01", Drug: "APOQ16", Qty: 15, DaysSupply: 15, Refills: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Refill(rx.ID, "N01"); err != nil {
		t.Fatal(err)
	}
	if _, err := Refill(rx.ID, "N01"); !errors.Is(err, ErrNoRefills) {
		t.Errorf("second Refill = %v; want ErrNoRefills", err)
	}
	if _, err := Refill("RX9999", "N01"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Refill(absent) = %v; want ErrNotFound", err)
	}
	if d, _ := Lookup("APOQ16"); d.Stock != 10 {
		t.Errorf("stock = %d; want 10", d.Stock)
	}
	// Only the first dispensing had a refill to come.
	if len(due) != 1 || !due[0].Equal(time.Date(2026, 4, 16, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("refill events due %v", due)
	}
	if low := LowStock(11); len(low) != 3 || low[0].Code != "APOQ16" {
		t.Errorf("LowStock(11) = %v", low)
	}
}

func TestLoadAndCharges(t *testing.T) {
	setup(t)
	var announced []string
	events.Subscribe(events.PrescriptionDispensed, func(e events.Event) { announced = append(announced, e.Ref) })
	n, rejected, err := Load(fixture("prescriptions.csv"))
	if err != nil || len(rejected) != 0 || n != 16 {
		t.Fatalf("Load = %d, %v, %v", n, rejected, err)
	}
	// RX0005 and RX0008 have refills and last past 1 April.
	if strings.Join(announced, " ") != "RX0005 RX0008" {
		t.Errorf("announced %v", announced)
	}
	rx, err := Dispense(Prescription{PatientID: "P1", VetID: "V01", Drug: "AMOX250", Qty: 1})
	if err != nil || rx.ID != "RX0017" {
		t.Errorf("Dispense after Load = %+v, %v", rx, err)
	}
	first, last, _ := billing.MonthRange("2026-03")
	lines, err := charges(first, last)
	if err != nil {
		t.Fatal(err)
	}
	var total int
	for _, l := range lines {
		total += int(l.Amount())
	}
	if len(lines) != 14 || total != 27360 {
		t.Errorf("March: %d lines, total %d; want 14, 27360", len(lines), total)
	}
}

func TestDispenseFile(t *testing.T) {
	setup(t)
	done, refused, err := DispenseFile(fixture("new_prescriptions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	// Only the patients P1 and P2 exist here, so every fixture row but the
	// unparsable one fails on the patient.
	if len(done) != 0 || len(refused) != 8 {
		t.Fatalf("done %v, refused %v", done, refused)
	}
	if refused[6].Line != 8 || !errors.Is(refused[6], patients.ErrNotFound) || refused[7].Line != 9 {
		t.Errorf("refused = %v", refused)
	}
}

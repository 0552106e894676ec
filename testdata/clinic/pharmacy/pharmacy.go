// Package pharmacy keeps the clinic's formulary and stock, checks and
// dispenses prescriptions, and reports dispensed medicines to billing.
package pharmacy

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"example.com/clinic/billing"
	"example.com/clinic/internal/audit"
	"example.com/clinic/internal/clock"
	"example.com/clinic/internal/events"
	"example.com/clinic/internal/money"
	"example.com/clinic/internal/store"
	"example.com/clinic/patients"
	"example.com/clinic/staff"
)

// Drug is one entry of the formulary.
type Drug struct {
	Code  string      `json:"code"`
	Name  string      `json:"name"`
	Unit  string      `json:"unit"` // tablet, ml, vial
	Price money.Cents `json:"price"`
	Stock int         `json:"stock"`
	// Controlled drugs may only be prescribed by a vet and are written to
	// the audit trail with their remaining stock.
	Controlled bool `json:"controlled"`
	// Interacts lists the codes of drugs that must not be given together
	// with this one.
	Interacts []string `json:"interacts,omitempty"`
}

// Prescription is a course of one drug for one patient.
type Prescription struct {
	ID        string
	PatientID string
	VetID     string
	Drug      string
	Qty       int
	// DaysSupply is how long Qty lasts; Refills how many more times it may
	// be dispensed without a new prescription.
	DaysSupply int
	Refills    int
	Issued     time.Time
}

// Until is the last day the prescription's supply lasts.
func (p Prescription) Until() time.Time { return p.Issued.AddDate(0, 0, p.DaysSupply) }

// Errors a caller can test for with errors.Is.
var (
	ErrUnknownDrug   = errors.New("drug not in formulary")
	ErrOutOfStock    = errors.New("out of stock")
	ErrInteraction   = errors.New("drug interaction")
	ErrNotPrescriber = errors.New("not allowed to prescribe")
	ErrNoRefills     = errors.New("no refills left")
	ErrNotFound      = errors.New("prescription not found")
)

var (
	formulary = store.NewTable[string, Drug]()
	scripts   = store.NewTable[string, Prescription]()
	ids       = store.NewSeq("RX")
)

func init() {
	billing.RegisterSource("pharmacy", charges)
}

// LoadFormulary replaces the formulary with a JSON list of drugs.
func LoadFormulary(path string) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("load formulary: %w", err)
	}
	var drugs []Drug
	if err := json.Unmarshal(data, &drugs); err != nil {
		return 0, fmt.Errorf("load formulary %s: %w", path, err)
	}
	formulary.Reset()
	scripts.Reset()
	ids.Restart()
	for _, d := range drugs {
		if !formulary.Insert(d.Code, d) {
			return 0, fmt.Errorf("load formulary %s: drug %s listed twice", path, d.Code)
		}
	}
	return len(drugs), nil
}

// Lookup returns a drug of the formulary.
func Lookup(code string) (Drug, error) {
	d, ok := formulary.Get(code)
	if !ok {
		return d, fmt.Errorf("%s: %w", code, ErrUnknownDrug)
	}
	return d, nil
}

// LowStock returns the drugs with fewer than threshold units left.
func LowStock(threshold int) []Drug {
	return formulary.Select(func(d Drug) bool { return d.Stock < threshold })
}

// CheckInteractions fails if any two of the drugs must not be combined.
func CheckInteractions(codes ...string) error {
	for i, a := range codes {
		da, err := Lookup(a)
		if err != nil {
			return err
		}
		for _, b := range codes[i+1:] {
			db, err := Lookup(b)
			if err != nil {
				return err
			}
			if slices.Contains(da.Interacts, b) || slices.Contains(db.Interacts, a) {
				return fmt.Errorf("%s with %s: %w", da.Name, db.Name, ErrInteraction)
			}
		}
	}
	return nil
}

// Active returns the patient's prescriptions issued by day whose supply
// lasts past it.
func Active(patientID string, day time.Time) []Prescription {
	return scripts.Select(func(p Prescription) bool {
		return p.PatientID == patientID && !p.Issued.After(day) && p.Until().After(day)
	})
}

// Dispense checks a prescription and hands the medicine out: the patient
// must be alive, the prescriber a vet, the drug compatible with the
// patient's other current medicines and in stock. The prescription is given
// an ID and its issue day defaults to today.
func Dispense(rx Prescription) (Prescription, error) {
	if rx.Issued.IsZero() {
		rx.Issued = clock.Today()
	}
	if rx.Qty <= 0 {
		return rx, fmt.Errorf("dispense %s: quantity %d", rx.Drug, rx.Qty)
	}
	if _, err := patients.Active(rx.PatientID); err != nil {
		return rx, fmt.Errorf("dispense %s: %w", rx.Drug, err)
	}
	if _, err := staff.RequireVet(rx.VetID); err != nil {
		if errors.Is(err, staff.ErrNotVet) {
			return rx, fmt.Errorf("dispense %s: %w: %w", rx.Drug, ErrNotPrescriber, err)
		}
		return rx, fmt.Errorf("dispense %s: %w", rx.Drug, err)
	}
	current := []string{rx.Drug}
	for _, p := range Active(rx.PatientID, rx.Issued) {
		current = append(current, p.Drug)
	}
	if err := CheckInteractions(current...); err != nil {
		return rx, fmt.Errorf("dispense %s for %s: %w", rx.Drug, rx.PatientID, err)
	}
	drug, err := take(rx.Drug, rx.Qty)
	if err != nil {
		return rx, fmt.Errorf("dispense for %s: %w", rx.PatientID, err)
	}
	rx.ID = ids.Next()
	scripts.Put(rx.ID, rx)
	kv := []any{"rx", rx.ID, "patient", rx.PatientID, "drug", rx.Drug, "qty", rx.Qty}
	if drug.Controlled {
		kv = append(kv, "controlled", true, "stock_left", drug.Stock)
	}
	audit.Record(rx.VetID, "prescription.dispensed", kv...)
	if rx.Refills > 0 {
		announce(rx)
	}
	return rx, nil
}

// announce tells the clinic a prescription with refills was dispensed.
func announce(rx Prescription) {
	name := rx.Drug
	if d, ok := formulary.Get(rx.Drug); ok {
		name = d.Name
	}
	events.Publish(events.Event{
		Kind: events.PrescriptionDispensed, PatientID: rx.PatientID, Ref: rx.ID, When: rx.Until(),
		Note: name,
	})
}

// Refill dispenses a prescription again, as of today.
func Refill(id, by string) (Prescription, error) {
	old, ok := scripts.Get(id)
	if !ok {
		return old, fmt.Errorf("refill %s: %w", id, ErrNotFound)
	}
	if old.Refills == 0 {
		return old, fmt.Errorf("refill %s: %w", id, ErrNoRefills)
	}
	if _, err := take(old.Drug, old.Qty); err != nil {
		return old, fmt.Errorf("refill %s: %w", id, err)
	}
	err := scripts.Update(id, func(p *Prescription) error {
		p.Refills--
		p.Issued = clock.Today()
		old = *p
		return nil
	})
	if err != nil {
		return old, err
	}
	audit.Record(by, "prescription.refilled", "rx", id, "refills_left", old.Refills)
	if old.Refills > 0 {
		announce(old)
	}
	return old, nil
}

// take removes qty units of a drug from stock.
func take(code string, qty int) (Drug, error) {
	var d Drug
	err := formulary.Update(code, func(s *Drug) error {
		if s.Stock < qty {
			return fmt.Errorf("%s: %d wanted, %d left: %w", s.Name, qty, s.Stock, ErrOutOfStock)
		}
		s.Stock -= qty
		d = *s
		return nil
	})
	if errors.Is(err, store.ErrNoRow) {
		return d, fmt.Errorf("%s: %w", code, ErrUnknownDrug)
	}
	return d, err
}

// Dispensed returns the prescriptions issued from first to last, in ID
// order.
func Dispensed(first, last time.Time) []Prescription {
	end := clock.Day(last).AddDate(0, 0, 1)
	return scripts.Select(func(p Prescription) bool { return !p.Issued.Before(first) && p.Issued.Before(end) })
}

// charges is the billing source for medicines.
func charges(first, last time.Time) ([]billing.Line, error) {
	var lines []billing.Line
	for _, p := range Dispensed(first, last) {
		d, err := Lookup(p.Drug)
		if err != nil {
			return nil, fmt.Errorf("prescription %s: %w", p.ID, err)
		}
		lines = append(lines, billing.Line{
			PatientID: p.PatientID, Date: p.Issued, Description: d.Name, Qty: p.Qty, Unit: d.Price,
		})
	}
	return lines, nil
}

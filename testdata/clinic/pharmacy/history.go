package pharmacy

import (
	"fmt"
	"slices"

	"example.com/clinic/internal/clock"
	"example.com/clinic/internal/csvio"
)

func parsePrescription(row csvio.Row) (Prescription, error) {
	rx := Prescription{PatientID: row.Str("patient"), VetID: row.Str("vet"), Drug: row.Str("drug")}
	var err error
	if rx.Issued, err = row.Date("issued"); err != nil {
		return rx, err
	}
	if rx.Qty, err = row.Int("qty", 0); err != nil {
		return rx, err
	}
	if rx.DaysSupply, err = row.Int("days", 0); err != nil {
		return rx, err
	}
	if rx.Refills, err = row.Int("refills", 0); err != nil {
		return rx, err
	}
	return rx, nil
}

// DispenseFile dispenses, in file order, the prescriptions of a CSV file:
//
//	issued,patient,vet,drug,qty,days,refills
//
// It returns those dispensed and, by line, those refused.
func DispenseFile(path string) ([]Prescription, []csvio.RowError, error) {
	type numbered struct {
		line int
		rx   Prescription
	}
	rows, rejected, err := csvio.ReadFile(path, []string{"issued", "patient", "vet", "drug", "qty"},
		func(row csvio.Row) (numbered, error) {
			rx, err := parsePrescription(row)
			return numbered{row.Line(), rx}, err
		})
	if err != nil {
		return nil, rejected, fmt.Errorf("dispense: %w", err)
	}
	var done []Prescription
	for _, n := range rows {
		rx, err := Dispense(n.rx)
		if err != nil {
			rejected = append(rejected, csvio.RowError{Line: n.line, Err: err})
			continue
		}
		done = append(done, rx)
	}
	slices.SortFunc(rejected, func(a, b csvio.RowError) int { return a.Line - b.Line })
	return done, rejected, nil
}

// Load replaces the dispensing record with the prescriptions of a CSV file
//
//	id,issued,patient,vet,drug,qty,days,refills
//
// as they were dispensed: nothing is checked again and stock is left as the
// formulary has it. Prescriptions with refills whose supply has yet to run
// out are announced again, so that refill reminders are queued for them.
func Load(path string) (int, []csvio.RowError, error) {
	rows, rejected, err := csvio.ReadFile(path, []string{"id", "issued", "patient", "vet", "drug", "qty"},
		func(row csvio.Row) (Prescription, error) {
			rx, err := parsePrescription(row)
			rx.ID = row.Str("id")
			if err == nil && rx.ID == "" {
				err = fmt.Errorf("id: missing")
			}
			return rx, err
		})
	if err != nil {
		return 0, rejected, fmt.Errorf("load prescriptions: %w", err)
	}
	scripts.Reset()
	ids.Restart()
	now := clock.Now()
	for _, rx := range rows {
		ids.Skip(rx.ID)
		scripts.Put(rx.ID, rx)
		if rx.Refills > 0 && rx.Until().After(now) {
			announce(rx)
		}
	}
	return len(rows), rejected, nil
}

package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"example.com/clinic/appointments"
	"example.com/clinic/internal/config"
	"example.com/clinic/internal/csvio"
	"example.com/clinic/patients"
	"example.com/clinic/pharmacy"
	"example.com/clinic/reminders"
	"example.com/clinic/staff"
)

// load reads the data directory into the clinic's modules, replacing
// whatever they held. The files are the clinic's own records, so a row that
// does not load is an error, not a warning.
func load(dir, user string) error {
	path := func(name string) string { return filepath.Join(dir, name) }

	cfg, err := config.Load(path("clinic.json"))
	if err != nil {
		return err
	}
	config.Current = cfg
	reminders.Reset()

	if _, err := staff.Load(path("staff.json")); err != nil {
		return err
	}

	f, err := os.Open(path("patients.csv"))
	if err != nil {
		return fmt.Errorf("load patients: %w", err)
	}
	defer f.Close()
	patients.Default.Reset()
	if _, rejected, err := patients.Import(f, user); err != nil {
		return err
	} else if err := rowErrors(path("patients.csv"), rejected); err != nil {
		return err
	}

	if _, err := pharmacy.LoadFormulary(path("formulary.json")); err != nil {
		return err
	}
	if _, rejected, err := appointments.Load(path("appointments.csv")); err != nil {
		return err
	} else if err := rowErrors(path("appointments.csv"), rejected); err != nil {
		return err
	}
	if _, rejected, err := pharmacy.Load(path("prescriptions.csv")); err != nil {
		return err
	} else if err := rowErrors(path("prescriptions.csv"), rejected); err != nil {
		return err
	}
	return nil
}

func rowErrors(file string, rejected []csvio.RowError) error {
	errs := make([]error, len(rejected))
	for i, r := range rejected {
		errs[i] = fmt.Errorf("%s:%d: %w", file, r.Line, r.Err)
	}
	return errors.Join(errs...)
}

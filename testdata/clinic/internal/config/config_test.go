package config

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestLoadFixture(t *testing.T) {
	c, err := Load(filepath.Join("..", "..", "testdata", "clinic.json"))
	if err != nil {
		t.Fatal(err)
	}
	if c.ClinicName != "Harbourside Veterinary Clinic" || c.Fees["surgery"] != 42000 || c.TaxBasisPoints != 1900 {
		t.Errorf("Load = %+v", c)
	}
	if c.Workers != 4 || len(c.OpenDays) != 6 {
		t.Errorf("workers %d, open days %v", c.Workers, c.OpenDays)
	}
}

func TestLoadInvalid(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"hours.json":   `{"open_hour": 18, "close_hour": 8}`,
		"slot.json":    `{"slot_minutes": 7}`,
		"day.json":     `{"open_days": ["Mon", "Funday"]}`,
		"workers.json": `{"workers": 0}`,
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Load(path); !errors.Is(err, ErrInvalid) {
			t.Errorf("Load(%s) = %v; want ErrInvalid", name, err)
		}
	}
	if _, err := Load(filepath.Join(dir, "absent.json")); err == nil || errors.Is(err, ErrInvalid) {
		t.Errorf("Load(absent) = %v; want a read error", err)
	}
}

func TestOpeningHours(t *testing.T) {
	c := Default()
	sat := time.Date(2026, 4, 11, 10, 0, 0, 0, time.UTC)
	mon := time.Date(2026, 4, 6, 10, 0, 0, 0, time.UTC)
	if c.IsOpenOn(sat) || !c.IsOpenOn(mon) {
		t.Errorf("IsOpenOn(sat, mon) = %v, %v; want false, true", c.IsOpenOn(sat), c.IsOpenOn(mon))
	}
	open, closing := c.Hours(mon)
	if open.Hour() != 9 || closing.Hour() != 17 || open.Day() != 6 {
		t.Errorf("Hours = %v, %v", open, closing)
	}
	if d, ok := Weekday("Thu"); !ok || d != time.Thursday {
		t.Errorf("Weekday(Thu) = %v, %v", d, ok)
	}
}

// Package config holds the clinic's settings: opening hours, fees, tax,
// reminder lead times. The clinic command loads clinic.json at start-up and
// stores the result in Current, which every module reads; nothing else
// writes it.
package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"example.com/clinic/internal/money"
)

// Config is the content of clinic.json.
type Config struct {
	ClinicName string `json:"clinic_name"`
	Currency   string `json:"currency"`

	// Opening hours, in whole hours UTC, and the days the clinic is open
	// ("Mon" … "Sun").
	OpenHour  int      `json:"open_hour"`
	CloseHour int      `json:"close_hour"`
	OpenDays  []string `json:"open_days"`
	// SlotMinutes is the booking grid: appointments start on a multiple of it.
	SlotMinutes int `json:"slot_minutes"`

	// Fees by appointment kind, plus "no_show" charged when a patient does
	// not turn up.
	Fees map[string]money.Cents `json:"fees"`
	// TaxBasisPoints is the sales tax rate: 2000 is 20%.
	TaxBasisPoints int `json:"tax_basis_points"`
	// MultiPetDiscountBP is the discount an owner gets on a month with
	// visits or prescriptions for more than one pet.
	MultiPetDiscountBP int `json:"multi_pet_discount_bp"`

	VaccinationIntervalDays int `json:"vaccination_interval_days"`
	ReminderLeadDays        int `json:"reminder_lead_days"`
	LowStockThreshold       int `json:"low_stock_threshold"`

	// Workers bounds the goroutines of the batch jobs.
	Workers int `json:"workers"`
}

// Current is the configuration in force. The clinic command sets it from
// clinic.json before running any command.
var Current = Default()

// Default is the configuration of a small clinic open on weekdays.
func Default() Config {
	return Config{
		ClinicName:  "Clinic",
		Currency:    "EUR",
		OpenHour:    9,
		CloseHour:   17,
		OpenDays:    []string{"Mon", "Tue", "Wed", "Thu", "Fri"},
		SlotMinutes: 15,
		Fees: map[string]money.Cents{
			"checkup": 4500, "vaccination": 3500, "dental": 12000, "surgery": 35000, "no_show": 2000,
		},
		TaxBasisPoints:          2000,
		MultiPetDiscountBP:      500,
		VaccinationIntervalDays: 365,
		ReminderLeadDays:        14,
		LowStockThreshold:       10,
		Workers:                 4,
	}
}

// ErrInvalid is wrapped by every validation failure.
var ErrInvalid = errors.New("invalid configuration")

// Load reads a JSON configuration file over the defaults and validates it.
func Load(path string) (Config, error) {
	c := Default()
	data, err := os.ReadFile(path)
	if err != nil {
		return c, fmt.Errorf("load config: %w", err)
	}
	if err := json.Unmarshal(data, &c); err != nil {
		return c, fmt.Errorf("load config %s: %w", path, err)
	}
	if err := c.Validate(); err != nil {
		return c, fmt.Errorf("load config %s: %w", path, err)
	}
	return c, nil
}

// Validate reports the first setting that cannot work.
func (c Config) Validate() error {
	var problems []string
	if c.OpenHour < 0 || c.CloseHour > 24 || c.OpenHour >= c.CloseHour {
		problems = append(problems, fmt.Sprintf("opening hours %d-%d", c.OpenHour, c.CloseHour))
	}
	if c.SlotMinutes <= 0 || 60%c.SlotMinutes != 0 {
		problems = append(problems, fmt.Sprintf("slot_minutes %d must divide an hour", c.SlotMinutes))
	}
	for _, d := range c.OpenDays {
		if _, ok := weekdays[d]; !ok {
			problems = append(problems, fmt.Sprintf("open day %q", d))
		}
	}
	if c.TaxBasisPoints < 0 || c.MultiPetDiscountBP < 0 || c.MultiPetDiscountBP > 10000 {
		problems = append(problems, "tax and discount must be between 0 and 10000 basis points")
	}
	if c.Workers < 1 {
		problems = append(problems, "workers must be at least 1")
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w: %s", ErrInvalid, strings.Join(problems, "; "))
	}
	return nil
}

var weekdays = map[string]time.Weekday{
	"Sun": time.Sunday, "Mon": time.Monday, "Tue": time.Tuesday, "Wed": time.Wednesday,
	"Thu": time.Thursday, "Fri": time.Friday, "Sat": time.Saturday,
}

// Weekday parses a three-letter day name.
func Weekday(s string) (time.Weekday, bool) {
	d, ok := weekdays[s]
	return d, ok
}

// IsOpenOn reports whether the clinic opens on t's day.
func (c Config) IsOpenOn(t time.Time) bool {
	return slices.Contains(c.OpenDays, t.Weekday().String()[:3])
}

// Hours returns the opening and closing time on t's day.
func (c Config) Hours(t time.Time) (open, close time.Time) {
	y, m, d := t.Date()
	open = time.Date(y, m, d, c.OpenHour, 0, 0, 0, time.UTC)
	close = time.Date(y, m, d, c.CloseHour, 0, 0, 0, time.UTC)
	return open, close
}

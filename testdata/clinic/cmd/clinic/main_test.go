package main

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"example.com/clinic/internal/clock"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

const dataDir = "../../testdata"

// clinic runs the command line as of 1 April 2026, 08:00 UTC, on the
// fixture data, and returns what it printed.
func clinic(t *testing.T, args ...string) (string, error) {
	t.Helper()
	prev := clock.Now
	t.Cleanup(func() { clock.Now = prev })
	var out bytes.Buffer
	err := run(append([]string{"-data", dataDir, "-now", "2026-04-01T08:00:00Z"}, args...), &out)
	return out.String(), err
}

func TestGolden(t *testing.T) {
	for _, tt := range []struct {
		golden string
		args   []string
	}{
		{"import", []string{"import", dataDir + "/new_patients.csv"}},
		{"rota", []string{"rota", "-week", "2026-04-08"}},
		{"schedule", []string{"schedule", dataDir + "/requests.csv"}},
		{"dispense", []string{"dispense", dataDir + "/new_prescriptions.csv"}},
		{"bill", []string{"bill", "-month", "2026-03"}},
		{"bill-february", []string{"bill", "-month", "2026-02"}},
		{"bill-empty", []string{"bill", "-month", "2025-12"}},
		{"remind", []string{"remind", "-day", "2026-04-02", "-opt-out", "kenji@example.jp"}},
		{"report", []string{"report", "-month", "2026-03"}},
	} {
		t.Run(tt.golden, func(t *testing.T) {
			got, err := clinic(t, tt.args...)
			if err != nil {
				t.Fatalf("clinic %s: %v", strings.Join(tt.args, " "), err)
			}
			path := filepath.Join("testdata", tt.golden+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("clinic %s: output differs from %s (run with -update to accept)\n--- got\n%s\n--- want\n%s",
					strings.Join(tt.args, " "), path, got, want)
			}
		})
	}
}

func TestEveryRunStartsFromTheFiles(t *testing.T) {
	// Each run reloads the data directory: booking the same requests twice
	// gives the same book, and a dispensing run does not leak into a bill.
	first, err := clinic(t, "schedule", dataDir+"/requests.csv")
	if err != nil {
		t.Fatal(err)
	}
	second, err := clinic(t, "schedule", dataDir+"/requests.csv")
	if err != nil {
		t.Fatal(err)
	}
	if first != second {
		t.Errorf("second schedule run differs:\n%s\n---\n%s", first, second)
	}
	if _, err := clinic(t, "dispense", dataDir+"/new_prescriptions.csv"); err != nil {
		t.Fatal(err)
	}
	bill, err := clinic(t, "bill", "-month", "2026-04")
	if err != nil {
		t.Fatal(err)
	}
	if bill != "nothing to bill for 2026-04\n" {
		t.Errorf("April bill after a dispensing run:\n%s", bill)
	}
}

func TestWorkersDoNotChangeTheBill(t *testing.T) {
	one, err := clinic(t, "-workers", "1", "bill", "-month", "2026-03")
	if err != nil {
		t.Fatal(err)
	}
	many, err := clinic(t, "-workers", "16", "bill", "-month", "2026-03")
	if err != nil {
		t.Fatal(err)
	}
	if one != many {
		t.Errorf("bill with 1 and 16 workers differs:\n%s\n---\n%s", one, many)
	}
}

func TestAuditTrail(t *testing.T) {
	trail := filepath.Join(t.TempDir(), "audit.log")
	if _, err := clinic(t, "-audit", trail, "-user", "accounts", "bill", "-month", "2026-03", "-issue"); err != nil {
		t.Fatal(err)
	}
	if _, err := clinic(t, "-audit", trail, "-user", "V01", "dispense", dataDir+"/new_prescriptions.csv"); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(trail)
	if err != nil {
		t.Fatal(err)
	}
	log := string(data)
	for _, want := range []string{
		"2026-04-01T08:00:00Z accounts patients.import added=18 rejected=0\n",
		"2026-04-01T08:00:00Z accounts invoice.issued number=INV-2026-03-0011 owner=O12 total=29.75\n",
		"2026-04-01T08:00:00Z V03 prescription.dispensed rx=RX0018 patient=P-0016 drug=TRAM50 qty=20 controlled=true stock_left=40\n",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("audit trail lacks %q:\n%s", want, log)
		}
	}
	if n := strings.Count(log, "invoice.issued"); n != 11 {
		t.Errorf("%d invoices in the trail; want 11", n)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"cure"},
		{"-now", "yesterday", "report"},
		{"-bogus", "report"},
		{"import"},
		{"rota", "-week", "next"},
		{"bill", "extra"},
	} {
		_, err := clinic(t, args...)
		if !errors.Is(err, errUsage) {
			t.Errorf("clinic %q = %v; want a usage error", args, err)
		}
	}
}

func TestBadData(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"clinic.json", "staff.json", "patients.csv", "formulary.json", "appointments.csv", "prescriptions.csv"} {
		data, err := os.ReadFile(filepath.Join(dataDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if name == "appointments.csv" {
			data = append(data, "A0099,P-0001,V01,checkup,2026-04-31 09:00,scheduled\n"...)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	err := run([]string{"-data", dir, "-now", "2026-04-01", "report"}, &out)
	if err == nil || !strings.Contains(err.Error(), "appointments.csv:34: start:") {
		t.Errorf("run with a bad appointment row = %v", err)
	}
	err = run([]string{"-data", filepath.Join(dir, "absent"), "report"}, &out)
	if err == nil || errors.Is(err, errUsage) {
		t.Errorf("run with no data directory = %v", err)
	}
}

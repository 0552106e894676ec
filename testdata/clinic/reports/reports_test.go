package reports

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"example.com/clinic/appointments"
	"example.com/clinic/internal/clock"
	"example.com/clinic/internal/config"
	"example.com/clinic/patients"
	"example.com/clinic/pharmacy"
	"example.com/clinic/staff"
)

func TestCountByAndTop(t *testing.T) {
	words := []string{"cat", "dog", "cat", "bird", "dog", "cat", "ant"}
	got := countBy(words, func(s string) string { return s })
	want := []Count[string]{{"cat", 3}, {"dog", 2}, {"ant", 1}, {"bird", 1}}
	if len(got) != len(want) {
		t.Fatalf("countBy = %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("countBy[%d] = %v; want %v", i, got[i], want[i])
		}
	}
	byLen := countBy(words, func(s string) int { return len(s) })
	if byLen[0] != (Count[int]{3, 6}) {
		t.Errorf("countBy(len) = %v", byLen)
	}
	if top2 := top(map[string]int{"a": 1, "b": 5, "c": 5}, 2); len(top2) != 2 || top2[0].Key != "b" || top2[1].Key != "c" {
		t.Errorf("top = %v", top2)
	}
	if empty := top(map[string]int{}, 3); len(empty) != 0 {
		t.Errorf("top(empty) = %v", empty)
	}
}

// load reads the fixture clinic the way the clinic command does.
func load(t *testing.T) {
	t.Helper()
	t.Cleanup(clock.Freeze(time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC)))
	fixture := func(name string) string { return filepath.Join("..", "testdata", name) }
	cfg, err := config.Load(fixture("clinic.json"))
	if err != nil {
		t.Fatal(err)
	}
	prev := config.Current
	config.Current = cfg
	t.Cleanup(func() { config.Current = prev })
	if _, err := staff.Load(fixture("staff.json")); err != nil {
		t.Fatal(err)
	}
	patients.Default = patients.NewRegistry()
	data, err := os.ReadFile(fixture("patients.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if _, rejected, err := patients.Import(bytes.NewReader(data), "test"); err != nil || len(rejected) > 0 {
		t.Fatal(err, rejected)
	}
	if _, err := pharmacy.LoadFormulary(fixture("formulary.json")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := appointments.Load(fixture("appointments.csv")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := pharmacy.Load(fixture("prescriptions.csv")); err != nil {
		t.Fatal(err)
	}
}

func TestBuildMarch(t *testing.T) {
	load(t)
	m, err := Build(context.Background(), "2026-03")
	if err != nil {
		t.Fatal(err)
	}
	if m.Visits != 18 || m.NoShows != 2 || m.Cancelled != 2 || m.Invoices != 11 || m.Unbilled != 1 {
		t.Errorf("visits %d, no-shows %d, cancelled %d, invoices %d, unbilled %d",
			m.Visits, m.NoShows, m.Cancelled, m.Invoices, m.Unbilled)
	}
	if m.Invoiced != 251253 || m.Revenue["visits"] != 187550 || m.Revenue["pharmacy"] != 27360 {
		t.Errorf("invoiced %v, revenue %v", m.Invoiced, m.Revenue)
	}
	if m.ByVet[0] != (Count[string]{"Dr Amara Okafor", 10}) || m.TopDrugs[0] != (Count[string]{"MELOX15", 100}) {
		t.Errorf("by vet %v, top drugs %v", m.ByVet, m.TopDrugs)
	}
	var out bytes.Buffer
	if err := m.Write(&out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Harbourside Veterinary Clinic — report for 2026-03", "  FRONT            8 pipette left"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

func TestBuildQuietMonth(t *testing.T) {
	load(t)
	m, err := Build(context.Background(), "2025-12")
	if err != nil {
		t.Fatalf("Build(month without charges) = %v", err)
	}
	if m.Visits != 0 || m.Invoices != 0 || len(m.LowStock) != 2 {
		t.Errorf("report = %+v", m)
	}
	if _, err := Build(context.Background(), "December"); err == nil {
		t.Error("Build(December) succeeded")
	}
}

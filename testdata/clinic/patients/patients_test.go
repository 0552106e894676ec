package patients

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"example.com/clinic/internal/events"
)

func rex() Patient {
	return Patient{
		ID: "P-1", Name: "Rex", Species: "dog", Microchip: "276098100000007",
		Owner: Owner{ID: "O1", Name: "Pieter de Vries", Email: "pieter@example.com"},
	}
}

func TestAddGet(t *testing.T) {
	r := NewRegistry()
	if err := r.Add(rex()); err != nil {
		t.Fatal(err)
	}
	p, err := r.Get("P-1")
	if err != nil || p.Name != "Rex" {
		t.Errorf("Get = %+v, %v", p, err)
	}
	if _, err := r.Get("P-2"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get(absent) = %v; want ErrNotFound", err)
	}
}

func TestDuplicates(t *testing.T) {
	r := NewRegistry()
	if err := r.Add(rex()); err != nil {
		t.Fatal(err)
	}
	if err := r.Add(rex()); !errors.Is(err, ErrDuplicate) {
		t.Errorf("Add(same id) = %v; want ErrDuplicate", err)
	}
	twin := rex()
	twin.ID = "P-2"
	err := r.Add(twin)
	if !errors.Is(err, ErrDuplicate) || !strings.Contains(err.Error(), "belongs to P-1") {
		t.Errorf("Add(same chip) = %v; want ErrDuplicate naming P-1", err)
	}
}

func TestValidate(t *testing.T) {
	for name, edit := range map[string]func(*Patient){
		"no name":      func(p *Patient) { p.Name = "" },
		"no owner":     func(p *Patient) { p.Owner = Owner{} },
		"no contact":   func(p *Patient) { p.Owner.Email = "" },
		"bad email":    func(p *Patient) { p.Owner.Email = "pieter" },
		"short chip":   func(p *Patient) { p.Microchip = "2760981" },
		"letters chip": func(p *Patient) { p.Microchip = "27609810000000X" },
	} {
		p := rex()
		edit(&p)
		if err := p.Validate(); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: Validate = %v; want ErrInvalid", name, err)
		}
	}
	if err := rex().Validate(); err != nil {
		t.Errorf("Validate(rex) = %v", err)
	}
}

func TestDeceased(t *testing.T) {
	r := NewRegistry()
	if err := r.Add(rex()); err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC)
	if err := r.MarkDeceased("P-1", day, "V01"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Active("P-1"); !errors.Is(err, ErrInactive) {
		t.Errorf("Active = %v; want ErrInactive", err)
	}
	if p, err := r.Get("P-1"); err != nil || !p.Deceased.Equal(day) {
		t.Errorf("Get = %+v, %v; the record must stay readable", p, err)
	}
	if err := r.MarkDeceased("P-1", day, "V01"); !errors.Is(err, ErrInactive) {
		t.Errorf("second MarkDeceased = %v; want ErrInactive", err)
	}
	if err := r.MarkDeceased("P-9", day, "V01"); !errors.Is(err, ErrNotFound) {
		t.Errorf("MarkDeceased(absent) = %v; want ErrNotFound", err)
	}
}

func TestRecordVaccination(t *testing.T) {
	r := NewRegistry()
	if err := r.Add(rex()); err != nil {
		t.Fatal(err)
	}
	mar := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	feb := time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC)
	for _, d := range []time.Time{mar, feb} {
		if err := r.RecordVaccination("P-1", d); err != nil {
			t.Fatal(err)
		}
	}
	if p, _ := r.Get("P-1"); !p.LastVaccination.Equal(mar) {
		t.Errorf("LastVaccination = %v; want the later date %v", p.LastVaccination, mar)
	}
	if err := r.RecordVaccination("P-9", mar); !errors.Is(err, ErrNotFound) {
		t.Errorf("RecordVaccination(absent) = %v; want ErrNotFound", err)
	}
}

func TestImportFixtures(t *testing.T) {
	var registered []string
	events.Subscribe(events.PatientRegistered, func(e events.Event) { registered = append(registered, e.PatientID) })

	r := NewRegistry()
	f, err := os.Open(filepath.Join("..", "testdata", "patients.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	added, rejected, err := r.Import(f, "test")
	if err != nil || added != 18 || len(rejected) != 0 {
		t.Fatalf("Import(patients.csv) = %d, %v, %v", added, rejected, err)
	}
	if len(registered) != 18 {
		t.Errorf("%d PatientRegistered events; want 18", len(registered))
	}
	if got := len(r.ByOwner("O04")); got != 3 {
		t.Errorf("ByOwner(O04) has %d pets; want 3", got)
	}
	if _, err := r.Active("P-0008"); !errors.Is(err, ErrInactive) {
		t.Errorf("Active(P-0008) = %v; Oscar died on 2026-03-20", err)
	}

	f2, err := os.Open(filepath.Join("..", "testdata", "new_patients.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f2.Close()
	added, rejected, err = r.Import(f2, "test")
	if err != nil || added != 2 {
		t.Fatalf("Import(new_patients.csv) = %d, %v", added, err)
	}
	var lines []int
	for _, re := range rejected {
		lines = append(lines, re.Line)
	}
	if want := []int{4, 5, 6, 7, 8}; len(lines) != len(want) || lines[0] != 4 || lines[4] != 8 {
		t.Errorf("rejected lines %v; want %v", lines, want)
	}
	if !errors.Is(rejected[0], ErrDuplicate) || !errors.Is(rejected[1], ErrDuplicate) || !errors.Is(rejected[2], ErrInvalid) {
		t.Errorf("rejected = %v", rejected)
	}
}

func TestPackageFunctionsUseDefault(t *testing.T) {
	t.Cleanup(Default.Reset)
	if err := Add(rex()); err != nil {
		t.Fatal(err)
	}
	o, err := OwnerOf("P-1")
	if err != nil || o.Contact() != "pieter@example.com" {
		t.Errorf("OwnerOf = %+v, %v", o, err)
	}
	if len(All()) != 1 || len(ByOwner("O1")) != 1 {
		t.Errorf("All = %v", All())
	}
	if _, err := OwnerOf("P-2"); !errors.Is(err, ErrNotFound) {
		t.Errorf("OwnerOf(absent) = %v", err)
	}
	phoneOnly := Owner{Phone: "+30 690 111 2222"}
	if phoneOnly.Contact() != "+30 690 111 2222" {
		t.Errorf("Contact = %q", phoneOnly.Contact())
	}
}

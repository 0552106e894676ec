package appointments

import (
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"example.com/clinic/billing"
	"example.com/clinic/internal/clock"
	"example.com/clinic/internal/config"
	"example.com/clinic/internal/events"
	"example.com/clinic/patients"
	"example.com/clinic/staff"
)

// setup gives each test a clinic open Mon–Fri 9–17 on 2026-04-01 08:00,
// with the fixture roster, two living patients and a dead one.
func setup(t *testing.T) {
	t.Helper()
	t.Cleanup(clock.Freeze(time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC)))
	prev := config.Current
	config.Current = config.Default()
	t.Cleanup(func() { config.Current = prev })
	if _, err := staff.Load(filepath.Join("..", "testdata", "staff.json")); err != nil {
		t.Fatal(err)
	}
	patients.Default.Reset()
	book.Reset()
	ids.Restart()
	owner := patients.Owner{ID: "O1", Name: "Ann", Email: "ann@example.org"}
	for _, p := range []patients.Patient{
		{ID: "P1", Name: "Rex", Species: "dog", Owner: owner},
		{ID: "P2", Name: "Tom", Species: "cat", Owner: owner},
		{ID: "P3", Name: "Old", Species: "cat", Owner: owner, Deceased: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		if err := patients.Add(p); err != nil {
			t.Fatal(err)
		}
	}
}

func at(s string) time.Time {
	t, err := clock.ParseMinute(s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestBookChecks(t *testing.T) {
	setup(t)
	if _, err := Book("P1", "V01", Surgery, at("2026-04-06 09:00"), "test"); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name         string
		patient, vet string
		kind         Kind
		start        string
		want         error
	}{
		{"vet busy", "P2", "V01", Checkup, "2026-04-06 10:15", ErrSlotTaken},
		{"patient busy", "P1", "V02", Checkup, "2026-04-06 09:30", ErrSlotTaken},
		{"before opening", "P2", "V01", Checkup, "2026-04-06 08:45", ErrClosed},
		{"runs past closing", "P2", "V01", Dental, "2026-04-06 16:30", ErrClosed},
		{"off the grid", "P2", "V01", Checkup, "2026-04-06 11:05", ErrOffGrid},
		{"saturday", "P2", "V02", Checkup, "2026-04-11 10:00", ErrClosed},
		{"vet's day off", "P2", "V03", Checkup, "2026-04-06 10:00", ErrOffDuty},
		{"vet on leave", "P2", "V02", Checkup, "2026-04-09 10:00", ErrOffDuty},
		{"in the past", "P2", "V01", Checkup, "2026-03-31 10:00", ErrPast},
		{"unknown kind", "P2", "V01", "grooming", "2026-04-06 12:00", ErrUnknownKind},
		{"unknown patient", "P9", "V01", Checkup, "2026-04-06 12:00", patients.ErrNotFound},
		{"deceased patient", "P3", "V01", Checkup, "2026-04-06 12:00", patients.ErrInactive},
		{"nurse", "P2", "N01", Checkup, "2026-04-06 12:00", staff.ErrNotVet},
	} {
		_, err := Book(tt.patient, tt.vet, tt.kind, at(tt.start), "test")
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: Book = %v; want %v", tt.name, err, tt.want)
		}
	}
	// Right after the surgery is fine.
	if _, err := Book("P2", "V01", Checkup, at("2026-04-06 10:30"), "test"); err != nil {
		t.Errorf("Book after the surgery = %v", err)
	}
}

func TestBookCancelComplete(t *testing.T) {
	setup(t)
	var seen []events.Kind
	events.Subscribe(events.AppointmentBooked, func(e events.Event) { seen = append(seen, e.Kind) })
	events.Subscribe(events.AppointmentCancelled, func(e events.Event) { seen = append(seen, e.Kind) })
	events.Subscribe(events.AppointmentCompleted, func(e events.Event) { seen = append(seen, e.Kind) })

	a, err := Book("P1", "V01", Vaccination, at("2026-04-02 09:00"), "test")
	if err != nil {
		t.Fatal(err)
	}
	b, err := Book("P2", "V01", Checkup, at("2026-04-02 09:00"), "test")
	if !errors.Is(err, ErrSlotTaken) {
		t.Fatalf("double booking = %+v, %v", b, err)
	}
	if err := Cancel(a.ID, "owner away", "test"); err != nil {
		t.Fatal(err)
	}
	if err := Cancel(a.ID, "again", "test"); !errors.Is(err, ErrStatus) {
		t.Errorf("second Cancel = %v; want ErrStatus", err)
	}
	// The freed slot can be booked again.
	b, err = Book("P1", "V01", Vaccination, at("2026-04-02 09:00"), "test")
	if err != nil {
		t.Fatal(err)
	}
	if err := Complete(b.ID, "test"); err != nil {
		t.Fatal(err)
	}
	p, _ := patients.Get("P1")
	if !p.LastVaccination.Equal(clock.Day(b.Start)) {
		t.Errorf("LastVaccination = %v; want %v", p.LastVaccination, b.Start)
	}
	if err := Complete("A9999", "test"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Complete(absent) = %v; want ErrNotFound", err)
	}
	want := []events.Kind{events.AppointmentBooked, events.AppointmentCancelled, events.AppointmentBooked, events.AppointmentCompleted}
	if !slices.Equal(seen, want) {
		t.Errorf("events %v; want %v", seen, want)
	}
}

func TestSchedule(t *testing.T) {
	setup(t)
	day := at("2026-04-06 00:00")
	reqs := []Request{
		{Line: 2, PatientID: "P1", Kind: Checkup, Day: day},
		{Line: 3, PatientID: "P2", Kind: Surgery, Day: day},
		{Line: 4, PatientID: "P9", Kind: Checkup, Day: day},
		{Line: 5, PatientID: "P3", Kind: Checkup, Day: day},
		{Line: 6, PatientID: "P1", Kind: Dental, Day: at("2026-04-09 00:00"), VetID: "V02"},
		{Line: 7, PatientID: "P2", Kind: Checkup, Day: day, VetID: "N01"},
	}
	booked, unplaced := Schedule(reqs, 3, "test")
	if len(booked) != 2 {
		t.Fatalf("booked %+v", booked)
	}
	// The surgery is placed first and takes V01's first slot; the checkup
	// gets the same hour with the next vet.
	if b := booked[0]; b.Kind != Surgery || b.VetID != "V01" || b.Start != at("2026-04-06 09:00") {
		t.Errorf("booked[0] = %+v", b)
	}
	if b := booked[1]; b.Kind != Checkup || b.VetID != "V02" || b.Start != at("2026-04-06 09:00") {
		t.Errorf("booked[1] = %+v", b)
	}
	var lines []int
	for _, u := range unplaced {
		lines = append(lines, u.Request.Line)
	}
	if !slices.Equal(lines, []int{4, 5, 6, 7}) {
		t.Fatalf("unplaced lines %v; want 4 5 6 7", lines)
	}
	// V02 is on leave on Thursday 9th and does not work Fridays; the clinic
	// is closed at the weekend, and Monday 13th is past the three days.
	if !errors.Is(unplaced[0].Err, patients.ErrNotFound) || !errors.Is(unplaced[1].Err, patients.ErrInactive) ||
		unplaced[2].Err.Error() != "no free slot within 3 days of 2026-04-09" || !errors.Is(unplaced[3].Err, staff.ErrNotVet) {
		t.Errorf("unplaced = %v", unplaced)
	}
}

func TestLoadAndCharges(t *testing.T) {
	setup(t)
	cfg, err := config.Load(filepath.Join("..", "testdata", "clinic.json"))
	if err != nil {
		t.Fatal(err)
	}
	config.Current = cfg
	n, rejected, err := Load(filepath.Join("..", "testdata", "appointments.csv"))
	if err != nil || len(rejected) != 0 || n != 32 {
		t.Fatalf("Load = %d, %v, %v", n, rejected, err)
	}
	if got := len(Day(at("2026-04-03 00:00"))); got != 3 {
		t.Errorf("%d appointments on 3 April; want 3", got)
	}
	if _, err := Book("P1", "V01", Checkup, at("2026-04-06 10:00"), "test"); err == nil {
		t.Error("Book over the loaded surgery A0030 succeeded")
	}
	if a, err := Book("P1", "V01", Checkup, at("2026-04-06 10:30"), "test"); err != nil || a.ID != "A0033" {
		t.Errorf("Book after Load = %+v, %v; want id A0033", a, err)
	}

	first, last, _ := billing.MonthRange("2026-03")
	lines, err := charges(first, last)
	if err != nil {
		t.Fatal(err)
	}
	var total, noShows int
	for _, l := range lines {
		total += int(l.Amount())
		if l.Description == "missed checkup" {
			noShows++
		}
	}
	// 18 completed visits (one of them for an unregistered patient) and 2
	// no-shows; cancellations are free.
	if len(lines) != 20 || noShows != 2 || total != 192350 {
		t.Errorf("%d lines, %d no-shows, total %d", len(lines), noShows, total)
	}
}

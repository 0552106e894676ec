package reminders

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"example.com/clinic/internal/clock"
	"example.com/clinic/internal/config"
	"example.com/clinic/internal/events"
	"example.com/clinic/notify"
	"example.com/clinic/patients"
)

func day(s string) time.Time {
	d, err := clock.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func setup(t *testing.T) {
	t.Helper()
	t.Cleanup(clock.Freeze(day("2026-04-01").Add(8 * time.Hour)))
	prev := config.Current
	config.Current = config.Default()
	config.Current.ClinicName = "Harbourside"
	t.Cleanup(func() { config.Current = prev })
	Reset()
	patients.Default.Reset()
	for _, p := range []patients.Patient{
		{ID: "P1", Name: "Bella", Species: "dog", LastVaccination: day("2025-04-16"),
			Owner: patients.Owner{ID: "O1", Name: "Hannah", Email: "hannah@example.org"}},
		{ID: "P2", Name: "Rocky", Species: "dog", LastVaccination: day("2025-04-17"),
			Owner: patients.Owner{ID: "O2", Name: "Aisha", Phone: "+49 151 2345 6701"}},
		{ID: "P3", Name: "Oscar", Species: "cat", LastVaccination: day("2025-04-16"), Deceased: day("2026-03-20"),
			Owner: patients.Owner{ID: "O3", Name: "Chloé", Email: "chloe@example.fr"}},
		{ID: "P4", Name: "Nala", Species: "cat", LastVaccination: day("2025-04-16"),
			Owner: patients.Owner{ID: "O4", Name: "Kenji", Email: "kenji@example.jp"}},
	} {
		if err := patients.Add(p); err != nil {
			t.Fatal(err)
		}
	}
}

func kinds(rs []Reminder) string {
	var s []string
	for _, r := range rs {
		s = append(s, fmt.Sprintf("%s/%s", r.PatientID, r.Kind))
	}
	return strings.Join(s, " ")
}

func TestQueueFollowsEvents(t *testing.T) {
	setup(t)
	appt := day("2026-04-03").Add(9*time.Hour + 30*time.Minute)
	events.Publish(
		events.Event{Kind: events.AppointmentBooked, PatientID: "P2", Ref: "A1", When: appt, Note: "checkup with Dr Okafor"},
		events.Event{Kind: events.AppointmentBooked, PatientID: "P1", Ref: "A2", When: appt},
		events.Event{Kind: events.PrescriptionDispensed, PatientID: "P1", Ref: "RX1", When: day("2026-04-05"), Note: "Oclacitinib"},
		events.Event{Kind: events.AppointmentCancelled, PatientID: "P1", Ref: "A2"},
	)
	// On 2 April: P1's refill (runs out on the 5th) and vaccination (due
	// the 16th), P2's appointment; P4's vaccination; not dead P3's.
	if got := kinds(Due(day("2026-04-02"))); got != "P1/refill P1/vaccination P2/appointment P4/vaccination" {
		t.Errorf("Due(2 April) = %s", got)
	}
	if got := kinds(Due(day("2026-04-03"))); got != "P2/vaccination" {
		t.Errorf("Due(3 April) = %s", got)
	}
	Reset()
	if got := kinds(Due(day("2026-04-02"))); got != "P1/vaccination P4/vaccination" {
		t.Errorf("Due after Reset = %s", got)
	}
}

func TestDispatch(t *testing.T) {
	setup(t)
	appt := day("2026-04-03").Add(10 * time.Hour)
	events.Publish(
		events.Event{Kind: events.AppointmentBooked, PatientID: "P2", Ref: "A1", When: appt, Note: "checkup with Dr Okafor"},
		// Booked before Oscar died; the reminder must not go out.
		events.Event{Kind: events.AppointmentBooked, PatientID: "P3", Ref: "A2", When: appt},
	)
	var out strings.Builder
	box := notify.NewOutbox(&out, "Harbourside")
	box.OptOut("kenji@example.jp")
	res := Dispatch(day("2026-04-02"), box.Deliver)
	if res.Sent != 2 || res.Skipped != 2 || len(res.Failed) != 0 {
		t.Errorf("Dispatch = %+v; want 2 sent (P1, P2), 2 skipped (P3 dead, P4 opted out)", res)
	}
	for _, want := range []string{
		"To: hannah@example.org (email)\nFrom: Harbourside\nSubject: Harbourside: Bella is due a vaccination",
		"To: +49 151 2345 6701 (sms)",
		"Rocky is booked for a checkup with Dr Okafor on Friday 3 April at 10:00.",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("outbox lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "Oscar") {
		t.Errorf("a reminder went out for a dead patient:\n%s", out.String())
	}
}

func TestDispatchCollectsFailures(t *testing.T) {
	setup(t)
	down := errors.New("gateway down")
	var tried []string
	res := Dispatch(day("2026-04-02"), func(to, subject, body string) error {
		tried = append(tried, to)
		if strings.HasSuffix(to, ".jp") {
			return down
		}
		return nil
	})
	if res.Sent != 1 || len(res.Failed) != 1 || !errors.Is(res.Failed[0], down) {
		t.Errorf("Dispatch = %+v", res)
	}
	if len(tried) != 2 {
		t.Errorf("tried %v; a failure must not stop the rest", tried)
	}
}

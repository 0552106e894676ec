package events

import (
	"slices"
	"testing"
)

func TestPublishReachesSubscribersOfKind(t *testing.T) {
	var got []string
	Subscribe(AppointmentBooked, func(e Event) { got = append(got, "first:"+e.Ref) })
	Subscribe(AppointmentCancelled, func(e Event) { got = append(got, "cancel:"+e.Ref) })
	Subscribe(AppointmentBooked, func(e Event) { got = append(got, "second:"+e.Ref) })

	Publish(
		Event{Kind: AppointmentBooked, Ref: "A1"},
		Event{Kind: InvoiceIssued, Ref: "INV"},
		Event{Kind: AppointmentCancelled, Ref: "A1"},
	)
	want := []string{"first:A1", "second:A1", "cancel:A1"}
	if !slices.Equal(got, want) {
		t.Errorf("hooks saw %v; want %v", got, want)
	}
}

func TestPublishNothing(t *testing.T) {
	called := false
	Subscribe(PatientRegistered, func(Event) { called = true })
	Publish()
	if called {
		t.Error("a hook ran for an empty Publish")
	}
}

func TestSubscribeFromHook(t *testing.T) {
	// A hook may subscribe further hooks without deadlocking; they see
	// the events of later Publish calls.
	var later int
	Subscribe(PrescriptionDispensed, func(Event) {
		Subscribe(InvoiceIssued, func(Event) { later++ })
	})
	Publish(Event{Kind: PrescriptionDispensed}, Event{Kind: InvoiceIssued})
	if later != 0 {
		t.Errorf("late hook ran %d times within the same Publish; want 0", later)
	}
	Publish(Event{Kind: InvoiceIssued})
	if later != 1 {
		t.Errorf("late hook ran %d times; want 1", later)
	}
}

// Package events is the clinic's in-process notice board. A module that
// changes something others care about publishes an Event; modules that care
// subscribe a Hook, usually from their init function. Hooks run
// synchronously, in subscription order, on the publisher's goroutine.
package events

import (
	"sync"
	"time"
)

// Kind names what happened.
type Kind string

// The events the clinic publishes.
const (
	PatientRegistered     Kind = "patient.registered"
	AppointmentBooked     Kind = "appointment.booked"
	AppointmentCancelled  Kind = "appointment.cancelled"
	AppointmentCompleted  Kind = "appointment.completed"
	PrescriptionDispensed Kind = "prescription.dispensed"
	InvoiceIssued         Kind = "invoice.issued"
)

// Event is one notice.
type Event struct {
	Kind      Kind
	PatientID string
	// Ref is the record the event is about: an appointment, prescription
	// or invoice number.
	Ref string
	// When is the time the event points at: the appointment's start, the
	// day a prescription runs out.
	When time.Time
	// Note is a short human description, e.g. "dental with Dr Okafor".
	Note string
}

// Hook receives events of the kind it subscribed to.
type Hook func(Event)

type subscription struct {
	kind Kind
	hook Hook
}

var (
	mu    sync.RWMutex
	hooks []subscription
)

// Subscribe calls h for every event of kind k published from now on.
func Subscribe(k Kind, h Hook) {
	mu.Lock()
	defer mu.Unlock()
	hooks = append(hooks, subscription{k, h})
}

// Publish hands each event to the hooks subscribed to its kind.
func Publish(evs ...Event) {
	mu.RLock()
	subs := hooks
	mu.RUnlock()
	for _, e := range evs {
		for _, s := range subs {
			if s.kind == e.Kind {
				s.hook(e)
			}
		}
	}
}

package notify

import (
	"errors"
	"strings"
	"testing"
)

func TestDeliverChannels(t *testing.T) {
	var b strings.Builder
	o := NewOutbox(&b, "Harbourside")
	if err := o.Deliver("ann@example.org", "Hello", "Body one."); err != nil {
		t.Fatal(err)
	}
	if err := o.Deliver("+44 20 7946 0000", "Hi", "Body two."); err != nil {
		t.Fatal(err)
	}
	want := "To: ann@example.org (email)\nFrom: Harbourside\nSubject: Hello\n\nBody one.\n\n" +
		"To: +44 20 7946 0000 (sms)\nFrom: Harbourside\nSubject: Hi\n\nBody two.\n\n"
	if b.String() != want {
		t.Errorf("outbox:\n%s\nwant:\n%s", b.String(), want)
	}
	if o.Sent() != 2 {
		t.Errorf("Sent = %d", o.Sent())
	}
}

func TestDeliverRefusals(t *testing.T) {
	var b strings.Builder
	o := NewOutbox(&b, "Harbourside")
	o.OptOut("Kenji@Example.jp", "+1 555 0100")
	if err := o.Deliver("", "Hello", "x"); !errors.Is(err, ErrNoAddress) {
		t.Errorf("Deliver(no address) = %v; want ErrNoAddress", err)
	}
	if err := o.Deliver("kenji@example.jp", "Hello", "x"); !errors.Is(err, ErrOptedOut) {
		t.Errorf("Deliver(opted out) = %v; want ErrOptedOut", err)
	}
	if b.Len() != 0 || o.Sent() != 0 {
		t.Errorf("refused messages were written: %q", b.String())
	}
}

type brokenWriter struct{}

func (brokenWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestDeliverWriteError(t *testing.T) {
	o := NewOutbox(brokenWriter{}, "Harbourside")
	err := o.Deliver("ann@example.org", "Hello", "x")
	if err == nil || errors.Is(err, ErrNoAddress) || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("Deliver = %v; want the write error", err)
	}
}

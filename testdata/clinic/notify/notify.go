// Package notify delivers messages to pet owners. The clinic's batch jobs
// write them to an outbox — a stream of RFC 5322-like messages that the
// mail and SMS gateways pick up — rather than talking to the gateways
// themselves.
package notify

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
)

// Errors a caller can test for with errors.Is.
var (
	ErrNoAddress = errors.New("no address")
	ErrOptedOut  = errors.New("recipient opted out")
)

// Outbox writes messages to w, one after the other.
type Outbox struct {
	mu       sync.Mutex
	w        io.Writer
	from     string
	optedOut map[string]bool
	sent     int
}

// NewOutbox returns an outbox writing to w, signing messages as from.
func NewOutbox(w io.Writer, from string) *Outbox {
	return &Outbox{w: w, from: from, optedOut: map[string]bool{}}
}

// OptOut stops messages to the given addresses.
func (o *Outbox) OptOut(addrs ...string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, a := range addrs {
		o.optedOut[strings.ToLower(a)] = true
	}
}

// Deliver queues a message: by e-mail when to is an e-mail address, as a
// text message otherwise.
func (o *Outbox) Deliver(to, subject, body string) error {
	if to == "" {
		return fmt.Errorf("deliver %q: %w", subject, ErrNoAddress)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.optedOut[strings.ToLower(to)] {
		return fmt.Errorf("deliver to %s: %w", to, ErrOptedOut)
	}
	channel := "sms"
	if strings.Contains(to, "@") {
		channel = "email"
	}
	_, err := fmt.Fprintf(o.w, "To: %s (%s)\nFrom: %s\nSubject: %s\n\n%s\n\n", to, channel, o.from, subject, body)
	if err != nil {
		return fmt.Errorf("deliver to %s: %w", to, err)
	}
	o.sent++
	return nil
}

// Sent is the number of messages delivered so far.
func (o *Outbox) Sent() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.sent
}

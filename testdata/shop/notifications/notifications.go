// Package notifications writes to customers and staff: order confirmations,
// shipping notices, cart reminders and low-stock alerts. Every message is
// kept, so customers can read their messages in the shop as well.
//
// The event methods (OrderPlaced, ShipmentDispatched, ...) return nothing:
// a message that cannot be sent is recorded as failed and logged, and never
// fails the business operation that caused it.
package notifications

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"example.com/shop/cart"
	"example.com/shop/clock"
	"example.com/shop/ids"
	"example.com/shop/orders"
	"example.com/shop/page"
	"example.com/shop/shipping"
	"example.com/shop/users"
)

// Kind says what a message is about.
type Kind string

// Message kinds.
const (
	KindWelcome            Kind = "welcome"
	KindOrderPlaced        Kind = "order_placed"
	KindOrderCancelled     Kind = "order_cancelled"
	KindShipmentDispatched Kind = "shipment_dispatched"
	KindCartAbandoned      Kind = "cart_abandoned"
	KindLowStock           Kind = "low_stock"
)

// Status says whether a message went out.
type Status string

// Message states.
const (
	StatusSent   Status = "sent"
	StatusFailed Status = "failed"
)

// Message is a notification as sent and kept.
type Message struct {
	ID        string    `json:"id"`
	UserID    string    `json:"user_id,omitempty"` // empty for staff messages
	To        string    `json:"to"`
	Kind      Kind      `json:"kind"`
	Subject   string    `json:"subject"`
	Body      string    `json:"body"`
	Status    Status    `json:"status"`
	Error     string    `json:"error,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// Email is one mail to send.
type Email struct {
	To      string
	Subject string
	Body    string
}

// Mailer delivers mail.
type Mailer interface {
	Send(ctx context.Context, e Email) error
}

// LogMailer "sends" mail by logging it; the shop uses it when no mail
// server is configured.
type LogMailer struct {
	Log *slog.Logger
}

// Send logs e.
func (m LogMailer) Send(ctx context.Context, e Email) error {
	m.Log.InfoContext(ctx, "mail", "to", e.To, "subject", e.Subject)
	return nil
}

// Service composes and sends notifications.
type Service struct {
	users  *users.Service
	mailer Mailer
	store  Store
	clock  clock.Clock
	ids    ids.Generator
	log    *slog.Logger
	staff  string
}

// NewService returns a Service that looks up recipients in us and sends
// staff alerts to staffEmail.
func NewService(us *users.Service, m Mailer, store Store, clk clock.Clock, gen ids.Generator, log *slog.Logger, staffEmail string) *Service {
	return &Service{users: us, mailer: m, store: store, clock: clk, ids: gen, log: log, staff: staffEmail}
}

// Welcome greets a newly registered user.
func (s *Service) Welcome(ctx context.Context, u users.User) {
	s.send(ctx, u.ID, u.Email, KindWelcome,
		"Welcome to the shop",
		fmt.Sprintf("Hello %s,\n\nthank you for signing up.", u.Name))
}

// OrderPlaced confirms an order to its customer.
func (s *Service) OrderPlaced(ctx context.Context, o orders.Order) {
	var b strings.Builder
	fmt.Fprintf(&b, "Thank you for your order %s.\n\n", o.ID)
	for _, l := range o.Lines {
		fmt.Fprintf(&b, "%3d x %-40s %12s\n", l.Quantity, l.Name, l.Total)
	}
	fmt.Fprintf(&b, "\nShipping: %s\nTotal: %s\n", o.ShippingCost, o.Total)
	s.toUser(ctx, o.UserID, KindOrderPlaced, "Your order "+o.ID, b.String())
}

// OrderCancelled tells a customer their order was cancelled and refunded.
func (s *Service) OrderCancelled(ctx context.Context, o orders.Order) {
	s.toUser(ctx, o.UserID, KindOrderCancelled, "Order "+o.ID+" cancelled",
		fmt.Sprintf("Your order %s was cancelled. %s will be refunded to your card.", o.ID, o.Total))
}

// ShipmentDispatched tells a customer their parcel is on its way.
// It implements shipping.Listener.
func (s *Service) ShipmentDispatched(ctx context.Context, sh shipping.Shipment) {
	s.toUser(ctx, sh.UserID, KindShipmentDispatched, "Your order "+sh.OrderID+" is on its way",
		fmt.Sprintf("%s is delivering your parcel. Tracking number: %s.", sh.Carrier, sh.TrackingNumber))
}

// CartAbandoned reminds a customer of what is waiting in their cart.
// It implements cart.Nudger.
func (s *Service) CartAbandoned(ctx context.Context, c cart.Cart) {
	names := make([]string, len(c.Items))
	for i, it := range c.Items {
		names[i] = it.Name
	}
	s.toUser(ctx, c.UserID, KindCartAbandoned, "You left something in your cart",
		fmt.Sprintf("Still thinking about %s? Your cart (%s) is waiting.", strings.Join(names, ", "), c.Subtotal))
}

// LowStock alerts the staff that a product is running out.
// It implements inventory.Alerter.
func (s *Service) LowStock(ctx context.Context, productID string, available int) {
	s.send(ctx, "", s.staff, KindLowStock, "Low stock: "+productID,
		fmt.Sprintf("Only %d units of %s are left.", available, productID))
}

// List returns a page of a user's messages, newest first.
func (s *Service) List(ctx context.Context, userID string, p page.Request) (page.Page[Message], error) {
	msgs, err := s.store.ByUser(ctx, userID)
	if err != nil {
		return page.Page[Message]{}, fmt.Errorf("list messages of %s: %w", userID, err)
	}
	return page.Paginate(msgs, p), nil
}

func (s *Service) toUser(ctx context.Context, userID string, kind Kind, subject, body string) {
	u, err := s.users.Get(ctx, userID)
	if err != nil {
		s.log.ErrorContext(ctx, "notification not sent", "kind", kind, "user", userID, "err", err)
		return
	}
	s.send(ctx, u.ID, u.Email, kind, subject, fmt.Sprintf("Hello %s,\n\n%s", u.Name, body))
}

func (s *Service) send(ctx context.Context, userID, to string, kind Kind, subject, body string) {
	m := Message{
		ID:        s.ids.New("msg"),
		UserID:    userID,
		To:        to,
		Kind:      kind,
		Subject:   subject,
		Body:      body,
		Status:    StatusSent,
		CreatedAt: s.clock.Now(),
	}
	if err := s.mailer.Send(ctx, Email{To: to, Subject: subject, Body: body}); err != nil {
		m.Status, m.Error = StatusFailed, err.Error()
		s.log.WarnContext(ctx, "mail failed", "kind", kind, "to", to, "err", err)
	}
	if err := s.store.Save(ctx, m); err != nil {
		s.log.ErrorContext(ctx, "keep message", "kind", kind, "err", err)
	}
}

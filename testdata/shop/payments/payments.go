// Package payments charges customers' cards and refunds them.
//
// The shop talks to a card processor that is simulated here: any card
// number that passes the Luhn check is accepted, except that the issuer
// declines numbers ending in "0000" and charges above the per-payment limit.
package payments

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"example.com/shop/clock"
	"example.com/shop/ids"
	"example.com/shop/money"
)

// Errors returned by the service. Callers compare with errors.Is.
var (
	ErrDeclined        = errors.New("payment declined")
	ErrInvalidCard     = errors.New("invalid card number")
	ErrInvalidAmount   = errors.New("invalid amount")
	ErrNotFound        = errors.New("payment not found")
	ErrAlreadyRefunded = errors.New("payment already refunded")
)

// Status is the state of a payment.
type Status string

// Payment states.
const (
	StatusCaptured Status = "captured"
	StatusDeclined Status = "declined"
	StatusRefunded Status = "refunded"
)

// DefaultLimit is the largest amount a single payment may be for.
var DefaultLimit = money.New(500_000, money.EUR)

// ChargeRequest asks for an amount to be taken from a card.
type ChargeRequest struct {
	// IdempotencyKey makes retries safe: a second charge with the key of a
	// captured payment returns that payment instead of charging again.
	IdempotencyKey string      `json:"idempotency_key"`
	OrderID        string      `json:"order_id"`
	Amount         money.Money `json:"amount"`
	CardNumber     string      `json:"card_number"`
}

// Payment is the record of a charge. Only the last four digits of the card
// are kept.
type Payment struct {
	ID            string      `json:"id"`
	OrderID       string      `json:"order_id"`
	Amount        money.Money `json:"amount"`
	Brand         string      `json:"brand"`
	Last4         string      `json:"last4"`
	Status        Status      `json:"status"`
	DeclineReason string      `json:"decline_reason,omitempty"`
	CreatedAt     time.Time   `json:"created_at"`
	RefundedAt    *time.Time  `json:"refunded_at,omitempty"`
}

// Service charges and refunds payments.
type Service struct {
	store Store
	clock clock.Clock
	ids   ids.Generator
	limit money.Money
}

// NewService returns a Service that declines charges above limit.
func NewService(store Store, clk clock.Clock, gen ids.Generator, limit money.Money) *Service {
	return &Service{store: store, clock: clk, ids: gen, limit: limit}
}

// Charge takes req.Amount from the card. A declined charge is recorded and
// returned together with an error wrapping ErrDeclined.
func (s *Service) Charge(ctx context.Context, req ChargeRequest) (Payment, error) {
	number := NormalizeCard(req.CardNumber)
	if !ValidCard(number) {
		return Payment{}, fmt.Errorf("charge for %s: %w", req.OrderID, ErrInvalidCard)
	}
	if req.Amount.Amount <= 0 {
		return Payment{}, fmt.Errorf("charge for %s: %w: %s", req.OrderID, ErrInvalidAmount, req.Amount)
	}
	if req.IdempotencyKey != "" {
		prev, err := s.store.ByKey(ctx, req.IdempotencyKey)
		switch {
		case err == nil && prev.Status == StatusCaptured:
			return prev, nil
		case err != nil && !errors.Is(err, ErrNotFound):
			return Payment{}, fmt.Errorf("charge for %s: %w", req.OrderID, err)
		}
	}
	p := Payment{
		ID:        s.ids.New("pay"),
		OrderID:   req.OrderID,
		Amount:    req.Amount,
		Brand:     Brand(number),
		Last4:     number[len(number)-4:],
		Status:    StatusCaptured,
		CreatedAt: s.clock.Now(),
	}
	switch {
	case strings.HasSuffix(number, "0000"):
		p.Status, p.DeclineReason = StatusDeclined, "issuer declined the card"
	case s.limit.Less(req.Amount):
		p.Status, p.DeclineReason = StatusDeclined, "amount over limit of "+s.limit.String()
	}
	if err := s.store.Save(ctx, p, req.IdempotencyKey); err != nil {
		return Payment{}, fmt.Errorf("charge for %s: %w", req.OrderID, err)
	}
	if p.Status == StatusDeclined {
		return p, fmt.Errorf("charge for %s: %w: %s", req.OrderID, ErrDeclined, p.DeclineReason)
	}
	return p, nil
}

// Refund gives a captured payment back in full.
func (s *Service) Refund(ctx context.Context, paymentID string) (Payment, error) {
	p, err := s.store.Get(ctx, paymentID)
	if err != nil {
		return Payment{}, fmt.Errorf("refund %s: %w", paymentID, err)
	}
	switch p.Status {
	case StatusRefunded:
		return p, fmt.Errorf("refund %s: %w", paymentID, ErrAlreadyRefunded)
	case StatusDeclined:
		return p, fmt.Errorf("refund %s: %w: nothing was captured", paymentID, ErrDeclined)
	}
	now := s.clock.Now()
	p.Status, p.RefundedAt = StatusRefunded, &now
	if err := s.store.Save(ctx, p, ""); err != nil {
		return Payment{}, fmt.Errorf("refund %s: %w", paymentID, err)
	}
	return p, nil
}

// Get returns a payment.
func (s *Service) Get(ctx context.Context, id string) (Payment, error) {
	p, err := s.store.Get(ctx, id)
	if err != nil {
		return Payment{}, fmt.Errorf("get payment %s: %w", id, err)
	}
	return p, nil
}

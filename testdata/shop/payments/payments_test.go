package payments_test

import (
	"errors"
	"testing"
	"time"

	"example.com/shop/clock"
	"example.com/shop/ids"
	"example.com/shop/money"
	"example.com/shop/payments"
)

// Test card numbers.
const (
	visa     = "4242 4242 4242 4242"
	declined = "4000-0000-0002-0000" // passes Luhn, ends in 0000
)

var start = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func eur(cents int64) money.Money { return money.New(cents, money.EUR) }

func newService() (*payments.Service, *clock.Manual) {
	clk := clock.NewManual(start)
	return payments.NewService(payments.NewMemoryStore(), clk, ids.NewSequence(), eur(100_00)), clk
}

func TestValidCard(t *testing.T) {
	tests := []struct {
		number string
		want   bool
	}{
		{"4242424242424242", true},
		{"5555555555554444", true},
		{"378282246310005", true},
		{"4000000000020000", true},
		{"4242424242424241", false},
		{"4242", false},
		{"42424242424242424242", false},
		{"4242x42424242424", false},
	}
	for _, tt := range tests {
		if got := payments.ValidCard(tt.number); got != tt.want {
			t.Errorf("ValidCard(%q) = %v; want %v", tt.number, got, tt.want)
		}
	}
}

func TestBrand(t *testing.T) {
	tests := []struct{ number, want string }{
		{"4242424242424242", "visa"},
		{"5555555555554444", "mastercard"},
		{"2223003122003222", "mastercard"},
		{"378282246310005", "amex"},
		{"6011111111111117", "card"},
	}
	for _, tt := range tests {
		if got := payments.Brand(tt.number); got != tt.want {
			t.Errorf("Brand(%q) = %q; want %q", tt.number, got, tt.want)
		}
	}
}

func TestCharge(t *testing.T) {
	s, _ := newService()
	p, err := s.Charge(t.Context(), payments.ChargeRequest{OrderID: "ord_1", Amount: eur(4270), CardNumber: visa})
	if err != nil {
		t.Fatal(err)
	}
	want := payments.Payment{ID: "pay_000001", OrderID: "ord_1", Amount: eur(4270), Brand: "visa", Last4: "4242",
		Status: payments.StatusCaptured, CreatedAt: start}
	if p != want {
		t.Errorf("Charge = %+v; want %+v", p, want)
	}
	if got, err := s.Get(t.Context(), p.ID); err != nil || got != want {
		t.Errorf("Get = %+v, %v; want %+v", got, err, want)
	}
}

func TestChargeDeclined(t *testing.T) {
	tests := []struct {
		name   string
		card   string
		amount money.Money
	}{
		{"issuer declines 0000", declined, eur(1000)},
		{"over limit", visa, eur(100_01)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newService()
			p, err := s.Charge(t.Context(), payments.ChargeRequest{OrderID: "ord_1", Amount: tt.amount, CardNumber: tt.card})
			if !errors.Is(err, payments.ErrDeclined) {
				t.Fatalf("Charge: %v; want ErrDeclined", err)
			}
			if p.Status != payments.StatusDeclined || p.DeclineReason == "" {
				t.Errorf("declined payment = %+v; want status declined with a reason", p)
			}
			if got, _ := s.Get(t.Context(), p.ID); got.Status != payments.StatusDeclined {
				t.Errorf("stored payment = %+v; want the declined record kept", got)
			}
		})
	}
}

func TestChargeInvalid(t *testing.T) {
	s, _ := newService()
	for _, tt := range []struct {
		req  payments.ChargeRequest
		want error
	}{
		{payments.ChargeRequest{Amount: eur(100), CardNumber: "1234 5678"}, payments.ErrInvalidCard},
		{payments.ChargeRequest{Amount: eur(100), CardNumber: "4242424242424241"}, payments.ErrInvalidCard},
		{payments.ChargeRequest{Amount: eur(0), CardNumber: visa}, payments.ErrInvalidAmount},
	} {
		if _, err := s.Charge(t.Context(), tt.req); !errors.Is(err, tt.want) {
			t.Errorf("Charge(%+v): %v; want %v", tt.req, err, tt.want)
		}
	}
}

func TestChargeIdempotent(t *testing.T) {
	s, _ := newService()
	req := payments.ChargeRequest{IdempotencyKey: "ord_1", OrderID: "ord_1", Amount: eur(500), CardNumber: visa}
	first, err := s.Charge(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.Charge(t.Context(), req)
	if err != nil || again != first {
		t.Errorf("retried Charge = %+v, %v; want the first payment %+v", again, err, first)
	}
	// A declined attempt may be retried with another card.
	req = payments.ChargeRequest{IdempotencyKey: "ord_2", OrderID: "ord_2", Amount: eur(500), CardNumber: declined}
	if _, err := s.Charge(t.Context(), req); !errors.Is(err, payments.ErrDeclined) {
		t.Fatalf("Charge: %v; want ErrDeclined", err)
	}
	req.CardNumber = visa
	if p, err := s.Charge(t.Context(), req); err != nil || p.Status != payments.StatusCaptured {
		t.Errorf("retry with good card = %+v, %v; want captured", p, err)
	}
}

func TestRefund(t *testing.T) {
	s, clk := newService()
	p, err := s.Charge(t.Context(), payments.ChargeRequest{OrderID: "ord_1", Amount: eur(500), CardNumber: visa})
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Hour)
	r, err := s.Refund(t.Context(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != payments.StatusRefunded || r.RefundedAt == nil || !r.RefundedAt.Equal(start.Add(time.Hour)) {
		t.Errorf("Refund = %+v; want refunded an hour after the charge", r)
	}
	if _, err := s.Refund(t.Context(), p.ID); !errors.Is(err, payments.ErrAlreadyRefunded) {
		t.Errorf("second Refund: %v; want ErrAlreadyRefunded", err)
	}
	if _, err := s.Refund(t.Context(), "pay_nope"); !errors.Is(err, payments.ErrNotFound) {
		t.Errorf("Refund(unknown): %v; want ErrNotFound", err)
	}
}

func TestRefundDeclined(t *testing.T) {
	s, _ := newService()
	p, _ := s.Charge(t.Context(), payments.ChargeRequest{OrderID: "ord_1", Amount: eur(500), CardNumber: declined})
	if _, err := s.Refund(t.Context(), p.ID); !errors.Is(err, payments.ErrDeclined) {
		t.Errorf("Refund(declined payment): %v; want ErrDeclined", err)
	}
}

package notifications_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"example.com/shop/cart"
	"example.com/shop/clock"
	"example.com/shop/ids"
	"example.com/shop/money"
	"example.com/shop/notifications"
	"example.com/shop/orders"
	"example.com/shop/page"
	"example.com/shop/shipping"
	"example.com/shop/users"
)

var start = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func eur(cents int64) money.Money { return money.New(cents, money.EUR) }

// outbox is a Mailer that keeps what it sends and can be made to fail.
type outbox struct {
	mu   sync.Mutex
	sent []notifications.Email
	fail error
}

func (o *outbox) Send(_ context.Context, e notifications.Email) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.fail != nil {
		return o.fail
	}
	o.sent = append(o.sent, e)
	return nil
}

type fixture struct {
	svc  *notifications.Service
	mail *outbox
	user users.User
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	clk := clock.NewManual(start)
	gen := ids.NewSequence()
	us := users.NewService(users.NewMemoryStore(), clk, gen, users.WithHashIterations(1000))
	u, err := us.Register(t.Context(), users.Registration{Email: "ada@example.com", Name: "Ada", Password: "correct horse"})
	if err != nil {
		t.Fatal(err)
	}
	mail := &outbox{}
	svc := notifications.NewService(us, mail, notifications.NewMemoryStore(), clk, gen,
		slog.New(slog.DiscardHandler), "staff@shop.example")
	return fixture{svc, mail, u}
}

func (f fixture) messages(t *testing.T) []notifications.Message {
	t.Helper()
	p, err := f.svc.List(t.Context(), f.user.ID, page.Request{})
	if err != nil {
		t.Fatal(err)
	}
	return p.Items
}

func TestOrderPlaced(t *testing.T) {
	f := newFixture(t)
	f.svc.OrderPlaced(t.Context(), orders.Order{
		ID:     "ord_000001",
		UserID: f.user.ID,
		Lines: []orders.Line{
			{Name: "Espresso Beans", Quantity: 2, Total: eur(3780)},
			{Name: "Mug", Quantity: 1, Total: eur(1200)},
		},
		ShippingCost: eur(0),
		Total:        eur(4980),
	})
	if len(f.mail.sent) != 1 {
		t.Fatalf("sent %d mails; want 1", len(f.mail.sent))
	}
	e := f.mail.sent[0]
	if e.To != "ada@example.com" || e.Subject != "Your order ord_000001" {
		t.Errorf("mail = %+v", e)
	}
	for _, want := range []string{"Hello Ada", "Espresso Beans", "37.80 EUR", "Total: 49.80 EUR"} {
		if !strings.Contains(e.Body, want) {
			t.Errorf("body lacks %q:\n%s", want, e.Body)
		}
	}
	msgs := f.messages(t)
	if len(msgs) != 1 || msgs[0].Kind != notifications.KindOrderPlaced || msgs[0].Status != notifications.StatusSent ||
		msgs[0].Body != e.Body || !msgs[0].CreatedAt.Equal(start) {
		t.Errorf("kept messages = %+v", msgs)
	}
}

func TestEventMessages(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	f.svc.Welcome(ctx, f.user)
	f.svc.OrderCancelled(ctx, orders.Order{ID: "ord_1", UserID: f.user.ID, Total: eur(4270)})
	f.svc.ShipmentDispatched(ctx, shipping.Shipment{OrderID: "ord_2", UserID: f.user.ID, Carrier: "DHL", TrackingNumber: "DHL000001DE"})
	f.svc.CartAbandoned(ctx, cart.Cart{UserID: f.user.ID, Items: []cart.Item{{Name: "Mug"}, {Name: "Beans"}}, Subtotal: eur(3090)})
	tests := []struct {
		kind notifications.Kind
		want string
	}{
		{notifications.KindCartAbandoned, "Mug, Beans"},
		{notifications.KindShipmentDispatched, "Tracking number: DHL000001DE"},
		{notifications.KindOrderCancelled, "42.70 EUR will be refunded"},
		{notifications.KindWelcome, "thank you for signing up"},
	}
	msgs := f.messages(t)
	if len(msgs) != len(tests) {
		t.Fatalf("got %d messages; want %d", len(msgs), len(tests))
	}
	for i, tt := range tests {
		if msgs[i].Kind != tt.kind || !strings.Contains(msgs[i].Body, tt.want) {
			t.Errorf("message %d = %s %q; want %s containing %q", i, msgs[i].Kind, msgs[i].Body, tt.kind, tt.want)
		}
	}
}

func TestLowStockGoesToStaff(t *testing.T) {
	f := newFixture(t)
	f.svc.LowStock(t.Context(), "prd_000007", 2)
	if len(f.mail.sent) != 1 || f.mail.sent[0].To != "staff@shop.example" || !strings.Contains(f.mail.sent[0].Body, "Only 2 units of prd_000007") {
		t.Errorf("sent = %+v; want one alert to staff", f.mail.sent)
	}
	if msgs := f.messages(t); len(msgs) != 0 {
		t.Errorf("customer sees staff alerts: %+v", msgs)
	}
}

func TestMailerFailureIsKept(t *testing.T) {
	f := newFixture(t)
	f.mail.fail = errors.New("smtp: connection refused")
	f.svc.Welcome(t.Context(), f.user) // must not panic or block
	msgs := f.messages(t)
	if len(msgs) != 1 || msgs[0].Status != notifications.StatusFailed || msgs[0].Error != "smtp: connection refused" {
		t.Errorf("messages = %+v; want one failed message", msgs)
	}
}

func TestUnknownRecipientIsDropped(t *testing.T) {
	f := newFixture(t)
	f.svc.OrderPlaced(t.Context(), orders.Order{ID: "ord_1", UserID: "usr_gone"})
	if len(f.mail.sent) != 0 {
		t.Errorf("sent %+v to an unknown user", f.mail.sent)
	}
}

func TestListPages(t *testing.T) {
	f := newFixture(t)
	for range 5 {
		f.svc.Welcome(t.Context(), f.user)
	}
	p, err := f.svc.List(t.Context(), f.user.ID, page.Request{Page: 2, PerPage: 2})
	if err != nil {
		t.Fatal(err)
	}
	if p.Total != 5 || p.Pages != 3 || len(p.Items) != 2 || p.Items[0].ID != "msg_000003" {
		t.Errorf("page 2 = %+v; want msg_000003 and msg_000002 of 5", p)
	}
}

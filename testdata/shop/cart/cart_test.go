package cart_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"example.com/shop/cart"
	"example.com/shop/catalog"
	"example.com/shop/clock"
	"example.com/shop/ids"
	"example.com/shop/inventory"
	"example.com/shop/money"
)

var start = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func eur(cents int64) money.Money { return money.New(cents, money.EUR) }

// products is a Catalog over a fixed set of products.
type products map[string]catalog.Product

func (p products) Get(_ context.Context, id string) (catalog.Product, error) {
	if prod, ok := p[id]; ok {
		return prod, nil
	}
	return catalog.Product{}, fmt.Errorf("get product %s: %w", id, catalog.ErrNotFound)
}

var shelf = products{
	"beans": {ID: "beans", Name: "Espresso Beans", Price: eur(1890), Active: true},
	"mug":   {ID: "mug", Name: "Mug", Price: eur(1200), Active: true},
	"old":   {ID: "old", Name: "Discontinued", Price: eur(100), Active: false},
}

type fixture struct {
	svc   *cart.Service
	clock *clock.Manual
	stock *inventory.Service
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	clk := clock.NewManual(start)
	stock := inventory.NewService(inventory.NewMemoryStore(), clk, ids.NewSequence(), nil, 0)
	for id, n := range map[string]int{"beans": 10, "mug": 2, "old": 5} {
		if _, err := stock.SetStock(t.Context(), id, n); err != nil {
			t.Fatal(err)
		}
	}
	return fixture{cart.NewService(cart.NewMemoryStore(), shelf, stock, clk), clk, stock}
}

func TestEmptyCart(t *testing.T) {
	f := newFixture(t)
	c, err := f.svc.Get(t.Context(), "usr_1")
	if err != nil || !c.Empty() || c.Items == nil || c.UserID != "usr_1" {
		t.Errorf("Get = %+v, %v; want an empty cart with a non-nil item list", c, err)
	}
}

func TestAdd(t *testing.T) {
	f := newFixture(t)
	if _, err := f.svc.Add(t.Context(), "usr_1", "beans", 2); err != nil {
		t.Fatal(err)
	}
	c, err := f.svc.Add(t.Context(), "usr_1", "mug", 1)
	if err != nil {
		t.Fatal(err)
	}
	want := []cart.Item{
		{ProductID: "beans", Name: "Espresso Beans", Quantity: 2, UnitPrice: eur(1890), Total: eur(3780)},
		{ProductID: "mug", Name: "Mug", Quantity: 1, UnitPrice: eur(1200), Total: eur(1200)},
	}
	if len(c.Items) != 2 || c.Items[0] != want[0] || c.Items[1] != want[1] {
		t.Errorf("Items = %+v; want %+v", c.Items, want)
	}
	if c.Subtotal != eur(4980) || !c.UpdatedAt.Equal(start) {
		t.Errorf("Subtotal = %v, UpdatedAt = %v; want 49.80 EUR at %v", c.Subtotal, c.UpdatedAt, start)
	}
	if other, _ := f.svc.Get(t.Context(), "usr_2"); !other.Empty() {
		t.Errorf("another user's cart = %+v; want empty", other)
	}
}

func TestAddMergesQuantities(t *testing.T) {
	f := newFixture(t)
	f.svc.Add(t.Context(), "usr_1", "beans", 2)
	c, err := f.svc.Add(t.Context(), "usr_1", "beans", 3)
	if err != nil || len(c.Items) != 1 || c.Items[0].Quantity != 5 || c.Subtotal != eur(9450) {
		t.Errorf("Add twice = %+v, %v; want one line of 5", c, err)
	}
}

func TestAddErrors(t *testing.T) {
	tests := []struct {
		name    string
		product string
		qty     int
		want    error
	}{
		{"unknown product", "nope", 1, catalog.ErrNotFound},
		{"inactive product", "old", 1, cart.ErrUnavailable},
		{"more than in stock", "mug", 3, inventory.ErrOutOfStock},
		{"zero", "beans", 0, cart.ErrInvalidQuantity},
		{"negative", "beans", -1, cart.ErrInvalidQuantity},
		{"over the limit", "beans", cart.MaxQuantity + 1, cart.ErrInvalidQuantity},
	}
	f := newFixture(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := f.svc.Add(t.Context(), "usr_1", tt.product, tt.qty); !errors.Is(err, tt.want) {
				t.Errorf("Add(%s, %d): %v; want %v", tt.product, tt.qty, err, tt.want)
			}
		})
	}
	if c, _ := f.svc.Get(t.Context(), "usr_1"); !c.Empty() {
		t.Errorf("failed adds left %+v in the cart", c.Items)
	}
}

func TestSetQuantityAndRemove(t *testing.T) {
	f := newFixture(t)
	f.svc.Add(t.Context(), "usr_1", "beans", 1)
	f.svc.Add(t.Context(), "usr_1", "mug", 1)
	c, err := f.svc.SetQuantity(t.Context(), "usr_1", "beans", 4)
	if err != nil || c.Quantity("beans") != 4 {
		t.Fatalf("SetQuantity = %+v, %v", c, err)
	}
	if c, err = f.svc.SetQuantity(t.Context(), "usr_1", "mug", 0); err != nil || c.Quantity("mug") != 0 || len(c.Items) != 1 {
		t.Errorf("SetQuantity(0) = %+v, %v; want the mug removed", c, err)
	}
	if _, err := f.svc.Remove(t.Context(), "usr_1", "mug"); !errors.Is(err, cart.ErrItemNotFound) {
		t.Errorf("Remove(absent): %v; want ErrItemNotFound", err)
	}
	if c, err = f.svc.Remove(t.Context(), "usr_1", "beans"); err != nil || !c.Empty() || !c.Subtotal.IsZero() {
		t.Errorf("Remove(last) = %+v, %v; want an empty cart", c, err)
	}
}

func TestClear(t *testing.T) {
	f := newFixture(t)
	f.svc.Add(t.Context(), "usr_1", "beans", 1)
	if err := f.svc.Clear(t.Context(), "usr_1"); err != nil {
		t.Fatal(err)
	}
	if c, _ := f.svc.Get(t.Context(), "usr_1"); !c.Empty() {
		t.Errorf("cleared cart = %+v", c)
	}
}

// nudges records abandoned-cart reminders.
type nudges struct {
	mu  sync.Mutex
	got []string
	ch  chan string
}

func (n *nudges) CartAbandoned(_ context.Context, c cart.Cart) {
	n.mu.Lock()
	n.got = append(n.got, fmt.Sprintf("%s:%d", c.UserID, len(c.Items)))
	n.mu.Unlock()
	if n.ch != nil {
		n.ch <- c.UserID
	}
}

func TestReminderRunOnce(t *testing.T) {
	f := newFixture(t)
	n := &nudges{}
	r := cart.NewReminder(f.svc, n, 24*time.Hour, time.Hour, slog.New(slog.DiscardHandler))
	f.svc.Add(t.Context(), "usr_1", "beans", 1)
	f.svc.Add(t.Context(), "usr_2", "mug", 1)
	f.svc.Add(t.Context(), "usr_3", "mug", 1)
	f.svc.Remove(t.Context(), "usr_3", "mug") // empty carts are not reminded of

	f.clock.Advance(23 * time.Hour)
	f.svc.Add(t.Context(), "usr_2", "beans", 1) // usr_2 is still shopping
	if got, err := r.RunOnce(t.Context()); err != nil || got != 0 {
		t.Errorf("RunOnce after 23h = %d, %v; want 0", got, err)
	}
	f.clock.Advance(time.Hour)
	if got, err := r.RunOnce(t.Context()); err != nil || got != 1 {
		t.Errorf("RunOnce after 24h = %d, %v; want 1", got, err)
	}
	if got, _ := r.RunOnce(t.Context()); got != 0 {
		t.Errorf("RunOnce again = %d; want 0, each cart is reminded of once", got)
	}
	f.clock.Advance(24 * time.Hour)
	if got, _ := r.RunOnce(t.Context()); got != 1 {
		t.Errorf("RunOnce after 48h = %d; want 1 (usr_2)", got)
	}
	want := []string{"usr_1:1", "usr_2:2"}
	if len(n.got) != 2 || n.got[0] != want[0] || n.got[1] != want[1] {
		t.Errorf("nudged %v; want %v", n.got, want)
	}
	c, _ := f.svc.Get(t.Context(), "usr_1")
	if c.RemindedAt == nil || !c.RemindedAt.Equal(start.Add(24*time.Hour)) {
		t.Errorf("RemindedAt = %v; want %v", c.RemindedAt, start.Add(24*time.Hour))
	}
}

func TestReminderStartStop(t *testing.T) {
	f := newFixture(t)
	n := &nudges{ch: make(chan string, 1)}
	r := cart.NewReminder(f.svc, n, time.Hour, time.Millisecond, slog.New(slog.DiscardHandler))
	f.svc.Add(t.Context(), "usr_1", "beans", 1)
	f.clock.Advance(2 * time.Hour)
	r.Start(t.Context())
	select {
	case u := <-n.ch:
		if u != "usr_1" {
			t.Errorf("nudged %s; want usr_1", u)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("reminder did not run")
	}
	r.Stop()
	r.Stop()
}

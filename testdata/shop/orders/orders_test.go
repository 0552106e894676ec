package orders_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"example.com/shop/cart"
	"example.com/shop/catalog"
	"example.com/shop/clock"
	"example.com/shop/ids"
	"example.com/shop/inventory"
	"example.com/shop/money"
	"example.com/shop/orders"
	"example.com/shop/page"
	"example.com/shop/payments"
	"example.com/shop/shipping"
	"example.com/shop/users"
)

const (
	visa     = "4242424242424242"
	declined = "4000000000020000"
)

var (
	start = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	home  = users.Address{Name: "Ada", Line1: "Main St 1", City: "Berlin", PostalCode: "10115", Country: "DE"}
)

func eur(cents int64) money.Money { return money.New(cents, money.EUR) }

// notes records notifications.
type notes struct {
	mu  sync.Mutex
	got []string
}

func (n *notes) add(s string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.got = append(n.got, s)
}

func (n *notes) OrderPlaced(_ context.Context, o orders.Order)    { n.add("placed " + o.ID) }
func (n *notes) OrderCancelled(_ context.Context, o orders.Order) { n.add("cancelled " + o.ID) }

// brokenShipper fails to book shipments.
type brokenShipper struct{ orders.Shipper }

func (brokenShipper) Schedule(context.Context, *shipping.Shipment) error {
	return errors.New("carrier API unavailable")
}

type fixture struct {
	svc      *orders.Service
	clock    *clock.Manual
	carts    *cart.Service
	catalog  *catalog.Service
	stock    *inventory.Service
	payments *payments.Service
	shipping *shipping.Service
	notes    *notes
	user     users.User
	beans    catalog.Product // 18.90, 1 kg, 10 in stock
	grinder  catalog.Product // 129.00, 2.6 kg, 1 in stock
}

func newFixture(t *testing.T, shipper orders.Shipper) *fixture {
	t.Helper()
	ctx := t.Context()
	clk := clock.NewManual(start)
	gen := ids.NewSequence()
	f := &fixture{clock: clk, notes: &notes{}}
	us := users.NewService(users.NewMemoryStore(), clk, gen, users.WithHashIterations(1000))
	f.catalog = catalog.NewService(catalog.NewMemoryStore(), clk, gen, money.EUR)
	f.stock = inventory.NewService(inventory.NewMemoryStore(), clk, gen, nil, 0)
	f.carts = cart.NewService(cart.NewMemoryStore(), f.catalog, f.stock, clk)
	f.payments = payments.NewService(payments.NewMemoryStore(), clk, gen, eur(1000_00))
	f.shipping = shipping.NewService(shipping.NewMemoryStore(), clk, gen)
	if shipper == nil {
		shipper = f.shipping
	}
	f.svc = orders.NewService(orders.NewMemoryStore(), orders.Deps{
		Carts: f.carts, Catalog: f.catalog, Stock: f.stock, Users: us,
		Payer: f.payments, Shipper: shipper, Notifier: f.notes, Clock: clk, IDs: gen,
	})
	f.shipping.Subscribe(f.svc)

	var err error
	if f.user, err = us.Register(ctx, users.Registration{Email: "ada@example.com", Name: "Ada", Password: "correct horse", Address: home}); err != nil {
		t.Fatal(err)
	}
	if f.beans, err = f.catalog.Create(ctx, catalog.NewProduct{SKU: "beans", Name: "Espresso Beans", Price: eur(1890), WeightGrams: 1000}); err != nil {
		t.Fatal(err)
	}
	if f.grinder, err = f.catalog.Create(ctx, catalog.NewProduct{SKU: "grinder", Name: "Burr Grinder", Price: eur(12900), WeightGrams: 2600}); err != nil {
		t.Fatal(err)
	}
	f.stock.SetStock(ctx, f.beans.ID, 10)
	f.stock.SetStock(ctx, f.grinder.ID, 1)
	return f
}

func (f *fixture) add(t *testing.T, p catalog.Product, qty int) {
	t.Helper()
	if _, err := f.carts.Add(t.Context(), f.user.ID, p.ID, qty); err != nil {
		t.Fatalf("add %s to cart: %v", p.Name, err)
	}
}

func (f *fixture) available(t *testing.T, p catalog.Product) int {
	t.Helper()
	n, err := f.stock.Available(t.Context(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCheckout(t *testing.T) {
	f := newFixture(t, nil)
	f.add(t, f.beans, 2)
	o, err := f.svc.Checkout(t.Context(), f.user.ID, orders.CheckoutRequest{CardNumber: visa})
	if err != nil {
		t.Fatal(err)
	}
	wantLines := []orders.Line{{ProductID: f.beans.ID, SKU: "BEANS", Name: "Espresso Beans", Quantity: 2, UnitPrice: eur(1890), Total: eur(3780)}}
	if !slices.Equal(o.Lines, wantLines) {
		t.Errorf("Lines = %+v; want %+v", o.Lines, wantLines)
	}
	if o.Status != orders.StatusPlaced || o.Subtotal != eur(3780) || o.ShippingCost != eur(490) || o.Total != eur(4270) {
		t.Errorf("order = %+v; want placed, 37.80 + 4.90 = 42.70", o)
	}
	if o.Address != shipping.Address(home) {
		t.Errorf("Address = %+v; want the user's default %+v", o.Address, home)
	}
	if got := f.available(t, f.beans); got != 8 {
		t.Errorf("beans available = %d; want 8", got)
	}
	pay, err := f.payments.Get(t.Context(), o.PaymentID)
	if err != nil || pay.Amount != o.Total || pay.Status != payments.StatusCaptured {
		t.Errorf("payment = %+v, %v; want %v captured", pay, err, o.Total)
	}
	sh, err := f.shipping.Get(t.Context(), o.ShipmentID)
	if err != nil || sh.OrderID != o.ID || sh.WeightGrams != 2000 || sh.Status != shipping.StatusPending {
		t.Errorf("shipment = %+v, %v", sh, err)
	}
	if c, _ := f.carts.Get(t.Context(), f.user.ID); !c.Empty() {
		t.Errorf("cart after checkout = %+v; want empty", c)
	}
	if want := []string{"placed " + o.ID}; !slices.Equal(f.notes.got, want) {
		t.Errorf("notifications = %q; want %q", f.notes.got, want)
	}
	if got, err := f.svc.Get(t.Context(), o.ID); err != nil || got.ID != o.ID || len(got.History) != 1 {
		t.Errorf("Get = %+v, %v", got, err)
	}
}

func TestCheckoutAddressOverride(t *testing.T) {
	f := newFixture(t, nil)
	f.add(t, f.beans, 1)
	paris := &shipping.Address{Name: "Ada", Line1: "Rue de Rivoli 5", City: "Paris", PostalCode: "75001", Country: "FR"}
	o, err := f.svc.Checkout(t.Context(), f.user.ID, orders.CheckoutRequest{CardNumber: visa, Address: paris})
	if err != nil {
		t.Fatal(err)
	}
	if o.Address != *paris || o.ShippingCost != eur(990) {
		t.Errorf("order to Paris = %+v; want EU shipping 9.90", o)
	}
	f.add(t, f.beans, 1)
	_, err = f.svc.Checkout(t.Context(), f.user.ID, orders.CheckoutRequest{CardNumber: visa, Address: &shipping.Address{City: "Paris"}})
	if !errors.Is(err, users.ErrInvalid) {
		t.Errorf("Checkout with incomplete address: %v; want users.ErrInvalid", err)
	}
}

func TestCheckoutEmptyCart(t *testing.T) {
	f := newFixture(t, nil)
	if _, err := f.svc.Checkout(t.Context(), f.user.ID, orders.CheckoutRequest{CardNumber: visa}); !errors.Is(err, orders.ErrEmptyCart) {
		t.Errorf("Checkout: %v; want ErrEmptyCart", err)
	}
}

func TestCheckoutOutOfStock(t *testing.T) {
	f := newFixture(t, nil)
	f.add(t, f.grinder, 1)
	f.stock.SetStock(t.Context(), f.grinder.ID, 0) // sold in the shop downstairs meanwhile
	_, err := f.svc.Checkout(t.Context(), f.user.ID, orders.CheckoutRequest{CardNumber: visa})
	if !errors.Is(err, inventory.ErrOutOfStock) {
		t.Fatalf("Checkout: %v; want ErrOutOfStock", err)
	}
	if c, _ := f.carts.Get(t.Context(), f.user.ID); c.Empty() {
		t.Error("cart emptied by a failed checkout")
	}
	if len(f.notes.got) != 0 {
		t.Errorf("notifications = %q; want none", f.notes.got)
	}
}

func TestCheckoutDeclinedReleasesStock(t *testing.T) {
	f := newFixture(t, nil)
	f.add(t, f.grinder, 1)
	_, err := f.svc.Checkout(t.Context(), f.user.ID, orders.CheckoutRequest{CardNumber: declined})
	if !errors.Is(err, payments.ErrDeclined) {
		t.Fatalf("Checkout: %v; want ErrDeclined", err)
	}
	if got := f.available(t, f.grinder); got != 1 {
		t.Errorf("grinder available = %d; want 1, the reservation released", got)
	}
	list, _ := f.svc.List(t.Context(), f.user.ID, page.Request{})
	if list.Total != 0 {
		t.Errorf("orders after decline = %+v; want none", list.Items)
	}
	// The customer tries again with another card.
	if _, err := f.svc.Checkout(t.Context(), f.user.ID, orders.CheckoutRequest{CardNumber: visa}); err != nil {
		t.Errorf("Checkout with a good card: %v", err)
	}
}

func TestCheckoutShippingFailureCompensates(t *testing.T) {
	f := newFixture(t, brokenShipper{})
	f.add(t, f.beans, 3)
	_, err := f.svc.Checkout(t.Context(), f.user.ID, orders.CheckoutRequest{CardNumber: visa})
	if err == nil {
		t.Fatal("Checkout succeeded without a shipment")
	}
	if got := f.available(t, f.beans); got != 10 {
		t.Errorf("beans available = %d; want 10, the stock put back", got)
	}
	pay, err := f.payments.Get(t.Context(), "pay_000001")
	if err != nil || pay.Status != payments.StatusRefunded {
		t.Errorf("payment = %+v, %v; want refunded", pay, err)
	}
}

func TestCheckoutRepricesFromCatalog(t *testing.T) {
	f := newFixture(t, nil)
	f.add(t, f.beans, 1)
	newPrice := eur(1990)
	if _, err := f.catalog.Update(t.Context(), f.beans.ID, &catalog.Patch{Price: &newPrice}); err != nil {
		t.Fatal(err)
	}
	o, err := f.svc.Checkout(t.Context(), f.user.ID, orders.CheckoutRequest{CardNumber: visa})
	if err != nil {
		t.Fatal(err)
	}
	if o.Lines[0].UnitPrice != newPrice {
		t.Errorf("unit price = %v; want the current %v", o.Lines[0].UnitPrice, newPrice)
	}
	off := false
	f.add(t, f.beans, 1)
	f.catalog.Update(t.Context(), f.beans.ID, &catalog.Patch{Active: &off})
	if _, err := f.svc.Checkout(t.Context(), f.user.ID, orders.CheckoutRequest{CardNumber: visa}); !errors.Is(err, cart.ErrUnavailable) {
		t.Errorf("Checkout of a withdrawn product: %v; want cart.ErrUnavailable", err)
	}
}

func TestCancel(t *testing.T) {
	f := newFixture(t, nil)
	f.add(t, f.beans, 2)
	o, err := f.svc.Checkout(t.Context(), f.user.ID, orders.CheckoutRequest{CardNumber: visa})
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Hour)
	c, err := f.svc.Cancel(t.Context(), o.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != orders.StatusCancelled || len(c.History) != 2 || c.History[1].Note != "cancelled by customer" ||
		!c.UpdatedAt.Equal(start.Add(time.Hour)) {
		t.Errorf("cancelled order = %+v", c)
	}
	if got := f.available(t, f.beans); got != 10 {
		t.Errorf("beans available = %d; want 10", got)
	}
	if pay, _ := f.payments.Get(t.Context(), o.PaymentID); pay.Status != payments.StatusRefunded {
		t.Errorf("payment status = %s; want refunded", pay.Status)
	}
	if sh, _ := f.shipping.Get(t.Context(), o.ShipmentID); sh.Status != shipping.StatusCancelled {
		t.Errorf("shipment status = %s; want cancelled", sh.Status)
	}
	if _, err := f.svc.Cancel(t.Context(), o.ID, ""); !errors.Is(err, orders.ErrNotCancellable) {
		t.Errorf("second Cancel: %v; want ErrNotCancellable", err)
	}
	if want := []string{"placed " + o.ID, "cancelled " + o.ID}; !slices.Equal(f.notes.got, want) {
		t.Errorf("notifications = %q; want %q", f.notes.got, want)
	}
}

func TestShippedOrders(t *testing.T) {
	f := newFixture(t, nil)
	f.add(t, f.beans, 1)
	o, err := f.svc.Checkout(t.Context(), f.user.ID, orders.CheckoutRequest{CardNumber: visa})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := f.shipping.DispatchPending(t.Context()); err != nil || n != 1 {
		t.Fatalf("DispatchPending = %d, %v", n, err)
	}
	got, _ := f.svc.Get(t.Context(), o.ID)
	if got.Status != orders.StatusShipped || got.History[len(got.History)-1].Note != "DHL DHL000001DE" {
		t.Errorf("order after dispatch = %+v; want shipped with tracking note", got)
	}
	_, err = f.svc.Cancel(t.Context(), o.ID, "")
	if !errors.Is(err, orders.ErrNotCancellable) {
		t.Errorf("Cancel(shipped): %v; want ErrNotCancellable", err)
	}
}

func TestCheckoutWithoutAddress(t *testing.T) {
	f := newFixture(t, nil)
	us := users.NewService(users.NewMemoryStore(), f.clock, ids.NewSequence(), users.WithHashIterations(1000))
	u, err := us.Register(t.Context(), users.Registration{Email: "bob@example.com", Name: "Bob", Password: "correct horse"})
	if err != nil {
		t.Fatal(err)
	}
	svc := orders.NewService(orders.NewMemoryStore(), orders.Deps{
		Carts: f.carts, Catalog: f.catalog, Stock: f.stock, Users: us,
		Payer: f.payments, Shipper: f.shipping, Notifier: f.notes, Clock: f.clock, IDs: ids.NewSequence(),
	})
	if _, err := f.carts.Add(t.Context(), u.ID, f.beans.ID, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Checkout(t.Context(), u.ID, orders.CheckoutRequest{CardNumber: visa}); !errors.Is(err, orders.ErrNoAddress) {
		t.Errorf("Checkout: %v; want ErrNoAddress", err)
	}
}

func TestList(t *testing.T) {
	f := newFixture(t, nil)
	var placed []string
	for range 3 {
		f.add(t, f.beans, 1)
		o, err := f.svc.Checkout(t.Context(), f.user.ID, orders.CheckoutRequest{CardNumber: visa})
		if err != nil {
			t.Fatal(err)
		}
		placed = append(placed, o.ID)
		f.clock.Advance(time.Minute)
	}
	p, err := f.svc.List(t.Context(), f.user.ID, page.Request{Page: 1, PerPage: 2})
	if err != nil {
		t.Fatal(err)
	}
	got := []string{p.Items[0].ID, p.Items[1].ID}
	if want := []string{placed[2], placed[1]}; !slices.Equal(got, want) || p.Total != 3 || p.Pages != 2 {
		t.Errorf("List = %q (total %d); want newest first %q of 3", got, p.Total, want)
	}
	if other, _ := f.svc.List(t.Context(), "usr_other", page.Request{}); other.Total != 0 {
		t.Errorf("another user's orders = %+v; want none", other.Items)
	}
	if _, err := f.svc.Get(t.Context(), "ord_nope"); !errors.Is(err, orders.ErrNotFound) {
		t.Errorf("Get(unknown): %v; want ErrNotFound", err)
	}
}

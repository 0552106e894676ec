// Package orders turns carts into orders: it prices the cart, holds the
// stock, takes the payment, books the shipment and keeps the order's
// history until it ships or is cancelled.
//
// Checkout is a sequence of steps with compensations: a step that fails
// undoes the earlier ones (stock released, payment refunded), so a failed
// checkout leaves no trace but a declined payment record.
package orders

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"example.com/shop/cart"
	"example.com/shop/catalog"
	"example.com/shop/clock"
	"example.com/shop/ids"
	"example.com/shop/inventory"
	"example.com/shop/money"
	"example.com/shop/page"
	"example.com/shop/payments"
	"example.com/shop/shipping"
	"example.com/shop/users"
)

// Errors returned by the service. Callers compare with errors.Is; errors of
// the services checkout depends on (inventory.ErrOutOfStock,
// payments.ErrDeclined, ...) are wrapped and can be compared too.
var (
	ErrNotFound       = errors.New("order not found")
	ErrEmptyCart      = errors.New("cart is empty")
	ErrNoAddress      = errors.New("no delivery address")
	ErrNotCancellable = errors.New("order can no longer be cancelled")
)

// Status is the state of an order.
type Status string

// Order states.
const (
	StatusPlaced    Status = "placed"
	StatusShipped   Status = "shipped"
	StatusCancelled Status = "cancelled"
)

// Line is one product of an order.
type Line struct {
	ProductID string      `json:"product_id"`
	SKU       string      `json:"sku"`
	Name      string      `json:"name"`
	Quantity  int         `json:"quantity"`
	UnitPrice money.Money `json:"unit_price"`
	Total     money.Money `json:"total"`
}

// Event is an entry in an order's history.
type Event struct {
	Status Status    `json:"status"`
	At     time.Time `json:"at"`
	Note   string    `json:"note,omitempty"`
}

// Order is a customer's purchase.
type Order struct {
	ID           string           `json:"id"`
	UserID       string           `json:"user_id"`
	Status       Status           `json:"status"`
	Lines        []Line           `json:"lines"`
	Subtotal     money.Money      `json:"subtotal"`
	ShippingCost money.Money      `json:"shipping_cost"`
	Total        money.Money      `json:"total"`
	Address      shipping.Address `json:"address"`
	PaymentID    string           `json:"payment_id"`
	ShipmentID   string           `json:"shipment_id"`
	History      []Event          `json:"history"`
	CreatedAt    time.Time        `json:"created_at"`
	UpdatedAt    time.Time        `json:"updated_at"`
}

// Payer takes and refunds payments.
type Payer interface {
	Charge(ctx context.Context, req payments.ChargeRequest) (payments.Payment, error)
	Refund(ctx context.Context, paymentID string) (payments.Payment, error)
}

// Shipper books and cancels shipments.
type Shipper interface {
	Schedule(ctx context.Context, s *shipping.Shipment) error
	Cancel(ctx context.Context, shipmentID string) (shipping.Shipment, error)
}

// Notifier is told about orders placed and cancelled. It must not block.
type Notifier interface {
	OrderPlaced(ctx context.Context, o Order)
	OrderCancelled(ctx context.Context, o Order)
}

// Deps are the services the order service works with.
type Deps struct {
	Carts    *cart.Service
	Catalog  *catalog.Service
	Stock    *inventory.Service
	Users    *users.Service
	Payer    Payer
	Shipper  Shipper
	Notifier Notifier
	Clock    clock.Clock
	IDs      ids.Generator
	Log      *slog.Logger
}

// Service places and manages orders.
type Service struct {
	store    Store
	carts    *cart.Service
	catalog  *catalog.Service
	stock    *inventory.Service
	users    *users.Service
	payer    Payer
	shipper  Shipper
	notifier Notifier
	clock    clock.Clock
	ids      ids.Generator
	log      *slog.Logger
}

// NewService returns a Service keeping orders in store.
func NewService(store Store, d Deps) *Service {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{
		store:    store,
		carts:    d.Carts,
		catalog:  d.Catalog,
		stock:    d.Stock,
		users:    d.Users,
		payer:    d.Payer,
		shipper:  d.Shipper,
		notifier: d.Notifier,
		clock:    d.Clock,
		ids:      d.IDs,
		log:      d.Log,
	}
}

// CheckoutRequest is what the customer submits at checkout.
type CheckoutRequest struct {
	CardNumber string `json:"card_number"`
	// Address overrides the customer's default delivery address.
	Address *shipping.Address `json:"address,omitempty"`
}

// Checkout places an order for everything in the user's cart and empties
// the cart. Prices are taken from the catalog at checkout time.
func (s *Service) Checkout(ctx context.Context, userID string, req CheckoutRequest) (Order, error) {
	c, err := s.carts.Get(ctx, userID)
	if err != nil {
		return Order{}, fmt.Errorf("checkout: %w", err)
	}
	if c.Empty() {
		return Order{}, fmt.Errorf("checkout: %w", ErrEmptyCart)
	}
	addr, err := s.address(ctx, userID, req.Address)
	if err != nil {
		return Order{}, fmt.Errorf("checkout: %w", err)
	}
	lines, weight, err := s.price(ctx, c)
	if err != nil {
		return Order{}, fmt.Errorf("checkout: %w", err)
	}
	now := s.clock.Now()
	o := Order{
		ID:      s.ids.New("ord"),
		UserID:  userID,
		Status:  StatusPlaced,
		Lines:   lines,
		Address: addr,
	}
	o.Subtotal = subtotal(lines)
	if o.ShippingCost, err = shipping.Quote(addr, weight, o.Subtotal); err != nil {
		return Order{}, fmt.Errorf("checkout: %w", err)
	}
	o.Total = money.Sum(o.Subtotal, o.ShippingCost)

	res, err := s.stock.Reserve(ctx, o.ID, stockItems(lines))
	if err != nil {
		return Order{}, fmt.Errorf("checkout: %w", err)
	}
	pay, err := s.payer.Charge(ctx, payments.ChargeRequest{
		IdempotencyKey: o.ID,
		OrderID:        o.ID,
		Amount:         o.Total,
		CardNumber:     req.CardNumber,
	})
	if err != nil {
		return Order{}, errors.Join(fmt.Errorf("checkout: %w", err), s.stock.Release(ctx, res.ID))
	}
	o.PaymentID = pay.ID
	if err := s.stock.Commit(ctx, res.ID); err != nil {
		_, rerr := s.payer.Refund(ctx, pay.ID)
		return Order{}, errors.Join(fmt.Errorf("checkout: %w", err), rerr)
	}
	sh := &shipping.Shipment{
		OrderID:     o.ID,
		UserID:      userID,
		Address:     addr,
		Items:       shipmentItems(lines),
		WeightGrams: weight,
	}
	if err := s.shipper.Schedule(ctx, sh); err != nil {
		_, rerr := s.payer.Refund(ctx, pay.ID)
		return Order{}, errors.Join(fmt.Errorf("checkout: %w", err), rerr, s.stock.Restock(ctx, stockItems(lines)))
	}
	o.ShipmentID = sh.ID
	o.CreatedAt, o.UpdatedAt = now, now
	o.History = []Event{{Status: StatusPlaced, At: now, Note: "paid with " + pay.Brand + " ending " + pay.Last4}}
	if err := s.store.Save(ctx, o); err != nil {
		return Order{}, fmt.Errorf("checkout: %w", err)
	}
	if err := s.carts.Clear(ctx, userID); err != nil {
		return Order{}, fmt.Errorf("checkout: %w", err)
	}
	s.notifier.OrderPlaced(ctx, o)
	return o, nil
}

// address picks the delivery address: the override if given, else the
// user's default address.
func (s *Service) address(ctx context.Context, userID string, override *shipping.Address) (shipping.Address, error) {
	if override != nil {
		if err := users.Address(*override).Validate(); err != nil {
			return shipping.Address{}, err
		}
		return *override, nil
	}
	u, err := s.users.Get(ctx, userID)
	if err != nil {
		return shipping.Address{}, err
	}
	if u.Address == (users.Address{}) {
		return shipping.Address{}, ErrNoAddress
	}
	return shipping.Address(u.Address), nil
}

// price builds the order lines from the cart at current catalog prices and
// returns them with the parcel weight.
func (s *Service) price(ctx context.Context, c cart.Cart) ([]Line, int, error) {
	lines := make([]Line, 0, len(c.Items))
	weight := 0
	for _, it := range c.Items {
		p, err := s.catalog.Get(ctx, it.ProductID)
		if err != nil {
			return nil, 0, err
		}
		if !p.Active {
			return nil, 0, fmt.Errorf("%s: %w", p.Name, cart.ErrUnavailable)
		}
		lines = append(lines, Line{
			ProductID: p.ID,
			SKU:       p.SKU,
			Name:      p.Name,
			Quantity:  it.Quantity,
			UnitPrice: p.Price,
			Total:     p.Price.Mul(it.Quantity),
		})
		weight += p.WeightGrams * it.Quantity
	}
	return lines, weight, nil
}

// Get returns an order.
func (s *Service) Get(ctx context.Context, id string) (Order, error) {
	o, err := s.store.Get(ctx, id)
	if err != nil {
		return Order{}, fmt.Errorf("get order %s: %w", id, err)
	}
	return o, nil
}

// List returns a page of a user's orders, newest first.
func (s *Service) List(ctx context.Context, userID string, p page.Request) (page.Page[Order], error) {
	all, err := s.store.ByUser(ctx, userID)
	if err != nil {
		return page.Page[Order]{}, fmt.Errorf("list orders of %s: %w", userID, err)
	}
	return page.Paginate(all, p), nil
}

// Cancel cancels an order that has not shipped: the shipment is called
// off, the payment refunded and the stock put back.
func (s *Service) Cancel(ctx context.Context, id, reason string) (Order, error) {
	o, err := s.store.Get(ctx, id)
	if err != nil {
		return Order{}, fmt.Errorf("cancel order %s: %w", id, err)
	}
	if o.Status != StatusPlaced {
		return o, fmt.Errorf("cancel order %s: %w: it is %s", id, ErrNotCancellable, o.Status)
	}
	if _, err := s.shipper.Cancel(ctx, o.ShipmentID); err != nil {
		if errors.Is(err, shipping.ErrAlreadyDispatched) {
			return o, fmt.Errorf("cancel order %s: %w: %w", id, ErrNotCancellable, err)
		}
		return o, fmt.Errorf("cancel order %s: %w", id, err)
	}
	if _, err := s.payer.Refund(ctx, o.PaymentID); err != nil && !errors.Is(err, payments.ErrAlreadyRefunded) {
		return o, fmt.Errorf("cancel order %s: %w", id, err)
	}
	if err := s.stock.Restock(ctx, stockItems(o.Lines)); err != nil {
		return o, fmt.Errorf("cancel order %s: %w", id, err)
	}
	if reason == "" {
		reason = "cancelled by customer"
	}
	o = s.transition(o, StatusCancelled, reason)
	if err := s.store.Save(ctx, o); err != nil {
		return Order{}, fmt.Errorf("cancel order %s: %w", id, err)
	}
	s.notifier.OrderCancelled(ctx, o)
	return o, nil
}

// ShipmentDispatched marks the order of a dispatched shipment as shipped.
// It implements shipping.Listener.
func (s *Service) ShipmentDispatched(ctx context.Context, sh shipping.Shipment) {
	o, err := s.store.Get(ctx, sh.OrderID)
	if err != nil {
		s.log.ErrorContext(ctx, "mark order shipped", "order", sh.OrderID, "err", err)
		return
	}
	if o.Status != StatusPlaced {
		return
	}
	o = s.transition(o, StatusShipped, sh.Carrier+" "+sh.TrackingNumber)
	if err := s.store.Save(ctx, o); err != nil {
		s.log.ErrorContext(ctx, "mark order shipped", "order", o.ID, "err", err)
	}
}

func (s *Service) transition(o Order, to Status, note string) Order {
	now := s.clock.Now()
	o.Status, o.UpdatedAt = to, now
	o.History = append(o.History, Event{Status: to, At: now, Note: note})
	return o
}

func subtotal(lines []Line) money.Money {
	totals := make([]money.Money, len(lines))
	for i, l := range lines {
		totals[i] = l.Total
	}
	return money.Sum(totals...)
}

func stockItems(lines []Line) []inventory.Item {
	items := make([]inventory.Item, len(lines))
	for i, l := range lines {
		items[i] = inventory.Item{ProductID: l.ProductID, Quantity: l.Quantity}
	}
	return items
}

func shipmentItems(lines []Line) []shipping.Item {
	items := make([]shipping.Item, len(lines))
	for i, l := range lines {
		items[i] = shipping.Item{ProductID: l.ProductID, Quantity: l.Quantity}
	}
	return items
}

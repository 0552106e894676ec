// Package cart keeps each customer's shopping cart until checkout and
// reminds customers of carts they left behind.
package cart

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"example.com/shop/catalog"
	"example.com/shop/clock"
	"example.com/shop/inventory"
	"example.com/shop/money"
)

// Errors returned by the service. Callers compare with errors.Is.
var (
	ErrItemNotFound    = errors.New("item not in cart")
	ErrUnavailable     = errors.New("product not available")
	ErrInvalidQuantity = errors.New("invalid quantity")
)

// MaxQuantity is the most units of one product a cart may hold.
const MaxQuantity = 99

// Item is a product in a cart, priced when it was added.
type Item struct {
	ProductID string      `json:"product_id"`
	Name      string      `json:"name"`
	Quantity  int         `json:"quantity"`
	UnitPrice money.Money `json:"unit_price"`
	Total     money.Money `json:"total"`
}

// Cart is one customer's cart.
type Cart struct {
	UserID     string      `json:"user_id"`
	Items      []Item      `json:"items"`
	Subtotal   money.Money `json:"subtotal"`
	UpdatedAt  time.Time   `json:"updated_at"`
	RemindedAt *time.Time  `json:"reminded_at,omitempty"`
}

// Empty reports whether the cart holds nothing.
func (c Cart) Empty() bool { return len(c.Items) == 0 }

// Quantity returns the number of units of a product in the cart.
func (c Cart) Quantity(productID string) int {
	for _, it := range c.Items {
		if it.ProductID == productID {
			return it.Quantity
		}
	}
	return 0
}

// total recomputes the line totals and the subtotal.
func (c *Cart) total() {
	totals := make([]money.Money, len(c.Items))
	for i := range c.Items {
		c.Items[i].Total = c.Items[i].UnitPrice.Mul(c.Items[i].Quantity)
		totals[i] = c.Items[i].Total
	}
	c.Subtotal = money.Sum(totals...)
}

// Catalog looks up products.
type Catalog interface {
	Get(ctx context.Context, id string) (catalog.Product, error)
}

// Service manages carts.
type Service struct {
	store   Store
	catalog Catalog
	stock   *inventory.Service
	clock   clock.Clock
}

// NewService returns a Service that prices items from cat and checks them
// against the stock.
func NewService(store Store, cat Catalog, stock *inventory.Service, clk clock.Clock) *Service {
	return &Service{store: store, catalog: cat, stock: stock, clock: clk}
}

// Get returns a user's cart; a user without one has an empty cart.
func (s *Service) Get(ctx context.Context, userID string) (Cart, error) {
	c, err := s.store.Get(ctx, userID)
	if errors.Is(err, ErrNoCart) {
		return Cart{UserID: userID, Items: []Item{}}, nil
	}
	if err != nil {
		return Cart{}, fmt.Errorf("get cart of %s: %w", userID, err)
	}
	return c, nil
}

// Add puts qty more units of a product into the cart.
func (s *Service) Add(ctx context.Context, userID, productID string, qty int) (Cart, error) {
	if qty <= 0 {
		return Cart{}, fmt.Errorf("add %s: %w: %d", productID, ErrInvalidQuantity, qty)
	}
	c, err := s.Get(ctx, userID)
	if err != nil {
		return Cart{}, err
	}
	return s.set(ctx, c, productID, c.Quantity(productID)+qty)
}

// SetQuantity changes how many units of a product are in the cart;
// zero removes the product.
func (s *Service) SetQuantity(ctx context.Context, userID, productID string, qty int) (Cart, error) {
	if qty < 0 {
		return Cart{}, fmt.Errorf("set %s: %w: %d", productID, ErrInvalidQuantity, qty)
	}
	c, err := s.Get(ctx, userID)
	if err != nil {
		return Cart{}, err
	}
	if qty == 0 {
		return s.Remove(ctx, userID, productID)
	}
	return s.set(ctx, c, productID, qty)
}

func (s *Service) set(ctx context.Context, c Cart, productID string, qty int) (Cart, error) {
	if qty > MaxQuantity {
		return Cart{}, fmt.Errorf("add %s: %w: at most %d", productID, ErrInvalidQuantity, MaxQuantity)
	}
	p, err := s.catalog.Get(ctx, productID)
	if err != nil {
		return Cart{}, fmt.Errorf("add %s: %w", productID, err)
	}
	if !p.Active {
		return Cart{}, fmt.Errorf("add %s: %w", productID, ErrUnavailable)
	}
	avail, err := s.stock.Available(ctx, productID)
	if err != nil {
		return Cart{}, fmt.Errorf("add %s: %w", productID, err)
	}
	if qty > avail {
		return Cart{}, fmt.Errorf("add %s: %w",
			productID, &inventory.StockError{ProductID: productID, Requested: qty, Available: avail})
	}
	item := Item{ProductID: p.ID, Name: p.Name, Quantity: qty, UnitPrice: p.Price}
	if i := slices.IndexFunc(c.Items, func(it Item) bool { return it.ProductID == productID }); i >= 0 {
		c.Items[i] = item
	} else {
		c.Items = append(c.Items, item)
	}
	return s.save(ctx, c)
}

// Remove takes a product out of the cart.
func (s *Service) Remove(ctx context.Context, userID, productID string) (Cart, error) {
	c, err := s.Get(ctx, userID)
	if err != nil {
		return Cart{}, err
	}
	i := slices.IndexFunc(c.Items, func(it Item) bool { return it.ProductID == productID })
	if i < 0 {
		return Cart{}, fmt.Errorf("remove %s: %w", productID, ErrItemNotFound)
	}
	c.Items = slices.Delete(c.Items, i, i+1)
	return s.save(ctx, c)
}

// Clear empties a user's cart, e.g. after checkout.
func (s *Service) Clear(ctx context.Context, userID string) error {
	if err := s.store.Delete(ctx, userID); err != nil {
		return fmt.Errorf("clear cart of %s: %w", userID, err)
	}
	return nil
}

func (s *Service) save(ctx context.Context, c Cart) (Cart, error) {
	c.total()
	c.UpdatedAt = s.clock.Now()
	c.RemindedAt = nil
	if err := s.store.Save(ctx, c); err != nil {
		return Cart{}, fmt.Errorf("save cart of %s: %w", c.UserID, err)
	}
	return c, nil
}

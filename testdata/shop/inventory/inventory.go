// Package inventory tracks how many units of each product are on hand and
// holds units for orders while they are paid for.
//
// A checkout reserves its items (all or nothing), then either commits the
// reservation, which takes the units off the shelf, or releases it.
package inventory

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"example.com/shop/clock"
	"example.com/shop/ids"
)

// Errors returned by the service. Callers compare with errors.Is.
var (
	ErrOutOfStock          = errors.New("out of stock")
	ErrReservationNotFound = errors.New("reservation not found")
	ErrInvalidQuantity     = errors.New("invalid quantity")
)

// StockError reports which product could not be reserved. It matches
// ErrOutOfStock under errors.Is.
type StockError struct {
	ProductID string
	Requested int
	Available int
}

func (e *StockError) Error() string {
	return fmt.Sprintf("%s: %d requested, %d available", e.ProductID, e.Requested, e.Available)
}

// Unwrap returns ErrOutOfStock.
func (e *StockError) Unwrap() error { return ErrOutOfStock }

// Level is the stock of one product.
type Level struct {
	ProductID string    `json:"product_id"`
	OnHand    int       `json:"on_hand"`
	Reserved  int       `json:"reserved"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Available is the number of units that can still be reserved.
func (l Level) Available() int { return max(l.OnHand-l.Reserved, 0) }

// Item is a quantity of one product.
type Item struct {
	ProductID string `json:"product_id"`
	Quantity  int    `json:"quantity"`
}

// Reservation holds units for an order until it is committed or released.
type Reservation struct {
	ID        string    `json:"id"`
	Ref       string    `json:"ref"` // what the units are held for, e.g. an order ID
	Items     []Item    `json:"items"`
	CreatedAt time.Time `json:"created_at"`
}

// Alerter is told when a product runs low. It must not block.
type Alerter interface {
	LowStock(ctx context.Context, productID string, available int)
}

// Service manages stock levels. Reservations are serialized by the service,
// so concurrent checkouts never oversell.
type Service struct {
	mu        sync.Mutex
	store     Store
	clock     clock.Clock
	ids       ids.Generator
	alerter   Alerter
	threshold int
}

// NewService returns a Service. alerter, if not nil, is told whenever a
// commit leaves a product with lowStock units or fewer.
func NewService(store Store, clk clock.Clock, gen ids.Generator, alerter Alerter, lowStock int) *Service {
	return &Service{store: store, clock: clk, ids: gen, alerter: alerter, threshold: lowStock}
}

// Level returns the stock of a product. A product never stocked has a zero level.
func (s *Service) Level(ctx context.Context, productID string) (Level, error) {
	l, err := s.store.Level(ctx, productID)
	if err != nil {
		return Level{}, fmt.Errorf("stock of %s: %w", productID, err)
	}
	return l, nil
}

// Available returns how many units of a product can be reserved.
func (s *Service) Available(ctx context.Context, productID string) (int, error) {
	l, err := s.Level(ctx, productID)
	if err != nil {
		return 0, err
	}
	return l.Available(), nil
}

// SetStock records a stock count: onHand units of the product are on the shelf.
func (s *Service) SetStock(ctx context.Context, productID string, onHand int) (Level, error) {
	if onHand < 0 {
		return Level{}, fmt.Errorf("set stock of %s: %w: %d", productID, ErrInvalidQuantity, onHand)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	l, err := s.store.Level(ctx, productID)
	if err != nil {
		return Level{}, fmt.Errorf("set stock of %s: %w", productID, err)
	}
	l.OnHand = onHand
	l.UpdatedAt = s.clock.Now()
	if err := s.store.SaveLevel(ctx, l); err != nil {
		return Level{}, fmt.Errorf("set stock of %s: %w", productID, err)
	}
	return l, nil
}

// Restock puts units back on the shelf, e.g. the items of a cancelled order.
func (s *Service) Restock(ctx context.Context, items []Item) error {
	if err := checkItems(items); err != nil {
		return fmt.Errorf("restock: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, it := range items {
		l, err := s.store.Level(ctx, it.ProductID)
		if err != nil {
			return fmt.Errorf("restock %s: %w", it.ProductID, err)
		}
		l.OnHand += it.Quantity
		l.UpdatedAt = s.clock.Now()
		if err := s.store.SaveLevel(ctx, l); err != nil {
			return fmt.Errorf("restock %s: %w", it.ProductID, err)
		}
	}
	return nil
}

// Reserve holds the items for ref. Either every item is reserved or none
// is; a shortage returns a *StockError for the first short product.
func (s *Service) Reserve(ctx context.Context, ref string, items []Item) (*Reservation, error) {
	if err := checkItems(items); err != nil {
		return nil, fmt.Errorf("reserve for %s: %w", ref, err)
	}
	merged := mergeItems(items)
	s.mu.Lock()
	defer s.mu.Unlock()
	levels := make([]Level, len(merged))
	for i, it := range merged {
		l, err := s.store.Level(ctx, it.ProductID)
		if err != nil {
			return nil, fmt.Errorf("reserve for %s: %w", ref, err)
		}
		if l.Available() < it.Quantity {
			return nil, fmt.Errorf("reserve for %s: %w", ref,
				&StockError{ProductID: it.ProductID, Requested: it.Quantity, Available: l.Available()})
		}
		levels[i] = l
	}
	now := s.clock.Now()
	for i, it := range merged {
		levels[i].Reserved += it.Quantity
		levels[i].UpdatedAt = now
		if err := s.store.SaveLevel(ctx, levels[i]); err != nil {
			return nil, fmt.Errorf("reserve for %s: %w", ref, err)
		}
	}
	r := &Reservation{ID: s.ids.New("res"), Ref: ref, Items: merged, CreatedAt: now}
	if err := s.store.SaveReservation(ctx, *r); err != nil {
		return nil, fmt.Errorf("reserve for %s: %w", ref, err)
	}
	return r, nil
}

// Commit takes reserved units off the shelf for good.
func (s *Service) Commit(ctx context.Context, reservationID string) error {
	low, err := s.settle(ctx, reservationID, true)
	if err != nil {
		return fmt.Errorf("commit %s: %w", reservationID, err)
	}
	if s.alerter != nil {
		for _, l := range low {
			s.alerter.LowStock(ctx, l.ProductID, l.Available())
		}
	}
	return nil
}

// Release returns reserved units to the available stock.
func (s *Service) Release(ctx context.Context, reservationID string) error {
	if _, err := s.settle(ctx, reservationID, false); err != nil {
		return fmt.Errorf("release %s: %w", reservationID, err)
	}
	return nil
}

// settle ends a reservation, taking the units off the shelf if commit is
// set. It returns the levels that are now at or below the low-stock mark.
func (s *Service) settle(ctx context.Context, reservationID string, commit bool) ([]Level, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.store.Reservation(ctx, reservationID)
	if err != nil {
		return nil, err
	}
	var low []Level
	for _, it := range r.Items {
		l, err := s.store.Level(ctx, it.ProductID)
		if err != nil {
			return nil, err
		}
		l.Reserved -= it.Quantity
		if commit {
			l.OnHand -= it.Quantity
		}
		l.UpdatedAt = s.clock.Now()
		if err := s.store.SaveLevel(ctx, l); err != nil {
			return nil, err
		}
		if commit && l.Available() <= s.threshold {
			low = append(low, l)
		}
	}
	return low, s.store.DeleteReservation(ctx, reservationID)
}

func checkItems(items []Item) error {
	if len(items) == 0 {
		return fmt.Errorf("%w: no items", ErrInvalidQuantity)
	}
	for _, it := range items {
		if it.Quantity <= 0 {
			return fmt.Errorf("%w: %d of %s", ErrInvalidQuantity, it.Quantity, it.ProductID)
		}
	}
	return nil
}

// mergeItems adds up quantities of the same product and orders the items
// by product ID, so that reservations lock levels in a fixed order.
func mergeItems(items []Item) []Item {
	qty := make(map[string]int, len(items))
	for _, it := range items {
		qty[it.ProductID] += it.Quantity
	}
	out := make([]Item, 0, len(qty))
	for id, q := range qty {
		out = append(out, Item{ProductID: id, Quantity: q})
	}
	slices.SortFunc(out, func(a, b Item) int { return cmp.Compare(a.ProductID, b.ProductID) })
	return out
}

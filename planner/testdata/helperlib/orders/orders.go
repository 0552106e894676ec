// Package orders keeps the orders.
package orders

import (
	"errors"
	"sync"
)

// ErrNotFound: no such order.
var ErrNotFound = errors.New("order not found")

// Order is one order.
type Order struct {
	ID    string `json:"id"`
	Item  string `json:"item"`
	Count int    `json:"count"`
}

// Book holds the orders.
type Book struct {
	mu     sync.Mutex
	orders map[string]Order
}

// New returns an empty book.
func New() *Book { return &Book{orders: map[string]Order{}} }

// Place records o.
func (b *Book) Place(o Order) error {
	if o.Count <= 0 {
		return errors.New("count must be positive")
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.orders[o.ID] = o
	return nil
}

// Get returns the order id.
func (b *Book) Get(id string) (Order, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	o, ok := b.orders[id]
	if !ok {
		return Order{}, ErrNotFound
	}
	return o, nil
}

// Cancel forgets the order id.
func (b *Book) Cancel(id string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.orders[id]; !ok {
		return ErrNotFound
	}
	delete(b.orders, id)
	return nil
}

package cart

import (
	"context"
	"errors"
	"slices"
	"sync"
)

// ErrNoCart is what a Store returns for a user who has no cart yet.
// The service treats such a user as having an empty cart.
var ErrNoCart = errors.New("no cart")

// Store keeps carts by user.
type Store interface {
	// Get returns a user's cart or ErrNoCart.
	Get(ctx context.Context, userID string) (Cart, error)
	// Save creates or replaces a cart.
	Save(ctx context.Context, c Cart) error
	// Delete removes a cart if there is one.
	Delete(ctx context.Context, userID string) error
	// All returns every cart.
	All(ctx context.Context) ([]Cart, error)
}

// MemoryStore is a Store in memory, safe for concurrent use.
type MemoryStore struct {
	mu    sync.RWMutex
	carts map[string]Cart
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{carts: make(map[string]Cart)}
}

// Get implements Store.
func (m *MemoryStore) Get(_ context.Context, userID string) (Cart, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	c, ok := m.carts[userID]
	if !ok {
		return Cart{}, ErrNoCart
	}
	c.Items = slices.Clone(c.Items)
	return c, nil
}

// Save implements Store.
func (m *MemoryStore) Save(_ context.Context, c Cart) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	c.Items = slices.Clone(c.Items)
	m.carts[c.UserID] = c
	return nil
}

// Delete implements Store.
func (m *MemoryStore) Delete(_ context.Context, userID string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.carts, userID)
	return nil
}

// All implements Store.
func (m *MemoryStore) All(_ context.Context) ([]Cart, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make([]Cart, 0, len(m.carts))
	for _, c := range m.carts {
		c.Items = slices.Clone(c.Items)
		out = append(out, c)
	}
	return out, nil
}

package orders

import (
	"cmp"
	"context"
	"slices"
	"sync"
)

// Store keeps orders.
type Store interface {
	// Save creates or replaces an order.
	Save(ctx context.Context, o Order) error
	// Get returns an order or ErrNotFound.
	Get(ctx context.Context, id string) (Order, error)
	// ByUser returns a user's orders, newest first.
	ByUser(ctx context.Context, userID string) ([]Order, error)
}

// MemoryStore is a Store in memory, safe for concurrent use.
type MemoryStore struct {
	mu     sync.RWMutex
	orders map[string]Order
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{orders: make(map[string]Order)}
}

// Save implements Store.
func (m *MemoryStore) Save(_ context.Context, o Order) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.orders[o.ID] = clone(o)
	return nil
}

// Get implements Store.
func (m *MemoryStore) Get(_ context.Context, id string) (Order, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	o, ok := m.orders[id]
	if !ok {
		return Order{}, ErrNotFound
	}
	return clone(o), nil
}

// ByUser implements Store.
func (m *MemoryStore) ByUser(_ context.Context, userID string) ([]Order, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []Order
	for _, o := range m.orders {
		if o.UserID == userID {
			out = append(out, clone(o))
		}
	}
	slices.SortFunc(out, func(a, b Order) int {
		return cmp.Or(b.CreatedAt.Compare(a.CreatedAt), cmp.Compare(b.ID, a.ID))
	})
	return out, nil
}

func clone(o Order) Order {
	o.Lines = slices.Clone(o.Lines)
	o.History = slices.Clone(o.History)
	return o
}

package payments

import (
	"context"
	"sync"
)

// Store keeps payments.
type Store interface {
	// Save creates or replaces a payment. A non-empty key indexes it for ByKey.
	Save(ctx context.Context, p Payment, key string) error
	// Get returns a payment or ErrNotFound.
	Get(ctx context.Context, id string) (Payment, error)
	// ByKey returns the latest payment saved under an idempotency key or ErrNotFound.
	ByKey(ctx context.Context, key string) (Payment, error)
}

// MemoryStore is a Store in memory, safe for concurrent use.
type MemoryStore struct {
	mu       sync.RWMutex
	payments map[string]Payment
	keys     map[string]string
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{payments: make(map[string]Payment), keys: make(map[string]string)}
}

// Save implements Store.
func (m *MemoryStore) Save(_ context.Context, p Payment, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.payments[p.ID] = p
	if key != "" {
		m.keys[key] = p.ID
	}
	return nil
}

// Get implements Store.
func (m *MemoryStore) Get(_ context.Context, id string) (Payment, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	p, ok := m.payments[id]
	if !ok {
		return Payment{}, ErrNotFound
	}
	return p, nil
}

// ByKey implements Store.
func (m *MemoryStore) ByKey(_ context.Context, key string) (Payment, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	id, ok := m.keys[key]
	if !ok {
		return Payment{}, ErrNotFound
	}
	return m.payments[id], nil
}

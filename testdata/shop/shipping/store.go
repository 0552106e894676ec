package shipping

import (
	"context"
	"slices"
	"sync"
)

// Store keeps shipments.
type Store interface {
	// Save creates or replaces a shipment.
	Save(ctx context.Context, s Shipment) error
	// Get returns a shipment or ErrNotFound.
	Get(ctx context.Context, id string) (Shipment, error)
	// ByStatus returns the shipments in a given state, in no particular order.
	ByStatus(ctx context.Context, st Status) ([]Shipment, error)
}

// MemoryStore is a Store in memory, safe for concurrent use.
type MemoryStore struct {
	mu        sync.RWMutex
	shipments map[string]Shipment
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{shipments: make(map[string]Shipment)}
}

// Save implements Store.
func (m *MemoryStore) Save(_ context.Context, s Shipment) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	s.Items = slices.Clone(s.Items)
	m.shipments[s.ID] = s
	return nil
}

// Get implements Store.
func (m *MemoryStore) Get(_ context.Context, id string) (Shipment, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	s, ok := m.shipments[id]
	if !ok {
		return Shipment{}, ErrNotFound
	}
	s.Items = slices.Clone(s.Items)
	return s, nil
}

// ByStatus implements Store.
func (m *MemoryStore) ByStatus(_ context.Context, st Status) ([]Shipment, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []Shipment
	for _, s := range m.shipments {
		if s.Status == st {
			s.Items = slices.Clone(s.Items)
			out = append(out, s)
		}
	}
	return out, nil
}

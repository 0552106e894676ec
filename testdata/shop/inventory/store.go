package inventory

import (
	"context"
	"slices"
	"sync"
)

// Store keeps stock levels and open reservations.
type Store interface {
	// Level returns the level of a product, a zero Level if it has none.
	Level(ctx context.Context, productID string) (Level, error)
	// SaveLevel creates or replaces a level.
	SaveLevel(ctx context.Context, l Level) error
	// SaveReservation records an open reservation.
	SaveReservation(ctx context.Context, r Reservation) error
	// Reservation returns an open reservation or ErrReservationNotFound.
	Reservation(ctx context.Context, id string) (Reservation, error)
	// DeleteReservation removes an open reservation.
	DeleteReservation(ctx context.Context, id string) error
}

// MemoryStore is a Store in memory, safe for concurrent use.
type MemoryStore struct {
	mu           sync.RWMutex
	levels       map[string]Level
	reservations map[string]Reservation
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{levels: make(map[string]Level), reservations: make(map[string]Reservation)}
}

// Level implements Store.
func (m *MemoryStore) Level(_ context.Context, productID string) (Level, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	l, ok := m.levels[productID]
	if !ok {
		return Level{ProductID: productID}, nil
	}
	return l, nil
}

// SaveLevel implements Store.
func (m *MemoryStore) SaveLevel(_ context.Context, l Level) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.levels[l.ProductID] = l
	return nil
}

// SaveReservation implements Store.
func (m *MemoryStore) SaveReservation(_ context.Context, r Reservation) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	r.Items = slices.Clone(r.Items)
	m.reservations[r.ID] = r
	return nil
}

// Reservation implements Store.
func (m *MemoryStore) Reservation(_ context.Context, id string) (Reservation, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	r, ok := m.reservations[id]
	if !ok {
		return Reservation{}, ErrReservationNotFound
	}
	r.Items = slices.Clone(r.Items)
	return r, nil
}

// DeleteReservation implements Store.
func (m *MemoryStore) DeleteReservation(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.reservations[id]; !ok {
		return ErrReservationNotFound
	}
	delete(m.reservations, id)
	return nil
}

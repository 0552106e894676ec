package catalog

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"sync"
)

// Store keeps products.
type Store interface {
	// Insert adds a product; it returns ErrDuplicateSKU if the SKU is taken.
	Insert(ctx context.Context, p Product) error
	// Update replaces an existing product.
	Update(ctx context.Context, p Product) error
	// Get returns the product with the given ID or ErrNotFound.
	Get(ctx context.Context, id string) (Product, error)
	// BySlug returns the product with the given slug or ErrNotFound.
	BySlug(ctx context.Context, slug string) (Product, error)
	// All returns every product, ordered by ID.
	All(ctx context.Context) ([]Product, error)
}

// MemoryStore is a Store in memory, safe for concurrent use.
type MemoryStore struct {
	mu     sync.RWMutex
	byID   map[string]Product
	bySKU  map[string]string
	bySlug map[string]string
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{
		byID:   make(map[string]Product),
		bySKU:  make(map[string]string),
		bySlug: make(map[string]string),
	}
}

// Insert implements Store.
func (m *MemoryStore) Insert(_ context.Context, p Product) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.bySKU[p.SKU]; ok {
		return ErrDuplicateSKU
	}
	m.byID[p.ID] = clone(p)
	m.bySKU[p.SKU] = p.ID
	m.bySlug[p.Slug] = p.ID
	return nil
}

// Update implements Store.
func (m *MemoryStore) Update(_ context.Context, p Product) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	old, ok := m.byID[p.ID]
	if !ok {
		return ErrNotFound
	}
	delete(m.bySlug, old.Slug)
	m.byID[p.ID] = clone(p)
	m.bySlug[p.Slug] = p.ID
	return nil
}

// Get implements Store.
func (m *MemoryStore) Get(_ context.Context, id string) (Product, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	p, ok := m.byID[id]
	if !ok {
		return Product{}, ErrNotFound
	}
	return clone(p), nil
}

// BySlug implements Store.
func (m *MemoryStore) BySlug(_ context.Context, slug string) (Product, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	id, ok := m.bySlug[slug]
	if !ok {
		return Product{}, ErrNotFound
	}
	return clone(m.byID[id]), nil
}

// All implements Store.
func (m *MemoryStore) All(_ context.Context) ([]Product, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make([]Product, 0, len(m.byID))
	for _, p := range m.byID {
		out = append(out, clone(p))
	}
	slices.SortFunc(out, func(a, b Product) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// clone copies the slices and maps of p so callers cannot change stored data.
func clone(p Product) Product {
	p.Tags = slices.Clone(p.Tags)
	p.Attributes = maps.Clone(p.Attributes)
	return p
}

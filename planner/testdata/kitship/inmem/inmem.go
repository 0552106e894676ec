// Package inmem keeps the repositories in memory.
package inmem

import (
	"sort"
	"sync"

	"example.com/kitship/cargo"
)

type cargoRepository struct {
	mu     sync.RWMutex
	cargos map[cargo.TrackingID]*cargo.Cargo
}

// NewCargoRepository returns an empty repository.
func NewCargoRepository() cargo.Repository {
	return &cargoRepository{cargos: map[cargo.TrackingID]*cargo.Cargo{}}
}

func (r *cargoRepository) Store(c *cargo.Cargo) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	cp := *c
	r.cargos[c.TrackingID] = &cp
	return nil
}

func (r *cargoRepository) Find(id cargo.TrackingID) (*cargo.Cargo, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	c, ok := r.cargos[id]
	if !ok {
		return nil, cargo.ErrUnknown
	}
	cp := *c
	return &cp, nil
}

func (r *cargoRepository) FindAll() []*cargo.Cargo {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var all []*cargo.Cargo
	for _, c := range r.cargos {
		cp := *c
		all = append(all, &cp)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].TrackingID < all[j].TrackingID })
	return all
}

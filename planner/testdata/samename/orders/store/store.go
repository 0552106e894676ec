// Package store keeps orders.
package store

import "sync"

type Store struct {
	mu     sync.Mutex
	totals map[string]int
}

func New() *Store { return &Store{totals: map[string]int{"o1": 42}} }

// Get returns the total of an order.
func (s *Store) Get(id string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.totals[id], nil
}

// Package store keeps accounts in memory.
package store

import "sync"

// Store holds the accounts' balances.
type Store struct {
	mu       sync.Mutex
	balances map[string]int
}

// New returns an empty store.
func New() *Store { return &Store{balances: map[string]int{}} }

// Deposit adds amount to id's balance and returns the new balance.
func (s *Store) Deposit(id string, amount int) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.balances[id] += amount
	return s.balances[id], nil
}

// Balance returns id's balance.
func (s *Store) Balance(id string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.balances[id], nil
}

// Seed opens the house account.
func (s *Store) Seed() error {
	_, err := s.Deposit("house", 0)
	return err
}

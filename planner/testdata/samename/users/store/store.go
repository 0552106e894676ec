// Package store keeps users.
package store

import "sync"

type Store struct {
	mu    sync.Mutex
	names map[string]string
}

func New() *Store { return &Store{names: map[string]string{"u1": "Ada"}} }

// Get returns the name of a user.
func (s *Store) Get(id string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.names[id], nil
}

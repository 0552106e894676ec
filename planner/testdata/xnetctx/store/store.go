// Package store keeps items.
package store

import (
	"context"
	"sync"
)

type Store struct {
	mu    sync.Mutex
	items []string
	ready bool
}

func New() *Store { return &Store{} }

// Migrate prepares the store; the program runs it once at start-up.
func (s *Store) Migrate(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ready = true
	return nil
}

func (s *Store) Add(ctx context.Context, item string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.items = append(s.items, item)
	return nil
}

func (s *Store) List(ctx context.Context) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.items...), nil
}

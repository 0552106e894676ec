// Package store keeps notes in memory.
package store

import "sync"

type Store struct {
	mu    sync.Mutex
	notes map[string]string
}

func New() *Store { return &Store{notes: map[string]string{}} }

func (s *Store) Put(id, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.notes[id] = text
}

func (s *Store) Get(id string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.notes[id]
	return t, ok
}

// Package store keeps notes in memory.
package store

import "sync"

type Store struct {
	mu    sync.Mutex
	notes map[string]string
	// OnPut, when set, is told about every note put.
	OnPut func(id string)
}

func New() *Store { return &Store{notes: map[string]string{}} }

func (s *Store) Put(id, text string) {
	s.mu.Lock()
	s.notes[id] = text
	s.mu.Unlock()
	if s.OnPut != nil {
		s.OnPut(id)
	}
}

func (s *Store) Get(id string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.notes[id]
	return t, ok
}

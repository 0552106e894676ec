// Package notes keeps the users' notes.
package notes

import (
	"context"
	"errors"
	"sync"

	"example.com/cfggetters/settings"
)

// ErrFull is returned when a user has too many notes.
var ErrFull = errors.New("too many notes")

// Store keeps notes in memory.
type Store struct {
	mu    sync.Mutex
	notes map[string][]string
}

// NewStore returns an empty store.
func NewStore() *Store { return &Store{notes: map[string][]string{}} }

// Add adds a note for user.
func (s *Store) Add(ctx context.Context, user, text string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.notes[user]) >= settings.Current.MaxNotes() {
		return 0, ErrFull
	}
	s.notes[user] = append(s.notes[user], text)
	return len(s.notes[user]), nil
}

// List returns user's notes.
func (s *Store) List(ctx context.Context, user string) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.notes[user]...), nil
}

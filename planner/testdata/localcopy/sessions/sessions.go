// Package sessions keeps the signed-in users' sessions in memory.
package sessions

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"
)

// Session is a signed-in user.
type Session struct {
	User  string `json:"user"`
	Token string `json:"-"` // never written out
}

// Store holds the sessions.
type Store struct {
	mu      sync.Mutex
	byToken map[string]*Session
}

// NewStore returns an empty store.
func NewStore() *Store { return &Store{byToken: map[string]*Session{}} }

// SignIn starts a session for user.
func (s *Store) SignIn(ctx context.Context, user string) (*Session, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	sess := &Session{User: user, Token: hex.EncodeToString(b)}
	s.mu.Lock()
	s.byToken[sess.Token] = sess
	s.mu.Unlock()
	return sess, nil
}

// Active counts the sessions.
func (s *Store) Active(ctx context.Context) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.byToken), nil
}

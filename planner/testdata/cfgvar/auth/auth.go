// Package auth keeps login sessions (state) and checks users against the db.
package auth

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"sync"

	"example.com/cfgvar/config"
	"example.com/cfgvar/db"
)

var ErrNoSession = errors.New("auth: no session")

type Sessions struct {
	db *db.DB
	mu sync.Mutex
	m  map[string]string
}

func New(d *db.DB) *Sessions { return &Sessions{db: d, m: map[string]string{}} }

func (s *Sessions) Login(ctx context.Context, email string) (string, error) {
	if config.Opts.ReadOnly {
		return "", errors.New("auth: read-only")
	}
	u, err := s.db.UserByEmail(ctx, email)
	if err != nil {
		return "", err
	}
	config.Logins++
	b := make([]byte, 8)
	rand.Read(b)
	tok := hex.EncodeToString(b)
	s.mu.Lock()
	s.m[tok] = u.ID
	s.mu.Unlock()
	return tok, nil
}

func (s *Sessions) Who(ctx context.Context, token string) (db.User, error) {
	s.mu.Lock()
	id, ok := s.m[token]
	s.mu.Unlock()
	if !ok {
		return db.User{}, ErrNoSession
	}
	return s.db.User(ctx, id)
}

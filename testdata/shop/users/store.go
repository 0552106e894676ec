package users

import (
	"context"
	"sync"
	"time"
)

// Store keeps accounts and session tokens.
type Store interface {
	// Create adds an account; it returns ErrEmailTaken if the email is in use.
	Create(ctx context.Context, a Account) error
	// Update replaces an existing account.
	Update(ctx context.Context, a Account) error
	// Get returns the account with the given ID or ErrNotFound.
	Get(ctx context.Context, id string) (Account, error)
	// ByEmail returns the account with the given email or ErrNotFound.
	ByEmail(ctx context.Context, email string) (Account, error)
	// SaveToken records a session token.
	SaveToken(ctx context.Context, token, userID string, expires time.Time) error
	// TokenUser returns the user and expiry of a token or ErrNotFound.
	TokenUser(ctx context.Context, token string) (userID string, expires time.Time, err error)
}

type session struct {
	userID  string
	expires time.Time
}

// MemoryStore is a Store in memory, safe for concurrent use.
type MemoryStore struct {
	mu       sync.RWMutex
	accounts map[string]Account
	byEmail  map[string]string
	tokens   map[string]session
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{
		accounts: make(map[string]Account),
		byEmail:  make(map[string]string),
		tokens:   make(map[string]session),
	}
}

// Create implements Store.
func (m *MemoryStore) Create(_ context.Context, a Account) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.byEmail[a.Email]; ok {
		return ErrEmailTaken
	}
	m.accounts[a.ID] = a
	m.byEmail[a.Email] = a.ID
	return nil
}

// Update implements Store.
func (m *MemoryStore) Update(_ context.Context, a Account) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.accounts[a.ID]; !ok {
		return ErrNotFound
	}
	m.accounts[a.ID] = a
	return nil
}

// Get implements Store.
func (m *MemoryStore) Get(_ context.Context, id string) (Account, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	a, ok := m.accounts[id]
	if !ok {
		return Account{}, ErrNotFound
	}
	return a, nil
}

// ByEmail implements Store.
func (m *MemoryStore) ByEmail(_ context.Context, email string) (Account, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	id, ok := m.byEmail[email]
	if !ok {
		return Account{}, ErrNotFound
	}
	return m.accounts[id], nil
}

// SaveToken implements Store.
func (m *MemoryStore) SaveToken(_ context.Context, token, userID string, expires time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tokens[token] = session{userID: userID, expires: expires}
	return nil
}

// TokenUser implements Store.
func (m *MemoryStore) TokenUser(_ context.Context, token string) (string, time.Time, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	s, ok := m.tokens[token]
	if !ok {
		return "", time.Time{}, ErrNotFound
	}
	return s.userID, s.expires, nil
}

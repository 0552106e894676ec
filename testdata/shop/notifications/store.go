package notifications

import (
	"context"
	"slices"
	"sync"
)

// Store keeps sent messages.
type Store interface {
	// Save records a message.
	Save(ctx context.Context, m Message) error
	// ByUser returns a user's messages, newest first.
	ByUser(ctx context.Context, userID string) ([]Message, error)
}

// MemoryStore is a Store in memory, safe for concurrent use.
type MemoryStore struct {
	mu   sync.RWMutex
	msgs []Message
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{}
}

// Save implements Store.
func (m *MemoryStore) Save(_ context.Context, msg Message) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.msgs = append(m.msgs, msg)
	return nil
}

// ByUser implements Store.
func (m *MemoryStore) ByUser(_ context.Context, userID string) ([]Message, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []Message
	for _, msg := range slices.Backward(m.msgs) {
		if msg.UserID == userID {
			out = append(out, msg)
		}
	}
	return out, nil
}

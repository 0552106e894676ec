// Package store holds the process-wide database handle.
package store

import "sync"

// Handle is a database connection.
type Handle struct {
	mu   sync.Mutex
	rows map[string]int
}

var db = &Handle{rows: map[string]int{"tea": 7}}

// DB returns the database handle.
func DB() *Handle { return db }

// Count returns the rows stored under key.
func (h *Handle) Count(key string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.rows[key]
}

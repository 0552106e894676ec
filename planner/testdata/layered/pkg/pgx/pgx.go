// Package pgx holds the connection pool every repository reads from.
package pgx

import "sync"

// Conn is a pool of connections.
type Conn struct {
	DSN  string
	mu   sync.Mutex
	Rows map[string][]string
}

// New opens a pool.
func New(dsn string) *Conn { return &Conn{DSN: dsn, Rows: map[string][]string{}} }

// Package store keeps the clinic's records in memory: a Table per record
// type, keyed by ID, safe for concurrent use. Listing is always in key
// order, so every report built on a table is reproducible.
package store

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"sync"
)

// ErrNoRow is returned by Update when the key is absent.
var ErrNoRow = errors.New("no such row")

// Table maps keys to records.
type Table[K cmp.Ordered, V any] struct {
	mu   sync.RWMutex
	rows map[K]V
}

// NewTable returns an empty table.
func NewTable[K cmp.Ordered, V any]() *Table[K, V] {
	return &Table[K, V]{rows: make(map[K]V)}
}

// Get returns the record stored under k.
func (t *Table[K, V]) Get(k K) (V, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	v, ok := t.rows[k]
	return v, ok
}

// Put stores v under k, replacing any record there.
func (t *Table[K, V]) Put(k K, v V) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.rows[k] = v
}

// Insert stores v under k unless k is taken; it reports whether it did.
func (t *Table[K, V]) Insert(k K, v V) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.rows[k]; ok {
		return false
	}
	t.rows[k] = v
	return true
}

// Update applies fn to the record under k and stores the result, unless fn
// fails, in which case the record is left as it was.
func (t *Table[K, V]) Update(k K, fn func(*V) error) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	v, ok := t.rows[k]
	if !ok {
		return fmt.Errorf("%v: %w", k, ErrNoRow)
	}
	if err := fn(&v); err != nil {
		return err
	}
	t.rows[k] = v
	return nil
}

// Delete removes k.
func (t *Table[K, V]) Delete(k K) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.rows, k)
}

// Len is the number of records.
func (t *Table[K, V]) Len() int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return len(t.rows)
}

// Select returns, in key order, the records keep accepts; a nil keep
// accepts all.
func (t *Table[K, V]) Select(keep func(V) bool) []V {
	t.mu.RLock()
	keys := make([]K, 0, len(t.rows))
	for k := range t.rows {
		keys = append(keys, k)
	}
	t.mu.RUnlock()
	slices.Sort(keys)
	var out []V
	for _, k := range keys {
		v, ok := t.Get(k)
		if ok && (keep == nil || keep(v)) {
			out = append(out, v)
		}
	}
	return out
}

// Reset empties the table.
func (t *Table[K, V]) Reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	clear(t.rows)
}

// Seq hands out sequential identifiers: A0001, A0002, …
type Seq struct {
	mu     sync.Mutex
	prefix string
	n      int
}

// NewSeq returns a sequence whose identifiers start with prefix.
func NewSeq(prefix string) *Seq { return &Seq{prefix: prefix} }

// Next returns the next identifier.
func (s *Seq) Next() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	return fmt.Sprintf("%s%04d", s.prefix, s.n)
}

// Skip makes sure identifiers handed out later sort after id, which a
// loader calls for every identifier it reads back from a file.
func (s *Seq) Skip(id string) {
	var n int
	if _, err := fmt.Sscanf(id, s.prefix+"%d", &n); err != nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n = max(s.n, n)
}

// Restart sets the sequence back to its first identifier.
func (s *Seq) Restart() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n = 0
}

// Package ids generates identifiers such as "ord_7f3a9c21d04b" for the
// records the shop stores. Each identifier starts with a short prefix that
// names its kind, which makes logs and support tickets easier to read.
package ids

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
)

// Generator makes new identifiers.
type Generator interface {
	// New returns an identifier that has not been returned before,
	// of the form prefix + "_" + suffix.
	New(prefix string) string
}

// Random generates identifiers with 96 random bits.
type Random struct{}

// New returns prefix_ followed by 24 random hex digits.
func (Random) New(prefix string) string {
	var b [12]byte
	rand.Read(b[:])
	return prefix + "_" + hex.EncodeToString(b[:])
}

// Sequence generates predictable identifiers, counting separately for each
// prefix: "ord_000001", "ord_000002", "usr_000001". It is meant for tests
// and demos and is safe for concurrent use.
type Sequence struct {
	mu   sync.Mutex
	next map[string]int
}

// NewSequence returns a Sequence that starts every prefix at 1.
func NewSequence() *Sequence {
	return &Sequence{next: make(map[string]int)}
}

// New returns the next identifier for prefix.
func (s *Sequence) New(prefix string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.next[prefix]++
	return fmt.Sprintf("%s_%06d", prefix, s.next[prefix])
}

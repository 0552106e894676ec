// Package auth checks tokens.
package auth

import (
	"context"
	"net/http"
	"sync"
)

type Auth struct {
	mu     sync.Mutex
	tokens map[string]string
}

func New() *Auth { return &Auth{tokens: map[string]string{}} }

// Add gives user a token.
func (a *Auth) Add(ctx context.Context, user, token string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.tokens[token] = user
	return nil
}

func (a *Auth) check(token string) (string, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	u, ok := a.tokens[token]
	return u, ok
}

// Wrap serves next to requests with a known token.
func (a *Auth) Wrap(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if _, ok := a.check(r.Header.Get("Token")); !ok {
			http.Error(w, "no", http.StatusForbidden)
			return
		}
		next(w, r)
	}
}

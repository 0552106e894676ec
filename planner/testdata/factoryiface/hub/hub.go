// Package hub tells watchers about changes to a user's documents.
package hub

import (
	"context"
	"sync"
)

// Watcher receives a user's changes until it is stopped.
type Watcher interface {
	Changes() <-chan string
	Stop() error
}

// Hub fans changes out to watchers.
type Hub struct {
	mu       sync.Mutex
	watchers map[string][]*watcher
}

// New returns a hub with no watchers.
func New() *Hub { return &Hub{watchers: map[string][]*watcher{}} }

// Watch starts watching user's changes.
func (h *Hub) Watch(ctx context.Context, user string) (Watcher, error) {
	w := &watcher{hub: h, user: user, ch: make(chan string, 16)}
	h.mu.Lock()
	h.watchers[user] = append(h.watchers[user], w)
	h.mu.Unlock()
	return w, nil
}

// Publish tells user's watchers about a change.
func (h *Hub) Publish(ctx context.Context, user, change string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, w := range h.watchers[user] {
		select {
		case w.ch <- change:
		default:
		}
	}
	return nil
}

type watcher struct {
	hub  *Hub
	user string
	ch   chan string
}

func (w *watcher) Changes() <-chan string { return w.ch }

func (w *watcher) Stop() error {
	w.hub.mu.Lock()
	defer w.hub.mu.Unlock()
	ws := w.hub.watchers[w.user]
	for i, x := range ws {
		if x == w {
			w.hub.watchers[w.user] = append(ws[:i], ws[i+1:]...)
			break
		}
	}
	return nil
}

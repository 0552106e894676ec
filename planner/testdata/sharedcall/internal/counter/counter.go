// Package counter is the use case: it keeps counts (state).
package counter

import (
	"context"
	"sync"
)

type Counter struct {
	mu sync.Mutex
	m  map[string]int
}

func New() *Counter { return &Counter{m: map[string]int{}} }

func (c *Counter) Inc(ctx context.Context, key string) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[key]++
	return c.m[key], nil
}

func (c *Counter) Get(ctx context.Context, key string) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[key], nil
}

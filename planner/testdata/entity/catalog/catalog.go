// Package catalog prices items.
package catalog

import (
	"strings"
	"sync"
)

// Item is an entity: a line a customer asks for.
type Item struct {
	SKU string `json:"sku"`
	Qty int    `json:"qty"`
	// Note is kept server-side only.
	Note string `json:"-"`
}

// Normalize cleans the SKU in place.
func (it *Item) Normalize() {
	it.SKU = strings.ToUpper(strings.TrimSpace(it.SKU))
}

type Catalog struct {
	mu     sync.Mutex
	prices map[string]int
}

func New() *Catalog { return &Catalog{prices: map[string]int{"AB1": 250, "CD2": 100}} }

// Price returns the price of n units of sku, 0 when unknown.
func (c *Catalog) Price(sku string, n int) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.prices[sku] * n
}

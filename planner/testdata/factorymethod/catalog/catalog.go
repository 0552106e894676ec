// Package catalog keeps the products of the shop.
package catalog

import (
	"context"
	"sort"
	"sync"
)

// Product is a product for sale.
type Product struct {
	SKU      string
	Category string
	Price    int
}

// Catalog holds the products.
type Catalog struct {
	mu       sync.RWMutex
	products map[string]Product
}

// New returns an empty catalog.
func New() *Catalog { return &Catalog{products: map[string]Product{}} }

// Put adds or replaces a product.
func (c *Catalog) Put(ctx context.Context, p Product) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.products[p.SKU] = p
	return nil
}

// NewSearch starts a search of the catalog; narrow it, then Run it.
func (c *Catalog) NewSearch(category string) *Search {
	return &Search{catalog: c, category: category, limit: 20}
}

// Search is a search being built.
type Search struct {
	catalog  *Catalog
	category string
	maxPrice int
	limit    int
}

// Under keeps the products cheaper than price.
func (s *Search) Under(price int) *Search {
	s.maxPrice = price
	return s
}

// Run returns the products found, by SKU.
func (s *Search) Run(ctx context.Context) ([]Product, error) {
	s.catalog.mu.RLock()
	defer s.catalog.mu.RUnlock()
	var out []Product
	for _, p := range s.catalog.products {
		if p.Category == s.category && (s.maxPrice == 0 || p.Price < s.maxPrice) {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].SKU < out[j].SKU })
	if len(out) > s.limit {
		out = out[:s.limit]
	}
	return out, nil
}

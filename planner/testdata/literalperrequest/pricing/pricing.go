// Package pricing quotes prices.
package pricing

import "sync"

type Rates interface{ Rate(sku string) int }

type Table struct {
	mu sync.Mutex
	m  map[string]int
}

func NewTable() *Table { return &Table{m: map[string]int{"AB1": 250}} }

func (t *Table) Rate(sku string) int { t.mu.Lock(); defer t.mu.Unlock(); return t.m[sku] }

// Quoter quotes with a discount.
type Quoter struct {
	Rates    Rates
	Discount int
}

func (q *Quoter) Quote(sku string, n int) int { return q.Rates.Rate(sku)*n - q.Discount }

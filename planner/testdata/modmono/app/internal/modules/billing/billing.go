// Package billing keeps the ledger; only main wires it.
package billing

import (
	"fmt"

	"example.com/modmono/internal/platform/logx"
	"example.com/webkit"
)

// Ledger sums charges.
type Ledger struct {
	log   *logx.Logger
	total int
}

// NewLedger returns an empty ledger.
func NewLedger(log *logx.Logger) *Ledger { return &Ledger{log: log} }

// Charge adds amount.
func (l *Ledger) Charge(amount int) int {
	l.total += amount
	l.log.Printf("charged %d", amount)
	return l.total
}

func (l *Ledger) balance(c *webkit.Context) { c.Body = fmt.Sprint(l.total) }

// Register routes the billing requests.
func Register(e *webkit.Engine, l *Ledger) {
	e.GET("/balance", l.balance)
}

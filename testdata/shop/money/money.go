// Package money represents amounts of money in integer minor units (cents),
// so that sums and multiplications are exact. The shop trades in a single
// currency at a time; mixing currencies in one calculation is a programming
// error and panics.
package money

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Currency is an ISO 4217 currency code.
type Currency string

// Currencies the shop accepts.
const (
	EUR Currency = "EUR"
	USD Currency = "USD"
)

// ErrInvalidAmount is returned by Parse for text that is not a decimal amount.
var ErrInvalidAmount = errors.New("invalid amount")

// Money is an amount in minor units of a currency. The zero value is zero
// in no particular currency and adopts the currency of what it is added to.
type Money struct {
	Amount   int64    `json:"amount"`
	Currency Currency `json:"currency"`
}

// New returns amount minor units of c.
func New(amount int64, c Currency) Money {
	return Money{Amount: amount, Currency: c}
}

// Parse reads a decimal amount such as "12", "12.5" or "12.50" in currency c.
func Parse(s string, c Currency) (Money, error) {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || (hasFrac && (len(frac) == 0 || len(frac) > 2)) {
		return Money{}, fmt.Errorf("parse %q: %w", s, ErrInvalidAmount)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	units, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return Money{}, fmt.Errorf("parse %q: %w", s, ErrInvalidAmount)
	}
	cents, err := strconv.ParseInt(frac, 10, 64)
	if err != nil || cents < 0 {
		return Money{}, fmt.Errorf("parse %q: %w", s, ErrInvalidAmount)
	}
	amount := units*100 + cents
	if neg {
		amount = -amount
	}
	return Money{Amount: amount, Currency: c}, nil
}

// Add returns m + o.
func (m Money) Add(o Money) Money {
	return Money{Amount: m.Amount + o.Amount, Currency: m.join(o)}
}

// Sub returns m - o.
func (m Money) Sub(o Money) Money {
	return Money{Amount: m.Amount - o.Amount, Currency: m.join(o)}
}

// Mul returns m times n, e.g. a unit price times a quantity.
func (m Money) Mul(n int) Money {
	return Money{Amount: m.Amount * int64(n), Currency: m.Currency}
}

// Percent returns pct percent of m, rounded half away from zero.
func (m Money) Percent(pct int) Money {
	v := m.Amount * int64(pct)
	q := v / 100
	if r := v % 100; r >= 50 {
		q++
	} else if r <= -50 {
		q--
	}
	return Money{Amount: q, Currency: m.Currency}
}

// IsZero reports whether m is zero.
func (m Money) IsZero() bool { return m.Amount == 0 }

// Less reports whether m is less than o.
func (m Money) Less(o Money) bool {
	m.join(o)
	return m.Amount < o.Amount
}

// String formats m as "12.50 EUR".
func (m Money) String() string {
	sign := ""
	a := m.Amount
	if a < 0 {
		sign, a = "-", -a
	}
	s := fmt.Sprintf("%s%d.%02d", sign, a/100, a%100)
	if m.Currency != "" {
		s += " " + string(m.Currency)
	}
	return s
}

// join returns the currency of a calculation on m and o.
func (m Money) join(o Money) Currency {
	switch {
	case m.Currency == "":
		return o.Currency
	case o.Currency == "" || o.Currency == m.Currency:
		return m.Currency
	}
	panic(fmt.Sprintf("money: currency mismatch: %s and %s", m.Currency, o.Currency))
}

// Sum adds up amounts of one currency. The sum of nothing is the zero Money.
func Sum(amounts ...Money) Money {
	var total Money
	for _, a := range amounts {
		total = total.Add(a)
	}
	return total
}

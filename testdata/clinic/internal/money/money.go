// Package money holds amounts of the clinic's single currency as integer
// cents, so that sums and percentages never drift the way floats do.
package money

import (
	"fmt"
	"strconv"
	"strings"
)

// Cents is an amount in hundredths of the currency unit.
type Cents int64

// String formats c as "1234.50" (negative amounts with a leading minus).
func (c Cents) String() string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return fmt.Sprintf("%s%d.%02d", sign, c/100, c%100)
}

// Parse reads "12", "12.5" or "12.50" as cents.
func Parse(s string) (Cents, error) {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 {
		return 0, fmt.Errorf("amount %q: want units with at most two decimals", s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("amount %q: %w", s, err)
	}
	f, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("amount %q: %w", s, err)
	}
	c := Cents(w*100 + f)
	if neg {
		c = -c
	}
	return c, nil
}

// UnmarshalJSON accepts an amount written as a string ("45.00") or a number.
func (c *Cents) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	v, err := Parse(s)
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// Times multiplies a unit price by a quantity.
func (c Cents) Times(n int) Cents { return c * Cents(n) }

// Percent returns bp basis points (1/100 of a percent) of c, rounded half
// away from zero: 2000 basis points is 20%.
func (c Cents) Percent(bp int) Cents {
	p := int64(c) * int64(bp)
	if p >= 0 {
		return Cents((p + 5000) / 10000)
	}
	return Cents((p - 5000) / 10000)
}

// Sum adds up amount(x) over xs.
func Sum[T any](xs []T, amount func(T) Cents) Cents {
	var total Cents
	for _, x := range xs {
		total += amount(x)
	}
	return total
}

package orders_test

import (
	"testing"

	"example.com/modmono/internal/testkit"
)

func TestPlace(t *testing.T) {
	total, err := testkit.Orders().Place("tea", 2)
	if err != nil || total != 600 {
		t.Fatalf("Place = %d, %v; want 600", total, err)
	}
}

package inventory_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"example.com/shop/clock"
	"example.com/shop/ids"
	"example.com/shop/inventory"
)

// alerts records low-stock alerts.
type alerts struct {
	mu  sync.Mutex
	got []string
}

func (a *alerts) LowStock(_ context.Context, productID string, available int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.got = append(a.got, fmt.Sprintf("%s:%d", productID, available))
}

func newService(t *testing.T, stock map[string]int) (*inventory.Service, *alerts) {
	t.Helper()
	a := &alerts{}
	s := inventory.NewService(inventory.NewMemoryStore(), clock.NewManual(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)),
		ids.NewSequence(), a, 2)
	for id, n := range stock {
		if _, err := s.SetStock(t.Context(), id, n); err != nil {
			t.Fatal(err)
		}
	}
	return s, a
}

func available(t *testing.T, s *inventory.Service, id string) int {
	t.Helper()
	n, err := s.Available(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSetStock(t *testing.T) {
	s, _ := newService(t, nil)
	if got := available(t, s, "p1"); got != 0 {
		t.Errorf("Available(unstocked) = %d; want 0", got)
	}
	l, err := s.SetStock(t.Context(), "p1", 7)
	if err != nil || l.OnHand != 7 || l.Available() != 7 {
		t.Errorf("SetStock = %+v, %v; want 7 on hand", l, err)
	}
	if _, err := s.SetStock(t.Context(), "p1", -1); !errors.Is(err, inventory.ErrInvalidQuantity) {
		t.Errorf("SetStock(-1): %v; want ErrInvalidQuantity", err)
	}
}

func TestReserveAllOrNothing(t *testing.T) {
	s, _ := newService(t, map[string]int{"p1": 5, "p2": 1})
	_, err := s.Reserve(t.Context(), "ord_1", []inventory.Item{{ProductID: "p1", Quantity: 3}, {ProductID: "p2", Quantity: 2}})
	if !errors.Is(err, inventory.ErrOutOfStock) {
		t.Fatalf("Reserve: %v; want ErrOutOfStock", err)
	}
	if got := available(t, s, "p1"); got != 5 {
		t.Errorf("after failed reserve, p1 available = %d; want 5", got)
	}
}

func TestStockErrorDetails(t *testing.T) {
	s, _ := newService(t, map[string]int{"p1": 2})
	_, err := s.Reserve(t.Context(), "ord_1", []inventory.Item{{ProductID: "p1", Quantity: 2}, {ProductID: "p1", Quantity: 1}})
	var se *inventory.StockError
	if !errors.As(err, &se) {
		t.Fatalf("Reserve: %v; want a *StockError", err)
	}
	if *se != (inventory.StockError{ProductID: "p1", Requested: 3, Available: 2}) {
		t.Errorf("StockError = %+v; want p1 3 requested, 2 available (quantities merged)", *se)
	}
}

func TestReserveCommit(t *testing.T) {
	s, alerts := newService(t, map[string]int{"p1": 5, "p2": 10})
	r, err := s.Reserve(t.Context(), "ord_1", []inventory.Item{{ProductID: "p2", Quantity: 1}, {ProductID: "p1", Quantity: 3}})
	if err != nil {
		t.Fatal(err)
	}
	if want := []inventory.Item{{ProductID: "p1", Quantity: 3}, {ProductID: "p2", Quantity: 1}}; !slices.Equal(r.Items, want) {
		t.Errorf("reservation items = %v; want %v", r.Items, want)
	}
	if got := available(t, s, "p1"); got != 2 {
		t.Errorf("reserved: p1 available = %d; want 2", got)
	}
	if err := s.Commit(t.Context(), r.ID); err != nil {
		t.Fatal(err)
	}
	l, _ := s.Level(t.Context(), "p1")
	if l.OnHand != 2 || l.Reserved != 0 {
		t.Errorf("committed: p1 = %+v; want 2 on hand, 0 reserved", l)
	}
	if want := []string{"p1:2"}; !slices.Equal(alerts.got, want) {
		t.Errorf("alerts = %v; want %v", alerts.got, want)
	}
	if err := s.Commit(t.Context(), r.ID); !errors.Is(err, inventory.ErrReservationNotFound) {
		t.Errorf("second Commit: %v; want ErrReservationNotFound", err)
	}
}

func TestRelease(t *testing.T) {
	s, alerts := newService(t, map[string]int{"p1": 3})
	r, err := s.Reserve(t.Context(), "ord_1", []inventory.Item{{ProductID: "p1", Quantity: 3}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Reserve(t.Context(), "ord_2", []inventory.Item{{ProductID: "p1", Quantity: 1}}); !errors.Is(err, inventory.ErrOutOfStock) {
		t.Errorf("Reserve while held: %v; want ErrOutOfStock", err)
	}
	if err := s.Release(t.Context(), r.ID); err != nil {
		t.Fatal(err)
	}
	if got := available(t, s, "p1"); got != 3 {
		t.Errorf("released: available = %d; want 3", got)
	}
	if len(alerts.got) != 0 {
		t.Errorf("release raised alerts %v", alerts.got)
	}
	if err := s.Release(t.Context(), "res_nope"); !errors.Is(err, inventory.ErrReservationNotFound) {
		t.Errorf("Release(unknown): %v; want ErrReservationNotFound", err)
	}
}

func TestInvalidItems(t *testing.T) {
	s, _ := newService(t, map[string]int{"p1": 3})
	for _, items := range [][]inventory.Item{nil, {{ProductID: "p1", Quantity: 0}}, {{ProductID: "p1", Quantity: -2}}} {
		if _, err := s.Reserve(t.Context(), "ord", items); !errors.Is(err, inventory.ErrInvalidQuantity) {
			t.Errorf("Reserve(%v): %v; want ErrInvalidQuantity", items, err)
		}
		if err := s.Restock(t.Context(), items); !errors.Is(err, inventory.ErrInvalidQuantity) {
			t.Errorf("Restock(%v): %v; want ErrInvalidQuantity", items, err)
		}
	}
}

func TestRestock(t *testing.T) {
	s, _ := newService(t, map[string]int{"p1": 1})
	if err := s.Restock(t.Context(), []inventory.Item{{ProductID: "p1", Quantity: 4}, {ProductID: "p9", Quantity: 2}}); err != nil {
		t.Fatal(err)
	}
	if got := available(t, s, "p1"); got != 5 {
		t.Errorf("p1 available = %d; want 5", got)
	}
	if got := available(t, s, "p9"); got != 2 {
		t.Errorf("p9 available = %d; want 2", got)
	}
}

// TestConcurrentReserveNeverOversells races many checkouts for the last
// units of a product.
func TestConcurrentReserveNeverOversells(t *testing.T) {
	s, _ := newService(t, map[string]int{"p1": 10})
	var wg sync.WaitGroup
	var mu sync.Mutex
	won, short := 0, 0
	for i := range 25 {
		wg.Go(func() {
			_, err := s.Reserve(context.Background(), fmt.Sprint("ord_", i), []inventory.Item{{ProductID: "p1", Quantity: 1}})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				won++
			case errors.Is(err, inventory.ErrOutOfStock):
				short++
			default:
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if won != 10 || short != 15 {
		t.Errorf("%d reserved, %d out of stock; want 10 and 15", won, short)
	}
	if got := available(t, s, "p1"); got != 0 {
		t.Errorf("available = %d; want 0", got)
	}
}

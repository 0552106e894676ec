package shipping_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"example.com/shop/clock"
	"example.com/shop/ids"
	"example.com/shop/money"
	"example.com/shop/shipping"
)

var (
	start  = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	berlin = shipping.Address{Name: "Ada", Line1: "Main St 1", City: "Berlin", PostalCode: "10115", Country: "DE"}
	paris  = shipping.Address{Name: "Ada", Line1: "Rue de Rivoli 5", City: "Paris", PostalCode: "75001", Country: "FR"}
)

func eur(cents int64) money.Money { return money.New(cents, money.EUR) }

// listener records dispatched shipments and signals each one on ch.
type listener struct {
	mu  sync.Mutex
	got []string
	ch  chan string
}

func (l *listener) ShipmentDispatched(_ context.Context, s shipping.Shipment) {
	l.mu.Lock()
	l.got = append(l.got, s.ID+" "+s.TrackingNumber)
	l.mu.Unlock()
	if l.ch != nil {
		l.ch <- s.ID
	}
}

func newService() (*shipping.Service, *clock.Manual, *listener) {
	clk := clock.NewManual(start)
	s := shipping.NewService(shipping.NewMemoryStore(), clk, ids.NewSequence())
	l := &listener{}
	s.Subscribe(l)
	return s, clk, l
}

func schedule(t *testing.T, s *shipping.Service, orderID string, addr shipping.Address) *shipping.Shipment {
	t.Helper()
	sh := &shipping.Shipment{OrderID: orderID, Address: addr, Items: []shipping.Item{{ProductID: "p1", Quantity: 1}}}
	if err := s.Schedule(t.Context(), sh); err != nil {
		t.Fatalf("Schedule(%s): %v", orderID, err)
	}
	return sh
}

func TestQuote(t *testing.T) {
	tests := []struct {
		name     string
		dest     shipping.Address
		grams    int
		subtotal money.Money
		want     money.Money
	}{
		{"domestic small", berlin, 1500, eur(2000), eur(490)},
		{"domestic 2 kg exactly", berlin, 2000, eur(2000), eur(490)},
		{"domestic 2.6 kg", berlin, 2600, eur(2000), eur(640)},
		{"domestic free from 50", berlin, 9000, eur(5000), eur(0)},
		{"EU small", paris, 300, eur(2000), eur(990)},
		{"EU heavy, no free shipping", paris, 4100, eur(9000), eur(1740)},
	}
	for _, tt := range tests {
		got, err := shipping.Quote(tt.dest, tt.grams, tt.subtotal)
		if err != nil || got != tt.want {
			t.Errorf("%s: Quote = %v, %v; want %v", tt.name, got, err, tt.want)
		}
	}
}

func TestUndeliverable(t *testing.T) {
	ny := shipping.Address{Name: "Ada", Line1: "5th Ave", City: "New York", PostalCode: "10001", Country: "US"}
	if _, err := shipping.Quote(ny, 100, eur(100)); !errors.Is(err, shipping.ErrUndeliverable) {
		t.Errorf("Quote(US): %v; want ErrUndeliverable", err)
	}
	s, _, _ := newService()
	sh := &shipping.Shipment{OrderID: "ord_1", Address: ny, Items: []shipping.Item{{ProductID: "p1", Quantity: 1}}}
	if err := s.Schedule(t.Context(), sh); !errors.Is(err, shipping.ErrUndeliverable) {
		t.Errorf("Schedule(US): %v; want ErrUndeliverable", err)
	}
}

func TestSchedule(t *testing.T) {
	s, _, _ := newService()
	sh := schedule(t, s, "ord_1", paris)
	if sh.ID != "shp_000001" || sh.Carrier != "DPD" || sh.Status != shipping.StatusPending || !sh.CreatedAt.Equal(start) {
		t.Errorf("Schedule filled in %+v", sh)
	}
	got, err := s.Get(t.Context(), sh.ID)
	if err != nil || got.OrderID != "ord_1" || got.Status != shipping.StatusPending {
		t.Errorf("Get = %+v, %v", got, err)
	}
	if err := s.Schedule(t.Context(), &shipping.Shipment{OrderID: "ord_2", Address: berlin}); !errors.Is(err, shipping.ErrInvalid) {
		t.Errorf("Schedule without items: %v; want ErrInvalid", err)
	}
}

func TestDispatchPending(t *testing.T) {
	s, clk, l := newService()
	a := schedule(t, s, "ord_1", berlin)
	clk.Advance(time.Minute)
	b := schedule(t, s, "ord_2", paris)
	c := schedule(t, s, "ord_3", berlin)
	if _, err := s.Cancel(t.Context(), c.ID); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Hour)
	n, err := s.DispatchPending(t.Context())
	if err != nil || n != 2 {
		t.Fatalf("DispatchPending = %d, %v; want 2", n, err)
	}
	if want := []string{a.ID + " DHL000001DE", b.ID + " DPD000002FR"}; !slices.Equal(l.got, want) {
		t.Errorf("listener got %q; want %q", l.got, want)
	}
	got, _ := s.Get(t.Context(), a.ID)
	if got.Status != shipping.StatusDispatched || got.DispatchedAt == nil || !got.DispatchedAt.Equal(clk.Now()) {
		t.Errorf("dispatched shipment = %+v", got)
	}
	if n, _ := s.DispatchPending(t.Context()); n != 0 {
		t.Errorf("second DispatchPending = %d; want 0", n)
	}
}

// slowListener takes its time over each shipment, as a listener in
// another process would.
type slowListener struct{ listener }

func (l *slowListener) ShipmentDispatched(ctx context.Context, s shipping.Shipment) {
	time.Sleep(time.Millisecond)
	l.listener.ShipmentDispatched(ctx, s)
}

// TestDispatchPendingConcurrent checks that rounds running at once announce
// every shipment exactly once.
func TestDispatchPendingConcurrent(t *testing.T) {
	s := shipping.NewService(shipping.NewMemoryStore(), clock.NewManual(start), ids.NewSequence())
	l := &slowListener{}
	s.Subscribe(l)
	for i := range 20 {
		schedule(t, s, fmt.Sprintf("ord_%d", i), berlin)
	}
	var wg sync.WaitGroup
	total := make([]int, 4)
	for i := range total {
		wg.Add(1)
		go func() {
			defer wg.Done()
			total[i], _ = s.DispatchPending(t.Context())
		}()
	}
	wg.Wait()
	if sum := total[0] + total[1] + total[2] + total[3]; sum != 20 || len(l.got) != 20 {
		t.Errorf("4 concurrent rounds dispatched %d, announced %d; want 20 and 20", sum, len(l.got))
	}
}

func TestCancel(t *testing.T) {
	s, _, _ := newService()
	sh := schedule(t, s, "ord_1", berlin)
	got, err := s.Cancel(t.Context(), sh.ID)
	if err != nil || got.Status != shipping.StatusCancelled {
		t.Fatalf("Cancel = %+v, %v", got, err)
	}
	if _, err := s.Cancel(t.Context(), sh.ID); err != nil {
		t.Errorf("cancelling twice: %v; want no error", err)
	}
	sent := schedule(t, s, "ord_2", berlin)
	if _, err := s.DispatchPending(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Cancel(t.Context(), sent.ID); !errors.Is(err, shipping.ErrAlreadyDispatched) {
		t.Errorf("Cancel(dispatched): %v; want ErrAlreadyDispatched", err)
	}
	if _, err := s.Cancel(t.Context(), "shp_nope"); !errors.Is(err, shipping.ErrNotFound) {
		t.Errorf("Cancel(unknown): %v; want ErrNotFound", err)
	}
}

func TestDispatcher(t *testing.T) {
	s, _, l := newService()
	l.ch = make(chan string, 1)
	sh := schedule(t, s, "ord_1", berlin)
	d := shipping.NewDispatcher(s, time.Millisecond, slog.New(slog.DiscardHandler))
	d.Start(t.Context())
	d.Start(t.Context()) // no second loop
	select {
	case id := <-l.ch:
		if id != sh.ID {
			t.Errorf("dispatched %s; want %s", id, sh.ID)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("dispatcher did not dispatch")
	}
	d.Stop()
	d.Stop() // stopping twice is fine
	if got, _ := s.Get(t.Context(), sh.ID); got.Status != shipping.StatusDispatched {
		t.Errorf("status = %s; want dispatched", got.Status)
	}
}

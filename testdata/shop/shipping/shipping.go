// Package shipping prices deliveries, books shipments with carriers and
// hands them over in batches. The shop ships from Germany to the countries
// of the European Union.
package shipping

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"example.com/shop/clock"
	"example.com/shop/ids"
)

// Errors returned by the package. Callers compare with errors.Is.
var (
	ErrUndeliverable     = errors.New("destination not served")
	ErrInvalid           = errors.New("invalid shipment")
	ErrNotFound          = errors.New("shipment not found")
	ErrAlreadyDispatched = errors.New("shipment already dispatched")
)

// Status is the state of a shipment.
type Status string

// Shipment states.
const (
	StatusPending    Status = "pending"
	StatusDispatched Status = "dispatched"
	StatusCancelled  Status = "cancelled"
)

// Address is where a shipment goes.
type Address struct {
	Name       string `json:"name"`
	Line1      string `json:"line1"`
	Line2      string `json:"line2,omitempty"`
	City       string `json:"city"`
	PostalCode string `json:"postal_code"`
	Country    string `json:"country"`
}

// Item is a quantity of one product in a parcel.
type Item struct {
	ProductID string `json:"product_id"`
	Quantity  int    `json:"quantity"`
}

// Shipment is a parcel on its way to a customer.
type Shipment struct {
	ID             string     `json:"id"`
	OrderID        string     `json:"order_id"`
	UserID         string     `json:"user_id"`
	Address        Address    `json:"address"`
	Items          []Item     `json:"items"`
	WeightGrams    int        `json:"weight_grams"`
	Carrier        string     `json:"carrier"`
	TrackingNumber string     `json:"tracking_number,omitempty"`
	Status         Status     `json:"status"`
	CreatedAt      time.Time  `json:"created_at"`
	DispatchedAt   *time.Time `json:"dispatched_at,omitempty"`
}

// Listener is told about dispatched shipments. It must not block.
type Listener interface {
	ShipmentDispatched(ctx context.Context, s Shipment)
}

// Service books and dispatches shipments.
type Service struct {
	store Store
	clock clock.Clock
	ids   ids.Generator

	mu        sync.RWMutex
	listeners []Listener

	// dispatching serialises DispatchPending: two rounds at once (the
	// dispatcher's tick and an admin request) would both take the same
	// pending shipment and announce it twice.
	dispatching sync.Mutex
}

// NewService returns a Service keeping shipments in store.
func NewService(store Store, clk clock.Clock, gen ids.Generator) *Service {
	return &Service{store: store, clock: clk, ids: gen}
}

// Subscribe adds a listener to be told about every dispatched shipment.
func (s *Service) Subscribe(l Listener) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.listeners = append(s.listeners, l)
}

// Schedule books a shipment for the next dispatch. It fills in the ID,
// carrier, status and creation time of *sh.
func (s *Service) Schedule(ctx context.Context, sh *Shipment) error {
	if sh.OrderID == "" || len(sh.Items) == 0 {
		return fmt.Errorf("schedule: %w: order and items are required", ErrInvalid)
	}
	carrier, err := Carrier(sh.Address.Country)
	if err != nil {
		return fmt.Errorf("schedule for %s: %w", sh.OrderID, err)
	}
	sh.ID = s.ids.New("shp")
	sh.Carrier = carrier
	sh.Status = StatusPending
	sh.CreatedAt = s.clock.Now()
	sh.TrackingNumber, sh.DispatchedAt = "", nil
	if err := s.store.Save(ctx, *sh); err != nil {
		return fmt.Errorf("schedule for %s: %w", sh.OrderID, err)
	}
	return nil
}

// Get returns a shipment.
func (s *Service) Get(ctx context.Context, id string) (Shipment, error) {
	sh, err := s.store.Get(ctx, id)
	if err != nil {
		return Shipment{}, fmt.Errorf("get shipment %s: %w", id, err)
	}
	return sh, nil
}

// Cancel calls off a shipment that has not been dispatched yet.
func (s *Service) Cancel(ctx context.Context, id string) (Shipment, error) {
	sh, err := s.store.Get(ctx, id)
	if err != nil {
		return Shipment{}, fmt.Errorf("cancel shipment %s: %w", id, err)
	}
	switch sh.Status {
	case StatusDispatched:
		return sh, fmt.Errorf("cancel shipment %s: %w", id, ErrAlreadyDispatched)
	case StatusCancelled:
		return sh, nil
	}
	sh.Status = StatusCancelled
	if err := s.store.Save(ctx, sh); err != nil {
		return Shipment{}, fmt.Errorf("cancel shipment %s: %w", id, err)
	}
	return sh, nil
}

// DispatchPending hands every pending shipment to its carrier, oldest
// first, and tells the listeners. It returns how many were dispatched.
func (s *Service) DispatchPending(ctx context.Context) (int, error) {
	s.dispatching.Lock()
	defer s.dispatching.Unlock()
	pending, err := s.store.ByStatus(ctx, StatusPending)
	if err != nil {
		return 0, fmt.Errorf("dispatch: %w", err)
	}
	slices.SortFunc(pending, func(a, b Shipment) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
	n := 0
	for _, sh := range pending {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		now := s.clock.Now()
		sh.Status = StatusDispatched
		sh.DispatchedAt = &now
		sh.TrackingNumber = trackingNumber(sh)
		if err := s.store.Save(ctx, sh); err != nil {
			return n, fmt.Errorf("dispatch %s: %w", sh.ID, err)
		}
		n++
		s.mu.RLock()
		listeners := s.listeners
		s.mu.RUnlock()
		for _, l := range listeners {
			l.ShipmentDispatched(ctx, sh)
		}
	}
	return n, nil
}

func trackingNumber(sh Shipment) string {
	_, suffix, _ := strings.Cut(sh.ID, "_")
	return strings.ToUpper(sh.Carrier + suffix + sh.Address.Country)
}

package bus_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/cleave-go/cleave/runtime/bus"
)

type PriceReq struct{ SKU string }
type PriceResp struct{ Cents int }
type Sold struct {
	SKU string
	Qty int
}

var ErrUnknownSKU = errors.New("unknown sku")

func init() { bus.RegisterError("shop.ErrUnknownSKU", ErrUnknownSKU) }

func Example() {
	ctx := context.Background()
	b, err := bus.Open(ctx, bus.Config{Transport: bus.Local, App: "shop", Service: "catalog"})
	if err != nil {
		panic(err)
	}
	defer b.Close()

	bus.Handle(b, "shop.catalog.Price", func(ctx context.Context, r *PriceReq) (*PriceResp, error) {
		if r.SKU != "tea" {
			return nil, ErrUnknownSKU
		}
		return &PriceResp{Cents: 450}, nil
	})
	bus.Subscribe(b, "shop.catalog.Sold", func(ctx context.Context, e *Sold) error {
		fmt.Println("sold", e.Qty, e.SKU)
		return nil
	})

	resp, err := bus.Call[PriceReq, PriceResp](ctx, b, "shop.catalog.Price", &PriceReq{SKU: "tea"})
	fmt.Println(resp.Cents, err)
	_, err = bus.Call[PriceReq, PriceResp](ctx, b, "shop.catalog.Price", &PriceReq{SKU: "mud"})
	fmt.Println(errors.Is(err, ErrUnknownSKU))
	err = bus.Publish(ctx, b, "shop.catalog.Sold", &Sold{SKU: "tea", Qty: 2})
	fmt.Println(err)
	// Output:
	// 450 <nil>
	// true
	// sold 2 tea
	// <nil>
}

// The same code on NATS: here an embedded server that only this process
// reaches; set URLs (or CLEAVE_NATS_URL) to use existing servers instead.
func Example_nats() {
	ctx := context.Background()
	b, err := bus.Open(ctx, bus.Config{
		Transport:  bus.NATS,
		App:        "shop",
		Service:    "catalog",
		Listen:     "none", // no TCP port; in-process connection
		EventsWait: true,   // testing aid: Publish waits for the subscriber below
	})
	if err != nil {
		panic(err)
	}
	defer b.Close()

	bus.Handle(b, "shop.catalog.Price", func(ctx context.Context, r *PriceReq) (*PriceResp, error) {
		if r.SKU != "tea" {
			return nil, fmt.Errorf("price of %q: %w", r.SKU, ErrUnknownSKU)
		}
		return &PriceResp{Cents: 450}, nil
	})
	bus.Subscribe(b, "shop.catalog.Sold", func(ctx context.Context, e *Sold) error {
		fmt.Println("sold", e.Qty, e.SKU)
		return nil
	})

	resp, err := bus.Call[PriceReq, PriceResp](ctx, b, "shop.catalog.Price", &PriceReq{SKU: "tea"})
	fmt.Println(resp.Cents, err)
	_, err = bus.Call[PriceReq, PriceResp](ctx, b, "shop.catalog.Price", &PriceReq{SKU: "mud"})
	fmt.Println(err, errors.Is(err, ErrUnknownSKU))
	_, err = bus.Call[PriceReq, PriceResp](ctx, b, "shop.billing.Charge", &PriceReq{})
	fmt.Println(err)
	fmt.Println(bus.Publish(ctx, b, "shop.catalog.Sold", &Sold{SKU: "tea", Qty: 2}))
	// Output:
	// 450 <nil>
	// price of "mud": unknown sku true
	// bus: call shop.billing.Charge: no handler for subject (is the service running?)
	// sold 2 tea
	// <nil>
}

package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"connectrpc.com/connect"

	billingv1 "example.com/connectfwd/gen/billing/v1"
	"example.com/connectfwd/gen/billing/v1/billingv1connect"
	greetv1 "example.com/connectfwd/gen/greet/v1"
	"example.com/connectfwd/gen/greet/v1/greetv1connect"
	hatsv1 "example.com/connectfwd/gen/hats/v1"
)

// TestModules calls each module through the mux, as clients do.
func TestModules(t *testing.T) {
	srv := httptest.NewServer(newMux())
	defer srv.Close()
	ctx := context.Background()

	greet := greetv1connect.NewGreetServiceClient(http.DefaultClient, srv.URL)
	g, err := greet.Greet(ctx, connect.NewRequest(&greetv1.GreetRequest{Name: "ann"}))
	if err != nil || g.Msg.GetGreeting() != "hello ann from " {
		t.Errorf("Greet = %v, %v", g, err)
	}
	bill := billingv1connect.NewBillingServiceClient(http.DefaultClient, srv.URL+"/api")
	c, err := bill.Charge(ctx, connect.NewRequest(&billingv1.ChargeRequest{Account: "acme", Cents: 100}))
	if err != nil || c.Msg.GetReceipt() != "acme-1 by " {
		t.Errorf("Charge = %v, %v", c, err)
	}
	if _, err := bill.Refund(ctx, connect.NewRequest(&billingv1.ChargeRequest{})); connect.CodeOf(err) != connect.CodeUnimplemented {
		t.Errorf("Refund = %v; want unimplemented", err)
	}
	h, err := hatsv1.NewHaberdasherProtobufClient(srv.URL, http.DefaultClient).MakeHat(ctx, &hatsv1.Size{Inches: 7})
	if err != nil || h.GetColor() != "blue from " {
		t.Errorf("MakeHat = %v, %v", h, err)
	}
}

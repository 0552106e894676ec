// Package billing implements billing.v1.BillingService.
package billing

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"sync"

	"connectrpc.com/connect"

	billingv1 "example.com/connectfwd/gen/billing/v1"
	"example.com/connectfwd/gen/billing/v1/billingv1connect"
)

// Service charges accounts; refunds are not implemented.
type Service struct {
	billingv1connect.UnimplementedBillingServiceHandler

	mu   sync.Mutex
	next int
}

// New returns a billing service.
func New() *Service { return &Service{} }

// Charge charges an account.
func (s *Service) Charge(ctx context.Context, req *connect.Request[billingv1.ChargeRequest]) (*connect.Response[billingv1.ChargeResponse], error) {
	if req.Msg.GetCents() <= 0 {
		return nil, connect.NewError(connect.CodeInvalidArgument, errors.New("nothing to charge"))
	}
	s.mu.Lock()
	s.next++
	n := s.next
	s.mu.Unlock()
	return connect.NewResponse(&billingv1.ChargeResponse{Receipt: fmt.Sprintf("%s-%d by %s", req.Msg.GetAccount(), n, os.Getenv("CLEAVE_SERVICE"))}), nil
}

// Routes returns the path and the handler of the billing service.
func Routes() (string, http.Handler) {
	return billingv1connect.NewBillingServiceHandler(New())
}

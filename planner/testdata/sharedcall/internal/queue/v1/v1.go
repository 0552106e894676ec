// Package v1 handles queue messages (the AMQP/NATS-RPC controllers of clean-architecture templates).
package v1

import (
	"context"

	"example.com/sharedcall/internal/contracts"
)

type Handler struct{ C contracts.Counter }

func (h *Handler) Handle(ctx context.Context, key string) (int, error) {
	return h.C.Inc(ctx, key)
}

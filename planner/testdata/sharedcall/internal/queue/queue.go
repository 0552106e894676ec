// Package queue consumes messages from a channel and hands them to v1.
package queue

import (
	"context"
	"log"

	"example.com/sharedcall/internal/contracts"
	v1 "example.com/sharedcall/internal/queue/v1"
)

func Consume(ctx context.Context, in <-chan string, c contracts.Counter) {
	h := &v1.Handler{C: c}
	for key := range in {
		if _, err := h.Handle(ctx, key); err != nil {
			log.Print(err)
		}
	}
}

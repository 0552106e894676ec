// Package contracts holds the use-case interfaces (clean-architecture style).
package contracts

import "context"

type Counter interface {
	Inc(ctx context.Context, key string) (int, error)
	Get(ctx context.Context, key string) (int, error)
}

// Package repo declares the repositories the use cases need.
package repo

import "context"

// Tasks stores task titles.
type Tasks interface {
	Add(ctx context.Context, title string) error
	List(ctx context.Context) ([]string, error)
}

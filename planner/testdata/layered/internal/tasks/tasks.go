// Package tasks is the use case.
package tasks

import (
	"context"
	"errors"

	"example.com/layered/internal/repo"
)

// UseCase adds and lists tasks.
type UseCase interface {
	Add(ctx context.Context, title string) error
	List(ctx context.Context) ([]string, error)
}

type useCase struct{ r repo.Tasks }

// New returns the use case on r.
func New(r repo.Tasks) UseCase { return &useCase{r} }

func (u *useCase) Add(ctx context.Context, title string) error {
	if title == "" {
		return errors.New("tasks: empty title")
	}
	return u.r.Add(ctx, title)
}

func (u *useCase) List(ctx context.Context) ([]string, error) { return u.r.List(ctx) }

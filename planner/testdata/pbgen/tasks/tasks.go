// Package tasks is the task use case: it keeps tasks in memory.
package tasks

import (
	"context"
	"errors"
	"sync"
)

var ErrNotFound = errors.New("tasks: not found")

type Task struct {
	ID          int64
	Title       string
	Description string
}

type Service struct {
	mu   sync.Mutex
	next int64
	m    map[int64]Task
}

func New() *Service { return &Service{m: map[int64]Task{}} }

func (s *Service) Create(ctx context.Context, title, desc string) (Task, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.next++
	t := Task{ID: s.next, Title: title, Description: desc}
	s.m[t.ID] = t
	return t, nil
}

func (s *Service) Get(ctx context.Context, id int64) (Task, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.m[id]
	if !ok {
		return Task{}, ErrNotFound
	}
	return t, nil
}

// Package server is the RPC controller: it reads generated request messages with
// their getters and calls the use case.
package server

import (
	"context"

	"example.com/pbgen/proto/taskpb"
	"example.com/pbgen/tasks"
)

type TaskServer struct{ Tasks *tasks.Service }

func (s *TaskServer) CreateTask(ctx context.Context, req *taskpb.CreateTaskRequest) (*taskpb.Task, error) {
	t, err := s.Tasks.Create(ctx, req.GetTitle(), req.GetDescription())
	if err != nil {
		return nil, err
	}
	return &taskpb.Task{Id: t.ID, Title: t.Title, Description: t.Description}, nil
}

func (s *TaskServer) GetTask(ctx context.Context, req *taskpb.GetTaskRequest) (*taskpb.Task, error) {
	t, err := s.Tasks.Get(ctx, req.GetId())
	if err != nil {
		return nil, err
	}
	return &taskpb.Task{Id: t.ID, Title: t.Title, Description: t.Description}, nil
}

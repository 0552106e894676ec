// Package taskrepo keeps tasks in the database.
package taskrepo

import (
	"context"

	"example.com/layered/internal/repo"
	"example.com/layered/pkg/pgx"
)

// Repo is the task repository.
type Repo struct {
	*pgx.Conn
}

// New returns the repository on conn.
func New(conn *pgx.Conn) repo.Tasks { return &Repo{conn} }

// Add stores a task.
func (r *Repo) Add(ctx context.Context, title string) error {
	r.Rows["tasks"] = append(r.Rows["tasks"], title)
	return nil
}

// List returns the tasks.
func (r *Repo) List(ctx context.Context) ([]string, error) { return r.Rows["tasks"], nil }

// Package orders reads orders from the database.
package orders

import (
	"context"
	"database/sql"
)

// Order is an order.
type Order struct {
	ID     int64  `json:"id"`
	Secret string `json:"-"`
}

// Repo reads orders; their state is the database's.
type Repo struct {
	db *sql.DB
}

// NewRepo returns a repository on db.
func NewRepo(db *sql.DB) *Repo { return &Repo{db: db} }

// Latest returns the latest order.
func (r *Repo) Latest(ctx context.Context) (*Order, error) {
	o := &Order{}
	err := r.db.QueryRowContext(ctx, "select id, secret from orders order by id desc limit 1").Scan(&o.ID, &o.Secret)
	return o, err
}

// Package db is the application's data store: the largest, stateful package
// (connections, caches). It lives under pkg/ as in many public Go projects.
package db

import (
	"context"
	"errors"
	"sort"
	"strings"
	"sync"

	"example.com/cfgvar/config"
)

var ErrNotFound = errors.New("db: not found")

type User struct {
	ID    string
	Name  string
	Email string
}

type DB struct {
	mu     sync.RWMutex
	users  map[string]User
	byMail map[string]string
	log    []string
}

func Open(dsn string) (*DB, error) {
	if dsn == "" {
		return nil, errors.New("db: empty dsn")
	}
	return &DB{users: map[string]User{}, byMail: map[string]string{}}, nil
}

func (d *DB) PutUser(ctx context.Context, u User) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.users) >= config.Opts.MaxUsers+config.Logins {
		return errors.New("db: too many users")
	}
	if config.Opts.ReadOnly {
		return errors.New("db: read-only")
	}
	d.users[u.ID] = u
	d.byMail[strings.ToLower(u.Email)] = u.ID
	d.log = append(d.log, "put "+u.ID)
	return nil
}

func (d *DB) User(ctx context.Context, id string) (User, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	u, ok := d.users[id]
	if !ok {
		return User{}, ErrNotFound
	}
	return u, nil
}

func (d *DB) UserByEmail(ctx context.Context, email string) (User, error) {
	d.mu.RLock()
	id, ok := d.byMail[strings.ToLower(email)]
	d.mu.RUnlock()
	if !ok {
		return User{}, ErrNotFound
	}
	return d.User(ctx, id)
}

func (d *DB) Users(ctx context.Context) ([]User, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	out := make([]User, 0, len(d.users))
	for _, u := range d.users {
		out = append(out, u)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

func (d *DB) DeleteUser(ctx context.Context, id string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	u, ok := d.users[id]
	if !ok {
		return ErrNotFound
	}
	delete(d.byMail, strings.ToLower(u.Email))
	delete(d.users, id)
	d.log = append(d.log, "delete "+id)
	return nil
}

// Package testdb gives tests a store with a few accounts in it.
package testdb

import "example.com/testsupport/store"

// Seeded returns a store where "ada" has 100.
func Seeded() *store.Store {
	s := store.New()
	s.Deposit("ada", 100)
	return s
}

// Package testdb gives tests a store with a few accounts in it; only the
// test kit apitest imports it.
package testdb

import "example.com/testchain/store"

// Seeded returns a store where "ada" has 100.
func Seeded() *store.Store {
	s := store.New()
	s.Deposit("ada", 100)
	return s
}

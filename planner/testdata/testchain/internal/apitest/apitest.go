// Package apitest starts the API on a seeded store for the tests of other
// packages; only tests import it.
package apitest

import (
	"net/http/httptest"

	"example.com/testchain/api"
	"example.com/testchain/internal/testdb"
)

// Server serves the API on a store where "ada" has 100.
func Server() *httptest.Server {
	a := &api.API{Store: testdb.Seeded()}
	return httptest.NewServer(a.Routes())
}

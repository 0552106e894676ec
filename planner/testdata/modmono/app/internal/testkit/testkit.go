// Package testkit builds the modules for tests; only _test files import it.
package testkit

import (
	"example.com/modmono/internal/modules/catalog"
	"example.com/modmono/internal/modules/orders"
	"example.com/modmono/internal/platform/logx"
)

// Orders returns an order service over a migrated catalog.
func Orders() *orders.Service {
	catalog.Migrate()
	log := logx.New("test")
	return orders.NewService(catalog.NewService(log), log)
}

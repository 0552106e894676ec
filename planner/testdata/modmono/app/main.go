// Command modmono is a modular monolith: main wires three modules under
// internal/modules onto a router from another module.
package main

import (
	"fmt"

	"example.com/modmono/internal/health"
	oldcatalog "example.com/modmono/internal/legacy/catalog"
	"example.com/modmono/internal/modules/billing"
	"example.com/modmono/internal/modules/catalog"
	"example.com/modmono/internal/modules/orders"
	"example.com/modmono/internal/platform/logx"
	"example.com/modmono/pkg/mw"
	"example.com/webkit"
)

func main() {
	log := logx.New("modmono")
	catalog.Migrate()
	cat := catalog.NewService(log)
	ord := orders.NewService(cat, log)
	led := billing.NewLedger(log)

	e := webkit.New()
	e.Use(mw.Logger(log))
	catalog.Register(e, cat)
	orders.Register(e, ord)
	billing.Register(e, led)
	oldcatalog.Register(e, log)
	health.Register(e, "v1.2")
	for _, r := range e.Routes() {
		fmt.Println(r)
	}
	fmt.Println(e.Serve("POST", "/orders").Body)
}

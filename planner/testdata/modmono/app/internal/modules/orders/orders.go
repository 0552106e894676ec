// Package orders takes orders; it prices them with the catalog.
package orders

import (
	"fmt"

	"example.com/modmono/internal/modules/catalog"
	"example.com/modmono/internal/platform/logx"
	"example.com/webkit"
)

// Service places orders.
type Service struct {
	cat catalog.Service
	log *logx.Logger
	n   int
}

// NewService returns an order service pricing with cat.
func NewService(cat catalog.Service, log *logx.Logger) *Service {
	return &Service{cat: cat, log: log}
}

// Place orders qty of sku and returns the total.
func (s *Service) Place(sku string, qty int) (int, error) {
	p, err := s.cat.Price(sku)
	if err != nil {
		return 0, err
	}
	prod := catalog.Product{SKU: sku, Price: p}
	if !prod.InStock() {
		return 0, fmt.Errorf("orders: %s out of stock", sku)
	}
	s.n++
	s.log.Printf("order %d", s.n)
	return prod.Total(qty), nil
}

type handler struct{ s *Service }

func (h handler) place(c *webkit.Context) {
	total, err := h.s.Place("tea", 2)
	if err != nil {
		c.Abort(400)
		return
	}
	c.Body = fmt.Sprint(total)
}

// Register routes the order requests.
func Register(e *webkit.Engine, s *Service) {
	e.POST("/orders", handler{s}.place)
}

// Package catalog knows the products and their prices.
package catalog

import (
	"fmt"

	"example.com/modmono/internal/platform/logx"
	"example.com/webkit"
)

// Service prices products.
type Service interface {
	Price(sku string) (int, error)
}

var prices = map[string]int{}

// Migrate creates the catalog's tables.
func Migrate() { prices["tea"] = 300 }

type service struct{ log *logx.Logger }

// NewService returns the catalog.
func NewService(log *logx.Logger) Service { return &service{log: log} }

func (s *service) Price(sku string) (int, error) {
	p, ok := prices[sku]
	if !ok {
		return 0, fmt.Errorf("catalog: no product %q", sku)
	}
	s.log.Printf("price %s", sku)
	return p, nil
}

// Handler answers the catalog's requests.
type Handler struct{ S Service }

// Tea prices tea.
func (h Handler) Tea(c *webkit.Context) {
	p, err := h.S.Price("tea")
	if err != nil {
		c.Abort(404)
		return
	}
	c.Body = fmt.Sprint(p)
}

// Register routes the catalog's requests.
func Register(e *webkit.Engine, s Service) {
	e.GET("/products/tea", Handler{s}.Tea)
}

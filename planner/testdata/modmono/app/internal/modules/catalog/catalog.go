// Package catalog knows the products and their prices.
package catalog

import (
	"fmt"

	"example.com/modmono/internal/platform/logx"
	"example.com/modmono/internal/platform/store"
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

// Product is a product and its price.
type Product struct {
	SKU   string
	Price int
}

// Total prices qty of the product: it computes on the value.
func (p Product) Total(qty int) int { return p.Price * qty }

// InStock queries the catalog's database: a value's method that does the
// catalog's work.
func (p Product) InStock() bool { return store.DB().Count(p.SKU) > 0 }

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

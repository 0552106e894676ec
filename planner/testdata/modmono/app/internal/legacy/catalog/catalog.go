// Package catalog is the old catalog, still served at /v1 while clients
// move; only main wires it.
package catalog

import (
	"example.com/modmono/internal/platform/logx"
	"example.com/webkit"
)

type lister struct{ log *logx.Logger }

func (l lister) list(c *webkit.Context) {
	l.log.Printf("v1 list")
	c.Body = "tea"
}

// Register routes the old catalog's requests.
func Register(e *webkit.Engine, log *logx.Logger) { e.GET("/v1/products", lister{log}.list) }

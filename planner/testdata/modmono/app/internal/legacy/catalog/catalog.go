// Package catalog is the old catalog, still served at /v1 while clients
// move; only main wires it.
package catalog

import "example.com/webkit"

func list(c *webkit.Context) { c.Body = "tea" }

// Register routes the old catalog's requests.
func Register(e *webkit.Engine) { e.GET("/v1/products", list) }

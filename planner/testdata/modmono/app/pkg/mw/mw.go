// Package mw holds the router middleware main installs.
package mw

import (
	"example.com/modmono/internal/platform/logx"
	"example.com/webkit"
)

// Logger logs every request.
func Logger(l *logx.Logger) webkit.HandlerFunc {
	return func(c *webkit.Context) { l.Printf("%s %s", c.Method, c.Path) }
}

// Package health answers the load balancer's health checks.
package health

import "example.com/webkit"

// Register routes /healthz, answering version.
func Register(e *webkit.Engine, version string) {
	e.GET("/healthz", func(c *webkit.Context) { c.Body = "OK " + version })
}

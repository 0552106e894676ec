// Package context is a stand-in for golang.org/x/net/context: the
// standard library's context under its old name.
package context

import "context"

type Context = context.Context

func Background() Context { return context.Background() }

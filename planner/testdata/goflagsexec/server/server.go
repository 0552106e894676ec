// Package server holds the program's commands.
package server

import (
	"flag"
	"fmt"
	"net/http"

	"example.com/goflagsexec/store"
	"example.com/goflagsexec/web"
)

// ServeCommand serves the accounts API.
type ServeCommand struct {
	Addr    string `long:"addr" default:"127.0.0.1:8080" description:"listen address"`
	verbose bool
}

// SetVerbose is called for every command before it runs.
func (c *ServeCommand) SetVerbose(v bool) { c.verbose = v }

// Execute builds the store and serves it until the server fails.
func (c *ServeCommand) Execute(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address")
	if err := fs.Parse(args); err != nil {
		return err
	}
	s := store.New()
	a := &web.API{Store: s}
	if c.verbose {
		fmt.Println("serving on", *addr)
	}
	return http.ListenAndServe(*addr, a.Routes())
}

// VersionCommand prints the version.
type VersionCommand struct{ verbose bool }

// SetVerbose is called for every command before it runs.
func (c *VersionCommand) SetVerbose(v bool) { c.verbose = v }

// Execute prints the version.
func (c *VersionCommand) Execute([]string) error {
	fmt.Println("v1")
	return nil
}

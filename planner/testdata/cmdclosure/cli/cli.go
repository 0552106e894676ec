// Package cli holds the program's sub-commands, cobra style: a table of
// commands, each with its own run function.
package cli

import (
	"flag"
	"fmt"
	"net/http"

	"example.com/cmdclosure/store"
	"example.com/cmdclosure/web"
)

// Command is one sub-command.
type Command struct {
	Name string
	Run  func(args []string) error
}

// Commands are the program's sub-commands.
var Commands = []Command{
	{Name: "serve", Run: newServe()},
	{Name: "version", Run: func([]string) error { fmt.Println("v1"); return nil }},
}

// Execute runs the sub-command args[0] names (serve when none).
func Execute(args []string) error {
	name := "serve"
	if len(args) > 0 && args[0][0] != '-' {
		name, args = args[0], args[1:]
	}
	for _, c := range Commands {
		if c.Name == name {
			return c.Run(args)
		}
	}
	return fmt.Errorf("unknown command %q", name)
}

// newServe returns the serve command's run function.
func newServe() func(args []string) error {
	return func(args []string) error {
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		addr := fs.String("addr", "127.0.0.1:8080", "listen address")
		if err := fs.Parse(args); err != nil {
			return err
		}
		s := store.New()
		return http.ListenAndServe(*addr, web.Routes(&web.API{S: s}))
	}
}

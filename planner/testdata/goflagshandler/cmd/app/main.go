// Command app is the accounts server and its tools, as go-flags commands
// run through a command handler that sets the options every command shares.
package main

import (
	"log"

	"github.com/jessevdk/go-flags"

	"example.com/goflagshandler/server"
)

// Opts are the program's commands and common options.
type Opts struct {
	Serve   server.ServeCommand   `command:"serve"`
	Version server.VersionCommand `command:"version"`

	Verbose bool `long:"verbose" env:"VERBOSE"`
}

// verboser is every command: it takes the common options.
type verboser interface {
	flags.Commander
	SetVerbose(bool)
}

func main() {
	var opts Opts
	p := flags.NewParser(&opts, flags.Default)
	p.CommandHandler = func(command flags.Commander, args []string) error {
		c := command.(verboser)
		c.SetVerbose(opts.Verbose)
		return c.Execute(args)
	}
	if _, err := p.Parse(); err != nil {
		log.Fatal(err)
	}
}

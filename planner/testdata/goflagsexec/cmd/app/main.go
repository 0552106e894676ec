// Command app is the accounts server and its tools, as go-flags commands
// the parser runs itself.
package main

import (
	"log"

	"github.com/jessevdk/go-flags"

	"example.com/goflagsexec/server"
)

func main() {
	var opts struct {
		Verbose bool `long:"verbose"`
	}
	p := flags.NewParser(&opts, flags.Default)
	if _, err := p.AddCommand("serve", "serve the API", "", &server.ServeCommand{}); err != nil {
		log.Fatal(err)
	}
	if _, err := p.AddCommand("version", "print the version", "", &server.VersionCommand{}); err != nil {
		log.Fatal(err)
	}
	if _, err := p.Parse(); err != nil {
		log.Fatal(err)
	}
}

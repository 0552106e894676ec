// Command app is the accounts server, a cobra command kept in a package
// variable.
package main

import (
	"log"
	"net/http"

	"github.com/spf13/cobra"

	"example.com/cobravar/store"
	"example.com/cobravar/web"
)

var rootCmd = &cobra.Command{
	Use: "serve",
	RunE: func(_ *cobra.Command, _ []string) error {
		return runServer()
	},
}

func runServer() error {
	s := store.New()
	if _, err := s.Deposit("house", 0); err != nil {
		return err
	}
	a := &web.API{Store: s}
	return http.ListenAndServe("127.0.0.1:8080", a.Routes())
}

func main() {
	if err := rootCmd.Execute(); err != nil {
		log.Fatal(err)
	}
}

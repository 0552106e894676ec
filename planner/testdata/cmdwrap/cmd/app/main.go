// Command app is the accounts server and its set-up, cobra commands whose
// bodies a helper wraps.
package main

import (
	"log"
	"net/http"

	"github.com/spf13/cobra"

	"example.com/cmdwrap/store"
	"example.com/cmdwrap/web"
)

// withStore turns a body taking the store into a command's RunE: each
// command passes its own literal, which the RunE calls.
func withStore(fn func(cmd *cobra.Command, args []string, s *store.Store) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		return fn(cmd, args, store.New())
	}
}

var serveCmd = &cobra.Command{
	Use: "serve",
	RunE: withStore(func(_ *cobra.Command, _ []string, s *store.Store) error {
		if err := s.Seed(); err != nil {
			return err
		}
		a := &web.API{Store: s}
		return http.ListenAndServe("127.0.0.1:8080", a.Routes())
	}),
}

var setupCmd = &cobra.Command{
	Use: "setup",
	RunE: withStore(func(_ *cobra.Command, _ []string, s *store.Store) error {
		return s.Seed()
	}),
}

func main() {
	root := &cobra.Command{Use: "app"}
	root.AddCommand(serveCmd, setupCmd)
	if err := root.Execute(); err != nil {
		log.Fatal(err)
	}
}

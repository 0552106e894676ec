// Command app is the accounts server and its tools, as cobra commands.
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"

	"github.com/spf13/cobra"

	"example.com/cobracmd/store"
	"example.com/cobracmd/web"
)

func newServeCmd() *cobra.Command {
	return &cobra.Command{
		Use: "serve",
		RunE: func(cmd *cobra.Command, args []string) error {
			fs := flag.NewFlagSet("serve", flag.ContinueOnError)
			addr := fs.String("addr", "127.0.0.1:8080", "listen address")
			if err := fs.Parse(args); err != nil {
				return err
			}
			s := store.New()
			a := &web.API{Store: s}
			return http.ListenAndServe(*addr, a.Routes())
		},
	}
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{Use: "version", RunE: func(*cobra.Command, []string) error {
		fmt.Println("v1")
		return nil
	}}
}

func main() {
	root := &cobra.Command{Use: "app"}
	root.AddCommand(newServeCmd(), newVersionCmd())
	if err := root.Execute(); err != nil {
		log.Fatal(err)
	}
}

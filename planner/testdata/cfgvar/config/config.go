// Package config holds the options parsed once from flags at start-up (pgweb's command.Opts shape).
package config

import "flag"

type Options struct {
	Addr     string
	DSN      string
	MaxUsers int
	ReadOnly bool
}

// Opts is set once by Parse in main, before anything serves, and only read afterwards.
var Opts Options

func Parse(args []string) error {
	fs := flag.NewFlagSet("app", flag.ContinueOnError)
	fs.StringVar(&Opts.Addr, "addr", "127.0.0.1:8080", "listen address")
	fs.StringVar(&Opts.DSN, "db", "mem", "database")
	fs.IntVar(&Opts.MaxUsers, "max-users", 100, "user limit")
	fs.BoolVar(&Opts.ReadOnly, "read-only", false, "refuse writes")
	return fs.Parse(args)
}

// Logins counts logins; the sessions write it at request time.
var Logins int

package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"example.com/clinic/internal/audit"
	"example.com/clinic/internal/clock"
	"example.com/clinic/internal/config"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "clinic: %v\n", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

// env is what every command gets: where to print, who is acting.
type env struct {
	out  io.Writer
	user string
}

type command struct {
	name, summary string
	run           func(e *env, args []string) error
}

var commands = []command{
	{"import", "check and add the patients of a CSV file", runImport},
	{"rota", "the staff rota of a week", runRota},
	{"schedule", "book a CSV file of appointment requests", runSchedule},
	{"dispense", "dispense a CSV file of new prescriptions", runDispense},
	{"bill", "draft or issue the month's invoices", runBill},
	{"remind", "send the day's reminders", runRemind},
	{"report", "the monthly management report", runReport},
}

// run is the whole command line: global flags, loading the data directory,
// then one command.
func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("clinic", flag.ContinueOnError)
	fs.SetOutput(stdout)
	dataDir := fs.String("data", "testdata", "the clinic's data `directory`")
	now := fs.String("now", "", "run as of this `time` (RFC 3339 or YYYY-MM-DD)")
	auditFile := fs.String("audit", "", "append the audit trail to `file`")
	user := fs.String("user", "frontdesk", "the `name` the audit trail records")
	workers := fs.Int("workers", 0, "goroutines for batch jobs (default from clinic.json)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: clinic [flags] command [args]\n\ncommands:\n")
		for _, c := range commands {
			fmt.Fprintf(fs.Output(), "  %-10s %s\n", c.name, c.summary)
		}
		fmt.Fprintf(fs.Output(), "\nflags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return fmt.Errorf("%w: no command", errUsage)
	}
	var cmd *command
	for i := range commands {
		if commands[i].name == fs.Arg(0) {
			cmd = &commands[i]
		}
	}
	if cmd == nil {
		return fmt.Errorf("%w: unknown command %q", errUsage, fs.Arg(0))
	}

	if *now != "" {
		t, err := parseNow(*now)
		if err != nil {
			return fmt.Errorf("%w: -now: %w", errUsage, err)
		}
		clock.Now = func() time.Time { return t }
	}
	if *auditFile != "" {
		f, err := os.OpenFile(*auditFile, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			return err
		}
		audit.Out = f
		defer func() {
			audit.Out = io.Discard
			f.Close()
		}()
	}
	if err := load(*dataDir, *user); err != nil {
		return err
	}
	if *workers > 0 {
		config.Current.Workers = *workers
	}
	return cmd.run(&env{out: stdout, user: *user}, fs.Args()[1:])
}

func parseNow(s string) (time.Time, error) {
	if !strings.Contains(s, "T") {
		return clock.ParseDate(s)
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return t, fmt.Errorf("time %q: want RFC 3339 or YYYY-MM-DD", s)
	}
	return t.UTC(), nil
}

// subFlags makes the flag set of a command; its errors print to e.out.
func subFlags(e *env, name, args string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.out)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: clinic %s %s\n", name, args)
		fs.PrintDefaults()
	}
	return fs
}

func parse(fs *flag.FlagSet, args []string, nargs int) error {
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	if fs.NArg() != nargs {
		fs.Usage()
		return fmt.Errorf("%w: %s takes %d argument(s)", errUsage, fs.Name(), nargs)
	}
	return nil
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/cleave-go/cleave/internal/launch"
	"github.com/cleave-go/cleave/runtime/bus"
)

func init() { commands = append(commands, newRunCmd) }

// runOptions are the inputs of `cleave run`.
type runOptions struct {
	dir          string   // the split module's root
	services     []string // to start; empty: all
	args         []string // after --: passed to the edge service (or the monolith)
	argsAll      bool     // pass args to every service
	nats         []string // existing NATS servers; empty: an embedded one
	restart      bool
	firstAlone   bool // start the edge alone first, then the others
	monolith     bool
	main         string // the monolith's main package, for --monolith
	readyTimeout time.Duration
	grace        time.Duration
	color        bool

	ready func() // called once every service is ready (tests)
}

func newRunCmd() *cobra.Command {
	var o runOptions
	var nats, colorMode string
	cmd := &cobra.Command{
		Use:   "run [DIR] [SERVICE...] [-- EDGE-ARGS...]",
		Short: "Start the split services, each its own process, on NATS",
		Long: `run reads DIR/cleavesvc/services.json (written by cleave apply; DIR defaults to .),
builds each service's main into DIR/.cleave/bin, starts an embedded NATS server with
JetStream on 127.0.0.1 (or uses --nats), and starts every service (or the ones named)
as its own process. Arguments after -- go to every service: each runs the monolith's
own main and reads its flags, and only the edge service listens. E.g.

	cleave run ./shop -- -addr 127.0.0.1:8080

Every service runs the monolith's start-up, so the edge starts alone first and the
others once it is ready: start-up work that is safe once (a schema migration,
seeding) runs once before the others repeat it (--first-alone=false starts all at
once). Interrupt (Ctrl-C) or SIGTERM stops the edge service first, then the others, each
with SIGTERM and a grace period to drain, then the broker. A service that exits on
its own stops the run with its exit status and last output lines (or is restarted
with --restart). --monolith runs the original program as one process instead, on
the in-process transport, for comparison.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			o.dir, o.services, o.args, err = splitRunArgs(args, cmd.ArgsLenAtDash())
			if err != nil {
				return err
			}
			if nats != "" {
				for _, u := range strings.Split(nats, ",") {
					if u = strings.TrimSpace(u); u != "" {
						o.nats = append(o.nats, u)
					}
				}
			}
			switch colorMode {
			case "auto":
				f, ok := cmd.OutOrStdout().(*os.File)
				o.color = ok && term.IsTerminal(int(f.Fd())) && os.Getenv("NO_COLOR") == ""
			case "always":
				o.color = true
			case "never":
			default:
				return fmt.Errorf("run: --color %q: want auto, always or never", colorMode)
			}
			if o.monolith && len(o.services) > 0 {
				return errors.New("run: --monolith runs the whole program; name no services")
			}
			if o.readyTimeout <= 0 || o.grace <= 0 {
				return errors.New("run: --ready-timeout and --grace must be positive")
			}
			return runSplit(cmd.Context(), o, cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.StringVar(&nats, "nats", "", "use these NATS server `URLs` (comma-separated) instead of an embedded server")
	f.BoolVar(&o.restart, "restart", false, "restart a service that exits instead of stopping")
	f.BoolVar(&o.firstAlone, "first-alone", true, "start the edge service alone and the others once it is ready, so that start-up work every service repeats (schema migrations, seeding) runs once first, as in the monolith (--first-alone=false: all at once)")
	f.BoolVar(&o.argsAll, "args-all", true, "pass the arguments after -- to every service, as each runs the monolith's main and reads its flags (--args-all=false: the edge only)")
	f.BoolVar(&o.monolith, "monolith", false, "run the original program as one process on the local transport")
	f.StringVar(&o.main, "main", "", "the monolith's main `package` for --monolith (default: from services.json, or the only ./cmd/*)")
	f.DurationVar(&o.readyTimeout, "ready-timeout", 60*time.Second, "how long each service may take to print its ready line")
	f.DurationVar(&o.grace, "grace", 10*time.Second, "how long a service may drain after SIGTERM before it is killed")
	f.StringVar(&colorMode, "color", "auto", "colour the log prefixes: auto, always or never")
	return cmd
}

// splitRunArgs takes apart `run`'s positional arguments: an optional
// directory first, then service names, then (after --, at position dash or
// -1 if none) the edge service's arguments. The first argument is the
// directory if it holds a manifest or looks like a path.
func splitRunArgs(args []string, dash int) (dir string, services, rest []string, err error) {
	if dash >= 0 {
		args, rest = args[:dash], args[dash:]
	}
	dir = "."
	if len(args) > 0 {
		a := args[0]
		_, statErr := os.Stat(filepath.Join(a, filepath.FromSlash(launch.ManifestPath)))
		if statErr == nil || a == "." || a == ".." || strings.ContainsAny(a, `/\`) {
			dir, args = a, args[1:]
		}
	}
	for _, s := range args {
		if !isIdent(s) {
			return "", nil, nil, fmt.Errorf("run: %q is neither a directory with %s nor a service name", s, launch.ManifestPath)
		}
	}
	return dir, args, rest, nil
}

func isIdent(s string) bool {
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && (r >= '0' && r <= '9' || r == '-')) {
			return false
		}
	}
	return s != ""
}

// runSplit is `cleave run`: it returns when ctx is done (after stopping
// everything) or when a service exits on its own.
func runSplit(ctx context.Context, o runOptions, out io.Writer) error {
	// With its output gone (`cleave run | head`), run must still stop the
	// services in order rather than die of SIGPIPE and orphan them.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	m, err := launch.ReadManifest(o.dir)
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}
	for _, name := range o.services {
		if _, ok := m.Service(name); !ok {
			var known []string
			for _, s := range m.Services {
				known = append(known, s.Name)
			}
			return fmt.Errorf("run: no service %s in %s (have %s)", name, launch.ManifestPath, strings.Join(known, ", "))
		}
	}
	binDir := filepath.Join(o.dir, ".cleave", "bin")
	say := func(format string, a ...any) { fmt.Fprintf(out, "cleave: "+format+"\n", a...) }

	if o.monolith {
		return runMonolith(ctx, o, m, binDir, out, say)
	}

	var chosen []launch.ManifestService
	for _, s := range m.Services {
		if len(o.services) == 0 || slices.Contains(o.services, s.Name) {
			chosen = append(chosen, s)
		}
	}
	// The edge first: with --first-alone it runs the monolith's start-up
	// alone before the others repeat it.
	slices.SortStableFunc(chosen, func(a, b launch.ManifestService) int {
		switch {
		case a.Edge == b.Edge:
			return 0
		case a.Edge:
			return -1
		}
		return 1
	})
	mains := map[string]string{}
	for _, s := range chosen {
		mains[s.Name] = s.Main
	}
	say("building %d services", len(chosen))
	bins, err := launch.Build(ctx, o.dir, binDir, mains)
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}

	urls := o.nats
	if len(urls) == 0 {
		store := filepath.Join(o.dir, ".cleave", "nats")
		// The runtime's own embedded server: the stream it creates is the
		// one the services will use.
		b, err := bus.Open(ctx, bus.Config{Transport: bus.NATS, App: m.App, Service: "cleave-run", StoreDir: store})
		if err != nil {
			return fmt.Errorf("run: start nats: %w", err)
		}
		defer func() {
			if err := b.Close(); err != nil {
				say("nats: %v", err)
			}
			say("nats stopped")
		}()
		urls = []string{b.ClientURL()}
		say("nats %s (embedded, JetStream store %s)", urls[0], store)
	} else {
		say("nats %s", strings.Join(urls, ","))
	}

	var svcs []launch.Service
	for _, s := range chosen {
		ls := launch.Service{
			Name: s.Name,
			Path: bins[s.Name],
			Edge: s.Edge,
			Env: []string{
				"CLEAVE_TRANSPORT=nats",
				"CLEAVE_NATS_URL=" + strings.Join(urls, ","),
				"CLEAVE_APP=" + m.App,
				"CLEAVE_SERVICE=" + s.Name,
			},
		}
		if s.Edge || o.argsAll {
			ls.Args = o.args
		}
		svcs = append(svcs, ls)
	}
	return supervise(ctx, o, svcs, out, say, func(s launch.State) string {
		ms, _ := m.Service(s.Name)
		return describe(ms, o.args)
	})
}

// runMonolith runs the original program of the split module as one process
// on the in-process transport.
func runMonolith(ctx context.Context, o runOptions, m *launch.Manifest, binDir string, out io.Writer, say func(string, ...any)) error {
	main := o.main
	if main == "" {
		main = m.Monolith
	}
	if main == "" {
		found, err := filepath.Glob(filepath.Join(o.dir, "cmd", "*", "main.go"))
		if err != nil || len(found) != 1 {
			return fmt.Errorf("run: --monolith: %s names no monolith main and there is not exactly one cmd/*/main.go; pass --main ./cmd/NAME", launch.ManifestPath)
		}
		rel, err := filepath.Rel(o.dir, found[0])
		if err != nil {
			return fmt.Errorf("run: --monolith: %w", err)
		}
		main = "./" + filepath.ToSlash(filepath.Dir(rel))
	}
	name := path.Base(strings.TrimSuffix(main, "/"))
	if name == "." || name == "/" || name == "" {
		name = m.App
	}
	say("building monolith %s", main)
	bins, err := launch.Build(ctx, o.dir, binDir, map[string]string{name: main})
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}
	svc := launch.Service{
		Name: name,
		Path: bins[name],
		Args: o.args,
		Edge: true,
		Env: []string{
			"CLEAVE_TRANSPORT=local",
			"CLEAVE_APP=" + m.App,
			"CLEAVE_SERVICE=" + name,
		},
		ReadyLine: "-", // the original program says nothing of cleave
	}
	return supervise(ctx, o, []launch.Service{svc}, out, say, func(launch.State) string {
		return "monolith, local transport" + argsNote(o.args)
	})
}

// supervise starts svcs, prints a line per service, and waits until ctx is
// done or one of them exits.
func supervise(ctx context.Context, o runOptions, svcs []launch.Service, out io.Writer, say func(string, ...any), what func(launch.State) string) error {
	var mu sync.Mutex
	restarts := map[string]int{}
	events := func(e launch.Event) {
		mu.Lock()
		defer mu.Unlock()
		switch e.Kind {
		case launch.Restarting:
			restarts[e.Service]++
		case launch.Ready:
			if n := restarts[e.Service]; n > 0 {
				say("%s ready again (pid %d, restart %d)", e.Service, e.Pid, n)
			}
		}
	}
	g, err := launch.Start(ctx, svcs, launch.Options{
		ReadyTimeout: o.readyTimeout,
		Grace:        o.grace,
		Restart:      o.restart,
		FirstAlone:   o.firstAlone,
		Logs:         out,
		Color:        o.color,
		Events:       events,
	})
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}
	width := 0
	for _, s := range svcs {
		width = max(width, len(s.Name))
	}
	for _, s := range g.States() {
		say("%-*s pid %-7d %s", width, s.Name, s.Pid, what(s))
	}
	say("all %d ready; Ctrl-C stops", len(svcs))
	if o.ready != nil {
		o.ready()
	}

	// A second interrupt while draining kills everything at once.
	stopped := make(chan struct{})
	defer close(stopped)
	go func() {
		select {
		case <-ctx.Done():
		case <-stopped:
			return
		}
		again := make(chan os.Signal, 1)
		signal.Notify(again, os.Interrupt, syscall.SIGTERM)
		defer signal.Stop(again)
		select {
		case <-again:
			say("interrupted again; killing")
			g.Kill()
		case <-stopped:
		}
	}()

	err = g.Wait(ctx)
	var ee *launch.ExitError
	if errors.As(err, &ee) {
		return &exitError{code: 1, err: fmt.Errorf("run: %w", err)}
	}
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}
	say("stopped")
	return nil
}

// describe says what a service serves.
func describe(s launch.ManifestService, args []string) string {
	var parts []string
	if s.Edge {
		parts = append(parts, "edge"+argsNote(args))
	}
	switch n := len(s.Serves); {
	case n == 0:
	case n <= 3:
		parts = append(parts, "serves "+strings.Join(s.Serves, ", "))
	default:
		parts = append(parts, fmt.Sprintf("serves %s, ... (%d subjects)", strings.Join(s.Serves[:3], ", "), n))
	}
	if n := len(s.Routes); n > 0 {
		r := strings.TrimSpace(s.Routes[0].Method + " " + s.Routes[0].Route)
		if n > 1 {
			r += fmt.Sprintf(", ... (%d routes)", n)
		}
		parts = append(parts, "HTTP "+r)
	}
	if n := len(s.GRPC); n > 0 {
		m := s.GRPC[0]
		if n > 1 {
			m += fmt.Sprintf(", ... (%d methods)", n)
		}
		parts = append(parts, "gRPC "+m)
	}
	if len(parts) == 0 {
		return "no subjects"
	}
	return strings.Join(parts, "; ")
}

func argsNote(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return " (args: " + strings.Join(args, " ") + ")"
}

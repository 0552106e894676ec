package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/cleave-go/cleave/analyzer"
	"github.com/cleave-go/cleave/internal/review"
	"github.com/cleave-go/cleave/planner"
)

func init() { commands = append(commands, newReviewCmd) }

// reviewOptions are the flags of cleave review.
type reviewOptions struct {
	plan  string
	dir   string
	algo  string
	json  bool
	html  string
	serve bool
	addr  string
	color bool
}

func newReviewCmd() *cobra.Command {
	var o reviewOptions
	cmd := &cobra.Command{
		Use:   "review [plan.yaml]",
		Short: "Look at a split: services, topics, scores and blockers; edit it in the browser",
		Long: `Review prints a plan: its services with their packages and lines of code,
the topics that cross them (subject, kind, producers → consumer, call sites),
the scores beside the baselines, and the blockers with file:line.

--html writes the same as one self-contained HTML page (no network needed),
fit to attach to a pull request. --serve opens a local editor: move packages
between services, create, rename, merge and delete services, flip a topic
between event and request; the planner re-derives topics, blockers and
scores after every change, and Save writes plan.yaml (keeping plan.yaml.bak).
The editor listens on 127.0.0.1 and only accepts changes that carry the
token in the address it prints. The plan (plan.yaml when none is named) is
found relative to -C.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.plan = planFile(o.dir, args)
			if o.serve && (o.json || o.html != "") {
				return errors.New("review: --serve cannot be used with --json or --html")
			}
			if o.json && o.html != "" {
				return errors.New("review: --json and --html cannot be used together")
			}
			if !validAlgo(o.algo) {
				return fmt.Errorf("review: unknown --algo %q", o.algo)
			}
			if f, ok := cmd.OutOrStdout().(*os.File); ok {
				o.color = term.IsTerminal(int(f.Fd())) && os.Getenv("NO_COLOR") == ""
			}
			return runReview(cmd.Context(), o, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.dir, "dir", "C", "", "the module's `directory` (default: the nearest go.mod above plan.yaml, else above the current directory)")
	f.StringVar(&o.algo, "algo", "vta", "call graph `algorithm`: vta, cha, rta or static")
	f.BoolVar(&o.json, "json", false, "print the review as JSON")
	f.StringVar(&o.html, "html", "", "write the review as a self-contained HTML `file`")
	f.BoolVar(&o.serve, "serve", false, "serve an editor of the plan on --addr")
	f.StringVar(&o.addr, "addr", "127.0.0.1:0", "`address` the editor listens on (port 0: any free port)")
	return cmd
}

// runReview reads the plan and the module's graph and shows the plan in
// the form o asks for.
func runReview(ctx context.Context, o reviewOptions, stdout, stderr io.Writer) error {
	p, err := planner.ReadFile(o.plan)
	if err != nil {
		return fmt.Errorf("review: %w", err)
	}
	dir := o.dir
	if dir == "" {
		if dir, err = review.ModuleDir(o.plan); err != nil {
			// A plan kept outside the module: the module of the current
			// directory, as check and apply take it.
			var cwdErr error
			if dir, cwdErr = moduleRoot("."); cwdErr != nil {
				return fmt.Errorf("review: %w", err)
			}
		}
	}
	g, err := review.LoadGraph(ctx, dir, p, analyzer.Options{Algorithm: o.algo})
	if err != nil {
		if o.serve {
			return fmt.Errorf("review: %w", err)
		}
		// The plan can still be shown, without lines of code.
		fmt.Fprintf(stderr, "cleave: review: lines of code unknown: %v\n", err)
		g = nil
	}
	switch {
	case o.serve:
		return serveReview(ctx, o, p, g, stdout, stderr)
	case o.json:
		return review.WriteJSON(stdout, review.Build(p, g))
	case o.html != "":
		var buf bytes.Buffer
		if err := review.WriteHTML(&buf, review.Build(p, g)); err != nil {
			return fmt.Errorf("review: %w", err)
		}
		if err := os.WriteFile(o.html, buf.Bytes(), 0o644); err != nil {
			return fmt.Errorf("review: %w", err)
		}
		fmt.Fprintf(stdout, "wrote %s\n", o.html)
		return nil
	default:
		return review.WriteText(stdout, review.Build(p, g), review.TextOptions{Color: o.color})
	}
}

// serveReview runs the editor until ctx is done.
func serveReview(ctx context.Context, o reviewOptions, p *planner.Plan, g *analyzer.Graph, stdout, stderr io.Writer) error {
	srv, err := review.NewServer(review.PlannerConfig(o.plan, p, g))
	if err != nil {
		return fmt.Errorf("review: %w", err)
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("review: %w", err)
	}
	if host, _, err := net.SplitHostPort(o.addr); err == nil && !isLoopback(host) {
		fmt.Fprintf(stderr, "cleave: review: warning: listening on %s, not loopback: anyone who can reach it and learns the token can edit %s\n", ln.Addr(), o.plan)
	}
	fmt.Fprintf(stdout, "Reviewing %s at %s\nPress Ctrl-C to stop.\n", o.plan, srv.URL(ln.Addr().String()))
	return srv.Serve(ctx, ln)
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

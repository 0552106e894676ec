package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/cleave-go/cleave/analyzer"
	"github.com/cleave-go/cleave/planner"
	"github.com/cleave-go/cleave/rewriter"
)

func init() { commands = append(commands, newApplyCmd) }

// applyOptions are the flags of cleave apply.
type applyOptions struct {
	plan   string
	dir    string
	dryRun bool
	out    string
	only   string
	force  bool
	strict bool
	json   bool
}

func newApplyCmd() *cobra.Command {
	var o applyOptions
	cmd := &cobra.Command{
		Use:   "apply [plan.yaml]",
		Short: "Rewrite cross-service calls into requests and events, generate handlers and a main per service",
		Long: `Apply rewrites the module as the plan says: every call a topic lists becomes
a request (or a published event) through a generated stub in
cleavesvc/<service>svc, and every service gets a main in cleavesvc/cmd/<service>,
described by cleavesvc/services.json and cleavesvc/asyncapi.yaml.

Calls that cannot be rewritten safely are left alone and listed with the
reason. The result is type-checked before anything is written; on any error
nothing changes. A dirty git tree is refused unless --force; --strict refuses
a split that would leave a crossing alone or carry a plan blocker. --dry-run prints
the diff; --out DIR writes a rewritten copy and leaves the module alone.
The plan (plan.yaml when none is named) is found relative to -C.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.plan = planFile(o.dir, args)
			if o.dryRun && o.out != "" {
				return errors.New("apply: --dry-run and --out cannot be used together")
			}
			return runApply(cmd.Context(), o, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.dir, "dir", "C", ".", "the module to rewrite (`directory` or one inside it)")
	f.BoolVar(&o.dryRun, "dry-run", false, "print the diff, write nothing")
	f.StringVar(&o.out, "out", "", "write a rewritten copy of the module to `directory`")
	f.StringVar(&o.only, "only", "", "rewrite only the topics of `service`")
	f.BoolVar(&o.force, "force", false, "apply even if the git tree is dirty")
	f.BoolVar(&o.strict, "strict", false, "write nothing if a crossing would be left alone or a plan blocker would stay in the split")
	f.BoolVar(&o.json, "json", false, "print the result as JSON")
	return cmd
}

// runApply reads the plan, rewrites the module and prints what it did.
func runApply(ctx context.Context, o applyOptions, stdout, stderr io.Writer) error {
	p, err := planner.ReadFile(o.plan)
	if err != nil {
		return fmt.Errorf("apply: %w", err)
	}
	root, err := moduleRoot(o.dir)
	if err != nil {
		return fmt.Errorf("apply: %w", err)
	}
	res, err := rewriter.Apply(ctx, root, p, rewriter.Options{DryRun: o.dryRun, Out: o.out, Only: o.only, Force: o.force, Strict: o.strict, Graph: moduleGraph(ctx, root, p, stderr)})
	if err != nil {
		return err
	}
	if o.json {
		data, err := json.MarshalIndent(res, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(stdout, "%s\n", data)
		return err
	}
	if o.dryRun {
		fmt.Fprint(stdout, res.Diff)
		printApply(stderr, res, o)
		return nil
	}
	printApply(stdout, res, o)
	return nil
}

// moduleRoot returns the directory of the go.mod that holds dir.
func moduleRoot(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("%s: not inside a Go module", dir)
		}
	}
}

func printApply(w io.Writer, res *rewriter.Result, o applyOptions) {
	rewritten, left, already := 0, 0, 0
	for _, t := range res.Topics {
		rewritten += t.Rewritten
		left += t.LeftAlone
		already += t.Already
	}
	switch {
	case o.dryRun:
		fmt.Fprintf(w, "dry run: nothing written\n")
	case !res.Changed:
		fmt.Fprintf(w, "%s already matches the plan: nothing to do\n", res.Module)
	default:
		fmt.Fprintf(w, "rewrote %s in %s\n", res.Module, res.Dir)
	}
	fmt.Fprintf(w, "crossings: %d rewritten, %d left alone", rewritten, left)
	if already > 0 {
		fmt.Fprintf(w, ", %d rewritten before", already)
	}
	fmt.Fprintf(w, "; %d files edited, %d generated\n\n", len(res.Files), len(res.Generated))
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	fmt.Fprintf(tw, "TOPIC\tKIND\tREWRITTEN\tLEFT ALONE\tSTUB\n")
	for _, t := range res.Topics {
		stub := t.Stub
		if stub == "" {
			stub = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\n", t.Subject, t.Kind, t.Rewritten+t.Already, t.LeftAlone, stub)
	}
	tw.Flush()
	if len(res.LeftAlone) > 0 {
		fmt.Fprintf(w, "\nleft alone:\n")
		for _, s := range res.LeftAlone {
			fmt.Fprintf(w, "  %s: %s: %s\n", s.Site, s.Subject, s.Reason)
		}
	}
	if len(res.Extra) > 0 {
		fmt.Fprintf(w, "\nrewritten beyond the plan (static calls the call graph missed):\n")
		for _, s := range res.Extra {
			fmt.Fprintf(w, "  %s: %s\n", s.Site, s.Subject)
		}
	}
	if len(res.TestFiles) > 0 {
		fmt.Fprintf(w, "\ntest files touched: %s\n", strings.Join(res.TestFiles, ", "))
	}
	if len(res.Bound) > 0 {
		fmt.Fprintf(w, "\nwiring bound to its service:\n")
		for _, b := range res.Bound {
			fmt.Fprintf(w, "  %s: %s\n", b.Site, b.Reason)
		}
	}
	if len(res.Services) > 0 {
		fmt.Fprintf(w, "\nservices:\n")
		for _, s := range res.Services {
			edge := ""
			if s.Edge {
				edge = " (edge)"
			}
			fmt.Fprintf(w, "  %s%s: %s, serves %d topics, still links %d packages of other services", s.Name, edge, s.Main, len(s.Serves), len(s.Links))
			if len(s.Links) > 0 {
				fmt.Fprintf(w, ": %s", strings.Join(s.Links, ", "))
			}
			fmt.Fprintln(w)
		}
	}
	for _, n := range res.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
}

// moduleGraph analyzes the module (rewriter.Options.Graph) for its HTTP
// routes, which the edge forwards to the services that serve them, and
// for the goroutines start-up starts that send messages (a consumer
// calling its handler through a func value: the call graph of the plan,
// not the static one); nil, after a warning, when the analysis fails, and
// for a plan of one service.
func moduleGraph(ctx context.Context, root string, p *planner.Plan, stderr io.Writer) *analyzer.Graph {
	if len(p.Services) < 2 {
		return nil
	}
	g, err := analyzer.Load(ctx, root, []string{"./..."}, analyzer.Options{})
	if err != nil {
		fmt.Fprintf(stderr, "cleave: apply: no HTTP route forwarding: %v\n", err)
		return nil
	}
	return g
}

package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/cleave-go/cleave/planner"
)

func init() { commands = append(commands, newCheckCmd) }

// checkOptions are the flags of cleave check.
type checkOptions struct {
	dir  string
	algo string
	file string
}

func newCheckCmd() *cobra.Command {
	var o checkOptions
	cmd := &cobra.Command{
		Use:   "check [plan.yaml]",
		Short: "Check a plan against the code",
		Long: `Check reads a plan (plan.yaml) and checks it against the module as the code
is now: valid YAML and version, service names that are lower-case Go
identifiers, every package in exactly one service or shared and still in the
module, one topic for every call that crosses services and none for calls
that do not, constraints naming packages that exist. The plan (plan.yaml when
none is named) is found relative to -C.
Each problem prints as PLAN:LINE: msg; the exit status is 1 when there is any.
A plan without problems prints one line: PLAN: ok (N services, M topics, K blockers).`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.file = planFile(o.dir, args)
			if !validAlgo(o.algo) {
				return fmt.Errorf("check: unknown --algo %q", o.algo)
			}
			return runCheck(cmd.Context(), o, cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.dir, "dir", "C", ".", "run in `directory` (the module or a directory inside it)")
	f.StringVar(&o.algo, "algo", "vta", "call graph `algorithm` the plan was made with")
	return cmd
}

func runCheck(ctx context.Context, o checkOptions, stdout io.Writer) error {
	src, err := os.ReadFile(o.file)
	if err != nil {
		return fmt.Errorf("check: %w", err)
	}
	var probs []planner.Problem
	p, err := planner.Parse(src)
	if err != nil {
		probs = planner.Check(nil, nil, src)
	} else {
		patterns := p.Patterns
		if len(patterns) == 0 {
			patterns = []string{"./..."}
		}
		g, err := loadGraph(ctx, o.dir, o.algo, patterns)
		if err != nil {
			return fmt.Errorf("check: %w", err)
		}
		probs = planner.Check(g, p, src)
	}
	for _, pr := range probs {
		fmt.Fprintf(stdout, "%s:%d: %s\n", o.file, pr.Line, pr.Msg)
	}
	if len(probs) > 0 {
		return &exitError{1, fmt.Errorf("check: %s: %d %s", o.file, len(probs), plural(len(probs), "problem"))}
	}
	fmt.Fprintf(stdout, "%s: ok (%d %s, %d %s, %d %s)\n", o.file,
		len(p.Services), plural(len(p.Services), "service"), len(p.Topics), plural(len(p.Topics), "topic"),
		len(p.Blockers), plural(len(p.Blockers), "blocker"))
	return nil
}

func plural(n int, what string) string {
	if n == 1 {
		return what
	}
	return what + "s"
}

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/cleave-go/cleave/analyzer"
)

func init() { commands = append(commands, newAnalyzeCmd) }

// analyzeOptions are the flags of cleave analyze.
type analyzeOptions struct {
	dir      string
	algo     string
	tests    bool
	tags     string
	json     bool
	dot      bool
	patterns []string
}

func newAnalyzeCmd() *cobra.Command {
	var o analyzeOptions
	cmd := &cobra.Command{
		Use:   "analyze [packages]",
		Short: "Show what calls what: packages, dependencies, entry points, hazards",
		Long: `Analyze loads the packages (default ./...) of the module, builds their call
graph and prints a summary: packages with their size and fan-in/fan-out, the
heaviest dependencies between packages, entry points, and the hazards that
make a crossing between packages unsafe to cut, each with file:line:col and
a fix. --json prints the whole graph; --dot prints the package graph for
Graphviz.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.json && o.dot {
				return errors.New("analyze: --json and --dot cannot be used together")
			}
			if !validAlgo(o.algo) {
				return fmt.Errorf("analyze: unknown --algo %q (want one of %s)", o.algo, strings.Join(analyzer.Algorithms, ", "))
			}
			o.patterns = args
			var progress io.Writer
			if f, ok := cmd.ErrOrStderr().(*os.File); ok && term.IsTerminal(int(f.Fd())) {
				progress = f
			}
			return runAnalyze(cmd.Context(), o, cmd.OutOrStdout(), progress)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.dir, "dir", "C", ".", "run in `directory` (the module or a directory inside it)")
	f.StringVar(&o.algo, "algo", "vta", "call graph `algorithm`: vta, cha, rta or static")
	f.BoolVar(&o.tests, "tests", false, "include _test.go files")
	f.StringVar(&o.tags, "tags", "", "comma-separated build `tags`")
	f.BoolVar(&o.json, "json", false, "print the graph as JSON")
	f.BoolVar(&o.dot, "dot", false, "print the package graph in Graphviz dot")
	return cmd
}

func validAlgo(algo string) bool {
	for _, a := range analyzer.Algorithms {
		if a == algo {
			return true
		}
	}
	return false
}

// runAnalyze loads the graph and prints it in the form o asks for.
// Progress lines go to progress when it is not nil.
func runAnalyze(ctx context.Context, o analyzeOptions, stdout, progress io.Writer) error {
	var tags []string
	for _, t := range strings.FieldsFunc(o.tags, func(r rune) bool { return r == ',' || r == ' ' }) {
		tags = append(tags, t)
	}
	g, err := analyzer.Load(ctx, o.dir, o.patterns, analyzer.Options{
		Algorithm: o.algo,
		Tests:     o.tests,
		Tags:      tags,
		Progress:  progress,
	})
	if err != nil {
		var le analyzer.LoadError
		if errors.As(err, &le) {
			return fmt.Errorf("analyze: the code does not load:\n%w", err)
		}
		return fmt.Errorf("analyze: %w", err)
	}
	switch {
	case o.json:
		data, err := json.MarshalIndent(g, "", "  ")
		if err != nil {
			return fmt.Errorf("analyze: %w", err)
		}
		_, err = stdout.Write(append(data, '\n'))
		return err
	case o.dot:
		return writeDot(stdout, g)
	}
	return writeSummary(stdout, g)
}

// short trims the module path from a package path.
func short(g *analyzer.Graph, path string) string {
	if path == g.Module {
		return "."
	}
	return strings.TrimPrefix(path, g.Module+"/")
}

// shortFunc trims the module path from a function ID.
func shortFunc(g *analyzer.Graph, id string) string {
	return strings.ReplaceAll(id, g.Module+"/", "")
}

// maxDeps is how many cross-package dependencies the summary lists.
const maxDeps = 10

func writeSummary(w io.Writer, g *analyzer.Graph) error {
	ew := &errWriter{w: w}
	dynamic, iface, fval := 0, 0, 0
	for _, c := range g.Calls {
		switch c.Via {
		case analyzer.ViaInterface:
			dynamic++
			iface++
		case analyzer.ViaFuncValue:
			dynamic++
			fval++
		}
	}
	fmt.Fprintf(ew, "module %s: %d packages, %d functions, %d call edges (%s)\n\n",
		g.Module, len(g.Packages), len(g.Funcs), len(g.Calls), g.Algorithm)

	tw := tabwriter.NewWriter(ew, 0, 8, 2, ' ', 0)
	fmt.Fprintf(tw, "package\tlines\tfuncs\tfan-in\tfan-out\n")
	for _, p := range g.Packages {
		name := short(g, p.Path)
		if p.Main {
			name += " (main)"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\n", name, p.Lines, p.Funcs, p.FanIn, p.FanOut)
	}
	tw.Flush()

	deps := make([]*analyzer.Dep, 0, len(g.Deps))
	for _, d := range g.Deps {
		if d.Sites > 0 {
			deps = append(deps, d)
		}
	}
	sort.SliceStable(deps, func(i, j int) bool { return deps[i].Weight > deps[j].Weight })
	fmt.Fprintf(ew, "\nheaviest cross-package dependencies (%d in all):\n", len(deps))
	if len(deps) > maxDeps {
		deps = deps[:maxDeps]
	}
	tw = tabwriter.NewWriter(ew, 0, 8, 2, ' ', 0)
	fmt.Fprintf(tw, "from\tto\tsites\tweight\trefs\n")
	for _, d := range deps {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.2f\t%d\n", short(g, d.From), short(g, d.To), d.Sites, d.Weight, d.Refs)
	}
	tw.Flush()

	fmt.Fprintf(ew, "\ndynamic call edges: %d of %d (%d through interfaces, %d through func values)\n",
		dynamic, len(g.Calls), iface, fval)

	fmt.Fprintf(ew, "\nentry points (%d):\n", len(g.Entries))
	tw = tabwriter.NewWriter(ew, 0, 8, 2, ' ', 0)
	for _, e := range g.Entries {
		path := e.Route
		if e.PrefixUnknown {
			path = "…" + path // mounted under a prefix built at run time
		}
		route := strings.TrimSpace(e.Method + " " + path)
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", e.Kind, shortFunc(g, e.Func), route, e.Pos)
	}
	tw.Flush()

	fmt.Fprintf(ew, "\nhazards (%d):\n", len(g.Hazards))
	for _, h := range g.Hazards {
		fmt.Fprintf(ew, "%s: %s: %s\n\tfix: %s\n", h.Pos, h.Kind, h.Message, h.Fix)
	}
	return ew.err
}

// writeDot prints the package graph: one node per package, one edge per
// dependency, solid for calls and dashed for references only.
func writeDot(w io.Writer, g *analyzer.Graph) error {
	ew := &errWriter{w: w}
	fmt.Fprintf(ew, "digraph %q {\n\trankdir=LR;\n\tnode [shape=box, fontname=\"Helvetica\"];\n", g.Module)
	for _, p := range g.Packages {
		fmt.Fprintf(ew, "\t%q [label=%q];\n", short(g, p.Path), fmt.Sprintf("%s\n%d lines", short(g, p.Path), p.Lines))
	}
	for _, d := range g.Deps {
		if d.Sites > 0 {
			fmt.Fprintf(ew, "\t%q -> %q [label=\"%d\", penwidth=%.2f];\n", short(g, d.From), short(g, d.To), d.Sites, 1+d.Weight/2)
		} else {
			fmt.Fprintf(ew, "\t%q -> %q [style=dashed];\n", short(g, d.From), short(g, d.To))
		}
	}
	fmt.Fprintln(ew, "}")
	return ew.err
}

// errWriter remembers the first write error.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return len(p), nil
	}
	_, e.err = e.w.Write(p)
	return len(p), nil
}

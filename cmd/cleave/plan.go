package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/cleave-go/cleave/analyzer"
	"github.com/cleave-go/cleave/planner"
)

func init() { commands = append(commands, newPlanCmd) }

// planOptions are the flags of cleave plan.
type planOptions struct {
	dir      string
	algo     string
	out      string
	services int
	pins     []string
	together []string
	apart    []string
	shared   []string
	truth    string
	seed     int64
	res      float64
	json     bool
	update   string
	patterns []string
}

func newPlanCmd() *cobra.Command {
	var o planOptions
	cmd := &cobra.Command{
		Use:   "plan [packages]",
		Short: "Propose services, the topics that cross them, and the split's scores",
		Long: `Plan loads the packages (default ./...) of the module, groups them into
services and writes the plan (plan.yaml) to -o, or to standard output. The
scores of the split beside the baselines go to standard error, or to standard
output when the plan goes to a file; with --truth FILE (services: name →
packages) MoJoFM, precision and recall against that split are added.

Packages in flags are import paths or paths relative to the module root;
file names (-o, --truth, --update) are relative to -C.
--update FILE re-derives the plan in FILE from the code as it is now,
keeping the person's services and names, and writes it back (or to -o).`,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.patterns = args
			if o.services < 0 {
				return fmt.Errorf("plan: --services %d is negative", o.services)
			}
			if !validAlgo(o.algo) {
				return fmt.Errorf("plan: unknown --algo %q (want one of %s)", o.algo, strings.Join(analyzer.Algorithms, ", "))
			}
			for _, p := range o.pins {
				if pkg, svc, ok := strings.Cut(p, "="); !ok || pkg == "" || svc == "" {
					return fmt.Errorf("plan: --pin %q: want package=service", p)
				}
			}
			if o.update != "" && (o.services != 0 || o.res != 0 || len(o.pins)+len(o.together)+len(o.apart)+len(o.shared) > 0) {
				return errors.New("plan: --update keeps the plan's constraints; edit them in the file")
			}
			return runPlan(cmd.Context(), o, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.dir, "dir", "C", ".", "run in `directory` (the module or a directory inside it)")
	f.StringVar(&o.algo, "algo", "vta", "call graph `algorithm`: vta, cha, rta or static")
	f.StringVarP(&o.out, "output", "o", "", "write the plan to `file` (default standard output)")
	f.IntVar(&o.services, "services", 0, "target number of services, edge included (0: let the planner choose)")
	f.StringArrayVar(&o.pins, "pin", nil, "put a package in a service: `package=service` (repeatable)")
	f.StringArrayVar(&o.together, "together", nil, "keep packages in one service: `a,b[,c]` (repeatable)")
	f.StringArrayVar(&o.apart, "apart", nil, "keep packages in different services: `a,b[,c]` (repeatable)")
	f.StringArrayVar(&o.shared, "shared", nil, "link `package` into every service instead of placing it (repeatable)")
	f.StringVar(&o.truth, "truth", "", "score against a known split in `file` (truth.yaml)")
	f.Int64Var(&o.seed, "seed", 0, "seed of the community detection")
	f.Float64Var(&o.res, "resolution", 0, "community detection resolution: higher splits finer (0: the planner's default)")
	f.BoolVar(&o.json, "json", false, "print the plan (and what --update changed) as JSON on standard output")
	f.StringVar(&o.update, "update", "", "re-derive the plan in `file` from the code, keeping its services")
	return cmd
}

// loadGraph loads the module in dir; a variable so tests can substitute it.
var loadGraph = func(ctx context.Context, dir, algo string, patterns []string) (*analyzer.Graph, error) {
	g, err := analyzer.Load(ctx, dir, patterns, analyzer.Options{Algorithm: algo})
	if err != nil {
		var le analyzer.LoadError
		if errors.As(err, &le) {
			return nil, fmt.Errorf("the code does not load:\n%w", err)
		}
		return nil, err
	}
	return g, nil
}

// planFile resolves the plan named on the command line (plan.yaml when
// none): against -C, as every file name is, or as given when only that
// names an existing file (a path written from the current directory).
func planFile(dir string, args []string) string {
	file := "plan.yaml"
	if len(args) > 0 {
		file = args[0]
	}
	p := inDir(dir, file)
	if _, err := os.Stat(p); err != nil {
		if _, err := os.Stat(file); err == nil {
			return file
		}
	}
	return p
}

// inDir resolves a file name given on the command line against -C.
func inDir(dir, file string) string {
	if file == "" || file == "-" || filepath.IsAbs(file) {
		return file
	}
	return filepath.Join(dir, file)
}

func runPlan(ctx context.Context, o planOptions, stdout, stderr io.Writer) error {
	var old *planner.Plan
	if o.update != "" {
		var err error
		if old, err = planner.ReadFile(inDir(o.dir, o.update)); err != nil {
			return fmt.Errorf("plan: %w", err)
		}
		if len(o.patterns) == 0 {
			o.patterns = old.Patterns
		}
	}
	var truth *planner.Truth
	if o.truth != "" {
		var err error
		if truth, err = planner.ReadTruth(inDir(o.dir, o.truth)); err != nil {
			return fmt.Errorf("plan: %w", err)
		}
	}
	patterns := o.patterns
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}
	g, err := loadGraph(ctx, o.dir, o.algo, patterns)
	if err != nil {
		return fmt.Errorf("plan: %w", err)
	}

	var p *planner.Plan
	var changes *planner.Changes
	if old != nil {
		old.Truth = truth
		if p, changes, err = planner.Update(ctx, g, old); err != nil {
			return fmt.Errorf("plan: %w", err)
		}
	} else {
		c, err := constraints(g, o)
		if err != nil {
			return fmt.Errorf("plan: %w", err)
		}
		if p, err = planner.Propose(ctx, g, c); err != nil {
			return fmt.Errorf("plan: %w", err)
		}
		if truth != nil {
			p.Truth = truth
			if err := planner.Refresh(g, p); err != nil {
				return fmt.Errorf("plan: %w", err)
			}
		}
	}
	if len(o.patterns) > 0 && !(len(o.patterns) == 1 && o.patterns[0] == "./...") {
		p.Patterns = o.patterns
	}

	out := o.out
	if out == "" && o.update != "" {
		out = o.update
	}
	report := stderr
	if out != "" {
		if err := planner.WriteFile(inDir(o.dir, out), p); err != nil {
			return fmt.Errorf("plan: %w", err)
		}
		report = stdout
	} else if !o.json {
		data, err := planner.Marshal(p)
		if err != nil {
			return fmt.Errorf("plan: %w", err)
		}
		if _, err := stdout.Write(data); err != nil {
			return err
		}
	}
	if o.json {
		v := struct {
			Plan    *planner.Plan    `json:"plan"`
			Changes *planner.Changes `json:"changes,omitempty"`
		}{p, changes}
		data, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return fmt.Errorf("plan: %w", err)
		}
		_, err = stdout.Write(append(data, '\n'))
		return err
	}
	if changes != nil {
		writeChanges(report, changes)
	}
	for _, n := range p.Notes {
		fmt.Fprintf(report, "note: %s\n", n)
	}
	return writeScores(report, p)
}

// constraints turns the flags into planner constraints, resolving package
// names against the graph.
func constraints(g *analyzer.Graph, o planOptions) (planner.Constraints, error) {
	c := planner.Constraints{Services: o.services, Seed: o.seed, Resolution: o.res}
	var errs []error
	pkg := func(flag, name string) string {
		name = strings.TrimSpace(name)
		for _, cand := range []string{name, g.Module + "/" + strings.TrimPrefix(name, "./"), g.Module} {
			if cand == g.Module && name != "." && name != g.Module {
				continue
			}
			for _, p := range g.Packages {
				if p.Path == cand {
					return cand
				}
			}
		}
		errs = append(errs, fmt.Errorf("--%s: no package %s in %s", flag, name, g.Module))
		return name
	}
	for _, p := range o.pins {
		name, svc, _ := strings.Cut(p, "=")
		c.Pin = append(c.Pin, planner.Pin{Package: pkg("pin", name), Service: svc})
	}
	list := func(flag, v string) []string {
		var out []string
		for _, n := range strings.Split(v, ",") {
			out = append(out, pkg(flag, n))
		}
		if len(out) < 2 {
			errs = append(errs, fmt.Errorf("--%s %q: name two packages or more", flag, v))
		}
		return out
	}
	for _, t := range o.together {
		c.Together = append(c.Together, list("together", t))
	}
	for _, a := range o.apart {
		c.Apart = append(c.Apart, list("apart", a))
	}
	for _, s := range o.shared {
		c.Shared = append(c.Shared, pkg("shared", s))
	}
	return c, errors.Join(errs...)
}

// writeScores prints the split's scores beside the baselines.
func writeScores(w io.Writer, p *planner.Plan) error {
	if p.Scores == nil {
		return nil
	}
	r := p.Scores
	cols := []planner.Scores{r.Split, r.Boulder, r.Grains, r.Random}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "score\tsplit\tboulder\tgrains\trandom\t")
	row := func(name string, f func(planner.Scores) string) {
		fmt.Fprint(tw, name, "\t")
		for _, s := range cols {
			fmt.Fprint(tw, f(s), "\t")
		}
		fmt.Fprintln(tw)
	}
	num := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	opt := func(x *float64) string {
		if x == nil {
			return "-"
		}
		return strconv.FormatFloat(*x, 'f', 1, 64)
	}
	row("services", func(s planner.Scores) string { return strconv.Itoa(s.Services) })
	row("icp ↓", func(s planner.Scores) string { return num(s.ICP) })
	row("sm ↑", func(s planner.Scores) string { return num(s.SM) })
	row("q ↑", func(s planner.Scores) string { return num(s.Q) })
	row("ifn ↓", func(s planner.Scores) string { return num(s.IFN) })
	row("ned ↓", func(s planner.Scores) string { return num(s.NED) })
	row("cdp ↓", func(s planner.Scores) string { return num(s.CDP) })
	row("topics ↓", func(s planner.Scores) string { return strconv.Itoa(s.Topics) })
	row("blockers ↓", func(s planner.Scores) string { return strconv.Itoa(s.Blockers) })
	if r.Split.MoJoFM != nil {
		row("mojofm ↑", func(s planner.Scores) string { return opt(s.MoJoFM) })
		pct := func(x *float64) string {
			if x == nil {
				return "-"
			}
			return strconv.FormatFloat(*x, 'f', 2, 64)
		}
		row("precision ↑", func(s planner.Scores) string { return pct(s.Precision) })
		row("recall ↑", func(s planner.Scores) string { return pct(s.Recall) })
	}
	return tw.Flush()
}

func writeChanges(w io.Writer, c *planner.Changes) {
	if c.Empty() {
		fmt.Fprintln(w, "plan is up to date")
		return
	}
	for _, a := range c.Added {
		where := "shared"
		if a.Service != "" {
			where = "service " + a.Service
		}
		fmt.Fprintf(w, "+ package %s → %s\n", a.Package, where)
	}
	for _, r := range c.Removed {
		if to, ok := c.Renamed[r]; ok {
			fmt.Fprintf(w, "~ package %s → %s (renamed; keeps its place)\n", r, to)
			continue
		}
		fmt.Fprintf(w, "- package %s (gone)\n", r)
	}
	for _, s := range c.EmptyServices {
		fmt.Fprintf(w, "- service %s (no package left: removed)\n", s)
	}
	for _, t := range c.TopicsAdded {
		fmt.Fprintf(w, "+ topic %s\n", t)
	}
	for _, t := range c.TopicsRemoved {
		fmt.Fprintf(w, "- topic %s\n", t)
	}
}

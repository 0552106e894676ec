package review

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cleave-go/cleave/analyzer"
	"github.com/cleave-go/cleave/planner"
)

// ModuleDir is the directory of the module a plan file belongs to: the
// nearest directory at or above the file's that holds a go.mod.
func ModuleDir(planPath string) (string, error) {
	abs, err := filepath.Abs(planPath)
	if err != nil {
		return "", err
	}
	for dir := filepath.Dir(abs); ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		if parent := filepath.Dir(dir); parent == dir {
			return "", fmt.Errorf("no go.mod at or above %s: pass the module directory with --dir", filepath.Dir(abs))
		}
	}
}

// LoadGraph loads the graph of the module in dir that p was planned on,
// with p's package patterns.
func LoadGraph(ctx context.Context, dir string, p *planner.Plan, opts analyzer.Options) (*analyzer.Graph, error) {
	patterns := p.Patterns
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}
	g, err := analyzer.Load(ctx, dir, patterns, opts)
	if err != nil {
		return nil, err
	}
	if p.Module != "" && g.Module != p.Module {
		return nil, fmt.Errorf("the plan is for module %s but %s holds %s", p.Module, dir, g.Module)
	}
	return g, nil
}

// PlannerConfig is the Config of a Server that edits the plan at path
// with the planner on g: planner.Refresh after each edit, planner.Marshal
// and planner.Check on save.
func PlannerConfig(path string, p *planner.Plan, g *analyzer.Graph) Config {
	return Config{
		Path:    path,
		Plan:    p,
		Graph:   g,
		Refresh: func(p *planner.Plan) error { return planner.Refresh(g, p) },
		Marshal: planner.Marshal,
		Check: func(src []byte) []Problem {
			var probs []Problem
			for _, pr := range planner.Check(g, nil, src) {
				probs = append(probs, Problem{Line: pr.Line, Msg: pr.Msg})
			}
			return probs
		},
	}
}

package planner_test

import (
	"context"
	"fmt"

	"github.com/cleave-go/cleave/analyzer"
	"github.com/cleave-go/cleave/planner"
)

// A person moves a package to another service; Refresh re-derives the
// topics and scores and Check says whether the plan still fits the code.
func Example() {
	g := &analyzer.Graph{
		Module:   "example.com/m",
		Packages: []*analyzer.Package{{Path: "example.com/m/a", Name: "a"}, {Path: "example.com/m/b", Name: "b"}},
		Funcs: []*analyzer.Func{
			{ID: "example.com/m/a.F", Package: "example.com/m/a", Name: "F"},
			{ID: "example.com/m/b.G", Package: "example.com/m/b", Name: "G", Results: []string{"error"}},
		},
		Calls: []*analyzer.Call{{Caller: "example.com/m/a.F", Callee: "example.com/m/b.G", Via: analyzer.ViaStatic,
			Site: analyzer.Span{Pos: analyzer.Pos{File: "a/a.go", Line: 7, Col: 2}}}},
	}
	p, err := planner.Propose(context.Background(), g, planner.Constraints{Services: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, t := range p.Topics {
		fmt.Println(t.Subject, t.Kind, t.Sites)
	}

	// Put everything in service a.
	p.Services[0].Packages = append(p.Services[0].Packages, p.Services[1].Packages...)
	p.Services = p.Services[:1]
	fmt.Println(planner.Check(g, p, nil)) // topics went stale
	if err := planner.Refresh(g, p); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(p.Topics), planner.Check(g, p, nil))
	// Output:
	// m.b.G request [a/a.go:7:2]
	// [0: topic m.b.G: calls to example.com/m/b.G no longer cross services (run cleave plan --update)]
	// 0 []
}

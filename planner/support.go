package planner

import "github.com/cleave-go/cleave/analyzer"

// testSupport returns the packages of the program only test code can
// run: no main package imports them, directly or through other
// packages. A package no package of the module imports (a test database
// helper, dead code) is one, and so is one only such packages import (a
// store kit only an API test kit imports: usememos/memos's store/test
// under server/router/api/v1/test).
func testSupport(g *analyzer.Graph) map[string]bool {
	importers := map[string][]string{}
	for _, p := range g.Packages {
		for _, imp := range p.Imports {
			importers[imp] = append(importers[imp], p.Path)
		}
	}
	support := map[string]bool{}
	for changed := true; changed; {
		changed = false
		for _, p := range g.Packages {
			if p.Main || support[p.Path] {
				continue
			}
			only := true
			for _, q := range importers[p.Path] {
				only = only && support[q]
			}
			if only {
				support[p.Path] = true
				changed = true
			}
		}
	}
	return support
}

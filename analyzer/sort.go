package analyzer

import (
	"cmp"
	"slices"
	"sort"
)

func sortSlice[T any](s []T, less func(x, y T) bool) {
	sort.SliceStable(s, func(i, j int) bool { return less(s[i], s[j]) })
}

func comparePos(x, y Pos) int {
	return cmp.Or(cmp.Compare(x.File, y.File), cmp.Compare(x.Offset, y.Offset), cmp.Compare(x.Line, y.Line), cmp.Compare(x.Col, y.Col))
}

// sort puts every slice of g in its documented order.
func (g *Graph) sort() {
	slices.SortFunc(g.Packages, func(x, y *Package) int { return cmp.Compare(x.Path, y.Path) })
	for _, p := range g.Packages {
		slices.Sort(p.Files)
		slices.Sort(p.Imports)
	}
	slices.SortFunc(g.Funcs, func(x, y *Func) int { return cmp.Compare(x.ID, y.ID) })
	slices.SortFunc(g.Calls, func(x, y *Call) int {
		return cmp.Or(comparePos(x.Site.Pos, y.Site.Pos), cmp.Compare(x.Site.EndOffset, y.Site.EndOffset),
			cmp.Compare(x.Callee, y.Callee), cmp.Compare(x.Caller, y.Caller))
	})
	slices.SortFunc(g.Deps, func(x, y *Dep) int { return cmp.Or(cmp.Compare(x.From, y.From), cmp.Compare(x.To, y.To)) })
	slices.SortFunc(g.Entries, func(x, y *Entry) int {
		return cmp.Or(cmp.Compare(x.Kind, y.Kind), cmp.Compare(x.Func, y.Func), comparePos(x.Pos, y.Pos))
	})
	slices.SortFunc(g.Hazards, func(x, y *Hazard) int {
		return cmp.Or(comparePos(x.Pos, y.Pos), cmp.Compare(x.Kind, y.Kind), cmp.Compare(x.Func, y.Func), cmp.Compare(x.Object, y.Object))
	})
	// Empty slices print as [] rather than null.
	if g.Packages == nil {
		g.Packages = []*Package{}
	}
	if g.Funcs == nil {
		g.Funcs = []*Func{}
	}
	if g.Calls == nil {
		g.Calls = []*Call{}
	}
	if g.Deps == nil {
		g.Deps = []*Dep{}
	}
	if g.Entries == nil {
		g.Entries = []*Entry{}
	}
	if g.Hazards == nil {
		g.Hazards = []*Hazard{}
	}
}

package planner

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path"
	"strings"

	"github.com/cleave-go/cleave/analyzer"
)

// Weights of the clustering graph, relative to call weight (Σ ln(1+count)
// over function pairs, static and dynamic calls alike).
const (
	refWeight = 0.25 // per ln(1+n) type, constant and variable references
	varWeight = 1.0  // per ln(1+n) package-variable uses
)

// Propose groups the packages of g into services honouring c and returns
// the plan with its topics, blockers and scores. The same graph and
// constraints always give the same plan.
//
// Shared packages (c.Shared plus detected leaf libraries) belong to no
// service. Entry-point packages (main packages and HTTP handler packages
// only entry points call) form the edge service. The rest is clustered by
// Louvain community detection on the symmetrised package graph, seeded
// from c.Seed; packages a mutable package variable ties together, pins to
// one service and together groups are kept in one unit. The communities
// are then repaired to respect pins and apart, merged or split to reach
// c.Services, and refined by local moves that improve SM − ICP.
func Propose(ctx context.Context, g *analyzer.Graph, c Constraints) (*Plan, error) {
	if g == nil {
		return nil, errors.New("propose: nil graph")
	}
	pg := newPkgGraph(g)
	if err := validate(pg, c); err != nil {
		return nil, fmt.Errorf("propose: %w", err)
	}
	pg.applyKinds(c.Kinds)
	pr := newProposer(pg, c)
	if err := pr.run(ctx); err != nil {
		return nil, fmt.Errorf("propose: %w", err)
	}
	p := &Plan{
		Version:     PlanVersion,
		Module:      g.Module,
		Broker:      "nats",
		Prefix:      prefixOf(g.Module),
		Services:    pr.services(),
		Shared:      pr.sharedPaths(),
		Constraints: c,
	}
	merged := mergeIdle(pg, p)
	refresh(pg, p)
	p.Notes = append(merged, p.Notes...)
	return p, nil
}

// validate checks that the constraints name packages of the graph and do
// not contradict one another.
func validate(pg *pkgGraph, c Constraints) error {
	var errs []error
	known := func(what, p string) bool {
		if _, ok := pg.index[p]; !ok {
			errs = append(errs, fmt.Errorf("%s: no package %s in %s", what, p, pg.g.Module))
			return false
		}
		return true
	}
	if c.Resolution < 0 || math.IsNaN(c.Resolution) || math.IsInf(c.Resolution, 0) {
		errs = append(errs, fmt.Errorf("resolution: %v is not a positive number", c.Resolution))
	}
	if c.Services < 0 {
		errs = append(errs, fmt.Errorf("services: %d is negative", c.Services))
	}
	pinned := map[string]string{}
	for _, p := range c.Pin {
		known("pin", p.Package)
		if !validName(p.Service) {
			errs = append(errs, fmt.Errorf("pin %s: service name %q is not a lower-case Go identifier", p.Package, p.Service))
		}
		if prev, ok := pinned[p.Package]; ok && prev != p.Service {
			errs = append(errs, fmt.Errorf("pin %s: pinned to both %s and %s", p.Package, prev, p.Service))
		}
		pinned[p.Package] = p.Service
	}
	uf := newUnionFind(len(pg.paths))
	for _, grp := range c.Together {
		for _, p := range grp {
			known("together", p)
		}
		for i := 1; i < len(grp); i++ {
			a, ok1 := pg.index[grp[0]]
			b, ok2 := pg.index[grp[i]]
			if ok1 && ok2 {
				uf.union(a, b)
			}
		}
	}
	for _, grp := range c.Together {
		var name, first string
		for _, p := range grp {
			if s, ok := pinned[p]; ok {
				if name != "" && s != name {
					errs = append(errs, fmt.Errorf("together %s: %s is pinned to %s, %s to %s", strings.Join(grp, ","), first, name, p, s))
				}
				name, first = s, p
			}
		}
	}
	for _, grp := range c.Apart {
		for _, p := range grp {
			known("apart", p)
		}
		for i, a := range grp {
			for _, b := range grp[i+1:] {
				ia, ok1 := pg.index[a]
				ib, ok2 := pg.index[b]
				if ok1 && ok2 && (ia == ib || uf.find(ia) == uf.find(ib)) {
					errs = append(errs, fmt.Errorf("apart %s,%s: they must also stay together", a, b))
				}
				if sa, ok := pinned[a]; ok && sa == pinned[b] {
					errs = append(errs, fmt.Errorf("apart %s,%s: both are pinned to %s", a, b, sa))
				}
			}
		}
	}
	for _, p := range c.Shared {
		if known("shared", p) {
			if s, ok := pinned[p]; ok {
				errs = append(errs, fmt.Errorf("shared %s: also pinned to %s", p, s))
			}
		}
	}
	for _, k := range c.Kinds {
		if k.Kind != KindEvent && k.Kind != KindRequest {
			errs = append(errs, fmt.Errorf("kind %s: %q is neither %s nor %s", k.Function, k.Kind, KindRequest, KindEvent))
		}
	}
	return errors.Join(errs...)
}

// prefixOf derives the subject prefix from a module path: its last element,
// lower case, without a major version suffix.
func prefixOf(module string) string {
	base := path.Base(module)
	if len(base) > 1 && base[0] == 'v' && strings.Trim(base[1:], "0123456789") == "" {
		base = path.Base(path.Dir(module))
	}
	return identName(base, "app")
}

// identName turns s into a lower-case identifier, or def if nothing is left.
func identName(s, def string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r == '_', r >= '0' && r <= '9' && b.Len() > 0:
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 || !validName(b.String()) {
		return def
	}
	return b.String()
}

type unionFind struct{ parent []int }

func newUnionFind(n int) *unionFind {
	u := &unionFind{parent: make([]int, n)}
	for i := range u.parent {
		u.parent[i] = i
	}
	return u
}

func (u *unionFind) find(x int) int {
	for u.parent[x] != x {
		u.parent[x] = u.parent[u.parent[x]]
		x = u.parent[x]
	}
	return x
}

// union joins the sets of a and b; the smaller index becomes the root.
func (u *unionFind) union(a, b int) {
	ra, rb := u.find(a), u.find(b)
	if ra == rb {
		return
	}
	if rb < ra {
		ra, rb = rb, ra
	}
	u.parent[rb] = ra
}

// weightBetween is the clustering weight between packages a and b in both
// directions: calls, plus smaller weights for references and variable uses.
func (pg *pkgGraph) weightBetween(a, b int) float64 {
	w := pg.out[a][b] + pg.out[b][a]
	if r := pg.refs[a][b] + pg.refs[b][a]; r > 0 {
		w += refWeight * math.Log1p(float64(r))
	}
	if v := pg.vars[a][b] + pg.vars[b][a]; v > 0 {
		w += varWeight * math.Log1p(float64(v))
	}
	return w
}

func (c Constraints) sharedWish(path string) bool {
	for _, s := range c.Shared {
		if s == path {
			return true
		}
	}
	return false
}

package planner

import (
	"context"
	"errors"
	"slices"
	"strconv"

	"github.com/cleave-go/cleave/analyzer"
)

// Changes is what Update did to a plan.
type Changes struct {
	Added         []Placement `json:"added,omitempty"`          // new packages and where they went
	Removed       []string    `json:"removed,omitempty"`        // packages that no longer exist
	TopicsAdded   []string    `json:"topics_added,omitempty"`   // subjects
	TopicsRemoved []string    `json:"topics_removed,omitempty"` // subjects
}

// Placement says where Update put a new package ("" Service: shared).
type Placement struct {
	Package string `json:"package"`
	Service string `json:"service"`
}

// Empty reports whether nothing changed.
func (c *Changes) Empty() bool {
	return len(c.Added)+len(c.Removed)+len(c.TopicsAdded)+len(c.TopicsRemoved) == 0
}

// Update re-derives old against a fresh graph of the code, keeping the
// person's assignment, names, shared list and constraints. Packages that
// vanished are dropped (and services left empty); new packages are placed
// by the planner: a main package in the edge service, a package the
// constraints share in shared, any other in the service it calls most (or,
// failing that, that calls it most), or in a new service of its own.
// It returns a new plan and what changed.
func Update(ctx context.Context, g *analyzer.Graph, old *Plan) (*Plan, *Changes, error) {
	if g == nil || old == nil {
		return nil, nil, errors.New("update: nil graph or plan")
	}
	pg := newPkgGraph(g)
	p := &Plan{
		Version: PlanVersion, Module: g.Module, Patterns: old.Patterns, Broker: old.Broker, Prefix: old.Prefix,
		Constraints: old.Constraints, Truth: old.Truth, ScoreOptions: old.ScoreOptions,
	}
	if p.Broker == "" {
		p.Broker = "nats"
	}
	if p.Prefix == "" {
		p.Prefix = prefixOf(g.Module)
	}
	ch := &Changes{}
	placed := map[string]bool{}
	keep := func(paths []string) []string {
		var out []string
		for _, path := range paths {
			if placed[path] {
				continue
			}
			if _, ok := pg.index[path]; !ok {
				ch.Removed = append(ch.Removed, path)
				continue
			}
			placed[path] = true
			out = append(out, path)
		}
		return out
	}
	p.Shared = keep(old.Shared)
	for _, s := range old.Services {
		if s == nil {
			continue
		}
		if pkgs := keep(s.Packages); len(pkgs) > 0 {
			p.Services = append(p.Services, &Service{Name: s.Name, Packages: pkgs, Edge: s.Edge})
		}
	}
	slices.Sort(ch.Removed)
	ch.Removed = slices.Compact(ch.Removed)

	// Place new packages, those with ties to placed code first.
	svcOf := map[int]int{}
	for k, s := range p.Services {
		for _, path := range s.Packages {
			svcOf[pg.index[path]] = k
		}
	}
	sharedWish := map[string]bool{}
	for _, s := range old.Constraints.Shared {
		sharedWish[s] = true
	}
	var pending []int
	for i, path := range pg.paths {
		if !placed[path] {
			pending = append(pending, i)
		}
	}
	for len(pending) > 0 {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		var rest []int
		progress := false
		for _, i := range pending {
			k, ok := place(pg, p, svcOf, i, sharedWish[pg.paths[i]])
			if !ok {
				rest = append(rest, i)
				continue
			}
			progress = true
			if k < 0 {
				p.Shared = append(p.Shared, pg.paths[i])
				ch.Added = append(ch.Added, Placement{Package: pg.paths[i]})
				continue
			}
			svcOf[i] = k
			p.Services[k].Packages = append(p.Services[k].Packages, pg.paths[i])
			ch.Added = append(ch.Added, Placement{Package: pg.paths[i], Service: p.Services[k].Name})
		}
		if !progress {
			// Nothing ties the first pending package to placed code: it
			// becomes a service of its own.
			i := rest[0]
			rest = rest[1:]
			name := uniqueName(p, identName(pg.pkgs[i].Name, "service"))
			svcOf[i] = len(p.Services)
			p.Services = append(p.Services, &Service{Name: name, Packages: []string{pg.paths[i]}})
			ch.Added = append(ch.Added, Placement{Package: pg.paths[i], Service: name})
		}
		pending = rest
	}
	for _, s := range p.Services {
		slices.Sort(s.Packages)
	}
	slices.Sort(p.Shared)

	before := map[string]bool{}
	for _, t := range old.Topics {
		before[t.Subject] = true
	}
	refresh(pg, p)
	after := map[string]bool{}
	for _, t := range p.Topics {
		after[t.Subject] = true
		if !before[t.Subject] {
			ch.TopicsAdded = append(ch.TopicsAdded, t.Subject)
		}
	}
	for _, t := range old.Topics {
		if !after[t.Subject] {
			ch.TopicsRemoved = append(ch.TopicsRemoved, t.Subject)
		}
	}
	slices.Sort(ch.TopicsRemoved)
	return p, ch, nil
}

// place chooses the service for new package i: -1 for shared. It reports
// false when nothing ties i to a placed package yet.
func place(pg *pkgGraph, p *Plan, svcOf map[int]int, i int, shared bool) (int, bool) {
	if shared {
		return -1, true
	}
	if pg.pkgs[i].Main {
		for k, s := range p.Services {
			if s.Edge {
				return k, true
			}
		}
	}
	for _, m := range []map[int]float64{pg.out[i], pg.in[i]} {
		w := map[int]float64{}
		for j, x := range m {
			if k, ok := svcOf[j]; ok {
				w[k] += x
			}
		}
		best, bestW := -1, 0.0
		for _, k := range sortedKeys(w) {
			if w[k] > bestW {
				best, bestW = k, w[k]
			}
		}
		if best >= 0 {
			return best, true
		}
	}
	return 0, false
}

func uniqueName(p *Plan, base string) string {
	used := map[string]bool{}
	for _, s := range p.Services {
		used[s.Name] = true
	}
	if !used[base] {
		return base
	}
	for n := 2; ; n++ {
		if c := base + strconv.Itoa(n); !used[c] {
			return c
		}
	}
}

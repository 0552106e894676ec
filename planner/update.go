package planner

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/cleave-go/cleave/analyzer"
)

// Changes is what Update did to a plan.
type Changes struct {
	Added         []Placement `json:"added,omitempty"`          // new packages and where they went
	Removed       []string    `json:"removed,omitempty"`        // packages that no longer exist
	TopicsAdded   []string    `json:"topics_added,omitempty"`   // subjects
	TopicsRemoved []string    `json:"topics_removed,omitempty"` // subjects
	// Renamed maps packages that vanished to the new package that took
	// their place (same functions, or the same place under a renamed
	// parent): the new one inherits the old one's service or shared.
	Renamed map[string]string `json:"renamed,omitempty"`
	// EmptyServices are services of the old plan left with no package.
	EmptyServices []string `json:"empty_services,omitempty"`
}

// Placement says where Update put a new package ("" Service: shared).
type Placement struct {
	Package string `json:"package"`
	Service string `json:"service"`
}

// Empty reports whether nothing changed.
func (c *Changes) Empty() bool {
	return len(c.Added)+len(c.Removed)+len(c.TopicsAdded)+len(c.TopicsRemoved)+len(c.Renamed)+len(c.EmptyServices) == 0
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
	renamed := renames(pg, old)
	placed := map[string]bool{}
	keep := func(paths []string) []string {
		var out []string
		for _, path := range paths {
			if placed[path] {
				continue
			}
			if _, ok := pg.index[path]; !ok {
				ch.Removed = append(ch.Removed, path)
				to, ok := renamed[path]
				if !ok || placed[to] {
					continue
				}
				if ch.Renamed == nil {
					ch.Renamed = map[string]string{}
				}
				ch.Renamed[path] = to
				path = to
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
		} else {
			ch.EmptyServices = append(ch.EmptyServices, s.Name)
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
			// becomes a service of its own, if it calls or is called by
			// anything; an isolated package (test doubles, a tool) is
			// shared, as a fresh plan would make it.
			i := rest[0]
			rest = rest[1:]
			if len(pg.out[i]) == 0 && len(pg.in[i]) == 0 && len(pg.entries[i]) == 0 {
				p.Shared = append(p.Shared, pg.paths[i])
				ch.Added = append(ch.Added, Placement{Package: pg.paths[i]})
				pending = rest
				continue
			}
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

// renames finds, for the packages of old that no longer exist, the new
// package (one old does not list) that took each one's place: the one
// declaring every function old names in that package (its topics,
// in-process calls and blockers), by name and receiver; then, under a
// parent matched so, the package at the same relative path (notes/fakes
// → memo/fakes after notes → memo).
func renames(pg *pkgGraph, old *Plan) map[string]string {
	listed := map[string]bool{}
	for _, path := range old.Shared {
		listed[path] = true
	}
	for _, s := range old.Services {
		if s != nil {
			for _, path := range s.Packages {
				listed[path] = true
			}
		}
	}
	var gone, fresh []string
	for path := range listed {
		if _, ok := pg.index[path]; !ok {
			gone = append(gone, path)
		}
	}
	for _, path := range pg.paths {
		if !listed[path] {
			fresh = append(fresh, path)
		}
	}
	if len(gone) == 0 || len(fresh) == 0 {
		return nil
	}
	slices.Sort(gone)
	// The functions old names, by package, without the package path.
	named := map[string]map[string]bool{}
	note := func(id string) {
		pkg, short := splitFuncID(id)
		if pkg == "" {
			return
		}
		if named[pkg] == nil {
			named[pkg] = map[string]bool{}
		}
		named[pkg][short] = true
	}
	for _, t := range old.Topics {
		note(t.Function)
	}
	for _, ip := range old.InProcess {
		note(ip.Function)
	}
	declared := map[string]map[string]bool{}
	for _, f := range pg.g.Funcs {
		if _, short := splitFuncID(f.ID); short != "" {
			if declared[f.Package] == nil {
				declared[f.Package] = map[string]bool{}
			}
			declared[f.Package][short] = true
		}
	}
	out := map[string]string{}
	taken := map[string]bool{}
	for _, g := range gone {
		want := named[g]
		if len(want) == 0 {
			continue
		}
		match := ""
		for _, f := range fresh {
			if taken[f] {
				continue
			}
			all := true
			for fn := range want {
				all = all && declared[f][fn]
			}
			if all {
				if match != "" {
					match = "" // two candidates: not sure
					break
				}
				match = f
			}
		}
		if match != "" {
			out[g], taken[match] = match, true
		}
	}
	for _, g := range gone {
		if _, ok := out[g]; ok {
			continue
		}
		for parent, to := range out {
			if rel, ok := strings.CutPrefix(g, parent+"/"); ok {
				if f := to + "/" + rel; slices.Contains(fresh, f) && !taken[f] {
					out[g], taken[f] = f, true
					break
				}
			}
		}
	}
	return out
}

// splitFuncID splits a Func.ID ("pkg.F", "(*pkg.T).M", "(pkg.T).M") into
// its package path and the rest ("F", "T.M").
func splitFuncID(id string) (pkg, short string) {
	if strings.HasPrefix(id, "(") {
		end := strings.Index(id, ")")
		if end < 0 {
			return "", ""
		}
		recv := strings.TrimPrefix(id[1:end], "*")
		dot := strings.LastIndex(recv, ".")
		if dot < 0 {
			return "", ""
		}
		return recv[:dot], recv[dot+1:] + id[end+1:]
	}
	slash := strings.LastIndex(id, "/")
	dot := strings.Index(id[slash+1:], ".")
	if dot < 0 {
		return "", ""
	}
	return id[:slash+1+dot], id[slash+2+dot:]
}

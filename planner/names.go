package planner

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// pinEdge names the edge service and takes into it the packages pinned to
// that name. The name does not depend on the pins: it is the name of the
// edge's dominant package (edgeNameOf) for the edge the program would have
// with no pins at all, so that a person who reads "app" on the edge of one
// plan and pins a package to app gets it in the edge, not in a new service
// while the edge takes another name. A pin to "gateway", the edge's name
// when no package lends it one, names the edge too; the first pin that
// names the edge (in constraint order) gives it its name.
func (pr *proposer) pinEdge() {
	pins := pr.pin
	pr.pin = make([]string, len(pins))
	pr.detectEdge()
	natural := pr.edgeNameOf()
	pr.pin = pins
	hasEdge := pr.hasEdge()
	clear(pr.edge)
	clear(pr.front)
	if !hasEdge {
		return
	}
	pr.edgeName = natural
	pinned := false
	for _, p := range pr.c.Pin {
		i, ok := pr.pg.index[p.Package]
		if !ok || pr.shared[i] || p.Service != natural && p.Service != "gateway" {
			continue
		}
		if !pinned {
			pr.edgeName, pinned = p.Service, true
		}
		pr.pin[i] = ""
		pr.edge[i] = true
	}
}

// edgeNameOf returns the name of the edge's dominant package — the one
// other packages call into most, then the largest, the shallowest, the
// first by path — among those that are neither main packages nor part of
// the program's front, or "gateway".
func (pr *proposer) edgeNameOf() string {
	pg := pr.pg
	var ms []int
	inW := map[int]float64{}
	for i, e := range pr.edge {
		if !e || pg.pkgs[i].Main || pr.front[i] {
			continue
		}
		ms = append(ms, i)
		for a, w := range pg.in[i] {
			if !pr.edge[a] {
				inW[i] += w
			}
		}
	}
	slices.SortFunc(ms, func(a, b int) int {
		pa, pb := pg.pkgs[a], pg.pkgs[b]
		return cmp.Or(
			cmp.Compare(inW[b], inW[a]),
			cmp.Compare(pb.Lines, pa.Lines),
			cmp.Compare(strings.Count(pa.Path, "/"), strings.Count(pb.Path, "/")),
			cmp.Compare(pa.Path, pb.Path))
	})
	for _, i := range ms {
		if n := identName(pg.pkgs[i].Name, ""); n != "" && n != "main" {
			return n
		}
	}
	return "gateway"
}

// services returns the proposed services, named and sorted by name.
//
// A service is named after its dominant package: the one the rest of the
// program calls into most (call weight from other services), then the
// largest, then the shortest path. A pinned service takes its pin's name.
// Names are unique: on a clash the next package in dominance order lends
// its name, then the dominant package's name qualified by its parent
// directory (legacy/catalog: legacycatalog), and failing that a number is
// appended. The edge service is named first, after its dominant non-main
// package or "gateway", whatever the pins (see pinEdge).
func (pr *proposer) services() []*Service {
	pg := pr.pg
	pt := pr.partition()
	members := make([][]int, pt.k)
	for i, c := range pt.comm {
		if c >= 0 {
			members[c] = append(members[c], i)
		}
	}
	edge := -1
	if pr.hasEdge() {
		edge = pr.k
	}
	// Dominance order of each service's packages.
	for k, ms := range members {
		inW := map[int]float64{}
		for _, i := range ms {
			for a, w := range pg.in[i] {
				if pt.comm[a] != k {
					inW[i] += w
				}
			}
		}
		slices.SortFunc(ms, func(a, b int) int {
			pa, pb := pg.pkgs[a], pg.pkgs[b]
			if k == edge && pa.Main != pb.Main {
				if pa.Main {
					return 1
				}
				return -1
			}
			return cmp.Or(
				cmp.Compare(inW[b], inW[a]),
				cmp.Compare(pb.Lines, pa.Lines),
				cmp.Compare(strings.Count(pa.Path, "/"), strings.Count(pb.Path, "/")),
				cmp.Compare(pa.Path, pb.Path))
		})
	}
	names := make([]string, pt.k)
	used := map[string]bool{}
	// The edge's name first (see pinEdge).
	if edge >= 0 && pr.edgeName != "" {
		names[edge] = pr.edgeName
		used[pr.edgeName] = true
	}
	// Pins next, then services in order of size (most packages, then most
	// lines first), so the most important service gets the contested name.
	for k, ms := range members {
		for _, i := range ms {
			if pr.pin[i] != "" && names[k] == "" {
				names[k] = pr.pin[i]
				used[names[k]] = true
				break
			}
		}
	}
	order := make([]int, pt.k)
	for k := range order {
		order[k] = k
	}
	lines := make([]int, pt.k)
	for k, ms := range members {
		for _, i := range ms {
			lines[k] += pg.pkgs[i].Lines
		}
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(len(members[b]), len(members[a])), cmp.Compare(lines[b], lines[a]))
	})
	for _, k := range order {
		if names[k] != "" || len(members[k]) == 0 {
			continue
		}
		var cands []string
		for _, i := range members[k] {
			if pg.pkgs[i].Main || pr.front[i] {
				continue
			}
			cands = append(cands, identName(pg.pkgs[i].Name, ""))
		}
		if k == edge {
			cands = append(cands, "gateway")
		}
		// On a clash, the package's name qualified by its parent
		// directory (legacy/catalog: legacycatalog) before a number.
		for _, i := range members[k] {
			if !pg.pkgs[i].Main && !pr.front[i] {
				cands = append(cands, identName(parentElem(pg.g.Module, pg.pkgs[i].Dir)+pg.pkgs[i].Name, ""))
			}
		}
		name := ""
		for _, c := range cands {
			if c != "" && c != "main" && !used[c] {
				name = c
				break
			}
		}
		if name == "" {
			base := "gateway"
			if len(cands) > 0 && cands[0] != "" {
				base = cands[0]
			}
			for n := 2; ; n++ {
				if c := base + strconv.Itoa(n); !used[c] {
					name = c
					break
				}
			}
		}
		names[k] = name
		used[name] = true
	}
	var svcs []*Service
	for k, ms := range members {
		if len(ms) == 0 {
			continue
		}
		s := &Service{Name: names[k], Edge: k == edge}
		for _, i := range ms {
			s.Packages = append(s.Packages, pg.paths[i])
			s.Edge = s.Edge || pg.pkgs[i].Main
		}
		slices.Sort(s.Packages)
		svcs = append(svcs, s)
	}
	slices.SortFunc(svcs, func(a, b *Service) int { return cmp.Compare(a.Name, b.Name) })
	return svcs
}

// parentElem returns the last element of the directory above dir that is
// not a major version (v2) or internal, or the module path's last element
// at the module root: resources/create → resources, proto/account/v1 →
// proto, create → hugo (in module github.com/gohugoio/hugo).
func parentElem(module, dir string) string {
	skip := func(e string) bool {
		_, err := strconv.Atoi(strings.TrimPrefix(e, "v"))
		return strings.HasPrefix(e, "v") && err == nil || e == "internal" || e == "." || e == ""
	}
	elems := strings.Split(dir, "/")
	for len(elems) > 0 && skip(elems[len(elems)-1]) {
		elems = elems[:len(elems)-1]
	}
	if len(elems) > 0 {
		elems = elems[:len(elems)-1]
	}
	for len(elems) > 0 && skip(elems[len(elems)-1]) {
		elems = elems[:len(elems)-1]
	}
	if len(elems) > 0 {
		return elems[len(elems)-1]
	}
	return parentElem("", module+"/x")
}

// sharedPaths returns the shared packages, sorted.
func (pr *proposer) sharedPaths() []string {
	var out []string
	for i, s := range pr.shared {
		if s {
			out = append(out, pr.pg.paths[i])
		}
	}
	return out
}

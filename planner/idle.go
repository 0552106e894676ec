package planner

import (
	"cmp"
	"slices"
	"strings"

	"github.com/cleave-go/cleave/analyzer"
)

// An idle service is a service other than the edge that serves no topic,
// starts no background work (no in_process entry of reason background
// names it) and owns no HTTP route nor gRPC method (no http entry with a
// constant route, no rpc entry with a full method name, has its handler in
// one of its packages; the edge forwards a route's requests and a unary
// method's calls to the service of its handler): after apply its process
// would run nothing. Its code still
// runs, in the processes of the services that call it: HTTP handlers a
// transport package mounts on main's router (go-kit's MakeHandler) run in
// the edge, which serves HTTP; constructors run in every process.

// idleServices returns the indexes in p.Services of the idle services of
// split s whose topics and in-process calls are given.
func idleServices(g *analyzer.Graph, p *Plan, topics []*Topic, inProcess []*InProcess) []int {
	busy := map[string]bool{}
	routed := routedPackages(g)
	for _, svc := range p.Services {
		if svc != nil && slices.ContainsFunc(svc.Packages, func(pkg string) bool { return routed[pkg] }) {
			busy[svc.Name] = true
		}
	}
	for _, t := range topics {
		busy[t.Consumer] = true
	}
	for _, ip := range inProcess {
		if ip.Reason == ReasonBackground {
			busy[ip.Consumer] = true
		}
	}
	var idle []int
	for k, svc := range p.Services {
		if svc != nil && !svc.Edge && len(svc.Packages) > 0 && !busy[svc.Name] {
			idle = append(idle, k)
		}
	}
	return idle
}

// routedPackages returns the packages that hold the handler of an HTTP
// route (an http entry whose route is a constant) or of a gRPC method (an
// rpc entry whose route is the full method name, "/pkg.Service/Method").
func routedPackages(g *analyzer.Graph) map[string]bool {
	out := map[string]bool{}
	if g == nil {
		return out
	}
	pkgOf := map[string]string{}
	for _, f := range g.Funcs {
		pkgOf[f.ID] = f.Package
	}
	for _, e := range g.Entries {
		routed := e.Kind == analyzer.EntryHTTP && e.Route != "" ||
			e.Kind == analyzer.EntryRPC && strings.HasPrefix(e.Route, "/")
		if routed && pkgOf[e.Func] != "" {
			out[pkgOf[e.Func]] = true
		}
	}
	return out
}

// callersOf returns the services of s that call into service k, by call
// weight into its packages, most first (ties: the edge, then by name);
// the edge last with weight 0 when it does not call k.
func (s *split) callersOf(p *Plan, k int) []int {
	w := make([]float64, len(p.Services))
	for b, cb := range s.pt.comm {
		if cb != k {
			continue
		}
		for a, x := range s.pg.in[b] {
			if ca := s.pt.comm[a]; ca >= 0 && ca != k {
				w[ca] += x
			}
		}
	}
	var out []int
	for i, svc := range p.Services {
		if i != k && svc != nil && (w[i] > 0 || svc.Edge) {
			out = append(out, i)
		}
	}
	slices.SortStableFunc(out, func(a, b int) int {
		return cmp.Or(cmp.Compare(w[b], w[a]), boolFirst(p.Services[a].Edge, p.Services[b].Edge), cmp.Compare(p.Services[a].Name, p.Services[b].Name))
	})
	return out
}

func boolFirst(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return -1
	}
	return 1
}

// runTimeCalls returns the functions of service k other services call
// after start-up (in-process, since k serves no topic), with the reason.
func (s *split) runTimeCalls(k int) []string {
	var out []string
	for i, c := range s.pg.g.Calls {
		a, b := s.pg.callPkg[i][0], s.pg.callPkg[i][1]
		if a < 0 || b < 0 || s.pt.comm[b] != k || s.pt.comm[a] < 0 || s.pt.comm[a] == k {
			continue
		}
		if r := s.pg.inproc[i]; r != ReasonStartup {
			out = append(out, c.Callee+": "+cmp.Or(r, "topic"))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// mergeIdle folds every idle service of p that other services call only
// while the program starts (constructors, the wiring that mounts its HTTP
// handlers on main's router) into the service that calls it most (the one
// that links and wires it), or the edge when no service calls it, and
// returns a note per merge. A service called at run time in-process (its
// callee's parameters cannot travel, say) stays: the person may make those
// calls travel. So does a service the constraints name (a pin), or whose
// merge an apart constraint forbids; and all when the constraints ask for
// a number of services. idleNotes warns of those.
func mergeIdle(pg *pkgGraph, p *Plan) []string {
	if p.Constraints.Services > 0 {
		return nil
	}
	pinned := map[string]bool{}
	for _, pin := range p.Constraints.Pin {
		pinned[pin.Service] = true
	}
	var notes []string
	for range len(p.Services) {
		s := resolve(pg, p)
		topics := s.topics()
		merged := false
		for _, k := range idleServices(pg.g, p, topics, s.inProcess()) {
			svc := p.Services[k]
			if pinned[svc.Name] || len(s.runTimeCalls(k)) > 0 {
				continue
			}
			for _, into := range s.callersOf(p, k) {
				if apartFrom(p, svc, p.Services[into]) {
					continue
				}
				dst := p.Services[into]
				how := "the service that calls it most"
				if s.callWeight(into, k) == 0 {
					how = "the edge: no other service calls it"
				}
				notes = append(notes, "merged service "+svc.Name+" ("+strings.Join(shortPaths(pg.g.Module, svc.Packages), ", ")+") into "+dst.Name+
					", "+how+": it would serve no topic and start no background work, so its process would run nothing (its code runs where it is called)")
				dst.Packages = append(dst.Packages, svc.Packages...)
				slices.Sort(dst.Packages)
				p.Services = slices.Delete(p.Services, k, k+1)
				merged = true
				break
			}
			if merged {
				break
			}
		}
		if !merged {
			break
		}
	}
	return notes
}

// callWeight is the call weight from service a into service b.
func (s *split) callWeight(a, b int) float64 {
	w := 0.0
	for x, cx := range s.pt.comm {
		if cx != a {
			continue
		}
		for y, v := range s.pg.out[x] {
			if s.pt.comm[y] == b {
				w += v
			}
		}
	}
	return w
}

// apartFrom reports whether an apart constraint names a package of a and
// one of b.
func apartFrom(p *Plan, a, b *Service) bool {
	for _, grp := range p.Constraints.Apart {
		if slices.ContainsFunc(grp, func(x string) bool { return slices.Contains(a.Packages, x) }) &&
			slices.ContainsFunc(grp, func(x string) bool { return slices.Contains(b.Packages, x) }) {
			return true
		}
	}
	return false
}

// idleNotes warns of the idle services of split s of p (those mergeIdle
// did not merge, or a plan edited by hand).
func (s *split) idleNotes(p *Plan, topics []*Topic, inProcess []*InProcess) []string {
	var notes []string
	for _, k := range idleServices(s.pg.g, p, topics, inProcess) {
		n := "service " + p.Services[k].Name + " serves no topic and starts no background work: its process would run nothing"
		if calls := s.runTimeCalls(k); len(calls) > 0 {
			n += "; other services call it in-process (" + strings.Join(calls, ", ") + "): make those calls travel, or move its packages into the service that calls them"
		} else {
			n += "; move its packages into the service that wires it"
		}
		notes = append(notes, n)
	}
	return notes
}

// shortPaths returns paths relative to module.
func shortPaths(module string, paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = strings.TrimPrefix(strings.TrimPrefix(p, module), "/")
		if out[i] == "" {
			out[i] = p
		}
	}
	return out
}

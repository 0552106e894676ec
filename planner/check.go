package planner

import (
	"cmp"
	"fmt"
	gotoken "go/token"
	"slices"
	"strings"

	"github.com/cleave-go/cleave/analyzer"
)

// Problem is one thing wrong with a plan, at a line of its file (0 when the
// plan was not read from a file).
type Problem struct {
	Line int    `json:"line"`
	Msg  string `json:"msg"`
}

func (p Problem) String() string { return fmt.Sprintf("%d: %s", p.Line, p.Msg) }

// Check validates plan p against graph g and returns its problems sorted by
// line: invalid YAML or an unknown version (when src, p's file content, is
// given), service names that are not lower-case Go identifiers or repeat,
// packages that no longer exist, that are in two services or in none,
// repeated subjects, topics for calls that no longer cross services,
// crossings without a topic, and constraints naming packages that no
// longer exist or kinds that are neither request nor event. When src is given and p is nil, the plan is
// parsed from src. With a nil g only what needs no code is checked.
func Check(g *analyzer.Graph, p *Plan, src []byte) []Problem {
	var probs []Problem
	add := func(line int, format string, args ...any) {
		probs = append(probs, Problem{Line: line, Msg: fmt.Sprintf(format, args...)})
	}
	pos := &positions{}
	if src != nil {
		parsed, err := Parse(src)
		if err != nil {
			pe, ok := err.(*ParseError)
			if !ok {
				pe = &ParseError{Msg: err.Error()}
			}
			return []Problem{{Line: pe.Line, Msg: pe.Msg}}
		}
		if p == nil {
			p = parsed
		}
		pos = parsed.pos
	} else if p != nil && p.pos != nil {
		pos = p.pos
	}
	if p == nil {
		return []Problem{{Msg: "no plan"}}
	}
	if p.Version != PlanVersion {
		add(pos.version, "unknown plan version %d (this cleave reads version %d)", p.Version, PlanVersion)
	}

	noGraph := g == nil
	if noGraph {
		g = &analyzer.Graph{}
	}
	pg := newPkgGraph(g)
	if !noGraph && p.Module != g.Module {
		add(pos.module, "plan is for module %q, the code is module %q", p.Module, g.Module)
	}
	// where holds, for each package named, where it was first seen.
	where := map[string]string{}
	names := map[string]bool{}
	for i, s := range p.Services {
		if s == nil {
			add(pos.services, "service %d is empty", i+1)
			continue
		}
		sp := svcPos{}
		if i < len(pos.svc) {
			sp = pos.svc[i]
		}
		switch {
		case !validName(s.Name):
			add(sp.name, "service name %q is not a lower-case Go identifier", s.Name)
		case names[s.Name]:
			add(sp.name, "service %s is named twice", s.Name)
		}
		names[s.Name] = true
		if len(s.Packages) == 0 {
			add(sp.line, "service %s has no packages", s.Name)
		}
		for j, path := range s.Packages {
			line := sp.name
			if j < len(sp.pkgs) {
				line = sp.pkgs[j]
			}
			if _, ok := pg.index[path]; !ok && !noGraph {
				add(line, "package %s does not exist in %s", path, g.Module)
			}
			if prev, ok := where[path]; ok {
				add(line, "package %s is in service %s and in %s", path, s.Name, prev)
				continue
			}
			where[path] = "service " + s.Name
		}
	}
	for j, path := range p.Shared {
		line := pos.shared
		if j < len(pos.sharedPkg) {
			line = pos.sharedPkg[j]
		}
		if _, ok := pg.index[path]; !ok && !noGraph {
			add(line, "shared package %s does not exist in %s", path, g.Module)
		}
		if prev, ok := where[path]; ok {
			add(line, "package %s is shared and in %s", path, prev)
			continue
		}
		where[path] = "shared"
	}
	for _, path := range pg.paths {
		if _, ok := where[path]; !ok {
			add(pos.services, "package %s is in no service (add it to one, or to shared)", path)
		}
	}

	// Constraints name packages that exist, and valid kinds.
	c := p.Constraints
	exists := func(what, path string) {
		if _, ok := pg.index[path]; !ok && !noGraph {
			add(pos.constr, "constraints: %s names package %s, which does not exist in %s", what, path, g.Module)
		}
	}
	for _, pin := range c.Pin {
		exists("pin", pin.Package)
		if !validName(pin.Service) {
			add(pos.constr, "constraints: pin of %s: service name %q is not a lower-case Go identifier", pin.Package, pin.Service)
		}
	}
	for _, grp := range c.Together {
		for _, path := range grp {
			exists("together", path)
		}
	}
	for _, grp := range c.Apart {
		for _, path := range grp {
			exists("apart", path)
		}
	}
	for _, path := range c.Shared {
		exists("shared", path)
	}
	for _, k := range c.Kinds {
		if k.Kind != KindEvent && k.Kind != KindRequest {
			add(pos.constr, "constraints: kind of %s: %q is neither %s nor %s", k.Function, k.Kind, KindRequest, KindEvent)
		}
	}

	// Topics: compare with the ones the services imply.
	pg.applyKinds(p.Constraints.Kinds)
	s := resolve(pg, p)
	want := map[string]*Topic{}
	for _, t := range s.topics() {
		want[t.Function] = t
	}
	subjects := map[string]bool{}
	have := map[string]bool{}
	for i, t := range p.Topics {
		if t == nil {
			continue
		}
		tp := topicPos{}
		if i < len(pos.topics) {
			tp = pos.topics[i]
		}
		if subjects[t.Subject] {
			add(tp.subject, "subject %s is used by two topics", t.Subject)
		}
		subjects[t.Subject] = true
		if t.Kind != KindRequest && t.Kind != KindEvent {
			add(tp.line, "topic %s: kind %q is neither %s nor %s", t.Subject, t.Kind, KindRequest, KindEvent)
		}
		have[t.Function] = true
		w, ok := want[t.Function]
		switch {
		case noGraph:
		case !ok:
			add(tp.function, "topic %s: calls to %s no longer cross services (run cleave plan --update)", t.Subject, t.Function)
		case w.Consumer != t.Consumer:
			add(tp.line, "topic %s: %s is in service %s, not %s", t.Subject, t.Function, w.Consumer, t.Consumer)
		}
	}
	for _, f := range sortedStrings(want) {
		if !have[f] {
			w := want[f]
			add(pos.topicsKey, "calls from %s to %s cross into service %s but have no topic (run cleave plan --update)", strings.Join(w.Producers, ", "), f, w.Consumer)
		}
	}
	slices.SortStableFunc(probs, func(a, b Problem) int { return cmp.Compare(a.Line, b.Line) })
	return probs
}

// validName reports whether s is a lower-case Go identifier that is not a
// keyword: a valid service name (it becomes a package and a subject token).
func validName(s string) bool {
	if s == "" || !gotoken.IsIdentifier(s) || gotoken.IsKeyword(s) {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

func sortedStrings[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

package review

import (
	"fmt"
	"go/token"
	"slices"
	"strings"
	"unicode"

	"github.com/cleave-go/cleave/planner"
)

// Edit operations.
const (
	OpMove   = "move"   // Package to service To
	OpCreate = "create" // empty service Service
	OpRename = "rename" // service Service to To
	OpMerge  = "merge"  // service Service into service To
	OpDelete = "delete" // empty service Service
	OpKind   = "kind"   // topic of Function becomes Kind
	OpShare  = "share"  // Package leaves its service for the shared packages
)

// Edit is one change the person makes to a plan's services or kinds.
type Edit struct {
	Op       string `json:"op"`
	Package  string `json:"package,omitempty"`
	Service  string `json:"service,omitempty"`
	To       string `json:"to,omitempty"`
	Function string `json:"function,omitempty"`
	Kind     string `json:"kind,omitempty"`
}

// EditError is an edit refused because it would make the plan invalid.
type EditError struct{ Msg string }

func (e *EditError) Error() string { return e.Msg }

func refuse(format string, args ...any) error { return &EditError{fmt.Sprintf(format, args...)} }

// Apply makes e on p's services, shared packages and constraints; the
// derived parts (topics, blockers, scores) are left for the planner to
// refresh. known reports whether a package path belongs to the module.
// On error p may be partly changed: apply edits to a copy.
func Apply(p *planner.Plan, e Edit, known func(string) bool) error {
	before := map[string]bool{}
	for _, msg := range problems(p, known) {
		before[msg] = true
	}
	svc := func(name string) (*planner.Service, error) {
		if name == "" {
			return nil, refuse("no service named")
		}
		for _, s := range p.Services {
			if s.Name == name {
				return s, nil
			}
		}
		return nil, refuse("there is no service named %q", name)
	}
	switch e.Op {
	case OpMove:
		if e.Package == "" {
			return refuse("no package named")
		}
		if !known(e.Package) {
			return refuse("unknown package %q: it is not a package of %s", e.Package, p.Module)
		}
		to, err := svc(e.To)
		if err != nil {
			return err
		}
		if slices.Contains(to.Packages, e.Package) {
			return refuse("package %q is already in service %q", e.Package, to.Name)
		}
		for _, s := range p.Services {
			s.Packages = slices.DeleteFunc(s.Packages, func(q string) bool { return q == e.Package })
		}
		p.Shared = slices.DeleteFunc(p.Shared, func(q string) bool { return q == e.Package })
		p.Constraints.Shared = slices.DeleteFunc(p.Constraints.Shared, func(q string) bool { return q == e.Package })
		to.Packages = append(to.Packages, e.Package)
		slices.Sort(to.Packages)
		for i := range p.Constraints.Pin {
			if p.Constraints.Pin[i].Package == e.Package {
				p.Constraints.Pin[i].Service = to.Name
			}
		}
	case OpShare:
		if !known(e.Package) {
			return refuse("unknown package %q: it is not a package of %s", e.Package, p.Module)
		}
		if slices.Contains(p.Shared, e.Package) {
			return refuse("package %q is already shared", e.Package)
		}
		for _, s := range p.Services {
			s.Packages = slices.DeleteFunc(s.Packages, func(q string) bool { return q == e.Package })
		}
		p.Constraints.Pin = slices.DeleteFunc(p.Constraints.Pin, func(pin planner.Pin) bool { return pin.Package == e.Package })
		p.Shared = append(p.Shared, e.Package)
		slices.Sort(p.Shared)
		if !slices.Contains(p.Constraints.Shared, e.Package) {
			p.Constraints.Shared = append(p.Constraints.Shared, e.Package)
			slices.Sort(p.Constraints.Shared)
		}
	case OpCreate:
		if err := checkName(p, e.Service); err != nil {
			return err
		}
		p.Services = append(p.Services, &planner.Service{Name: e.Service, Packages: []string{}})
	case OpRename:
		s, err := svc(e.Service)
		if err != nil {
			return err
		}
		if e.To == s.Name {
			return nil
		}
		if err := checkName(p, e.To); err != nil {
			return err
		}
		renamePins(p, s.Name, e.To)
		s.Name = e.To
	case OpMerge:
		from, err := svc(e.Service)
		if err != nil {
			return err
		}
		into, err := svc(e.To)
		if err != nil {
			return err
		}
		if from == into {
			return refuse("cannot merge service %q into itself", from.Name)
		}
		into.Packages = append(into.Packages, from.Packages...)
		slices.Sort(into.Packages)
		into.Edge = into.Edge || from.Edge
		renamePins(p, from.Name, into.Name)
		p.Services = slices.DeleteFunc(p.Services, func(s *planner.Service) bool { return s == from })
	case OpDelete:
		s, err := svc(e.Service)
		if err != nil {
			return err
		}
		if len(s.Packages) > 0 {
			return refuse("service %q still has %s: move them or merge it into another service", s.Name, plural(len(s.Packages), "package"))
		}
		p.Constraints.Pin = slices.DeleteFunc(p.Constraints.Pin, func(pin planner.Pin) bool { return pin.Service == s.Name })
		p.Services = slices.DeleteFunc(p.Services, func(x *planner.Service) bool { return x == s })
	case OpKind:
		if e.Kind != planner.KindRequest && e.Kind != planner.KindEvent {
			return refuse("kind %q is neither %q nor %q", e.Kind, planner.KindRequest, planner.KindEvent)
		}
		if !slices.ContainsFunc(p.Topics, func(t *planner.Topic) bool { return t.Function == e.Function }) {
			return refuse("no topic carries function %q", e.Function)
		}
		i := slices.IndexFunc(p.Constraints.Kinds, func(k planner.KindChoice) bool { return k.Function == e.Function })
		if i >= 0 {
			p.Constraints.Kinds[i].Kind = e.Kind
		} else {
			p.Constraints.Kinds = append(p.Constraints.Kinds, planner.KindChoice{Function: e.Function, Kind: e.Kind})
		}
	default:
		return refuse("unknown edit %q", e.Op)
	}
	// Refuse what the edit broke; what was broken before (a plan that
	// names a package gone from the code) is for the person to mend.
	for _, msg := range problems(p, known) {
		if !before[msg] {
			return &EditError{msg}
		}
	}
	return nil
}

func renamePins(p *planner.Plan, from, to string) {
	for i := range p.Constraints.Pin {
		if p.Constraints.Pin[i].Service == from {
			p.Constraints.Pin[i].Service = to
		}
	}
}

// moveEdge keeps the edge mark on the service that holds the program's
// main packages, when main reports them.
func moveEdge(p *planner.Plan, main func(string) bool) {
	has := func(s *planner.Service) bool { return slices.ContainsFunc(s.Packages, main) }
	if !slices.ContainsFunc(p.Services, has) {
		return
	}
	for _, s := range p.Services {
		s.Edge = has(s)
	}
}

// checkName refuses a name that cannot be a new service's.
func checkName(p *planner.Plan, name string) error {
	if err := validName(name); err != nil {
		return err
	}
	for _, s := range p.Services {
		if s.Name == name {
			return refuse("there is already a service named %q", name)
		}
	}
	return nil
}

func validName(name string) error {
	if name == "" {
		return refuse("a service needs a name")
	}
	if !token.IsIdentifier(name) || strings.ToLower(name) != name || !unicode.IsLetter([]rune(name)[0]) {
		return refuse("service name %q is not a lower-case Go identifier (like orders or billing2)", name)
	}
	return nil
}

// Validate checks the parts of p a person edits: service names are valid
// and unique, and every package is known and in one service at most. It
// returns the first problem.
func Validate(p *planner.Plan, known func(string) bool) error {
	if probs := problems(p, known); len(probs) > 0 {
		return &EditError{probs[0]}
	}
	return nil
}

func problems(p *planner.Plan, known func(string) bool) []string {
	var probs []string
	names := map[string]bool{}
	where := map[string]string{}
	for _, s := range p.Services {
		if err := validName(s.Name); err != nil {
			probs = append(probs, err.Error())
		}
		if names[s.Name] {
			probs = append(probs, fmt.Sprintf("there are two services named %q", s.Name))
		}
		names[s.Name] = true
		for _, pkg := range s.Packages {
			if !known(pkg) {
				probs = append(probs, fmt.Sprintf("unknown package %q in service %q", pkg, s.Name))
			}
			if other, ok := where[pkg]; ok {
				probs = append(probs, fmt.Sprintf("package %q would be in both %q and %q", pkg, other, s.Name))
			}
			where[pkg] = s.Name
		}
	}
	for _, pkg := range p.Shared {
		if other, ok := where[pkg]; ok {
			probs = append(probs, fmt.Sprintf("package %q would be both shared and in %q", pkg, other))
		}
	}
	return probs
}

// clone copies the parts of p that edits and the planner change.
func clone(p *planner.Plan) *planner.Plan {
	c := *p
	c.Services = make([]*planner.Service, len(p.Services))
	for i, s := range p.Services {
		cs := *s
		cs.Packages = slices.Clone(s.Packages)
		c.Services[i] = &cs
	}
	c.Shared = slices.Clone(p.Shared)
	c.Constraints.Pin = slices.Clone(p.Constraints.Pin)
	c.Constraints.Kinds = slices.Clone(p.Constraints.Kinds)
	c.Constraints.Shared = slices.Clone(p.Constraints.Shared)
	c.Constraints.Together = cloneGroups(p.Constraints.Together)
	c.Constraints.Apart = cloneGroups(p.Constraints.Apart)
	c.Topics = make([]*planner.Topic, len(p.Topics))
	for i, t := range p.Topics {
		ct := *t
		ct.Producers = slices.Clone(t.Producers)
		ct.Sites = slices.Clone(t.Sites)
		c.Topics[i] = &ct
	}
	c.Blockers = make([]*planner.Blocker, len(p.Blockers))
	for i, b := range p.Blockers {
		cb := *b
		c.Blockers[i] = &cb
	}
	if p.Scores != nil {
		r := *p.Scores
		c.Scores = &r
	}
	return &c
}

func cloneGroups(gs [][]string) [][]string {
	if gs == nil {
		return nil
	}
	c := make([][]string, len(gs))
	for i, g := range gs {
		c[i] = slices.Clone(g)
	}
	return c
}

package planner

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/cleave-go/cleave/analyzer"
)

// split is a plan's assignment resolved against a graph.
type split struct {
	pg     *pkgGraph
	pt     partition
	names  []string // service index → name
	prefix string
	kinds  map[string]string // function ID → kind override
	shared map[int]bool
}

// resolve maps p's services onto pg. Packages of pg the plan does not name
// belong to no service; names the graph does not know are ignored.
func resolve(pg *pkgGraph, p *Plan) *split {
	s := &split{pg: pg, prefix: p.Prefix, kinds: map[string]string{}, shared: map[int]bool{}}
	s.pt.comm = make([]int, len(pg.paths))
	for i := range s.pt.comm {
		s.pt.comm[i] = -1
	}
	for _, path := range p.Shared {
		if i, ok := pg.index[path]; ok {
			s.shared[i] = true
		}
	}
	for k, svc := range p.Services {
		if svc == nil {
			s.names = append(s.names, "")
			continue
		}
		s.names = append(s.names, svc.Name)
		for _, path := range svc.Packages {
			if i, ok := pg.index[path]; ok && s.pt.comm[i] < 0 && !s.shared[i] {
				s.pt.comm[i] = k
			}
		}
	}
	s.pt.k = len(p.Services)
	s.pt.shared = s.shared
	for _, kc := range p.Constraints.Kinds {
		s.kinds[kc.Function] = kc.Kind
	}
	return s
}

// crossing is one call from one service into another.
type crossing struct {
	call     *analyzer.Call
	from, to int // services
}

// crossings returns the calls of the graph that cross services and become
// topics (not those that stay in-process), in graph order.
func (s *split) crossings() []crossing {
	var cs []crossing
	for i, c := range s.pg.g.Calls {
		a, b := s.pg.callPkg[i][0], s.pg.callPkg[i][1]
		if a < 0 || b < 0 {
			continue
		}
		ca, cb := s.pt.comm[a], s.pt.comm[b]
		if ca < 0 || cb < 0 || ca == cb || s.pg.inproc[i] != "" {
			continue
		}
		cs = append(cs, crossing{c, ca, cb})
	}
	return cs
}

// topics derives one topic per cross-service callee, sorted by subject.
func (s *split) topics() []*Topic {
	type acc struct {
		consumer  int
		producers map[int]bool
		sites     []analyzer.Pos
	}
	by := map[string]*acc{}
	var order []string
	for _, c := range s.crossings() {
		a := by[c.call.Callee]
		if a == nil {
			a = &acc{consumer: c.to, producers: map[int]bool{}}
			by[c.call.Callee] = a
			order = append(order, c.call.Callee)
		}
		a.producers[c.from] = true
		a.sites = append(a.sites, c.call.Site.Pos)
	}
	slices.Sort(order)

	var topics []*Topic
	for _, id := range order {
		a := by[id]
		t := &Topic{Function: id, Consumer: s.names[a.consumer], Kind: KindRequest}
		if f := s.pg.funcs[id]; f != nil && len(f.Results) == 0 {
			t.Kind = KindEvent
		}
		if k, ok := s.kinds[id]; ok && (k == KindEvent || k == KindRequest) {
			t.Kind = k
		}
		for _, k := range sortedKeys(a.producers) {
			t.Producers = append(t.Producers, s.names[k])
		}
		slices.Sort(t.Producers)
		slices.SortFunc(a.sites, comparePos)
		a.sites = slices.Compact(a.sites)
		for _, p := range a.sites {
			t.Sites = append(t.Sites, p.String())
		}
		topics = append(topics, t)
	}
	s.subjects(topics)
	slices.SortFunc(topics, func(a, b *Topic) int {
		return cmp.Or(cmp.Compare(a.Subject, b.Subject), cmp.Compare(a.Function, b.Function))
	})
	return topics
}

// subjects names each topic <prefix>.<service>.<Func> or
// <prefix>.<service>.<Type>.<Method>. When two callees of one service would
// share a subject, each is qualified by its package name
// (<prefix>.<service>.<package>.<Func>); when the package names are the
// same too (users/store and orders/store), by the package's directory
// (<prefix>.<service>.users_store.<Func>); a clash left after that gets a
// number. Every topic's subject is distinct.
func (s *split) subjects(topics []*Topic) {
	const levels = 3 // 0: bare, 1: package name, 2: package directory
	base := func(t *Topic, level int) string {
		parts := []string{subjectToken(s.prefix), subjectToken(t.Consumer)}
		f := s.pg.funcs[t.Function]
		name, recv, qual := t.Function, "", ""
		if f != nil {
			name, recv = f.Name, f.Recv
			if i, ok := s.pg.index[f.Package]; ok {
				switch p := s.pg.pkgs[i]; level {
				case 1:
					qual = p.Name
				case 2:
					qual = strings.ReplaceAll(cmp.Or(p.Dir, ".", p.Name), "/", "_")
					if qual == "." {
						qual = p.Name
					}
				}
			}
		}
		if qual != "" {
			parts = append(parts, subjectToken(qual))
		}
		if recv != "" {
			parts = append(parts, subjectToken(recvType(recv)))
		}
		return strings.Join(append(parts, subjectToken(name)), ".")
	}
	level := make([]int, len(topics))
	for {
		count := map[string]int{}
		for i, t := range topics {
			t.Subject = base(t, level[i])
			count[t.Subject]++
		}
		raised := false
		for i, t := range topics {
			if count[t.Subject] > 1 && level[i] < levels-1 {
				level[i]++
				raised = true
			}
		}
		if !raised {
			break
		}
	}
	// Still the same (two receivers named alike in one directory can
	// only clash after subjectToken): number them in topic order.
	seen := map[string]int{}
	for _, t := range topics {
		seen[t.Subject]++
		if n := seen[t.Subject]; n > 1 {
			t.Subject += "_" + strconv.Itoa(n)
		}
	}
}

// recvType strips the pointer and type arguments from a receiver type.
func recvType(recv string) string {
	recv = strings.TrimPrefix(recv, "*")
	if i := strings.IndexByte(recv, '['); i >= 0 {
		recv = recv[:i]
	}
	return recv
}

// subjectToken makes s a valid NATS subject token: no dots, spaces, wildcards.
func subjectToken(s string) string {
	if s == "" {
		return "_"
	}
	return strings.Map(func(r rune) rune {
		if r == '.' || r == '*' || r == '>' || unicode.IsSpace(r) || r == '$' {
			return '_'
		}
		return r
	}, s)
}

func comparePos(a, b analyzer.Pos) int {
	return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col))
}

// blockers returns the hazards that touch a crossing: a hazard on a callee
// some topic crosses into, or a shared variable used from a service other
// than the one that owns it (or, for a variable of a shared package, used
// from two services: each process would get its own copy) — one blocker
// per variable, at its first use, listing the other uses. A variable only
// start-up code writes (a configuration main parses) blocks nothing: every
// process sets its own copy the same way.
func (s *split) blockers(topics []*Topic) []*Blocker {
	subj := map[string]string{}
	request := map[string]bool{}
	for _, t := range topics {
		subj[t.Function] = t.Subject
		request[t.Function] = t.Kind == KindRequest
	}
	type posBlocker struct {
		pos analyzer.Pos
		b   *Blocker
	}
	var pbs []posBlocker
	uses := map[string][]*analyzer.Hazard{} // shared-var hazards by variable
	var vars []string
	for _, h := range s.pg.g.Hazards {
		b := &Blocker{Kind: h.Kind, Pos: h.Pos.String(), Message: h.Message, Fix: h.Fix}
		if h.Func != "" {
			if h.Kind == analyzer.HazardPointerWrite && request[h.Func] && copiedBack(s.pg.funcs[h.Func], h.Object) {
				continue // the request carries the pointee both ways
			}
			if sub, ok := subj[h.Func]; ok {
				b.Topic = sub
				pbs = append(pbs, posBlocker{h.Pos, b})
			}
			continue
		}
		if h.Kind == analyzer.HazardSharedVar && s.varBlocks(h) {
			if uses[h.Object] == nil {
				vars = append(vars, h.Object)
			}
			uses[h.Object] = append(uses[h.Object], h)
		}
	}
	// One blocker per variable, at its first use, naming the others.
	for _, v := range vars {
		hs := uses[v]
		slices.SortFunc(hs, func(a, b *analyzer.Hazard) int { return comparePos(a.Pos, b.Pos) })
		h := hs[0]
		b := &Blocker{Kind: h.Kind, Pos: h.Pos.String(), Message: h.Message, Fix: h.Fix}
		var more []string
		for _, o := range hs[1:] {
			if p := o.Pos.String(); p != b.Pos && !slices.Contains(more, p) {
				more = append(more, p)
			}
		}
		if len(more) > 0 {
			b.Message += "; also used at " + strings.Join(more, ", ")
		}
		pbs = append(pbs, posBlocker{h.Pos, b})
	}
	// Methods of values made per request cannot cross: the callee's
	// service never has the value.
	for _, t := range topics {
		f := s.pg.funcs[t.Function]
		if f == nil || f.Recv == "" {
			continue
		}
		typ := f.Package + "." + strings.TrimPrefix(f.Recv, "*")
		made, ok := s.pg.madePerRequest[typ]
		if !ok {
			continue
		}
		short := typ[strings.LastIndex(typ, "/")+1:]
		for _, site := range t.Sites {
			b := &Blocker{Kind: BlockerRequestValue, Pos: site, Topic: t.Subject,
				Message: short + " values are made per request (" + made.String() + "): the " + t.Consumer + " service never has them",
				Fix:     "pass the data " + f.Name + " needs instead of the value, or keep " + short + "'s methods in the caller's service"}
			pbs = append(pbs, posBlocker{parsePos(site), b})
		}
	}
	for _, lc := range s.localCopies() {
		pbs = append(pbs, posBlocker{lc.sites[0], lc.blocker()})
	}
	for _, sc := range s.sharedCalls() {
		b := &Blocker{Kind: BlockerSharedCall, Pos: sc.sites[0].String(), Fix: "take " + sc.pkg + " out of shared (it then belongs to a service and its calls become topics), or pin it to " + sc.service}
		b.Message = sc.pkg + " is shared but calls " + sc.callee + " of service " + sc.service + ": every process runs it on its own copy"
		var more []string
		for _, p := range sc.sites[1:] {
			more = append(more, p.String())
		}
		if len(more) > 0 {
			b.Message += "; also at " + strings.Join(more, ", ")
		}
		pbs = append(pbs, posBlocker{sc.sites[0], b})
	}
	slices.SortFunc(pbs, func(a, b posBlocker) int {
		return cmp.Or(comparePos(a.pos, b.pos), cmp.Compare(a.b.Kind, b.b.Kind), cmp.Compare(a.b.Topic, b.b.Topic), cmp.Compare(a.b.Message, b.b.Message))
	})
	bs := make([]*Blocker, 0, len(pbs))
	for _, pb := range pbs {
		bs = append(bs, pb.b)
	}
	return slices.CompactFunc(bs, func(a, b *Blocker) bool { return *a == *b })
}

// BlockerRequestValue is the kind of a blocker on a method call whose
// receiver the caller's request-time code made: it exists only in the
// caller's process.
const BlockerRequestValue = "request-value"

// BlockerSharedCall is the kind of a blocker on a shared package calling
// into a service: linked into every service, its code calls the local copy
// of the service's objects in every process but the service's own.
const BlockerSharedCall = "shared-call"

// sharedCall is a shared package's calls into one service's function.
type sharedCall struct {
	pkg, callee, service string
	sites                []analyzer.Pos
}

// sharedCalls returns the calls from shared packages into services' code,
// by name or through an interface, one entry per shared package and
// callee, sorted by first site. Packages no package imports (test kits),
// callbacks (func values, web handlers a middleware calls next) and calls
// that stay in-process on the caller's own objects anyway (constructors,
// start-up wiring, value methods, methods of data types; see onOwnCopy)
// are left out.
func (s *split) sharedCalls() []sharedCall {
	type key struct{ pkg, callee int }
	by := map[key]*sharedCall{}
	var keys []key
	// A package no main imports (test support) runs in no service.
	support := testSupport(s.pg.g)
	for i, c := range s.pg.g.Calls {
		a, b := s.pg.callPkg[i][0], s.pg.callPkg[i][1]
		if a < 0 || b < 0 || a == b || !s.shared[a] || support[s.pg.paths[a]] || s.pt.comm[b] < 0 || c.Via == analyzer.ViaFuncValue || s.pg.onOwnCopy(i) {
			continue
		}
		if f := s.pg.funcs[c.Callee]; f == nil || isWebHandler(f, s.pg.g.Module) {
			continue
		}
		k := key{a, s.pg.calleeIdx[i]}
		sc := by[k]
		if sc == nil {
			sc = &sharedCall{pkg: s.pg.paths[a], callee: c.Callee, service: s.names[s.pt.comm[b]]}
			by[k] = sc
			keys = append(keys, k)
		}
		sc.sites = append(sc.sites, c.Site.Pos)
	}
	out := make([]sharedCall, 0, len(keys))
	for _, k := range keys {
		sc := by[k]
		sc.sites = sortedPositions(sc.sites)
		out = append(out, *sc)
	}
	slices.SortFunc(out, func(a, b sharedCall) int {
		return cmp.Or(comparePos(a.sites[0], b.sites[0]), cmp.Compare(a.callee, b.callee))
	})
	return out
}

// varBlocks reports whether the variable of shared-var hazard h blocks
// the split: it crosses (varCrosses) and code other than start-up writes
// it (see startupVars).
func (s *split) varBlocks(h *analyzer.Hazard) bool {
	return s.varCrosses(h) && !s.pg.startupVars()[h.Object]
}

// varCrosses reports whether the variable of a shared-var hazard is used
// from a service that does not own it: the hazard's package and the
// variable's are in different services, or the variable's package is
// shared and its users are in two services or more (each would get its own
// copy).
func (s *split) varCrosses(h *analyzer.Hazard) bool {
	owner, ok := s.pg.index[objectPackage(h.Object)]
	user, ok2 := s.pg.index[h.Package]
	if !ok || !ok2 {
		return false
	}
	co, cu := s.pt.comm[owner], s.pt.comm[user]
	if co >= 0 {
		return cu >= 0 && cu != co
	}
	if !s.shared[owner] {
		return false
	}
	svcs := map[int]bool{}
	for u := range s.pg.mutable[owner] {
		if c := s.pt.comm[u]; c >= 0 {
			svcs[c] = true
		}
	}
	return len(svcs) > 1
}

// counts returns the number of topics and blockers of s without building
// them: the distinct callees of crossing calls, and the hazards blockers
// would list.
func (s *split) counts() (topics, blockers int) {
	crossing := make([]bool, s.pg.callees)
	callees := map[string]bool{}
	for i, c := range s.pg.g.Calls {
		a, b := s.pg.callPkg[i][0], s.pg.callPkg[i][1]
		if a < 0 || b < 0 || crossing[s.pg.calleeIdx[i]] || s.pg.inproc[i] != "" {
			continue
		}
		if ca, cb := s.pt.comm[a], s.pt.comm[b]; ca >= 0 && cb >= 0 && ca != cb {
			crossing[s.pg.calleeIdx[i]] = true
			callees[c.Callee] = true
		}
	}
	seen := map[Blocker]bool{}
	for _, h := range s.pg.g.Hazards {
		switch {
		case h.Func != "" && callees[h.Func]:
		case h.Func == "" && h.Kind == analyzer.HazardSharedVar && s.varBlocks(h):
			// As in blockers: one per variable.
			seen[Blocker{Kind: h.Kind, Pos: h.Object}] = true
			continue
		default:
			continue
		}
		// As in blockers: one per hazard position, kind and callee.
		seen[Blocker{Kind: h.Kind, Pos: h.Pos.String(), Message: h.Message, Fix: h.Fix, Topic: h.Func}] = true
	}
	// As in blockers: one per crossing site of a method of a value made
	// per request.
	perRequest := map[string]bool{}
	if len(s.pg.madePerRequest) > 0 {
		for i, c := range s.pg.g.Calls {
			f := s.pg.funcs[c.Callee]
			if f == nil || f.Recv == "" || !callees[c.Callee] || s.pg.inproc[i] != "" {
				continue
			}
			a, b := s.pg.callPkg[i][0], s.pg.callPkg[i][1]
			if a < 0 || b < 0 || s.pt.comm[a] < 0 || s.pt.comm[a] == s.pt.comm[b] {
				continue
			}
			if _, ok := s.pg.madePerRequest[f.Package+"."+strings.TrimPrefix(f.Recv, "*")]; ok {
				perRequest[c.Site.Pos.String()] = true
			}
		}
	}
	return len(callees), len(seen) + len(s.sharedCalls()) + len(perRequest) + len(s.localCopies())
}

// BlockerLocalCopy is the kind of a blocker on a call that crosses
// services but stays a direct call (its shape cannot travel) on a method
// of an object that keeps state in memory: every process builds its own
// such object, so the call runs on the caller's copy, whose state is not
// the callee service's.
const BlockerLocalCopy = "local-copy"

// localCopy is the direct calls of one such method across services.
type localCopy struct {
	callee  *analyzer.Func
	reason  string
	why     string
	service string // the callee's
	caller  string // a caller's package
	sites   []analyzer.Pos
}

func (lc localCopy) blocker() *Blocker {
	short := shortFunc(lc.callee)
	recv := lc.callee.Package[strings.LastIndex(lc.callee.Package, "/")+1:] + "." + strings.TrimPrefix(lc.callee.Recv, "*")
	b := &Blocker{Kind: BlockerLocalCopy, Pos: lc.sites[0].String(),
		Message: short + " stays a direct call (" + lc.reason + ": " + lc.why + "), so it runs on this process's own *" + recv + ", not the " + lc.service + " service's: the state it keeps in memory differs between processes",
		Fix:     "keep " + lc.caller + " in the " + lc.service + " service, or change " + short + " so that it can travel (the reason above); harmless only if its state lives outside the process"}
	var more []string
	for _, p := range lc.sites[1:] {
		more = append(more, p.String())
	}
	if len(more) > 0 {
		b.Message += "; also at " + strings.Join(more, ", ")
	}
	return b
}

// localCopies returns the calls of s that cross services, stay direct
// calls for their shape (analyzer.Stay reasons: payload, callee,
// goroutines, site) and call a method of an object keeping state in
// memory (Func.RecvMemory), by callee, sites sorted.
func (s *split) localCopies() []localCopy {
	by := map[string]*localCopy{}
	var order []string
	for i, c := range s.pg.g.Calls {
		switch s.pg.inproc[i] {
		case ReasonPayload, ReasonCallee, ReasonGoroutines, ReasonSite:
		default:
			continue
		}
		f := s.pg.funcs[c.Callee]
		if f == nil || !f.RecvMemory {
			continue
		}
		if c.Via == analyzer.ViaFuncValue && isHandler(f, s.pg.g.Module) {
			// Middleware calling the handler it wraps (`return next(c)`):
			// its closure runs where the route is served, with that
			// handler, on the receiver the route's func value was bound to.
			continue
		}
		a, b := s.pg.callPkg[i][0], s.pg.callPkg[i][1]
		if a < 0 || b < 0 || s.pt.comm[a] < 0 || s.pt.comm[b] < 0 || s.pt.comm[a] == s.pt.comm[b] {
			continue
		}
		lc := by[c.Callee]
		if lc == nil {
			caller := ""
			if cf := s.pg.funcs[c.Caller]; cf != nil {
				caller = cf.Package
			}
			lc = &localCopy{callee: f, reason: s.pg.inproc[i], why: s.pg.inprocWhy[i], service: s.names[s.pt.comm[b]], caller: caller}
			by[c.Callee] = lc
			order = append(order, c.Callee)
		}
		lc.sites = append(lc.sites, c.Site.Pos)
	}
	slices.Sort(order)
	out := make([]localCopy, 0, len(order))
	for _, id := range order {
		lc := by[id]
		lc.sites = sortedPositions(lc.sites)
		out = append(out, *lc)
	}
	return out
}

// parsePos reads a "file:line:col" site back; a malformed one sorts first.
func parsePos(site string) analyzer.Pos {
	var p analyzer.Pos
	parts := strings.Split(site, ":")
	if len(parts) < 3 {
		return p
	}
	p.File = strings.Join(parts[:len(parts)-2], ":")
	p.Line, _ = strconv.Atoi(parts[len(parts)-2])
	p.Col, _ = strconv.Atoi(parts[len(parts)-1])
	return p
}

// copiedBack reports whether a request to f copies its parameter name in
// and out, as cleave apply's generated code does for a pointer parameter
// (not the variadic one): the callee's writes through it come back.
func copiedBack(f *analyzer.Func, name string) bool {
	if f == nil {
		return false
	}
	for i, p := range f.Params {
		if p.Name == name {
			return strings.HasPrefix(p.Type, "*") && !(f.Variadic && i == len(f.Params)-1)
		}
	}
	return false
}

// shortFunc names f as code does: (*accounts.Book).Open, accounts.Open.
func shortFunc(f *analyzer.Func) string {
	pkg := f.Package[strings.LastIndex(f.Package, "/")+1:]
	if f.Recv == "" {
		return pkg + "." + f.Name
	}
	if strings.HasPrefix(f.Recv, "*") {
		return "(*" + pkg + "." + f.Recv[1:] + ")." + f.Name
	}
	return pkg + "." + f.Recv + "." + f.Name
}

// sortedPositions sorts ps and drops repeats.
func sortedPositions(ps []analyzer.Pos) []analyzer.Pos {
	slices.SortFunc(ps, comparePos)
	return slices.CompactFunc(ps, func(a, b analyzer.Pos) bool { return comparePos(a, b) == 0 })
}

package planner

import (
	"context"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"gonum.org/v1/gonum/graph/community"

	"github.com/cleave-go/cleave/analyzer"
)

// refineLimit is the package count above which Propose skips the local-move
// refinement (each move is scored on the whole graph).
const refineLimit = 400

// proposer holds the state of one Propose run. Core packages (neither
// shared nor edge) are grouped into units that never separate; units are
// assigned to communities.
type proposer struct {
	pg *pkgGraph
	c  Constraints

	shared []bool
	edge   []bool
	fact   []pkgFacts // read from the source on first use
	front  []bool     // edge packages that lend the edge service no name
	pin    []string   // package → pinned service name
	// edgeName is the edge service's name (see pinEdge), "" until known.
	edgeName string

	unitOf  []int   // package → unit, -1 for shared and edge packages
	units   [][]int // unit → packages
	unitPin []string
	apart   [][2]int // unit pairs that must not share a community
	uadj    []map[int]float64

	comm []int // unit → community
	k    int
}

func newProposer(pg *pkgGraph, c Constraints) *proposer {
	n := len(pg.paths)
	return &proposer{pg: pg, c: c, shared: make([]bool, n), edge: make([]bool, n), front: make([]bool, n), pin: make([]string, n)}
}

func (pr *proposer) run(ctx context.Context) error {
	pg, c := pr.pg, pr.c
	for _, p := range c.Pin {
		pr.pin[pg.index[p.Package]] = p.Service
	}
	pr.detectShared()
	if c.Services != 1 {
		pr.pinEdge()
		pr.detectEdge()
		pr.edgeValues()
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	pr.buildUnits()
	if c.Services == 1 {
		// One service for everything, the entry points included.
		pr.comm = make([]int, len(pr.units))
		pr.k = min(1, len(pr.units))
		return nil
	}
	res := c.Resolution
	if res <= 0 {
		res = DefaultResolution
	}
	pr.louvain(res, pr.allUnits())
	pr.attachIsolated()
	pr.repair()
	if err := ctx.Err(); err != nil {
		return err
	}
	if c.Services > 0 {
		target := c.Services
		if pr.hasEdge() {
			target--
		}
		target = max(1, min(target, len(pr.units)))
		for pr.k > target && pr.mergeBest() {
		}
		for pr.k < target && pr.splitBest() {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
	}
	if c.Services > 0 && len(pg.paths) <= refineLimit {
		pr.refine(ctx)
	}
	return ctx.Err()
}

// wiredState reports, per package, whether it holds the application's
// state: the program's wiring (main, or a package only main calls) calls
// one of its constructors (a function returning a pointer to a type of its
// package, or New… and Open… functions whatever they return, such as an
// interface of the use case) and the package builds a stateful type (see
// pkgFacts.builds), and code other than the wiring calls into the package
// (by name or through an interface): the wiring makes the object, one per
// process, and hands it to the code that uses it at request time. An
// infrastructure wrapper only the wiring drives (a server's Start and
// Shutdown, a connection pool whose fields the repositories read) is no
// such state.
func (pr *proposer) wiredState() []bool {
	pg := pr.pg
	facts := pr.facts()
	built := make([]bool, len(pg.paths))
	used := make([]bool, len(pg.paths))
	for k, c := range pg.g.Calls {
		a, b := pg.callPkg[k][0], pg.callPkg[k][1]
		if a < 0 || b < 0 || a == b || len(facts[b].builds) == 0 {
			continue
		}
		if !pr.wiring(a) {
			used[b] = true
			continue
		}
		f := pg.funcs[c.Callee]
		if isConstructor(f) || f != nil && f.Recv == "" && (strings.HasPrefix(f.Name, "New") || strings.HasPrefix(f.Name, "Open")) {
			built[b] = true
		}
	}
	for i := range built {
		built[i] = built[i] && used[i]
	}
	return built
}

// wiring reports whether package a is start-up wiring: a main package,
// or a package only main packages call, by name or otherwise
// (internal/app.Run).
func (pr *proposer) wiring(a int) bool {
	pg := pr.pg
	if pg.pkgs[a].Main {
		return true
	}
	cs := pg.in[a]
	for c := range cs {
		if !pg.pkgs[c].Main {
			return false
		}
	}
	return len(cs) > 0
}

// facts returns the source facts of the packages, reading them once.
func (pr *proposer) facts() []pkgFacts {
	if pr.fact == nil {
		pr.fact = readFacts(pr.pg.g, pr.pg.pkgs, pr.pg.g.Funcs)
	}
	return pr.fact
}

func (pr *proposer) hasEdge() bool { return slices.Contains(pr.edge, true) }

func (pr *proposer) allUnits() []int {
	us := make([]int, len(pr.units))
	for i := range us {
		us[i] = i
	}
	return us
}

// detectShared marks the packages named shared by the person, and the
// leaf libraries of the module: packages that call no package of the
// module but shared ones, by name or through an interface (running a
// caller's callback — a func value, the next web handler — does not
// count), are used (called or referenced) by at least three other
// packages and at least a fifth of the module, are smaller than the
// module's median package, and serve no entry point. A leaf package of
// generated protobuf messages (it imports protoimpl or declares
// ProtoMessage methods) is data: shared whatever its size and users. A
// leaf under pkg/, or under an internal/ directory with a user other than
// main, is shared whatever its size and users, unless it is the module's
// largest package or the program's wiring calls a constructor of a
// stateful type it builds (see wiredState: the application's store,
// session table or repository, whatever directory it sits in); a leaf
// under internal/ only main uses is a module main wires up. A package
// with web handlers no code of the module calls (a router calls them)
// serves requests and is never detected as shared. A package nothing in
// the module imports (test support, dead code) is shared. A library with
// mutable package state is still shared; each use of that state from a
// service is a blocker.
func (pr *proposer) detectShared() {
	pg := pr.pg
	for _, p := range pr.c.Shared {
		pr.shared[pg.index[p]] = true
	}
	users := make([]map[int]bool, len(pg.paths))
	for i := range users {
		users[i] = map[int]bool{}
	}
	for a := range pg.paths {
		for _, m := range []map[int]float64{pg.out[a]} {
			for b := range m {
				users[b][a] = true
			}
		}
		for b := range pg.refs[a] {
			users[b][a] = true
		}
		for b := range pg.vars[a] {
			users[b][a] = true
		}
	}
	lines := make([]int, 0, len(pg.pkgs))
	for _, p := range pg.pkgs {
		lines = append(lines, p.Lines)
	}
	slices.Sort(lines)
	median := 0
	if len(lines) > 0 {
		median = lines[len(lines)/2]
	}
	largest := 0
	for _, p := range pg.pkgs {
		largest = max(largest, p.Lines)
	}
	wired := pr.wiredState()
	varsUsed := make([]bool, len(pg.paths)) // package variables another package uses
	for a := range pg.paths {
		for b, k := range pg.vars[a] {
			if a != b && k > 0 {
				varsUsed[b] = true
			}
		}
	}
	reach := make([]map[int]bool, len(pg.paths)) // packages i's interface calls reach
	for k, c := range pg.g.Calls {
		a, b := pg.callPkg[k][0], pg.callPkg[k][1]
		if a < 0 || b < 0 || a == b || c.Via != analyzer.ViaInterface {
			continue
		}
		if f := pg.funcs[c.Callee]; f == nil || isWebHandler(f, pg.g.Module) {
			continue
		}
		if reach[a] == nil {
			reach[a] = map[int]bool{}
		}
		reach[a][b] = true
	}
	n := len(pg.paths)
	// A package no package of the module imports, not a main package and no
	// entry point, is linked by no service: test support (internal/test,
	// fakes for the module's tests) or dead code. It is shared, so that its
	// calls are never rewritten and it pulls no service towards it.
	// So is a package only such packages use (a store kit only an API
	// test kit imports).
	imports := false
	for _, p := range pg.pkgs {
		imports = imports || len(p.Imports) > 0
	}
	support := testSupport(pg.g)
	for i, p := range pg.pkgs {
		if !imports || !support[p.Path] || len(pg.entries[i]) > 0 || pr.pin[i] != "" {
			continue
		}
		byTests := true
		for u := range users[i] {
			byTests = byTests && support[pg.paths[u]]
		}
		if byTests {
			pr.shared[i] = true
		}
	}
	// A package with web request handlers that no code of the module calls
	// (a router outside the module does) serves requests: it is no library.
	// Helpers that take a request (binding, logging) are called by the
	// module; generated RPC dispatchers are not web handlers.
	called := map[string]bool{}
	for _, c := range pg.g.Calls {
		called[c.Callee] = true
	}
	serves := make([]bool, n)
	for _, f := range pg.g.Funcs {
		if i := pg.funcPkg(f.ID); i >= 0 && !called[f.ID] && isWebHandler(f, pg.g.Module) {
			serves[i] = true
		}
	}
	for changed := true; changed; {
		changed = false
		for i, p := range pg.pkgs {
			// Generated RPC code (messages, a connect handler package, a
			// twirp server) is glue every service that serves or calls
			// the RPC links, though the generated server handles requests.
			glue := pr.facts()[i].generated && (pr.facts()[i].proto || pr.facts()[i].rpc)
			if pr.shared[i] || p.Main || pr.pin[i] != "" || serves[i] && !glue || len(pg.entries[i]) > 0 && (pg.hasEntry(i, analyzer.EntryHTTP) || pg.hasEntry(i, analyzer.EntryRPC)) {
				continue
			}
			leaf := true
			for b, k := range pg.static[i] {
				if k > 0 && !pr.shared[b] {
					leaf = false
				}
			}
			// Generated protobuf messages are data every service that
			// sends or reads them links, whatever their size.
			if leaf && (pr.facts()[i].proto || glue) {
				pr.shared[i] = true
				changed = true
				continue
			}
			// A package whose interface calls reach code of a package
			// that is not shared (a controller holding a use case behind
			// an interface) is no library either: linked into every
			// service, it would call each process's own copy of that
			// package's objects, never the service that owns them, and
			// its calls would not be rewritten (calls from shared code
			// never cross). Kept out of the shared packages, it belongs
			// to a service and those calls become topics. Callbacks do
			// not count: calls through func values, and calls of web
			// handlers (middleware calling the next handler).
			for b := range reach[i] {
				leaf = leaf && pr.shared[b]
			}
			fanIn := len(users[i])
			// Go's internal/ directories hold a module's private helpers:
			// a leaf there that other packages of the module use is a
			// library whatever its size or users. A leaf only main packages
			// use is a module the program wires up (internal/modules/orders,
			// internal/album), not a library.
			internal := strings.HasPrefix(p.Dir, "internal/") || strings.Contains(p.Dir, "/internal/") || strings.HasPrefix(strings.TrimPrefix(p.Path, pg.g.Module+"/"), "internal/")
			if internal {
				library := false
				for u := range users[i] {
					library = library || !pg.pkgs[u].Main
				}
				internal = library
			}
			// pkg/ holds a module's libraries by the common Go layout: a
			// leaf there is shared whatever its users (middleware,
			// pagination, a logger).
			rel := strings.TrimPrefix(p.Path, pg.g.Module+"/")
			internal = internal || strings.HasPrefix(rel, "pkg/") && rel != p.Path
			// The layout says nothing about state or size: a leaf whose
			// stateful objects the wiring builds into the program (a
			// store holding its connection or maps behind a lock, a
			// session table), or the module's largest package, is the
			// application's core that happens to live under pkg/ or
			// internal/, not a library every service may link. (A library
			// of stateful data structures each package builds for itself,
			// a generic table, stays one.)
			internal = internal && !wired[i] && !(p.Lines == largest && p.Lines > median)
			// A small leaf of helpers that keeps no state (JSON
			// responders, an HTTP transport) and that two packages or
			// more use is a library too, wherever it lives.
			helpers := fanIn >= 2 && p.Lines < median && !wired[i] && len(pr.facts()[i].builds) == 0 && !varsUsed[i]
			if !leaf || !internal && !helpers && (fanIn < 3 || float64(fanIn) < 0.2*float64(n-1) || p.Lines >= median) {
				continue
			}
			pr.shared[i] = true
			changed = true
		}
	}
}

// handlerFuncs returns, per package, its HTTP handlers: the functions
// registered as HTTP entries, and ServeHTTP methods (an http.Handler
// handed to http.Server or a wrapper); a package whose only handlers are
// ServeHTTP methods routes in them, so the functions of its own they call
// count as handlers too.
func (pr *proposer) handlerFuncs() map[int]map[string]bool {
	pg := pr.pg
	out := map[int]map[string]bool{}
	add := func(i int, id string) {
		if out[i] == nil {
			out[i] = map[string]bool{}
		}
		out[i][id] = true
	}
	for _, e := range pg.g.Entries {
		// A ServeHTTP handed to a server routes in its own package: taken
		// below with the functions it calls.
		serveHTTP := strings.HasSuffix(e.Func, ").ServeHTTP")
		if i := pg.funcPkg(e.Func); i >= 0 && (e.Kind == analyzer.EntryHTTP && !serveHTTP || e.Kind == analyzer.EntryRPC) {
			add(i, e.Func)
		}
	}
	serve := map[int][]string{}
	for _, f := range pg.g.Funcs {
		if f.Name == "ServeHTTP" && f.Recv != "" && isWebHandler(f, pg.g.Module) {
			if i := pg.funcPkg(f.ID); i >= 0 && out[i] == nil {
				serve[i] = append(serve[i], f.ID)
			}
		}
	}
	for i, ids := range serve {
		for _, id := range ids {
			add(i, id)
		}
	}
	if len(serve) > 0 {
		for k, c := range pg.g.Calls {
			a, b := pg.callPkg[k][0], pg.callPkg[k][1]
			if a >= 0 && a == b && serve[a] != nil && slices.Contains(serve[a], c.Caller) {
				add(a, c.Callee)
			}
		}
	}
	return out
}

// delegates reports whether the handlers of package i call functions of
// another package of the module that is neither shared nor the package
// itself: an HTTP adapter in front of services. Handlers that do their
// work with their own package's code and shared libraries belong to a
// module that serves HTTP itself (models, queries and routes in one
// package, as gin and ozzo-routing examples write them): that package is
// a service, not the edge.
func (pr *proposer) delegates(i int, handlers map[string]bool) bool {
	pg := pr.pg
	for k, c := range pg.g.Calls {
		a, b := pg.callPkg[k][0], pg.callPkg[k][1]
		if a == i && b >= 0 && b != i && !pr.shared[b] && handlers[c.Caller] {
			return true
		}
	}
	return false
}

// detectEdge marks the entry-point packages: main packages and packages
// of CLI commands (command entries); wiring
// packages (only main packages call them by name, and they call the
// constructors — New… functions — of three or more non-shared packages);
// front helpers (only main packages call them, and they import nothing of
// the module: a health check); and
// packages with HTTP handlers that only edge packages call by name and
// that hand the requests' work to other packages (see delegates).
// Pinned and shared packages are never edge.
func (pr *proposer) detectEdge() {
	pg := pr.pg
	free := func(i int) bool { return !pr.edge[i] && !pr.shared[i] && pr.pin[i] == "" }
	for i, p := range pg.pkgs {
		// A package of CLI commands the library runs (go-flags' Execute)
		// starts the program as main does: its wiring is the edge's.
		if (p.Main || pg.hasEntry(i, analyzer.EntryCommand)) && !pr.shared[i] && pr.pin[i] == "" {
			pr.edge[i] = true
		}
	}
	callers := func(i int) []int {
		return sortedKeys(pg.staticIn[i])
	}
	// A package that imports nothing of the module and that only main
	// packages call is a part of the program's front (a health check, a
	// version endpoint), not a service.
	if len(pg.g.Packages) > 0 && slices.ContainsFunc(pg.pkgs, func(p *analyzer.Package) bool { return len(p.Imports) > 0 }) {
		for i, p := range pg.pkgs {
			if !free(i) || len(p.Imports) > 0 || len(pg.vars[i]) > 0 || len(pg.refs[i]) > 0 {
				continue
			}
			cs := callers(i)
			onlyMain := len(cs) > 0
			for _, a := range cs {
				onlyMain = onlyMain && pg.pkgs[a].Main
			}
			if onlyMain && len(pg.in[i]) == len(cs) {
				pr.edge[i], pr.front[i] = true, true
			}
		}
	}
	for i := range pg.pkgs {
		if !free(i) {
			continue
		}
		cs := callers(i)
		onlyMain := len(cs) > 0
		for _, a := range cs {
			onlyMain = onlyMain && pg.pkgs[a].Main
		}
		if onlyMain && len(pr.constructed(i)) >= 3 {
			pr.edge[i] = true
		}
	}
	handlers := pr.handlerFuncs()
	for changed := true; changed; {
		changed = false
		for i := range pg.pkgs {
			if !free(i) || len(handlers[i]) == 0 || !pr.delegates(i, handlers[i]) {
				continue
			}
			onlyEdge := true
			for _, a := range callers(i) {
				onlyEdge = onlyEdge && pr.edge[a]
			}
			if onlyEdge {
				pr.edge[i] = true
				changed = true
			}
		}
	}
	// A together group with an edge package is all edge.
	for _, grp := range pr.c.Together {
		anyEdge := false
		for _, p := range grp {
			anyEdge = anyEdge || pr.edge[pg.index[p]]
		}
		if anyEdge {
			for _, p := range grp {
				i := pg.index[p]
				if !pr.shared[i] && pr.pin[i] == "" {
					pr.edge[i] = true
				}
			}
		}
	}
}

// edgeValues puts in the edge a package whose values only edge code makes
// per request and calls methods of that would cross as topics (a page
// view the handlers build for each request, miniflux's ui/view): in
// another service every such call would be a request-value blocker.
func (pr *proposer) edgeValues() {
	pg := pr.pg
	called := map[string]bool{} // receiver types "<pkg>.<Type>" edge code calls methods of
	for k, c := range pg.g.Calls {
		a, b := pg.callPkg[k][0], pg.callPkg[k][1]
		f := pg.funcs[c.Callee]
		// Methods that stay where the value is (a data type's, a value
		// receiver's) do not count: they would be no topics.
		if a < 0 || b < 0 || a == b || !pr.edge[a] || f == nil || f.Recv == "" || pg.inproc[k] != "" {
			continue
		}
		called[f.Package+"."+strings.TrimPrefix(f.Recv, "*")] = true
	}
	for _, t := range slices.Sorted(maps.Keys(pg.madeBy)) {
		i, ok := pg.index[objectPackage(t)]
		if !ok || !called[t] || pr.edge[i] || pr.shared[i] || pr.pin[i] != "" {
			continue
		}
		edgeOnly := true
		for m := range pg.madeBy[t] {
			j, ok := pg.index[m]
			edgeOnly = edgeOnly && ok && pr.edge[j]
		}
		if edgeOnly {
			pr.edge[i] = true
		}
	}
}

// buildUnits groups the core packages into units: together groups,
// packages pinned to one service, and packages that use another's mutable
// package variables (a shared-var hazard) stay in one unit.
func (pr *proposer) buildUnits() {
	pg := pr.pg
	n := len(pg.paths)
	core := func(i int) bool { return !pr.shared[i] && !pr.edge[i] }
	uf := newUnionFind(n)
	for _, grp := range pr.c.Together {
		for _, p := range grp[1:] {
			a, b := pg.index[grp[0]], pg.index[p]
			if core(a) && core(b) {
				uf.union(a, b)
			}
		}
	}
	byPin := map[string]int{}
	for i := range n {
		if s := pr.pin[i]; s != "" && core(i) {
			if j, ok := byPin[s]; ok {
				uf.union(i, j)
			} else {
				byPin[s] = i
			}
		}
	}
	// join unites the units of a and b unless a pin or an apart
	// constraint forbids it.
	var apartPairs [][2]int
	for _, grp := range pr.c.Apart {
		for i, a := range grp {
			for _, b := range grp[i+1:] {
				apartPairs = append(apartPairs, [2]int{pg.index[a], pg.index[b]})
			}
		}
	}
	join := func(a, b int) {
		ra, rb := uf.find(a), uf.find(b)
		if ra == rb {
			return
		}
		if pa, pb := pr.unitPinOf(uf, ra), pr.unitPinOf(uf, rb); pa != "" && pb != "" && pa != pb {
			return
		}
		for _, p := range apartPairs {
			x, y := uf.find(p[0]), uf.find(p[1])
			if x == ra && y == rb || x == rb && y == ra {
				return
			}
		}
		uf.union(a, b)
	}
	// A package that only its parent directory's package calls is a private
	// part of it (orders/store of orders).
	for i, path := range pg.paths {
		if !core(i) || len(pg.in[i]) != 1 {
			continue
		}
		for a := range pg.in[i] {
			if core(a) && strings.HasPrefix(path, pg.paths[a]+"/") {
				join(a, i)
			}
		}
	}
	// A helper joins the package it serves: when one package makes at least
	// two thirds of the call weight into a package from the rest of the
	// core, and the helper is less than half its size, the helper is part
	// of it (a scheduling rota of its appointments, a mailer of its
	// reminders). Larger packages stay services of their own however few
	// their callers.
	for i := range pg.paths {
		if !core(i) {
			continue
		}
		var total, best float64
		top := -1
		for _, a := range sortedKeys(pg.in[i]) {
			if !core(a) {
				continue
			}
			w := pg.in[i][a]
			total += w
			if w > best {
				best, top = w, a
			}
		}
		if top < 0 || best < 2.0/3*total || 2*pg.pkgs[i].Lines >= pg.pkgs[top].Lines {
			continue
		}
		join(top, i)
	}
	// A mutable variable used by exactly one other package ties the two:
	// they share state. (A variable many packages use cannot tie them all;
	// it stays a blocker for the person to resolve.)
	for _, owner := range sortedKeys(pg.mutable) {
		users := pg.mutable[owner]
		if len(users) != 1 || !core(owner) {
			continue
		}
		for user := range users {
			if !core(user) {
				continue
			}
			join(owner, user) // pins and apart win
		}
	}
	pr.unitOf = make([]int, n)
	root := map[int]int{}
	for i := range n {
		pr.unitOf[i] = -1
		if !core(i) {
			continue
		}
		r := uf.find(i)
		u, ok := root[r]
		if !ok {
			u = len(pr.units)
			root[r] = u
			pr.units = append(pr.units, nil)
			pr.unitPin = append(pr.unitPin, "")
		}
		pr.unitOf[i] = u
		pr.units[u] = append(pr.units[u], i)
		if pr.pin[i] != "" {
			pr.unitPin[u] = pr.pin[i]
		}
	}
	pr.uadj = make([]map[int]float64, len(pr.units))
	for u := range pr.uadj {
		pr.uadj[u] = map[int]float64{}
	}
	pairs := map[[2]int]bool{}
	for a := range n {
		for _, m := range []map[int]float64{pg.out[a]} {
			for b := range m {
				pairs[[2]int{min(a, b), max(a, b)}] = true
			}
		}
		for b := range pg.refs[a] {
			pairs[[2]int{min(a, b), max(a, b)}] = true
		}
		for b := range pg.vars[a] {
			pairs[[2]int{min(a, b), max(a, b)}] = true
		}
	}
	for pair := range pairs {
		ua, ub := pr.unitOf[pair[0]], pr.unitOf[pair[1]]
		if ua < 0 || ub < 0 || ua == ub {
			continue
		}
		w := pg.weightBetween(pair[0], pair[1])
		pr.uadj[ua][ub] += w
		pr.uadj[ub][ua] += w
	}
	for _, grp := range pr.c.Apart {
		for i, a := range grp {
			for _, b := range grp[i+1:] {
				ua, ub := pr.unitOf[pg.index[a]], pr.unitOf[pg.index[b]]
				if ua >= 0 && ub >= 0 {
					pr.apart = append(pr.apart, [2]int{ua, ub})
				}
			}
		}
	}
}

func (pr *proposer) unitPinOf(uf *unionFind, r int) string {
	for i, s := range pr.pin {
		if s != "" && uf.find(i) == r {
			return s
		}
	}
	return ""
}

// DefaultResolution is the Louvain resolution Propose uses unless the
// constraints set one. A high resolution merges only strongly coupled
// packages: a Go package is already a module. Measured against the authors'
// own splits of the test monoliths, resolutions near 1 (which SM − ICP
// prefers) lump distinct domains together; from 4 up the domains separate.
const DefaultResolution = 8

// louvain assigns the given units to communities by Louvain community
// detection at resolution res on the unit graph, seeded from the
// constraints, replacing the whole assignment.
func (pr *proposer) louvain(res float64, units []int) {
	parts := pr.communities(res, units)
	pr.comm = make([]int, len(pr.units))
	for k, part := range parts {
		for _, u := range part {
			pr.comm[u] = k
		}
	}
	pr.k = len(parts)
}

// communities splits units into Louvain communities, each sorted, in order
// of their first unit.
func (pr *proposer) communities(res float64, units []int) [][]int {
	local := make(map[int]int, len(units))
	for l, u := range units {
		local[u] = l
	}
	adj := make([]map[int]float64, len(units))
	for l, u := range units {
		adj[l] = map[int]float64{}
		for v, w := range pr.uadj[u] {
			if m, ok := local[v]; ok && w > 0 {
				adj[l][m] = w
			}
		}
	}
	ug := buildUGraph(units, adj)
	var parts [][]int
	if ug.total == 0 || len(units) < 2 {
		for _, u := range units {
			parts = append(parts, []int{u})
		}
		return parts
	}
	seed := uint64(pr.c.Seed)
	rg := community.Modularize(ug, res, rand.NewPCG(seed, 0x636c65617665))
	for _, c := range rg.Communities() {
		var part []int
		for _, n := range c {
			part = append(part, units[n.ID()])
		}
		slices.Sort(part)
		parts = append(parts, part)
	}
	slices.SortFunc(parts, func(a, b []int) int { return a[0] - b[0] })
	return parts
}

// attachIsolated moves units with no weight to any other unit into the
// largest community: a service of its own would serve nobody. A unit the
// edge calls serves the edge's requests (a module main wires up and the
// HTTP server routes to): it stays a service of its own.
func (pr *proposer) attachIsolated() {
	if pr.k < 2 {
		return
	}
	for u := range pr.units {
		if len(pr.uadj[u]) > 0 || pr.unitPin[u] != "" || pr.size(pr.comm[u]) > len(pr.units[u]) || pr.edgeCalls(u) {
			continue
		}
		best, bestSize := -1, 0
		for k := range pr.k {
			if s := pr.size(k); k != pr.comm[u] && s > bestSize {
				best, bestSize = k, s
			}
		}
		if best >= 0 && pr.allowed(u, best) {
			pr.move(u, best)
		}
	}
	pr.compact()
}

// edgeCalls reports whether an edge package calls into unit u.
func (pr *proposer) edgeCalls(u int) bool {
	for _, i := range pr.units[u] {
		for a, w := range pr.pg.in[i] {
			if w > 0 && pr.edge[a] {
				return true
			}
		}
	}
	return false
}

// size is the number of packages in community k.
func (pr *proposer) size(k int) int {
	n := 0
	for u, c := range pr.comm {
		if c == k {
			n += len(pr.units[u])
		}
	}
	return n
}

func (pr *proposer) move(u, k int) { pr.comm[u] = k }

// compact renumbers communities 0..k-1 in order of their first unit,
// dropping empty ones.
func (pr *proposer) compact() {
	ids := map[int]int{}
	for u, c := range pr.comm {
		id, ok := ids[c]
		if !ok {
			id = len(ids)
			ids[c] = id
		}
		pr.comm[u] = id
	}
	pr.k = len(ids)
}

// allowed reports whether unit u may join community k: no other pin name
// there, and no unit it must stay apart from.
func (pr *proposer) allowed(u, k int) bool {
	for v, c := range pr.comm {
		if c != k || v == u {
			continue
		}
		if pr.unitPin[u] != "" && pr.unitPin[v] != "" && pr.unitPin[u] != pr.unitPin[v] {
			return false
		}
		if pr.isApart(u, v) {
			return false
		}
	}
	return true
}

func (pr *proposer) isApart(u, v int) bool {
	for _, p := range pr.apart {
		if p[0] == u && p[1] == v || p[0] == v && p[1] == u {
			return true
		}
	}
	return false
}

// repair enforces pins and apart on the Louvain communities: a unit that
// conflicts with an earlier unit of its community moves to the allowed
// community it is most attached to, or to a new one.
func (pr *proposer) repair() {
	for u := range pr.units {
		k := pr.comm[u]
		ok := true
		for v := range u {
			if pr.comm[v] == k && (pr.isApart(u, v) || pr.unitPin[u] != "" && pr.unitPin[v] != "" && pr.unitPin[u] != pr.unitPin[v]) {
				ok = false
				break
			}
		}
		if ok {
			continue
		}
		best, bestW := -1, 0.0
		for c := range pr.k {
			if c == k || !pr.allowedAmong(u, c, u) {
				continue
			}
			if w := pr.attach(u, c); best < 0 || w > bestW {
				best, bestW = c, w
			}
		}
		if best < 0 || bestW == 0 {
			best = pr.k
			pr.k++
		}
		pr.comm[u] = best
	}
	pr.compact()
}

// allowedAmong is allowed restricted to units before limit (those already
// placed by repair).
func (pr *proposer) allowedAmong(u, k, limit int) bool {
	for v := range limit {
		if pr.comm[v] == k && (pr.isApart(u, v) || pr.unitPin[u] != "" && pr.unitPin[v] != "" && pr.unitPin[u] != pr.unitPin[v]) {
			return false
		}
	}
	return true
}

// attach is the weight between unit u and the units of community k.
func (pr *proposer) attach(u, k int) float64 {
	var w float64
	for v, x := range pr.uadj[u] {
		if pr.comm[v] == k {
			w += x
		}
	}
	return w
}

// partition returns the package-level partition: communities 0..k-1, the
// edge service k (when there is one), shared packages -1.
func (pr *proposer) partition() partition {
	pt := partition{comm: make([]int, len(pr.pg.paths)), k: pr.k, shared: map[int]bool{}}
	edge := -1
	if pr.hasEdge() {
		edge = pr.k
		pt.k++
	}
	for i := range pt.comm {
		switch {
		case pr.shared[i]:
			pt.comm[i] = -1
			pt.shared[i] = true
		case pr.edge[i]:
			pt.comm[i] = edge
		default:
			pt.comm[i] = pr.comm[pr.unitOf[i]]
		}
	}
	return pt
}

// objective is what merges, splits and refinement maximise: SM − ICP.
func (pr *proposer) objective() float64 {
	s := score(pr.pg, pr.partition(), ScoreOptions{})
	return s.SM - s.ICP
}

// mergeBest merges two communities, as Newman's greedy agglomeration does:
// the pair joined by an edge whose merge raises modularity the most
// (ΔQ = w_ij/m − d_i·d_j/2m²), among the pairs the constraints allow; when
// no allowed pair is joined by an edge, the two smallest allowed
// communities. It reports whether it merged.
func (pr *proposer) mergeBest() bool {
	k := pr.k
	deg := make([]float64, k)
	size := make([]int, k)
	pins := make([]string, k)
	between := map[[2]int]float64{}
	var m float64
	for u, c := range pr.comm {
		size[c] += len(pr.units[u])
		if pr.unitPin[u] != "" {
			pins[c] = pr.unitPin[u]
		}
		for v, w := range pr.uadj[u] {
			deg[c] += w
			m += w
			if d := pr.comm[v]; d > c {
				between[[2]int{c, d}] += w
			}
		}
	}
	m /= 2
	apart := map[[2]int]bool{}
	for _, p := range pr.apart {
		a, b := pr.comm[p[0]], pr.comm[p[1]]
		apart[[2]int{min(a, b), max(a, b)}] = true
	}
	ok := func(i, j int) bool {
		return !apart[[2]int{i, j}] && (pins[i] == "" || pins[j] == "" || pins[i] == pins[j])
	}
	pairs := make([][2]int, 0, len(between))
	for pair := range between {
		pairs = append(pairs, pair)
	}
	slices.SortFunc(pairs, func(a, b [2]int) int {
		if a[0] != b[0] {
			return a[0] - b[0]
		}
		return a[1] - b[1]
	})
	bi, bj, best := -1, -1, math.Inf(-1)
	for _, pair := range pairs {
		i, j := pair[0], pair[1]
		if !ok(i, j) {
			continue
		}
		if dq := between[pair]/m - deg[i]*deg[j]/(2*m*m); dq > best+1e-12 {
			bi, bj, best = i, j, dq
		}
	}
	if bi < 0 {
		bestSize := math.MaxInt
		for i := range k {
			for j := i + 1; j < k; j++ {
				if ok(i, j) && size[i]+size[j] < bestSize {
					bi, bj, bestSize = i, j, size[i]+size[j]
				}
			}
		}
	}
	if bi < 0 {
		return false
	}
	for u, c := range pr.comm {
		if c == bj {
			pr.comm[u] = bi
		}
	}
	pr.compact()
	return true
}

// splitBest splits one community in two, choosing the community and the
// cut that score best. Cuts come from Louvain on the community alone at
// rising resolution (parts beyond two merged by attachment), or, failing
// that, from taking one unit out. It reports whether it split.
func (pr *proposer) splitBest() bool {
	if len(pr.pg.paths) > refineLimit {
		return pr.splitLargest()
	}
	best := math.Inf(-1)
	var bestComm []int
	saved := slices.Clone(pr.comm)
	for k := range pr.k {
		var members []int
		for u, c := range pr.comm {
			if c == k {
				members = append(members, u)
			}
		}
		if len(members) < 2 {
			continue
		}
		for _, cut := range pr.cuts(members) {
			for _, u := range cut {
				pr.comm[u] = pr.k
			}
			if o := pr.objective(); o > best+1e-12 {
				best, bestComm = o, slices.Clone(pr.comm)
			}
			copy(pr.comm, saved)
		}
	}
	if bestComm == nil {
		return false
	}
	copy(pr.comm, bestComm)
	pr.compact()
	return true
}

// splitLargest splits the largest community that can be split by its
// first proposed cut, without scoring (for large graphs).
func (pr *proposer) splitLargest() bool {
	size := make([]int, pr.k)
	for u, c := range pr.comm {
		size[c] += len(pr.units[u])
	}
	order := make([]int, pr.k)
	for k := range order {
		order[k] = k
	}
	slices.SortStableFunc(order, func(a, b int) int { return size[b] - size[a] })
	for _, k := range order {
		var members []int
		for u, c := range pr.comm {
			if c == k {
				members = append(members, u)
			}
		}
		if len(members) < 2 {
			continue
		}
		if cuts := pr.cuts(members); len(cuts) > 0 {
			for _, u := range cuts[0] {
				pr.comm[u] = pr.k
			}
			pr.compact()
			return true
		}
	}
	return false
}

// cuts proposes ways to take part of members out into a new community.
func (pr *proposer) cuts(members []int) [][]int {
	var cuts [][]int
	for _, res := range []float64{1, 2, 4, 8, 16} {
		parts := pr.communities(res, members)
		if len(parts) < 2 {
			continue
		}
		for len(parts) > 2 {
			// Join the two parts most attached to each other.
			bi, bj, bw := 0, 1, -1.0
			for i := range parts {
				for j := i + 1; j < len(parts); j++ {
					var w float64
					for _, u := range parts[i] {
						for _, v := range parts[j] {
							w += pr.uadj[u][v]
						}
					}
					w /= float64(len(parts[i]) * len(parts[j]))
					if w > bw {
						bi, bj, bw = i, j, w
					}
				}
			}
			parts[bi] = append(parts[bi], parts[bj]...)
			slices.Sort(parts[bi])
			parts = slices.Delete(parts, bj, bj+1)
		}
		if pr.cutAllowed(parts[1]) {
			cuts = append(cuts, parts[1])
		}
		break
	}
	if len(members) <= 64 {
		for _, u := range members {
			if pr.cutAllowed([]int{u}) {
				cuts = append(cuts, []int{u})
			}
		}
	}
	return cuts
}

// cutAllowed reports whether the units of cut may form a community of
// their own (pins: at most one name).
func (pr *proposer) cutAllowed(cut []int) bool {
	name := ""
	for _, u := range cut {
		if p := pr.unitPin[u]; p != "" {
			if name != "" && name != p {
				return false
			}
			name = p
		}
	}
	return true
}

// refine moves single units to neighbouring communities while that
// improves the objective, without emptying a community or breaking a
// constraint.
func (pr *proposer) refine(ctx context.Context) {
	cur := pr.objective()
	for pass := 0; pass < 8; pass++ {
		improved := false
		for u := range pr.units {
			if ctx.Err() != nil {
				return
			}
			from := pr.comm[u]
			if pr.size(from) == len(pr.units[u]) {
				continue
			}
			best, bestK := cur, -1
			for _, k := range pr.neighbourComms(u) {
				if k == from || !pr.allowed(u, k) {
					continue
				}
				pr.comm[u] = k
				if o := pr.objective(); o > best+1e-9 {
					best, bestK = o, k
				}
				pr.comm[u] = from
			}
			if bestK >= 0 {
				pr.comm[u] = bestK
				cur = best
				improved = true
			}
		}
		if !improved {
			break
		}
	}
}

func (pr *proposer) neighbourComms(u int) []int {
	seen := map[int]bool{}
	for v := range pr.uadj[u] {
		seen[pr.comm[v]] = true
	}
	return sortedKeys(seen)
}

// constructed returns the non-shared, non-main packages whose New…
// functions package i calls by name.
func (pr *proposer) constructed(i int) map[int]bool {
	pg := pr.pg
	out := map[int]bool{}
	for _, c := range pg.g.Calls {
		if c.Dynamic() || pg.funcPkg(c.Caller) != i {
			continue
		}
		f := pg.funcs[c.Callee]
		b := pg.funcPkg(c.Callee)
		if f == nil || b < 0 || b == i || pr.shared[b] || pg.pkgs[b].Main || f.Recv != "" || !strings.HasPrefix(f.Name, "New") {
			continue
		}
		out[b] = true
	}
	return out
}

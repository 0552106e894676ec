package planner

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/cleave-go/cleave/analyzer"
)

// pkgGraph is the package-level view of an analyzer.Graph the planner works
// on: packages indexed in path order, and for every ordered pair of distinct
// packages the call weight (Σ ln(1+count) over caller→callee function
// pairs), the type references and the package-variable uses between them.
type pkgGraph struct {
	g     *analyzer.Graph
	paths []string
	index map[string]int
	pkgs  []*analyzer.Package
	funcs map[string]*analyzer.Func

	out  []map[int]float64 // call weight From→To
	in   []map[int]float64 // call weight To←From
	refs []map[int]int     // type/const/var references From→To
	vars []map[int]int     // package-variable uses From→To
	// static counts the call sites From→To that name their callee (no
	// interface or func-value dispatch): what From depends on, as opposed
	// to callbacks it runs.
	static []map[int]int

	entries map[int][]string // package → entry kinds

	// mutable maps each package owning a variable that a shared-var hazard
	// names to the packages using it.
	mutable map[int]map[int]bool

	// callPkg holds, for each call of g.Calls, the packages of its caller
	// and callee (-1 when unknown).
	callPkg [][2]int
	// calleeIdx numbers the distinct callees of g.Calls: calleeIdx[i] is
	// the number of the callee of call i.
	calleeIdx []int
	callees   int
	// staticIn[b] are the packages that call into b by name.
	staticIn []map[int]bool

	// inproc holds, for each call of g.Calls, why it stays a direct call
	// when it crosses services (inProcessReasons), or "".
	inproc []string
	// inprocWhy details inproc's reasons apply judges from the types.
	inprocWhy []string
	// kinds are the kind overrides inproc was last derived for (applyKinds).
	kinds map[string]string

	// startVars holds the variables of shared-var hazards only start-up
	// code writes (startupVars), computed on first use.
	startVars map[string]bool

	// madePerRequest maps receiver types ("<pkg>.<Type>") whose
	// constructor request-time code of another package calls to the first
	// such call site.
	madePerRequest map[string]analyzer.Pos
	// madeBy maps those types to the packages whose request-time code
	// makes them.
	madeBy map[string]map[string]bool

	// pairs are the caller→callee function pairs, within packages too,
	// with their weight ln(1+count): the edges ICP is measured on.
	pairs []funcPair
}

type funcPair struct {
	from, to int // packages
	w        float64
}

func newPkgGraph(g *analyzer.Graph) *pkgGraph {
	pg := &pkgGraph{g: g, index: make(map[string]int), funcs: make(map[string]*analyzer.Func), entries: make(map[int][]string)}
	pkgs := slices.Clone(g.Packages)
	slices.SortFunc(pkgs, func(a, b *analyzer.Package) int { return compareStrings(a.Path, b.Path) })
	pkgs = slices.CompactFunc(pkgs, func(a, b *analyzer.Package) bool { return a.Path == b.Path })
	for i, p := range pkgs {
		pg.paths = append(pg.paths, p.Path)
		pg.index[p.Path] = i
	}
	pg.pkgs = pkgs
	n := len(pkgs)
	pg.out = make([]map[int]float64, n)
	pg.in = make([]map[int]float64, n)
	pg.refs = make([]map[int]int, n)
	pg.vars = make([]map[int]int, n)
	pg.static = make([]map[int]int, n)
	for i := range n {
		pg.out[i] = map[int]float64{}
		pg.in[i] = map[int]float64{}
		pg.refs[i] = map[int]int{}
		pg.vars[i] = map[int]int{}
		pg.static[i] = map[int]int{}
	}
	for _, f := range g.Funcs {
		pg.funcs[f.ID] = f
	}

	// Call weights from the function-level calls when the graph has them,
	// otherwise from the analyzer's package aggregates.
	if len(g.Calls) > 0 {
		type pair struct{ from, to string }
		counts := make(map[pair]int)
		for _, c := range g.Calls {
			counts[pair{c.Caller, c.Callee}]++
		}
		for _, c := range g.Calls {
			if a, b := pg.funcPkg(c.Caller), pg.funcPkg(c.Callee); a >= 0 && b >= 0 && a != b && !c.Dynamic() {
				pg.static[a][b]++
			}
		}
		keys := make([]pair, 0, len(counts))
		for pr := range counts {
			keys = append(keys, pr)
		}
		slices.SortFunc(keys, func(x, y pair) int {
			return cmp.Or(cmp.Compare(x.from, y.from), cmp.Compare(x.to, y.to))
		})
		for _, pr := range keys {
			c := counts[pr]
			a, b := pg.funcPkg(pr.from), pg.funcPkg(pr.to)
			if a < 0 || b < 0 {
				continue
			}
			w := math.Log1p(float64(c))
			pg.pairs = append(pg.pairs, funcPair{a, b, w})
			if a == b {
				continue
			}
			pg.out[a][b] += w
			pg.in[b][a] += w
		}
	} else {
		for _, d := range g.Deps {
			a, ok1 := pg.index[d.From]
			b, ok2 := pg.index[d.To]
			if !ok1 || !ok2 || a == b || d.Weight <= 0 {
				continue
			}
			pg.out[a][b] += d.Weight
			pg.in[b][a] += d.Weight
			pg.static[a][b] += d.Sites
			pg.pairs = append(pg.pairs, funcPair{a, b, d.Weight})
		}
	}
	for _, d := range g.Deps {
		a, ok1 := pg.index[d.From]
		b, ok2 := pg.index[d.To]
		if !ok1 || !ok2 || a == b {
			continue
		}
		if d.Refs > 0 {
			pg.refs[a][b] += d.Refs
		}
		if d.Vars > 0 {
			pg.vars[a][b] += d.Vars
		}
	}
	pg.mutable = map[int]map[int]bool{}
	for _, h := range g.Hazards {
		if h.Kind != analyzer.HazardSharedVar {
			continue
		}
		owner, ok := pg.index[objectPackage(h.Object)]
		user, ok2 := pg.index[h.Package]
		if !ok || !ok2 {
			continue
		}
		if pg.mutable[owner] == nil {
			pg.mutable[owner] = map[int]bool{}
		}
		if user != owner {
			pg.mutable[owner][user] = true
		}
	}
	pg.callPkg = make([][2]int, len(g.Calls))
	pg.calleeIdx = make([]int, len(g.Calls))
	num := map[string]int{}
	for i, c := range g.Calls {
		pg.callPkg[i] = [2]int{pg.funcPkg(c.Caller), pg.funcPkg(c.Callee)}
		k, ok := num[c.Callee]
		if !ok {
			k = len(num)
			num[c.Callee] = k
		}
		pg.calleeIdx[i] = k
	}
	pg.callees = len(num)
	pg.inproc, pg.inprocWhy = inProcessReasons(g, pg.funcs)
	pg.startupReceivers()
	pg.madePerRequest, pg.madeBy = madePerRequest(g, pg.funcs)
	pg.staticIn = make([]map[int]bool, n)
	for i := range n {
		pg.staticIn[i] = map[int]bool{}
	}
	for a, m := range pg.static {
		for b, k := range m {
			if k > 0 {
				pg.staticIn[b][a] = true
			}
		}
	}
	for _, e := range g.Entries {
		if i := pg.funcPkg(e.Func); i >= 0 {
			pg.entries[i] = append(pg.entries[i], e.Kind)
		}
	}
	return pg
}

// funcPkg returns the index of the package declaring function id, or -1.
func (pg *pkgGraph) funcPkg(id string) int {
	f := pg.funcs[id]
	if f == nil {
		return -1
	}
	if i, ok := pg.index[f.Package]; ok {
		return i
	}
	return -1
}

func (pg *pkgGraph) hasEntry(i int, kind string) bool {
	return slices.Contains(pg.entries[i], kind)
}

// sortedKeys returns the keys of m in increasing order.
func sortedKeys[V any](m map[int]V) []int {
	ks := make([]int, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// objectPackage returns the package path of a package-qualified object
// name: "example.com/m/config.Current" → "example.com/m/config".
func objectPackage(obj string) string {
	slash := strings.LastIndexByte(obj, '/')
	if dot := strings.IndexByte(obj[slash+1:], '.'); dot >= 0 {
		return obj[:slash+1+dot]
	}
	return obj
}

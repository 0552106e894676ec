package rewriter

import (
	"go/ast"
	"strings"

	"github.com/cleave-go/cleave/planner"
)

// exclusiveOpens are the functions that open an embedded database holding
// an exclusive lock on its files, by package path (a major version suffix
// apart) and name, with the database's name.
var exclusiveOpens = map[string]string{
	"go.etcd.io/bbolt.Open":                        "bbolt",
	"github.com/boltdb/bolt.Open":                  "bolt",
	"github.com/asdine/storm.Open":                 "storm (bolt)",
	"github.com/dgraph-io/badger.Open":             "badger",
	"github.com/syndtr/goleveldb/leveldb.OpenFile": "leveldb",
	"github.com/cockroachdb/pebble.Open":           "pebble",
	"github.com/nutsdb/nutsdb.Open":                "nutsdb",
}

// exclusiveCalls calls f with each call in the module's non-test code that
// opens an embedded database one process at a time can hold, the
// database's name and the function the call is in.
func (r *rewrite) exclusiveCalls(f func(call *ast.CallExpr, db, fid string)) {
	for _, rel := range sortedKeys(r.files) {
		file := r.files[rel]
		if file.test || strings.HasPrefix(rel, GenDir+"/") {
			continue
		}
		info := file.pkg.TypesInfo
		ast.PreorderStack(file.ast, nil, func(n ast.Node, stack []ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			fn := calleeFunc(info, call)
			if fn == nil || fn.Pkg() == nil {
				return true
			}
			if db, ok := exclusiveOpens[majorless(fn.Pkg().Path())+"."+fn.Name()]; ok {
				f(call, db, enclosingFunc(info, stack))
			}
			return true
		})
	}
}

// exclusiveOpeners returns the module's functions that open a database
// one process at a time can hold, or call one that does.
func (r *rewrite) exclusiveOpeners() map[string]bool {
	var opens []string
	r.exclusiveCalls(func(_ *ast.CallExpr, _, fid string) { opens = append(opens, fid) })
	if len(opens) == 0 || r.opts.Graph == nil {
		return reachable(opens, nil)
	}
	return reachable(opens, callEdges(r.opts.Graph, true))
}

// lazyBind is a constructor bound lazily: its service and the type it
// makes ("<package path>.<Name>").
type lazyBind struct{ service, typ string }

// lazyReach returns the functions the lazily bound constructors reach,
// with the first constructor (by name) that reaches each.
func (r *rewrite) lazyReach() map[string]lazyBind {
	out := map[string]lazyBind{}
	var calls map[string][]string
	if r.opts.Graph != nil && len(r.lazy) > 0 {
		calls = callEdges(r.opts.Graph, false)
	}
	for _, ctor := range sortedKeys(r.lazy) {
		for f := range reachable([]string{ctor}, calls) {
			if _, ok := out[f]; !ok {
				out[f] = r.lazy[ctor]
			}
		}
	}
	return out
}

// noteExclusiveStores notes the embedded databases the program's start-up
// opens that only one process can hold open (bolt, badger, leveldb,
// pebble): every service process runs the start-up, so the first to open
// the file gets it and the others wait for its lock and fail.
func (r *rewrite) noteExclusiveStores() {
	ph := r.programPhases()
	lazy := r.lazyReach()
	r.exclusiveCalls(func(call *ast.CallExpr, db, fid string) {
		if ph(fid) == phaseRequest {
			return
		}
		pos := r.posString(call.Pos())
		if lb, ok := lazy[fid]; ok {
			note := pos + ": opens a " + db + " database, which one process at a time can hold open (a lock on its files): its constructor runs in the " + lb.service + " service's processes only; elsewhere the wiring gets an empty *" + lb.typ[strings.LastIndex(lb.typ, "/")+1:] + ", whose calls the split sends to " + lb.service
			if stay := r.staysOn(lb.typ); len(stay) > 0 {
				note += "; calls on it that stay in-process find it empty there: " + strings.Join(stay, ", ")
			}
			r.notes = append(r.notes, note)
			return
		}
		r.notes = append(r.notes, pos+": opens a "+db+" database, which one process at a time can hold open (a lock on its files): every service process runs the start-up, and when it opens this database all but the first process wait for the lock and fail, so the split does not start; move the data to a database server, or to SQLite, which processes share")
	})
}

// staysOn lists the plan's calls on methods of typ that stay in-process
// for a reason other than start-up, with the reason.
func (r *rewrite) staysOn(typ string) []string {
	var out []string
	for _, ip := range r.plan.InProcess {
		method, ok := strings.CutPrefix(ip.Function, "(*"+typ+").")
		if !ok || ip.Reason == planner.ReasonStartup {
			continue
		}
		out = append(out, method+" ("+ip.Reason+")")
	}
	return out
}

// majorless returns a module package path without its major version
// element (github.com/dgraph-io/badger/v4 → github.com/dgraph-io/badger).
func majorless(path string) string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if i > 0 && len(p) > 1 && p[0] == 'v' && strings.Trim(p[1:], "0123456789") == "" {
			return strings.Join(append(parts[:i:i], parts[i+1:]...), "/")
		}
	}
	return path
}

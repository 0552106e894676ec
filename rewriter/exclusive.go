package rewriter

import (
	"go/ast"
	"strings"
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

// noteExclusiveStores notes the embedded databases the program's start-up
// opens that only one process can hold open (bolt, badger, leveldb,
// pebble): every service process runs the start-up, so the first to open
// the file gets it and the others wait for its lock and fail.
func (r *rewrite) noteExclusiveStores() {
	ph := r.subscriptionPhases()
	for _, rel := range sortedKeys(r.files) {
		f := r.files[rel]
		if f.test || strings.HasPrefix(rel, GenDir+"/") {
			continue
		}
		info := f.pkg.TypesInfo
		ast.PreorderStack(f.ast, nil, func(n ast.Node, stack []ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			fn := calleeFunc(info, call)
			if fn == nil || fn.Pkg() == nil {
				return true
			}
			db, ok := exclusiveOpens[majorless(fn.Pkg().Path())+"."+fn.Name()]
			if !ok || ph(enclosingFunc(info, stack)) == phaseRequest {
				return true
			}
			r.notes = append(r.notes, r.posString(call.Pos())+": opens a "+db+" database, which one process at a time can hold open (a lock on its files): every service process runs the start-up, so all but the first will wait for the lock and fail: the split cannot start as it is; move the data to a database server, or to SQLite, which processes share")
			return true
		})
	}
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

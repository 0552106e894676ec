package planner

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/cleave-go/cleave/analyzer"
)

// pkgFacts is what the planner reads from a package's source beyond the
// graph: whether it is generated code, whether it holds protobuf messages,
// and whether its functions build objects that hold state. The graph does
// not carry struct fields, so these come from the files themselves (the
// syntax alone, no type checking). A graph without a module directory (read
// from JSON) has no facts: every package then counts as stateless,
// hand-written code.
type pkgFacts struct {
	// generated: every non-test file carries the "Code generated ... DO
	// NOT EDIT." header.
	generated bool
	// proto: the package holds protobuf messages — it imports protoimpl,
	// or declares ProtoReflect or ProtoMessage methods.
	proto bool
	// rpc: the package imports an RPC framework's runtime (connect,
	// twirp, gRPC): with generated, the glue protoc writes beside the
	// messages (a connect handler package, a twirp server).
	rpc bool
	// builds holds the stateful types a function of the package builds
	// (a composite literal or new of it inside a function body): a store,
	// a session table, a client with its connection pool.
	builds map[string]bool
}

// rpcRuntimes are the import paths of the RPC frameworks whose generated
// code (handlers, servers, clients) is glue, not a service.
var rpcRuntimes = map[string]bool{
	"connectrpc.com/connect":               true,
	"github.com/bufbuild/connect-go":       true,
	"github.com/twitchtv/twirp":            true,
	"google.golang.org/grpc":               true,
	"github.com/twitchtv/twirp/ctxsetters": true,
}

// stateFields are the field types of the standard library that make a
// struct hold state: locks, concurrent maps, database handles.
var stateFields = map[string]bool{
	"sync.Mutex": true, "sync.RWMutex": true, "sync.Map": true,
	"database/sql.DB": true, "database/sql.Conn": true, "database/sql.Tx": true,
}

// handleNames are the names of the connection handles of database and
// network client libraries (sqlx.DB, pgxpool.Pool, redis.Client,
// mongo.Client, gorm.DB): a struct with a field pointing to one holds a
// connection.
var handleNames = map[string]bool{"DB": true, "Pool": true, "Conn": true, "Client": true}

// readFacts parses the packages of g from its module directory.
func readFacts(g *analyzer.Graph, pkgs []*analyzer.Package, funcs []*analyzer.Func) []pkgFacts {
	facts := make([]pkgFacts, len(pkgs))
	index := map[string]int{}
	for i, p := range pkgs {
		index[p.Path] = i
	}
	for _, f := range funcs {
		if i, ok := index[f.Package]; ok && f.Recv != "" && (f.Name == "ProtoReflect" || f.Name == "ProtoMessage") {
			facts[i].proto = true
		}
	}
	if g.Dir == "" {
		return facts
	}
	fset := token.NewFileSet()
	syn := map[string]*pkgSyntax{}
	for i, p := range pkgs {
		var files []*ast.File
		generated := len(p.Files) > 0
		for _, name := range p.Files {
			f, err := parser.ParseFile(fset, filepath.Join(g.Dir, filepath.FromSlash(name)), nil, parser.ParseComments|parser.SkipObjectResolution)
			if err != nil {
				generated = false
				continue
			}
			files = append(files, f)
			generated = generated && ast.IsGenerated(f)
			for _, im := range f.Imports {
				path, _ := strconv.Unquote(im.Path.Value)
				if path == "google.golang.org/protobuf/runtime/protoimpl" {
					facts[i].proto = true
				}
				if rpcRuntimes[path] {
					facts[i].rpc = true
				}
			}
		}
		facts[i].generated = generated && len(files) > 0
		syn[p.Path] = newPkgSyntax(files)
	}
	stateful := statefulTypes(syn)
	for i, p := range pkgs {
		facts[i].builds = builtTypes(syn[p.Path], stateful[p.Path])
	}
	return facts
}

// pkgSyntax is the parsed source of one package, as the stateful-type
// search needs it.
type pkgSyntax struct {
	files   []*ast.File
	imports []map[string]string // per file: import name → path
	structs map[string]*ast.StructType
	fileOf  map[string]int // struct name → index of its file
}

func newPkgSyntax(files []*ast.File) *pkgSyntax {
	ps := &pkgSyntax{files: files, structs: map[string]*ast.StructType{}, fileOf: map[string]int{}}
	for k, f := range files {
		ps.imports = append(ps.imports, importNames(f))
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, sp := range gd.Specs {
				if ts, ok := sp.(*ast.TypeSpec); ok {
					if st, ok := ts.Type.(*ast.StructType); ok {
						ps.structs[ts.Name.Name] = st
						ps.fileOf[ts.Name.Name] = k
					}
				}
			}
		}
	}
	return ps
}

// importNames maps the names file f refers to its imports by to their
// paths (a major version suffix is skipped: .../echo/v4 is echo).
func importNames(f *ast.File) map[string]string {
	out := map[string]string{}
	for _, im := range f.Imports {
		path, _ := strconv.Unquote(im.Path.Value)
		name := path[strings.LastIndexByte(path, '/')+1:]
		if im.Name != nil {
			name = im.Name.Name
		} else if strings.TrimLeft(name, "v0123456789") == "" && strings.Contains(path, "/") {
			rest := path[:strings.LastIndexByte(path, '/')]
			name = rest[strings.LastIndexByte(rest, '/')+1:]
		}
		out[name] = path
	}
	return out
}

// statefulTypes returns, per package path, its stateful struct types. A
// struct is stateful when a field is a lock, a map, a channel, a database
// or client connection handle, or a stateful struct of the module (of its
// own package or another: a repository embedding the module's *Postgres).
func statefulTypes(syn map[string]*pkgSyntax) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for path := range syn {
		out[path] = map[string]bool{}
	}
	for changed := true; changed; {
		changed = false
		for path, ps := range syn {
			for name, st := range ps.structs {
				if out[path][name] {
					continue
				}
				imports := ps.imports[ps.fileOf[name]]
				module := func(p, n string) bool {
					if p == "" {
						p = path
					}
					return out[p][n]
				}
				for _, fld := range st.Fields.List {
					if stateType(fld.Type, imports, module) {
						out[path][name] = true
						changed = true
						break
					}
				}
			}
		}
	}
	return out
}

// builtTypes returns the types of stateful that the functions of ps build:
// a composite literal or new of the type inside a function body.
func builtTypes(ps *pkgSyntax, stateful map[string]bool) map[string]bool {
	built := map[string]bool{}
	for _, f := range ps.files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				var t ast.Expr
				switch n := n.(type) {
				case *ast.CompositeLit:
					t = n.Type
				case *ast.CallExpr:
					if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "new" && len(n.Args) == 1 {
						t = n.Args[0]
					}
				}
				if ix, ok := t.(*ast.IndexExpr); ok {
					t = ix.X
				} else if ix, ok := t.(*ast.IndexListExpr); ok {
					t = ix.X
				}
				if id, ok := t.(*ast.Ident); ok && stateful[id.Name] {
					built[id.Name] = true
				}
				return true
			})
		}
	}
	return built
}

// stateType reports whether a field of type e makes its struct stateful;
// module reports whether a struct of the module is (path "" for the
// struct's own package).
func stateType(e ast.Expr, imports map[string]string, module func(path, name string) bool) bool {
	switch t := e.(type) {
	case *ast.MapType, *ast.ChanType:
		return true
	case *ast.StarExpr:
		return stateType(t.X, imports, module)
	case *ast.Ident:
		return module("", t.Name)
	case *ast.SelectorExpr:
		x, ok := t.X.(*ast.Ident)
		if !ok {
			return false
		}
		path, ok := imports[x.Name]
		if !ok {
			return false
		}
		if stateFields[path+"."+t.Sel.Name] || module(path, t.Sel.Name) {
			return true
		}
		// A client library's connection handle: a type named DB, Pool,
		// Conn or Client of a package outside the standard library.
		return strings.Contains(path, ".") && handleNames[t.Sel.Name]
	}
	return false
}

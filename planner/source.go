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
	// builds holds the stateful types a function of the package builds
	// (a composite literal or new of it inside a function body): a store,
	// a session table, a client with its connection pool.
	builds map[string]bool
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
				if path, _ := strconv.Unquote(im.Path.Value); path == "google.golang.org/protobuf/runtime/protoimpl" {
					facts[i].proto = true
				}
			}
		}
		facts[i].generated = generated && len(files) > 0
		facts[i].builds = buildsStateful(files)
	}
	return facts
}

// buildsStateful returns the stateful struct types of the package that
// its functions build. A struct is stateful when a
// field is a lock, a map, a channel, a database or client connection
// handle, or a stateful struct of the same package.
func buildsStateful(files []*ast.File) map[string]bool {
	structs := map[string]*ast.StructType{}
	for _, f := range files {
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, s := range gd.Specs {
				if ts, ok := s.(*ast.TypeSpec); ok {
					if st, ok := ts.Type.(*ast.StructType); ok {
						structs[ts.Name.Name] = st
					}
				}
			}
		}
	}
	// imports maps, per file, a local import name to its path.
	imports := make([]map[string]string, len(files))
	for k, f := range files {
		imports[k] = map[string]string{}
		for _, im := range f.Imports {
			path, _ := strconv.Unquote(im.Path.Value)
			name := path[strings.LastIndexByte(path, '/')+1:]
			if im.Name != nil {
				name = im.Name.Name
			} else if v := strings.TrimLeft(name, "v0123456789"); v == "" && strings.Count(path, "/") > 0 {
				// A major version suffix: the name is the element before.
				rest := path[:strings.LastIndexByte(path, '/')]
				name = rest[strings.LastIndexByte(rest, '/')+1:]
			}
			imports[k][name] = path
		}
	}
	fileOf := map[string]int{}
	for k, f := range files {
		for _, d := range f.Decls {
			if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.TYPE {
				for _, s := range gd.Specs {
					if ts, ok := s.(*ast.TypeSpec); ok {
						fileOf[ts.Name.Name] = k
					}
				}
			}
		}
	}
	memo := map[string]int{} // 0 unknown, 1 visiting or stateless, 2 stateful
	var stateful func(name string) bool
	stateful = func(name string) bool {
		if v, ok := memo[name]; ok {
			return v == 2
		}
		memo[name] = 1
		st := structs[name]
		if st == nil {
			return false
		}
		for _, fld := range st.Fields.List {
			if stateType(fld.Type, imports[fileOf[name]], stateful) {
				memo[name] = 2
				return true
			}
		}
		return false
	}
	built := map[string]bool{}
	for _, f := range files {
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
				if id, ok := t.(*ast.Ident); ok && stateful(id.Name) {
					built[id.Name] = true
				}
				return true
			})
		}
	}
	return built
}

// stateType reports whether a field of type e makes its struct stateful.
func stateType(e ast.Expr, imports map[string]string, local func(string) bool) bool {
	switch t := e.(type) {
	case *ast.MapType, *ast.ChanType:
		return true
	case *ast.StarExpr:
		return stateType(t.X, imports, local)
	case *ast.Ident:
		return local(t.Name)
	case *ast.SelectorExpr:
		x, ok := t.X.(*ast.Ident)
		if !ok {
			return false
		}
		path, ok := imports[x.Name]
		if !ok {
			return false
		}
		if stateFields[path+"."+t.Sel.Name] {
			return true
		}
		// A client library's connection handle: a type named DB, Pool,
		// Conn or Client of a package outside the standard library.
		return strings.Contains(path, ".") && handleNames[t.Sel.Name]
	}
	return false
}

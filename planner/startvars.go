package planner

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"

	"github.com/cleave-go/cleave/analyzer"
)

// startupVars returns the package variables of shared-var hazards that
// only start-up code writes: every write (an assignment, ++ or --, taking
// its address, calling a method on it) is in an init function or in a
// function that only main and init reach in a server (see startupOnly),
// outside function literals. Each service process runs the monolith's
// start-up with the same flags and environment, so each sets its own copy
// the same way: a configuration parsed once is no state services share.
// A variable nothing writes after its declaration counts too. Without the
// module's source (a graph read from JSON) or outside a server, no
// variable qualifies. Computed once per graph.
func (pg *pkgGraph) startupVars() map[string]bool {
	if pg.startVars != nil {
		return pg.startVars
	}
	pg.startVars = map[string]bool{}
	g := pg.g
	if g.Dir == "" || !isServer(g) {
		return pg.startVars
	}
	startup := startupOnly(g)
	// The variables, by owner package, and the packages to read.
	vars := map[string]map[string]bool{} // owner path → variable names
	scan := map[string]bool{}
	for _, h := range g.Hazards {
		if h.Kind != analyzer.HazardSharedVar || h.Object == "" {
			continue
		}
		owner := objectPackage(h.Object)
		if vars[owner] == nil {
			vars[owner] = map[string]bool{}
		}
		vars[owner][strings.TrimPrefix(h.Object, owner+".")] = true
		scan[owner], scan[h.Package] = true, true
	}
	written := map[string]bool{} // objects written after start-up
	fset := token.NewFileSet()
	type file struct {
		pkg string
		f   *ast.File
	}
	var files []file
	for _, p := range pg.pkgs {
		if !scan[p.Path] {
			continue
		}
		for _, name := range p.Files {
			f, err := parser.ParseFile(fset, filepath.Join(g.Dir, filepath.FromSlash(name)), nil, parser.SkipObjectResolution)
			if err != nil {
				// Unreadable: assume every variable it may touch is written.
				for owner, names := range vars {
					for v := range names {
						written[owner+"."+v] = true
					}
				}
				continue
			}
			files = append(files, file{p.Path, f})
		}
	}
	// Methods that only read their receiver, by package and name: calling
	// one on a variable does not change it.
	readers := map[string]map[string]bool{}
	for _, f := range files {
		if vars[f.pkg] == nil {
			continue
		}
		if readers[f.pkg] == nil {
			readers[f.pkg] = map[string]bool{}
		}
		for _, d := range f.f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv != nil {
				r, seen := readers[f.pkg][fd.Name.Name]
				readers[f.pkg][fd.Name.Name] = (r || !seen) && readsOnly(fd)
			}
		}
	}
	for _, f := range files {
		varWrites(f.f, f.pkg, vars, func(obj string, ok bool) {
			if !ok {
				written[obj] = true
			}
		}, startup, func(owner, method string) bool { return readers[owner][method] })
	}
	for owner, names := range vars {
		for v := range names {
			if obj := owner + "." + v; !written[obj] {
				pg.startVars[obj] = true
			}
		}
	}
	return pg.startVars
}

// varWrites calls report for every write in file f (of package pkg) to a
// variable of vars, with whether it is made at start-up.
func varWrites(f *ast.File, pkg string, vars map[string]map[string]bool, report func(obj string, startup bool), startup map[string]bool, reader func(owner, method string) bool) {
	imports := importNames(f)
	// root returns the variable e writes to ("" when none of vars): the
	// expression stripped of fields, indexes, dereferences and parentheses.
	root := func(e ast.Expr) string {
		for {
			switch x := e.(type) {
			case *ast.Ident:
				if vars[pkg][x.Name] {
					return pkg + "." + x.Name
				}
				return ""
			case *ast.SelectorExpr:
				if id, ok := x.X.(*ast.Ident); ok {
					if path, ok := imports[id.Name]; ok {
						if vars[path][x.Sel.Name] {
							return path + "." + x.Sel.Name
						}
						return ""
					}
				}
				e = x.X
			case *ast.IndexExpr:
				e = x.X
			case *ast.StarExpr:
				e = x.X
			case *ast.ParenExpr:
				e = x.X
			default:
				return ""
			}
		}
	}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			continue
		}
		id := pkg + "." + fd.Name.Name
		if fd.Recv != nil && len(fd.Recv.List) == 1 {
			t := fd.Recv.List[0].Type
			star := ""
			if s, ok := t.(*ast.StarExpr); ok {
				star, t = "*", s.X
			}
			if ix, ok := t.(*ast.IndexExpr); ok {
				t = ix.X
			} else if ix, ok := t.(*ast.IndexListExpr); ok {
				t = ix.X
			}
			if tn, ok := t.(*ast.Ident); ok {
				id = "(" + star + pkg + "." + tn.Name + ")." + fd.Name.Name
			}
		}
		atStart := fd.Recv == nil && fd.Name.Name == "init" || startup[id]
		var walk func(n ast.Node, inLit bool)
		walk = func(n ast.Node, inLit bool) {
			ast.Inspect(n, func(n ast.Node) bool {
				var targets []ast.Expr
				switch x := n.(type) {
				case *ast.FuncLit:
					if !inLit {
						walk(x.Body, true)
						return false
					}
				case *ast.AssignStmt:
					if x.Tok != token.DEFINE {
						targets = x.Lhs
					}
				case *ast.IncDecStmt:
					targets = []ast.Expr{x.X}
				case *ast.UnaryExpr:
					if x.Op == token.AND {
						targets = []ast.Expr{x.X}
					}
				case *ast.RangeStmt:
					if x.Tok == token.ASSIGN {
						targets = []ast.Expr{x.Key, x.Value}
					}
				case *ast.CallExpr:
					// A method called on the variable may change it,
					// unless the variable's package declares only
					// methods of that name that read their receiver
					// (a configuration's getters).
					if sel, ok := x.Fun.(*ast.SelectorExpr); ok {
						if obj := root(sel.X); obj != "" && isVarExpr(sel.X) && reader(objectPackage(obj), sel.Sel.Name) {
							break
						}
						targets = []ast.Expr{sel.X}
					}
				}
				for _, t := range targets {
					if t == nil {
						continue
					}
					if obj := root(t); obj != "" {
						report(obj, atStart && !inLit)
					}
				}
				return true
			})
		}
		walk(fd.Body, false)
	}
}

// startupReceivers keeps in-process the calls whose receiver is read from
// a package variable only start-up code sets (config.Opts.BaseURL() where
// main did config.Opts, err = config.Parse()): every service process sets
// its own the same way, so the call has the same answer in the caller's
// process as in the callee's, with no message.
func (pg *pkgGraph) startupReceivers() {
	for i, c := range pg.g.Calls {
		if pg.inproc[i] != "" || c.RecvVar == "" || !pg.startupVars()[c.RecvVar] {
			continue
		}
		pg.inproc[i] = ReasonStartup
		pg.inprocWhy[i] = "its receiver " + shortVar(c.RecvVar) + " is a package variable only start-up code sets: each process sets its own"
	}
}

// shortVar names a package variable as code does: config.Opts.
func shortVar(obj string) string {
	pkg := objectPackage(obj)
	return pkg[strings.LastIndex(pkg, "/")+1:] + obj[len(pkg):]
}

// isVarExpr reports whether e names a variable itself (V or pkg.V), not
// a field or element of it, whose methods may be another package's.
func isVarExpr(e ast.Expr) bool {
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		return true
	case *ast.SelectorExpr:
		_, ok := x.X.(*ast.Ident)
		return ok
	}
	return false
}

// readsOnly reports whether method fd only reads its receiver: it assigns
// nothing through it, takes no address in it, passes it to no call and
// calls no method on it or its fields other than a read lock's. Getters
// of a configuration parsed at start-up are such methods.
func readsOnly(fd *ast.FuncDecl) bool {
	if fd.Body == nil || len(fd.Recv.List) != 1 {
		return false
	}
	names := fd.Recv.List[0].Names
	if len(names) == 0 || names[0].Name == "_" {
		return true // the receiver is not even named
	}
	recv := names[0].Name
	rooted := func(e ast.Expr) bool {
		for {
			switch x := e.(type) {
			case *ast.Ident:
				return x.Name == recv
			case *ast.SelectorExpr:
				e = x.X
			case *ast.IndexExpr:
				e = x.X
			case *ast.IndexListExpr:
				e = x.X
			case *ast.StarExpr:
				e = x.X
			case *ast.ParenExpr:
				e = x.X
			case *ast.SliceExpr:
				e = x.X
			default:
				return false
			}
		}
	}
	ok := true
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.AssignStmt:
			for _, l := range x.Lhs {
				ok = ok && !rooted(l)
			}
		case *ast.IncDecStmt:
			ok = ok && !rooted(x.X)
		case *ast.UnaryExpr:
			ok = ok && (x.Op != token.AND || !rooted(x.X))
		case *ast.RangeStmt:
			ok = ok && (x.Key == nil || !rooted(x.Key)) && (x.Value == nil || !rooted(x.Value))
		case *ast.CallExpr:
			if sel, isSel := x.Fun.(*ast.SelectorExpr); isSel && rooted(sel.X) && sel.Sel.Name != "RLock" && sel.Sel.Name != "RUnlock" {
				ok = false
			}
			for _, a := range x.Args {
				if id, isID := ast.Unparen(a).(*ast.Ident); isID && id.Name == recv {
					ok = false
				}
			}
		}
		return ok
	})
	return ok
}

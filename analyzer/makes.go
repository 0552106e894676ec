package analyzer

import (
	"go/ast"
	"go/token"
	"go/types"
)

// Make is a value of another in-module package's type that a function
// builds itself, with &T{...} or new(T), rather than through that
// package's constructor. Made at request time, it lives in the process
// that made it, as a constructor's value would.
type Make struct {
	Type      string `json:"type"` // "<package path>.<Type>"
	Pos       Pos    `json:"pos"`
	InClosure bool   `json:"in_closure,omitempty"` // inside a function literal that may run later (see Call.Later)
}

// collectMakes records each function's Makes: the first site per type
// and per closure-ness.
func (a *analysis) collectMakes() {
	for _, p := range a.pkgs {
		if p.TypesInfo == nil {
			continue
		}
		for _, file := range p.Syntax {
			for _, d := range file.Decls {
				fd, ok := d.(*ast.FuncDecl)
				if !ok || fd.Body == nil {
					continue
				}
				obj, ok := p.TypesInfo.Defs[fd.Name].(*types.Func)
				if !ok {
					continue
				}
				f := a.funcByID[obj.FullName()]
				if f == nil {
					continue
				}
				f.Returns = freshResults(p.TypesInfo, fd, a.modPkgs)
				seen := map[Make]bool{}
				ast.PreorderStack(fd.Body, nil, func(n ast.Node, stack []ast.Node) bool {
					var t types.Type
					switch x := n.(type) {
					case *ast.UnaryExpr:
						if _, ok := x.X.(*ast.CompositeLit); ok && x.Op == token.AND {
							t = p.TypesInfo.TypeOf(x.X)
						}
					case *ast.CallExpr:
						if id, ok := x.Fun.(*ast.Ident); ok && len(x.Args) == 1 {
							if b, ok := p.TypesInfo.Uses[id].(*types.Builtin); ok && b.Name() == "new" {
								t = p.TypesInfo.TypeOf(x.Args[0])
							}
						}
					}
					named, _ := types.Unalias(t).(*types.Named)
					if named == nil || named.Obj().Pkg() == nil {
						return true
					}
					path := named.Obj().Pkg().Path()
					if path == p.PkgPath || !a.modPkgs[path] {
						return true
					}
					m := Make{Type: path + "." + named.Obj().Name()}
					for _, s := range stack {
						if lit, ok := s.(*ast.FuncLit); ok {
							if sig, ok := p.TypesInfo.TypeOf(lit).(*types.Signature); !ok || !isCommandBody(sig) {
								m.InClosure = true
							}
						}
					}
					if !seen[m] {
						seen[m] = true
						m.Pos = a.pos(n.Pos())
						f.Makes = append(f.Makes, m)
					}
					return true
				})
			}
		}
	}
}

// freshResults returns the module types, "<package path>.<Type>", of the
// values fd builds and returns (return &T{...}, return T{...},
// return new(T), or a variable it set to one of those), whatever its
// declared result types: a factory returning an interface names the type
// behind it. Function literals are not looked into.
func freshResults(info *types.Info, fd *ast.FuncDecl, mod map[string]bool) []string {
	built := func(e ast.Expr) types.Type {
		switch x := ast.Unparen(e).(type) {
		case *ast.UnaryExpr:
			if _, ok := x.X.(*ast.CompositeLit); ok && x.Op == token.AND {
				return info.TypeOf(x.X)
			}
		case *ast.CompositeLit:
			return info.TypeOf(x)
		case *ast.CallExpr:
			if id, ok := x.Fun.(*ast.Ident); ok && len(x.Args) == 1 {
				if b, ok := info.Uses[id].(*types.Builtin); ok && b.Name() == "new" {
					return info.TypeOf(x.Args[0])
				}
			}
		}
		return nil
	}
	vars := map[types.Object]types.Type{} // variables set to a value built here
	var out []string
	seen := map[string]bool{}
	add := func(t types.Type) {
		n, _ := types.Unalias(t).(*types.Named)
		if n == nil || n.Obj().Pkg() == nil || !mod[n.Obj().Pkg().Path()] {
			return
		}
		if _, ok := n.Underlying().(*types.Struct); !ok {
			return
		}
		k := n.Obj().Pkg().Path() + "." + n.Obj().Name()
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.AssignStmt:
			if len(x.Lhs) == len(x.Rhs) {
				for i, l := range x.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						obj := info.Defs[id]
						if obj == nil {
							obj = info.Uses[id]
						}
						if t := built(x.Rhs[i]); t != nil && obj != nil {
							vars[obj] = t
						}
					}
				}
			}
		case *ast.ValueSpec:
			if len(x.Names) == len(x.Values) {
				for i, id := range x.Names {
					if t := built(x.Values[i]); t != nil {
						vars[info.Defs[id]] = t
					}
				}
			}
		case *ast.ReturnStmt:
			for _, r := range x.Results {
				if t := built(r); t != nil {
					add(t)
				} else if id, ok := ast.Unparen(r).(*ast.Ident); ok {
					if t, ok := vars[info.Uses[id]]; ok {
						add(t)
					}
				}
			}
		}
		return true
	})
	return out
}

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

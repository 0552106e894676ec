package rewriter

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// bindInside binds, at the constructor calls its own service's code makes
// in another package, the receivers of method topics that no code outside
// their service makes (want: type key → svc; made: the types bound
// already, updated). Every process runs the wiring, and the service's own
// processes must bind the instance it makes: filebrowser's storage/bolt
// makes share.NewStorage, both in the bolt service, whose topics answered
// "no instance bound". Binds in a package the service package imports
// (an import cycle) and constructors of databases one process at a time
// can hold (bound lazily elsewhere) are left out.
func (r *rewrite) bindInside(want map[string]*svcPkg, made map[string]bool) {
	left := map[string]*svcPkg{}
	for k, s := range want {
		if !made[k] {
			left[k] = s
		}
	}
	if len(left) == 0 {
		return
	}
	deps := map[string]map[string]bool{} // service → packages its svc package imports, transitively
	for _, s := range left {
		if deps[s.service] != nil {
			continue
		}
		d := map[string]bool{}
		deps[s.service] = d
		for _, t := range s.topics {
			r.importClosure(t.pkg.PkgPath, d)
		}
	}
	openers := r.exclusiveOpeners()
	for _, rel := range sortedKeys(r.files) {
		f := r.files[rel]
		if f.test || strings.HasPrefix(rel, GenDir+"/") {
			continue
		}
		info := f.pkg.TypesInfo
		ast.PreorderStack(f.ast, nil, func(n ast.Node, stack []ast.Node) bool {
			e, ok := n.(ast.Expr)
			if !ok {
				return true
			}
			call, isCall := e.(*ast.CallExpr)
			if u, ok := e.(*ast.UnaryExpr); !isCall && (!ok || u.Op != token.AND) {
				return true
			} else if ok {
				if _, lit := u.X.(*ast.CompositeLit); !lit {
					return true
				}
			}
			tv, ok := info.Types[e]
			if !ok {
				return true
			}
			typ, withErr := tv.Type, false
			if tup, ok := typ.(*types.Tuple); ok && isCall && tup.Len() == 2 && isError(tup.At(1).Type()) {
				typ, withErr = tup.At(0).Type(), true
			}
			pt, ok := typ.(*types.Pointer)
			if !ok {
				return true
			}
			n2 := recvNamed(pt)
			if n2 == nil || n2.Obj().Pkg() == nil {
				return true
			}
			k := typeKey(n2)
			s := left[k]
			if s == nil || r.svcOf[f.pkg.PkgPath] != s.service || f.pkg.PkgPath == n2.Obj().Pkg().Path() || deps[s.service][f.pkg.PkgPath] {
				return true
			}
			if isCall {
				fn := calleeFunc(info, call)
				if fn == nil || fn.Pkg() == nil || fn.Pkg().Path() != n2.Obj().Pkg().Path() || openers[fn.FullName()] {
					return true
				}
			}
			made[k] = true
			if len(stack) > 0 {
				if c, ok := stack[len(stack)-1].(*ast.CallExpr); ok {
					if fn := calleeFunc(info, c); fn != nil && fn.Pkg() != nil && fn.Pkg().Path() == s.path {
						return true // by an earlier apply
					}
				}
			}
			bind := s.bindName(n2)
			if withErr {
				s.needBindErr(n2)
				bind += "Err"
			}
			f.edits = append(f.edits,
				edit{start: r.off(e.Pos()), end: r.off(e.Pos()), text: svcMark + s.path + "\x00" + bind + "("},
				edit{start: r.off(e.End()), end: r.off(e.End()), text: ")"})
			r.bound = append(r.bound, &Skip{Site: r.posString(e.Pos()), Subject: s.service, Reason: "binds *" + n2.Obj().Pkg().Name() + "." + n2.Obj().Name() + " in the " + s.service + " service (its own wiring makes it)"})
			return true
		})
	}
}

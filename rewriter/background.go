package rewriter

import (
	"go/ast"
	"go/types"
	"strconv"
	"strings"

	"github.com/cleave-go/cleave/planner"
)

// guardBackground wraps each call the plan keeps in-process because it
// starts background work of another service (planner.ReasonBackground: a
// worker's Start, its Stop) in
//
//	if bus.Default().Runs("<service>") { <statement> }
//
// so that only the processes of the service owning the worker run it; the
// monolith (transport local) still makes every call. The call must be a
// statement of its own (a call, defer or go statement): a call whose
// result is used cannot be left out and stays as it is.
func (r *rewrite) guardBackground() {
	owner := map[string]string{} // call site → service owning the callee
	for _, ip := range r.plan.InProcess {
		if ip.Reason != planner.ReasonBackground {
			continue
		}
		for _, s := range ip.Sites {
			owner[s] = ip.Consumer
		}
	}
	if len(owner) == 0 {
		return
	}
	for _, rel := range sortedKeys(r.files) {
		f := r.files[rel]
		if f.test || strings.HasPrefix(rel, GenDir+"/") {
			continue
		}
		info := f.pkg.TypesInfo
		ast.PreorderStack(f.ast, nil, func(n ast.Node, stack []ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(stack) < 1 {
				return true
			}
			svc, ok := owner[r.posString(call.Pos())]
			if !ok {
				return true
			}
			var stmt ast.Stmt
			switch s := stack[len(stack)-1].(type) {
			case *ast.ExprStmt:
				stmt = s
			case *ast.DeferStmt:
				stmt = s
			case *ast.GoStmt:
				stmt = s
			default:
				r.notes = append(r.notes, r.posString(call.Pos())+": starts the "+svc+" service's background work, but its result is used, so it cannot be guarded: every service process will run it")
				return true
			}
			if len(stack) >= 3 && isRunsGuard(info, stack[len(stack)-3]) {
				return true // guarded by an earlier apply
			}
			start, end := r.off(stmt.Pos()), r.off(stmt.End())
			f.edits = append(f.edits,
				edit{start: start, end: start, text: "if " + svcMark + busPath + "\x00Default().Runs(" + strconv.Quote(svc) + ") {\n"},
				edit{start: end, end: end, text: "\n}"})
			return true
		})
	}
}

// isRunsGuard reports whether n is an if statement whose condition is a
// call of the runtime's Bus.Runs.
func isRunsGuard(info *types.Info, n ast.Node) bool {
	ifs, ok := n.(*ast.IfStmt)
	if !ok {
		return false
	}
	call, ok := ifs.Cond.(*ast.CallExpr)
	if !ok {
		return false
	}
	fn := calleeFunc(info, call)
	return fn != nil && fn.Name() == "Runs" && fn.Pkg() != nil && fn.Pkg().Path() == busPath
}

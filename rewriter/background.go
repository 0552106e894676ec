package rewriter

import (
	"go/ast"
	"go/types"
	"strconv"
	"strings"

	"github.com/cleave-go/cleave/analyzer"
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
	for site, svc := range r.startupGoroutines() {
		if _, ok := owner[site]; !ok {
			owner[site] = svc
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

// startupGoroutines returns the go statements of the edge's and shared
// code that start-up runs and whose goroutine sends messages (reaches a
// call the plan makes a topic): a consumer main starts on a feed it dials
// (go func() { feed.Consume(ctx, addr, srv.OnMessage) }()), a ticker that
// asks another service for work. Every service process runs the
// monolith's start-up; the goroutine must run in one service, the edge,
// or each message would be handled once per process. Keyed by the go
// statement's call site, as the plan's sites are.
func (r *rewrite) startupGoroutines() map[string]string {
	g := r.opts.Graph
	edge := ""
	for _, s := range r.plan.Services {
		if s.Edge {
			edge = s.Name
		}
	}
	if g == nil || edge == "" {
		return nil
	}
	startup, later := planner.Startup(g)
	if len(startup) == 0 {
		return nil
	}
	topicSites := map[string]bool{}
	for _, t := range r.plan.Topics {
		for _, s := range t.Sites {
			topicSites[s] = true
		}
	}
	pkgOf := map[string]string{}
	for _, f := range g.Funcs {
		pkgOf[f.ID] = f.Package
	}
	out := map[string][]*analyzer.Call{}
	for _, c := range g.Calls {
		out[c.Caller] = append(out[c.Caller], c)
	}
	// sends reports whether code reached from the calls first sends a
	// message.
	sends := func(first []*analyzer.Call) bool {
		seen := map[string]bool{}
		stack := first
		for len(stack) > 0 {
			c := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if topicSites[c.Site.Pos.String()] {
				return true
			}
			if !seen[c.Callee] {
				seen[c.Callee] = true
				stack = append(stack, out[c.Callee]...)
			}
		}
		return false
	}
	guards := map[string]string{}
	for _, c := range g.Calls {
		if c.Mode != analyzer.ModeGo || !startup[c.Caller] || later(c) {
			continue
		}
		if svc := r.svcOf[pkgOf[c.Caller]]; svc != "" && svc != edge {
			continue // a service's own background work: see planner.ReasonBackground
		}
		first := []*analyzer.Call{c}
		if c.ToClosure {
			first = nil
			for _, in := range out[c.Callee] {
				if in.InClosure && (in.Closure == c.CalleeClosure || strings.HasPrefix(in.Closure, c.CalleeClosure+"$")) {
					first = append(first, in)
				}
			}
		}
		if sends(first) {
			guards[c.Site.Pos.String()] = edge
		}
	}
	return guards
}

package rewriter

import (
	"go/ast"
	"go/types"
	"slices"
	"strconv"
	"strings"

	"github.com/cleave-go/cleave/analyzer"
)

// The program's own subscriptions that give each subscriber every message
// (no shared queue): in the split every service process runs the
// monolith's start-up and subscribes, so each message would be handled
// once per process. apply keeps each such subscription that start-up
// makes to the processes of one service (the service of its handler when
// that is a function or method of a service, else of the code that
// subscribes, the edge for shared code), so that each message is handled
// as often as in the monolith, once with one process per service:
//
//   - NATS (Subscribe, ChanSubscribe, SubscribeSync, EncodedConn's
//     Subscribe and BindRecvChan): the subject becomes
//     subs.Subject("<service>", subject), the subject itself in that
//     service's processes and a subject no one publishes to in the others.
//     The call, the *Subscription, its error, Unsubscribe and Drain stay
//     as they were: a struct field or a defer that holds the subscription
//     works as before. A queue group shared by all processes would also
//     deliver each message once, but to any process: a handler's effects
//     on the edge's memory (a hub of websocket clients, a cache) would be
//     lost in the others, and a message every replica of the edge should
//     see would reach one.
//   - Redis (Subscribe, PSubscribe, SSubscribe of a client or a PubSub):
//     the channels become subs.Channels("<service>", channels...)..., the
//     same way.
//   - AMQP Consume: a queue cannot be made to receive nothing from the
//     client, so the statements that declare, bind and consume the queue
//     and use the deliveries are wrapped in
//     if bus.Default().Runs("<service>") { ... }, when nothing after them
//     uses what they make (the deliveries, the queue, an error) and none
//     stores it elsewhere; otherwise apply notes the call.
//
// A subscription made at request time (reached from an HTTP or gRPC
// handler: a websocket's feed) is one process's own and stays; one made
// outside what the analysis sees (no Options.Graph, code no entry point
// reaches) is noted. A subscription to a reply inbox (nats.NewInbox) is
// each process's own and stays.

// Subscription APIs, by kind.
const (
	subNATS = iota
	subRedis
	subAMQP
)

type subscribeAPI struct {
	what string
	kind int
}

// subscribeAPIs are the calls of message clients that give each
// subscriber every message, keyed by "<package>.<Type>.<Method>".
var subscribeAPIs = map[string]subscribeAPI{}

func init() {
	for _, m := range []string{"Conn.Subscribe", "Conn.ChanSubscribe", "Conn.SubscribeSync", "EncodedConn.Subscribe", "EncodedConn.BindRecvChan"} {
		subscribeAPIs["github.com/nats-io/nats.go."+m] = subscribeAPI{"NATS " + m[strings.IndexByte(m, '.')+1:] + " (no queue group)", subNATS}
	}
	for _, p := range []string{"github.com/redis/go-redis/v9", "github.com/go-redis/redis/v8", "github.com/go-redis/redis/v9"} {
		for _, t := range []string{"Client", "ClusterClient", "Ring", "UniversalClient", "PubSub"} {
			for _, m := range []string{"Subscribe", "PSubscribe", "SSubscribe"} {
				subscribeAPIs[p+"."+t+"."+m] = subscribeAPI{"Redis " + m, subRedis}
			}
		}
	}
	for _, p := range []string{"github.com/rabbitmq/amqp091-go", "github.com/streadway/amqp"} {
		subscribeAPIs[p+".Channel.Consume"] = subscribeAPI{"AMQP Consume", subAMQP}
		subscribeAPIs[p+".Channel.ConsumeWithContext"] = subscribeAPI{"AMQP ConsumeWithContext", subAMQP}
	}
}

// subsDir is the generated package the rewritten subscriptions call.
const subsDir = GenDir + "/subs"

// subIdle prefixes the subjects and channels the other processes
// subscribe to.
const subIdle = "_CLEAVE.idle."

// noteSubscribers keeps the subscriptions of the program's own message
// clients (subscribeAPIs) that start-up makes to one service's processes
// and notes those it cannot (see the comment above).
func (r *rewrite) noteSubscribers() {
	ph := r.programPhases()
	edge := ""
	for _, s := range r.plan.Services {
		if s.Edge {
			edge = s.Name
		}
	}
	needSubs := false
	subsPath := r.module + "/" + subsDir
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
			api, ok := subscribeAPIOf(info, call)
			if !ok {
				return true
			}
			pos := r.posString(call.Pos())
			fid := enclosingFunc(info, stack)
			phase := ph(fid)
			if phase == phaseRequest {
				return true // one process's own, as in the monolith
			}
			svc := r.subscriptionService(info, api, call, f.pkg.PkgPath, edge)
			if phase == phaseUnknown || svc == "" {
				why := ""
				if r.opts.Graph != nil && svc != "" {
					why = " (no entry point the analysis sees reaches it; when start-up does)"
				}
				r.notes = append(r.notes, pos+": the program subscribes with "+api.what+why+": every service process runs its start-up and will get each message; share a queue (NATS QueueSubscribe, one AMQP queue) among the processes, or start it in one service")
				return true
			}
			if phase == phaseBoth {
				r.notes = append(r.notes, pos+": the program subscribes with "+api.what+" both at start-up and at request time ("+fid+"): left alone; every service process runs its start-up and will get each message")
				return true
			}
			switch api.kind {
			case subNATS:
				if len(call.Args) == 0 {
					return true
				}
				subj := call.Args[0]
				if callsPkg(info, subj, subsPath) {
					needSubs = true // an earlier apply's
					return true
				}
				if isInbox(info, subj, stack) {
					return true // a reply inbox: each process's own
				}
				start, end := r.off(subj.Pos()), r.off(subj.End())
				f.edits = append(f.edits,
					edit{start: start, end: start, text: svcMark + subsPath + "\x00Subject(" + strconv.Quote(svc) + ", "},
					edit{start: end, end: end, text: ")"})
				f.sites = append(f.sites, pos)
				needSubs = true
			case subRedis:
				sig, _ := info.TypeOf(call.Fun).(*types.Signature)
				if sig == nil || !sig.Variadic() {
					return true
				}
				first := sig.Params().Len() - 1
				if len(call.Args) <= first {
					return true // no channel yet
				}
				if callsPkg(info, call.Args[first], subsPath) {
					needSubs = true
					return true
				}
				last := call.Args[len(call.Args)-1]
				start, end := r.off(call.Args[first].Pos()), r.off(last.End())
				if call.Ellipsis.IsValid() {
					end = r.off(call.Ellipsis) + len("...")
				}
				f.edits = append(f.edits,
					edit{start: start, end: start, text: svcMark + subsPath + "\x00Channels(" + strconv.Quote(svc) + ", "},
					edit{start: end, end: end, text: ")..."})
				f.sites = append(f.sites, pos)
				needSubs = true
			case subAMQP:
				reg, why := amqpRegion(info, call, stack)
				if why == "" && reg.guarded {
					return true // an earlier apply's
				}
				if why != "" {
					r.notes = append(r.notes, pos+": the program consumes with "+api.what+" at start-up ("+fid+"), which every service process runs, and "+why+", so it cannot be kept to the "+svc+" service's processes: a queue each process declares and binds for itself (server-named or exclusive, on a fanout exchange) hands every message to every process; consume one named queue the processes share, or start it in one service")
					return true
				}
				start, end := r.off(reg.list[reg.a].Pos()), r.off(reg.list[reg.b].End())
				f.edits = append(f.edits,
					edit{start: start, end: start, text: "if " + svcMark + busPath + "\x00Default().Runs(" + strconv.Quote(svc) + ") {\n"},
					edit{start: end, end: end, text: "\n}"})
				f.sites = append(f.sites, pos)
			}
			return true
		})
	}
	if needSubs {
		r.generateSubs()
	}
}

// subscriptionService returns the service whose processes keep a
// subscription: the service of its handler when that is a function or
// method of a service's package (nc.Subscribe(subj, board.OnAck): the
// board's state is that service's), else the service of the subscribing
// code (pkg), else the edge.
func (r *rewrite) subscriptionService(info *types.Info, api subscribeAPI, call *ast.CallExpr, pkg, edge string) string {
	inPlan := func(svc string) bool { return svc != "" && serviceOf(r.plan, svc) != nil }
	if api.kind == subNATS && len(call.Args) == 2 {
		var obj types.Object
		switch h := ast.Unparen(call.Args[1]).(type) {
		case *ast.Ident:
			obj = info.Uses[h]
		case *ast.SelectorExpr:
			if sel := info.Selections[h]; sel != nil {
				obj = sel.Obj()
			} else {
				obj = info.Uses[h.Sel]
			}
		}
		if fn, ok := obj.(*types.Func); ok && fn.Pkg() != nil && inPlan(r.svcOf[fn.Pkg().Path()]) {
			return r.svcOf[fn.Pkg().Path()]
		}
	}
	if inPlan(r.svcOf[pkg]) {
		return r.svcOf[pkg]
	}
	return edge
}

// subscribeAPIOf reports whether call is one of subscribeAPIs.
func subscribeAPIOf(info *types.Info, call *ast.CallExpr) (subscribeAPI, bool) {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return subscribeAPI{}, false
	}
	s := info.Selections[sel]
	if s == nil || s.Kind() != types.MethodVal {
		return subscribeAPI{}, false
	}
	fn, ok := s.Obj().(*types.Func)
	if !ok || fn.Pkg() == nil {
		return subscribeAPI{}, false
	}
	recv := recvNamed(fn.Type().(*types.Signature).Recv().Type())
	if recv == nil {
		return subscribeAPI{}, false
	}
	api, ok := subscribeAPIs[fn.Pkg().Path()+"."+recv.Obj().Name()+"."+fn.Name()]
	return api, ok
}

// enclosingFunc returns the full name of the function declaration the
// innermost node of stack is in, as the analyzer names functions: function
// literals are folded into the function that declares them.
func enclosingFunc(info *types.Info, stack []ast.Node) string {
	for _, n := range stack {
		if d, ok := n.(*ast.FuncDecl); ok {
			if fn, ok := info.Defs[d.Name].(*types.Func); ok {
				return fn.FullName()
			}
		}
	}
	return ""
}

// callsPkg reports whether e calls a function of package path.
func callsPkg(info *types.Info, e ast.Expr, path string) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok {
			if fn := calleeFunc(info, c); fn != nil && fn.Pkg() != nil && fn.Pkg().Path() == path {
				found = true
			}
		}
		return !found
	})
	return found
}

// callsNamed reports whether e calls a function or method of one of names.
func callsNamed(info *types.Info, e ast.Expr, names ...string) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok {
			if fn := calleeFunc(info, c); fn != nil {
				for _, name := range names {
					found = found || fn.Name() == name
				}
			}
		}
		return !found
	})
	return found
}

// isInbox reports whether subj is a reply inbox (nats.NewInbox(), or a
// variable of the enclosing function set to one): each process's own.
func isInbox(info *types.Info, subj ast.Expr, stack []ast.Node) bool {
	if callsNamed(info, subj, "NewInbox", "NewRespInbox") {
		return true
	}
	id, ok := ast.Unparen(subj).(*ast.Ident)
	if !ok || info.Uses[id] == nil {
		return false
	}
	obj := info.Uses[id]
	var body ast.Node
	for _, n := range stack {
		if d, ok := n.(*ast.FuncDecl); ok {
			body = d.Body
		}
	}
	if body == nil {
		return false
	}
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				if lid, ok := l.(*ast.Ident); ok && (info.Defs[lid] == obj || info.Uses[lid] == obj) && len(n.Rhs) == len(n.Lhs) {
					found = found || callsNamed(info, n.Rhs[i], "NewInbox", "NewRespInbox")
				}
			}
		case *ast.ValueSpec:
			for i, lid := range n.Names {
				if info.Defs[lid] == obj && i < len(n.Values) {
					found = found || callsNamed(info, n.Values[i], "NewInbox", "NewRespInbox")
				}
			}
		}
		return !found
	})
	return found
}

// Phases of the program a function runs in.
const (
	phaseUnknown = iota // no analysis, or no entry point reaches it
	phaseStartup        // start-up reaches it (main, init, what they start), no handler does
	phaseRequest        // a request handler reaches it, start-up does not
	phaseBoth
)

// programPhases returns the phase of each function of the analysis:
// what main and init reach, following every call (go statements, function
// literals, func values: a server's Start that subscribes in a goroutine
// is start-up's), against what the HTTP and gRPC handlers reach.
func (r *rewrite) programPhases() func(fid string) int {
	g := r.opts.Graph
	if g == nil {
		return func(string) int { return phaseUnknown }
	}
	out := callEdges(g, false)
	var starts, serves []string
	for _, e := range g.Entries {
		switch e.Kind {
		case analyzer.EntryMain, analyzer.EntryInit, analyzer.EntryCommand:
			starts = append(starts, e.Func)
		case analyzer.EntryHTTP, analyzer.EntryRPC:
			serves = append(serves, e.Func)
		}
	}
	for _, f := range g.Funcs {
		for _, p := range f.Params {
			if p.Type == "*net/http.Request" {
				serves = append(serves, f.ID)
				break
			}
		}
	}
	atStart, atServe := reachable(starts, out), reachable(serves, out)
	return func(fid string) int {
		switch {
		case atStart[fid] && atServe[fid]:
			return phaseBoth
		case atStart[fid]:
			return phaseStartup
		case atServe[fid]:
			return phaseRequest
		}
		return phaseUnknown
	}
}

// generateSubs writes the package the rewritten subscriptions call.
func (r *rewrite) generateSubs() {
	g := newGoFile("subs", r.module+"/"+subsDir)
	g.doc = "// Package subs keeps the program's own subscriptions that give every\n" +
		"// subscriber every message (NATS Subscribe without a queue group, Redis\n" +
		"// SUBSCRIBE) to the processes of one service of the split: every process\n" +
		"// runs the monolith's start-up and subscribes, but only that service's\n" +
		"// processes subscribe to what the program named, the others to a subject\n" +
		"// or channel no one publishes to. So each message is handled as often as\n" +
		"// in the monolith, while the subscription, its errors and its Unsubscribe\n" +
		"// work as before. Generated by cleave apply.\n"
	bus := g.im.add(busPath, "bus")
	g.p("// Idle prefixes the subjects and channels of the processes that do not run\n// the subscription's service.\n")
	g.p("const Idle = %q\n\n", subIdle)
	g.p("// Subject returns subject in the processes that run service (every\n// process of the monolith) and Idle+subject in the others.\n")
	g.p("func Subject(service, subject string) string {\n\tif %s.Default().Runs(service) {\n\t\treturn subject\n\t}\n\treturn Idle + subject\n}\n\n", bus)
	g.p("// Channels returns channels in the processes that run service (every\n// process of the monolith) and the channels prefixed with Idle in the others.\n")
	g.p("func Channels(service string, channels ...string) []string {\n\tif %s.Default().Runs(service) {\n\t\treturn channels\n\t}\n\tidle := make([]string, len(channels))\n\tfor i, c := range channels {\n\t\tidle[i] = Idle + c\n\t}\n\treturn idle\n}\n", bus)
	out, err := g.bytes(subsDir + "/subs.go")
	if err != nil {
		r.notes = append(r.notes, err.Error())
		return
	}
	r.put(subsDir+"/subs.go", out)
}

// region is a run of statements list[a..b] of one block that can be
// skipped as a whole.
type region struct {
	list    []ast.Stmt
	a, b    int
	guarded bool // already inside a Runs guard
}

// amqpRegion returns the statements around an AMQP Consume call (the call
// its own statement, or the value of an assignment to variables) that can
// be guarded together: the statement, the statements after it in its
// block that use what it and they define, and, the more the better, the
// statements before it that open the channel, declare, bind and set up the
// queue (with their error checks), when nothing after the region uses what
// it defines, no statement of it stores a value it defines elsewhere or
// returns, and every statement of it is about the subscription. why says
// why there is none.
func amqpRegion(info *types.Info, call *ast.CallExpr, stack []ast.Node) (reg region, why string) {
	if len(stack) < 2 {
		return reg, "it is not a statement of its own"
	}
	stmt, ok := stack[len(stack)-1].(ast.Stmt)
	switch s := stmt.(type) {
	case *ast.ExprStmt:
	case *ast.AssignStmt:
		ok = len(s.Rhs) == 1 && ast.Unparen(s.Rhs[0]) == call
	case *ast.ReturnStmt:
		return reg, "its result is returned"
	default:
		ok = false
	}
	if !ok {
		return reg, "its result is used inside an expression"
	}
	block, ok := stack[len(stack)-2].(*ast.BlockStmt)
	if !ok {
		return reg, "it is not a statement of a block"
	}
	if len(stack) >= 3 && isRunsGuard(info, stack[len(stack)-3]) {
		return region{guarded: true}, ""
	}
	i := -1
	for k, s := range block.List {
		if s == stmt {
			i = k
		}
	}
	if as, ok := stmt.(*ast.AssignStmt); ok {
		for _, l := range as.Lhs {
			if _, ok := ast.Unparen(l).(*ast.Ident); !ok {
				return reg, "its result is stored in " + types.ExprString(l)
			}
		}
	}
	// The candidate starts: the statement, and before it the statements
	// that set up the queue (their error checks between), the earliest
	// first.
	starts := []int{i}
	for k := i - 1; k >= 0; k-- {
		if isErrCheck(info, block.List[k]) {
			continue
		}
		if !isAMQPSetup(info, block.List[k]) {
			break
		}
		starts = append([]int{k}, starts...)
	}
	for _, a := range starts {
		reg = region{list: block.List, a: a, b: i}
		// What uses the region's definitions joins it.
		for {
			defs := reg.defs(info)
			grew := false
			for k := reg.b + 1; k < len(block.List); k++ {
				if usesAny(info, block.List[k], defs) {
					reg.b, grew = k, true
				}
			}
			if !grew {
				break
			}
		}
		if why = reg.check(info); why == "" {
			return reg, ""
		}
	}
	return reg, why
}

// defs returns the local variables the region's statements declare.
func (reg region) defs(info *types.Info) map[types.Object]bool {
	defs := map[types.Object]bool{}
	for _, s := range reg.list[reg.a : reg.b+1] {
		topDefs(info, s, defs)
	}
	return defs
}

// topDefs adds the variables s declares in its block (not in nested
// blocks or function literals).
func topDefs(info *types.Info, s ast.Stmt, defs map[types.Object]bool) {
	switch s := s.(type) {
	case *ast.AssignStmt:
		for _, l := range s.Lhs {
			if id, ok := l.(*ast.Ident); ok {
				if obj := info.Defs[id]; obj != nil {
					defs[obj] = true
				}
			}
		}
	case *ast.DeclStmt:
		if gd, ok := s.Decl.(*ast.GenDecl); ok {
			for _, spec := range gd.Specs {
				if vs, ok := spec.(*ast.ValueSpec); ok {
					for _, id := range vs.Names {
						if obj := info.Defs[id]; obj != nil {
							defs[obj] = true
						}
					}
				}
			}
		}
	}
}

// usesAny reports whether n refers to one of objs.
func usesAny(info *types.Info, n ast.Node, objs map[types.Object]bool) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && objs[info.Uses[id]] {
			found = true
		}
		return !found
	})
	return found
}

// check reports why the region cannot be guarded, or "".
func (reg region) check(info *types.Info) string {
	defs := reg.defs(info)
	stmts := reg.list[reg.a : reg.b+1]
	for _, s := range reg.list[reg.b+1:] {
		if usesAny(info, s, defs) {
			return "what it makes is used after it"
		}
	}
	// Variables declared before the region that it assigns: after the
	// guard a := of theirs declares a new one, so they must be read
	// before the region and not after it.
	assigned := map[types.Object]bool{}
	reads := map[types.Object]bool{}
	why := ""
	for _, s := range stmts {
		switch s.(type) {
		case *ast.ReturnStmt, *ast.BranchStmt, *ast.LabeledStmt:
			return "the statements around it return or jump"
		}
		ast.Inspect(s, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				// A literal's own assignments are the handler's work; it
				// may still store what the region makes.
				ast.Inspect(n.Body, func(m ast.Node) bool {
					if as, ok := m.(*ast.AssignStmt); ok && why == "" {
						why = storeWhy(info, as, defs, true)
					}
					return why == ""
				})
				return false
			case *ast.AssignStmt:
				if why == "" {
					why = storeWhy(info, n, defs, false)
				}
				for _, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						if obj, ok := info.Uses[id].(*types.Var); ok && !defs[obj] && !obj.IsField() {
							assigned[obj] = true
						}
					}
				}
			case *ast.Ident:
				reads[info.Uses[n]] = true
			}
			return true
		})
	}
	if why != "" {
		return why
	}
	// Every statement after the first is about the subscription: it uses
	// what the region declares or assigns, or sets up the queue.
	related := map[types.Object]bool{}
	for k, s := range stmts {
		if k > 0 && !usesAny(info, s, related) && !isAMQPSetup(info, s) && !isErrCheck(info, s) {
			return "a statement beside it does other work"
		}
		topDefs(info, s, related)
		if as, ok := s.(*ast.AssignStmt); ok {
			for _, l := range as.Lhs {
				if id, ok := l.(*ast.Ident); ok && info.Uses[id] != nil {
					related[info.Uses[id]] = true
				}
			}
		}
	}
	for obj := range assigned {
		for _, s := range reg.list[reg.b+1:] {
			if usesAny(info, s, map[types.Object]bool{obj: true}) {
				return obj.Name() + ", which it assigns, is used after it"
			}
		}
		before := false
		for _, s := range reg.list[:reg.a] {
			before = before || usesAny(info, s, map[types.Object]bool{obj: true})
		}
		if !before || !reads[obj] {
			return obj.Name() + ", which it assigns, is declared outside it"
		}
	}
	return ""
}

// storeWhy says why an assignment stores what the region makes (defs)
// outside it, or "": its right side uses a definition and its left side
// is no variable of the region (or, in a function literal, of the
// literal).
func storeWhy(info *types.Info, as *ast.AssignStmt, defs map[types.Object]bool, inLit bool) string {
	uses := false
	for _, e := range as.Rhs {
		uses = uses || usesAny(info, e, defs)
	}
	if !uses {
		return ""
	}
	for _, l := range as.Lhs {
		id, ok := ast.Unparen(l).(*ast.Ident)
		if !ok {
			return "its result is stored in " + types.ExprString(l)
		}
		if inLit && info.Defs[id] != nil {
			continue
		}
		if obj := info.Uses[id]; obj != nil && !defs[obj] && obj.Parent() != nil && obj.Parent() != types.Universe && obj.Pkg() != nil && obj.Parent() == obj.Pkg().Scope() {
			return "its result is stored in the package variable " + id.Name
		}
	}
	return ""
}

// isErrCheck reports whether s is `if err != nil { ... }` (any condition
// on error values alone).
func isErrCheck(info *types.Info, s ast.Stmt) bool {
	ifs, ok := s.(*ast.IfStmt)
	if !ok || ifs.Init != nil {
		return false
	}
	errs := true
	ast.Inspect(ifs.Cond, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			if v, ok := info.Uses[id].(*types.Var); ok {
				errs = errs && types.Identical(v.Type(), types.Universe.Lookup("error").Type())
			}
		}
		return true
	})
	return errs
}

// amqpSetup are the AMQP methods that set up what a Consume reads.
var amqpSetup = map[string]bool{
	"Connection.Channel": true, "Channel.QueueDeclare": true, "Channel.QueueDeclarePassive": true,
	"Channel.QueueBind": true, "Channel.Qos": true,
}

// isAMQPSetup reports whether s is a statement calling one of amqpSetup
// (its result assigned or dropped, or checked: if err := ...; err != nil).
func isAMQPSetup(info *types.Info, s ast.Stmt) bool {
	var e ast.Expr
	switch s := s.(type) {
	case *ast.IfStmt:
		init, ok := s.Init.(*ast.AssignStmt)
		if !ok || s.Else != nil || !isErrCheck(info, &ast.IfStmt{Cond: s.Cond, Body: s.Body}) {
			return false
		}
		return isAMQPSetup(info, init)
	case *ast.ExprStmt:
		e = s.X
	case *ast.AssignStmt:
		if len(s.Rhs) != 1 {
			return false
		}
		e = s.Rhs[0]
	default:
		return false
	}
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok {
		return false
	}
	fn := calleeFunc(info, call)
	if fn == nil || fn.Pkg() == nil {
		return false
	}
	switch fn.Pkg().Path() {
	case "github.com/rabbitmq/amqp091-go", "github.com/streadway/amqp":
	default:
		return false
	}
	recv := recvNamed(fn.Type().(*types.Signature).Recv().Type())
	return recv != nil && amqpSetup[recv.Obj().Name()+"."+fn.Name()]
}

// callEdges returns the analysis's call edges by function: caller →
// callees, or callee → callers when backward.
func callEdges(g *analyzer.Graph, backward bool) map[string][]string {
	next := map[string][]string{}
	for _, c := range g.Calls {
		if backward {
			next[c.Callee] = append(next[c.Callee], c.Caller)
		} else {
			next[c.Caller] = append(next[c.Caller], c.Callee)
		}
	}
	return next
}

// reachable returns roots and every function next leads to from them.
func reachable(roots []string, next map[string][]string) map[string]bool {
	seen := map[string]bool{}
	stack := slices.Clone(roots)
	for len(stack) > 0 {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[f] {
			continue
		}
		seen[f] = true
		stack = append(stack, next[f]...)
	}
	return seen
}

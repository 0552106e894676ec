package planner

import (
	"cmp"
	"maps"
	"slices"
	"strings"

	"github.com/cleave-go/cleave/analyzer"
)

// Reasons a call between two services stays an in-process call instead of
// becoming a topic.
const (
	// ReasonStartup: the callee builds an object (a constructor: it returns
	// a pointer to a struct of its own package), or, in a server, the
	// caller runs only while the program starts (code reached from main
	// and init, not from a request handler, a callback or a goroutine).
	// Every service process runs that start-up code on its own objects —
	// constructors, options, seeding, Start/Stop of workers — so sending it
	// over the broker would repeat it once per process.
	ReasonStartup = "startup"
	// ReasonValue: the callee is a method of a value the caller already
	// holds (a value receiver, or Error/String and the like): it computes
	// on the caller's copy, and the caller links the callee's package for
	// the type anyway. A value method of an unexported type that reaches a
	// function or pointer method of another package (a model's method
	// querying the database) does more than compute on the value: it is a
	// topic; of an exported type apply leaves it alone (analyzer.StayValue)
	// and it stays in-process. Methods of
	// generated protobuf messages (getters on a pointer receiver) are
	// value methods too.
	ReasonValue = "value"
	// ReasonBackground: start-up wiring that starts background work of the
	// callee's service — the callee, within its own package, reaches a go
	// statement (a dispatcher's Start, a cache's janitor) — and the calls
	// without results to other methods of the same type (its Stop). Only
	// the processes of the service that owns the callee make these calls:
	// in every process the work would run once per process (N reminders
	// sent, N dispatch batches). `cleave apply` guards the call sites with
	// the process's service (bus.Runs); the monolith still makes them all.
	ReasonBackground = "background"
	// ReasonData: a method of a data type, a struct all of whose fields
	// travel (a domain entity the caller holds, such as a cargo): it runs
	// where the data is. (analyzer.StayData)
	ReasonData = analyzer.StayData
	// ReasonPayload: a parameter or result cannot travel as a message (a
	// func, a channel, an io.Writer, an error inside a result, a type
	// whose JSON does not round-trip, an object with unexported state).
	// (analyzer.StayPayload)
	ReasonPayload = analyzer.StayPayload
	// ReasonCallee: no generated handler can serve the callee: generic,
	// unexported (reached through an interface or a func value), in a
	// main package, an event on an unexported type. (analyzer.StayCallee)
	ReasonCallee = analyzer.StayCallee
	// ReasonGoroutines: the callee starts goroutines, whose work would
	// outlive the request in another process. (analyzer.StayGoroutines)
	ReasonGoroutines = analyzer.StayGoroutines
	// ReasonSite: the call's own shape: through a func value, on a
	// receiver held by value, through an embedded interface.
	// (analyzer.StaySite)
	ReasonSite = analyzer.StaySite
)

// The reasons above from ReasonData on, and ReasonValue for a method with
// a value receiver, are the shapes cleave apply cannot rewrite: the
// analyzer records them (Func.Stays, Call.Stays) with the predicate apply
// uses (analyzer.CalleeStays, analyzer.SiteStays), so that the plan lists
// as topics only calls apply turns into messages.

// InProcess is a function called across services that stays a direct call,
// with the reason and the call sites.
type InProcess struct {
	Function string `yaml:"function" json:"function"`
	Consumer string `yaml:"consumer" json:"consumer"` // service that owns Function
	Reason   string `yaml:"reason" json:"reason"`     // ReasonStartup, ReasonBackground, ReasonValue, ReasonData, ...
	// Why details a reason apply judged from the types: "parameter w
	// io.Writer: interface values cannot travel".
	Why   string   `yaml:"why,omitempty" json:"why,omitempty"`
	Sites []string `yaml:"sites" json:"sites"`
}

// valueMethods are method names that compute on a value: formatting,
// errors, encoding.
var valueMethods = map[string]bool{
	"Error": true, "String": true, "GoString": true, "Format": true, "Unwrap": true, "Is": true, "As": true,
	"MarshalJSON": true, "UnmarshalJSON": true, "MarshalText": true, "UnmarshalText": true,
	"MarshalBinary": true, "UnmarshalBinary": true,
}

// inProcessReasons returns, for each call of g.Calls, why it would stay an
// in-process call if it crossed services ("" when it would be a topic),
// and the detail of the reasons apply judges from the types (see stays).
func inProcessReasons(g *analyzer.Graph, funcs map[string]*analyzer.Func) (reasons, whys []string) {
	var startup map[string]bool
	later := (*analyzer.Call).Later
	if isServer(g) {
		startup, _, later = phases(g)
	}
	out := map[string][]string{}
	for _, c := range g.Calls {
		out[c.Caller] = append(out[c.Caller], c.Callee)
	}
	pure := map[string]bool{}
	messages := protoMessages(funcs)
	reasons = make([]string, len(g.Calls))
	whys = make([]string, len(g.Calls))
	for i, c := range g.Calls {
		switch {
		case isConstructor(funcs[c.Callee]):
			reasons[i] = ReasonStartup
		case startup[c.Caller] && !later(c):
			reasons[i] = ReasonStartup
		case isValueMethod(funcs[c.Callee]) && computesOnValue(funcs, out, pure, c.Callee):
			reasons[i] = ReasonValue
		case messages[recvKey(funcs[c.Callee])]:
			reasons[i] = ReasonValue
		}
	}
	markBackground(g, funcs, reasons)
	for i, c := range g.Calls {
		if reasons[i] != "" {
			continue
		}
		f := funcs[c.Callee]
		if st := stays(c, f, f != nil && len(f.Results) == 0); st != nil {
			reasons[i], whys[i] = st.Reason, st.Why
		}
	}
	return reasons, whys
}

// stays returns why cleave apply would leave call c of f alone if it
// crossed services as a topic of kind event (event) or request, or nil:
// the callee's shape (Func.Stays, and Func.StaysEvent for an event), then
// the call's own (Call.Stays).
func stays(c *analyzer.Call, f *analyzer.Func, event bool) *analyzer.Stay {
	if f == nil {
		return nil
	}
	switch {
	case f.Stays != nil:
		return f.Stays
	case f.StaysEvent != nil && event:
		return f.StaysEvent
	}
	return c.Stays
}

// onOwnCopy reports whether call i, if it crossed services, would stay a
// direct call that works on the caller's own objects: for the planner's
// own reasons (start-up wiring each process runs, methods computing on a
// value) and methods of data types. A call apply leaves alone for its
// shape only (a payload that cannot travel, a callee that starts
// goroutines) still runs the service's code in the caller's process.
func (pg *pkgGraph) onOwnCopy(i int) bool {
	r := pg.inproc[i]
	return r != "" && (pg.inprocWhy[i] == "" || r == ReasonData)
}

// applyKinds re-derives the reasons apply judges from the types (see
// stays) for the calls of callees whose kind the person overrode: a
// callee that returns nothing made a request, or one returning results
// made an event. It is called with the constraints of the plan pg serves.
func (pg *pkgGraph) applyKinds(kinds []KindChoice) {
	if len(kinds) == 0 && pg.kinds == nil {
		return
	}
	want := map[string]string{}
	for _, k := range kinds {
		want[k.Function] = k.Kind
	}
	if maps.Equal(want, pg.kinds) {
		return
	}
	pg.kinds = want
	for i, c := range pg.g.Calls {
		r := pg.inproc[i]
		if r != "" && pg.inprocWhy[i] == "" {
			continue // a reason of the planner's own, whatever the kind
		}
		f := pg.funcs[c.Callee]
		if f == nil {
			continue
		}
		event := len(f.Results) == 0
		switch want[c.Callee] {
		case KindEvent:
			event = true
		case KindRequest:
			event = false
		}
		pg.inproc[i], pg.inprocWhy[i] = "", ""
		if st := stays(c, f, event); st != nil {
			pg.inproc[i], pg.inprocWhy[i] = st.Reason, st.Why
		}
	}
}

// markBackground turns the start-up calls that start background work of
// the callee's package into ReasonBackground, with the start-up calls
// without results to other methods of the same receiver type (see
// ReasonBackground).
func markBackground(g *analyzer.Graph, funcs map[string]*analyzer.Func, reasons []string) {
	// Functions that reach a go statement through calls within their own
	// package.
	out := map[string][]*analyzer.Call{}
	for _, c := range g.Calls {
		out[c.Caller] = append(out[c.Caller], c)
	}
	memo := map[string]bool{}
	var starts func(id, pkg string, seen map[string]bool) bool
	starts = func(id, pkg string, seen map[string]bool) bool {
		if r, ok := memo[id]; ok {
			return r
		}
		if seen[id] {
			return false
		}
		seen[id] = true
		for _, c := range out[id] {
			if c.Mode == analyzer.ModeGo {
				memo[id] = true
				return true
			}
			if f := funcs[c.Callee]; f != nil && f.Package == pkg && starts(c.Callee, pkg, seen) {
				memo[id] = true
				return true
			}
		}
		return false
	}
	workers := map[string]bool{} // receiver types "<pkg>.<Recv>" whose start-up calls start work
	for i, c := range g.Calls {
		f := funcs[c.Callee]
		// A start-up call made with go (go worker.Run(ctx)) starts the
		// callee's work as surely as a Start that says go itself.
		if reasons[i] != ReasonStartup || f == nil || isConstructor(f) || c.Mode != analyzer.ModeGo && !starts(f.ID, f.Package, map[string]bool{}) {
			continue
		}
		reasons[i] = ReasonBackground
		if f.Recv != "" {
			workers[f.Package+"."+strings.TrimPrefix(f.Recv, "*")] = true
		}
	}
	for i, c := range g.Calls {
		f := funcs[c.Callee]
		if reasons[i] == ReasonStartup && f != nil && f.Recv != "" && len(f.Results) == 0 &&
			workers[f.Package+"."+strings.TrimPrefix(f.Recv, "*")] {
			reasons[i] = ReasonBackground
		}
	}
}

// computesOnValue reports whether value method id only computes on its
// value: everything it reaches is code of its own package or methods of
// other values. A value method that reaches a function or a pointer
// method of another package (a database handle from common.GetDB, a
// client) does the other package's work: it is not a value's method in
// the sense of ReasonValue. Results are memoized in pure.
func computesOnValue(funcs map[string]*analyzer.Func, out map[string][]string, pure map[string]bool, id string) bool {
	if r, ok := pure[id]; ok {
		return r
	}
	f := funcs[id]
	if f == nil || valueMethods[f.Name] {
		pure[id] = true
		return true
	}
	seen := map[string]bool{id: true}
	stack := []string{id}
	ok := true
	for len(stack) > 0 && ok {
		cur := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, callee := range out[cur] {
			if seen[callee] {
				continue
			}
			seen[callee] = true
			cf := funcs[callee]
			if cf == nil {
				continue
			}
			if cf.Package != f.Package && !isValueMethod(cf) {
				ok = false
				break
			}
			stack = append(stack, callee)
		}
	}
	pure[id] = ok
	return ok
}

// isServer reports whether the program serves requests (it registers HTTP
// handlers, or has request handlers a router or an RPC server calls): then
// the work happens in handlers, and what main does before is start-up. A
// command-line program does its work from main.
func isServer(g *analyzer.Graph) bool {
	for _, e := range g.Entries {
		if e.Kind == analyzer.EntryHTTP || e.Kind == analyzer.EntryRPC {
			return true
		}
	}
	for _, f := range g.Funcs {
		if isHandler(f, g.Module) {
			return true
		}
	}
	return false
}

// isHandler reports whether f has the shape of a request handler a library
// outside the module calls: it takes an http.ResponseWriter or an
// *http.Request, a web framework's request context (*gin.Context,
// echo.Context, *routing.Context, *fiber.Ctx: a type named Context or Ctx
// outside the standard library), or a gRPC server's interceptor or stream
// (the generated method handlers). The analyzer sees no call into such a
// function when the router is a dependency of the module.
func isHandler(f *analyzer.Func, module string) bool {
	for _, p := range f.Params {
		switch p.Type {
		case "google.golang.org/grpc.UnaryServerInterceptor", "google.golang.org/grpc.ServerStream":
			return true
		}
	}
	return isWebHandler(f, module)
}

// isWebHandler is isHandler without the gRPC shapes: f takes an HTTP
// request or a web framework's request context (a type of module itself
// named Context is no framework's).
func isWebHandler(f *analyzer.Func, module string) bool {
	for _, p := range f.Params {
		t := strings.TrimPrefix(p.Type, "*")
		switch t {
		case "net/http.ResponseWriter", "net/http.Request":
			return true
		}
		dot := strings.LastIndex(t, ".")
		if dot < 0 || strings.ContainsAny(t, "[]() ") {
			continue
		}
		pkg, name := t[:dot], t[dot+1:]
		if pkg == "golang.org/x/net/context" {
			// The standard library's context under its old name (an
			// alias): no request (shiori's start-up takes one).
			continue
		}
		if (name == "Context" || name == "Ctx") && strings.Contains(pkg, ".") && pkg != module && !strings.HasPrefix(pkg, module+"/") {
			return true
		}
	}
	return false
}

// isConstructor reports whether f is a package-level function returning a
// pointer to a type of its own package, or a New… function returning any
// type of its own package (a constructor returning the package's
// interface: NewService() Service): it builds an object each process
// builds for itself.
func isConstructor(f *analyzer.Func) bool {
	if f == nil || f.Recv != "" {
		return false
	}
	for _, r := range f.Results {
		if strings.HasPrefix(r, "*"+f.Package+".") {
			return true
		}
		if strings.HasPrefix(f.Name, "New") && strings.HasPrefix(strings.TrimPrefix(r, "*"), f.Package+".") {
			return true
		}
	}
	return false
}

// isFactoryMethod reports whether f is a method named New… that returns
// a pointer to another type of its package: a factory a service object
// offers (store.NewQuery(user) *Query, a query builder), whose values are
// made per call like a constructor's.
func isFactoryMethod(f *analyzer.Func) bool {
	if f == nil || f.Recv == "" || !strings.HasPrefix(f.Name, "New") {
		return false
	}
	recv := strings.TrimPrefix(f.Recv, "*")
	for _, r := range f.Results {
		if t, ok := strings.CutPrefix(r, "*"+f.Package+"."); ok && f.Package+"."+t != recv && !strings.HasSuffix(recv, "."+t) {
			return true
		}
	}
	return false
}

// protoMessages returns the protobuf message types of the graph, as
// recvKey names them: the types with a ProtoReflect or ProtoMessage
// method. Their methods (GetX getters, Reset, String) read or reset the
// message the caller holds: ReasonValue, even on a pointer receiver.
func protoMessages(funcs map[string]*analyzer.Func) map[string]bool {
	out := map[string]bool{}
	for _, f := range funcs {
		if f.Recv != "" && (f.Name == "ProtoReflect" || f.Name == "ProtoMessage") {
			out[recvKey(f)] = true
		}
	}
	return out
}

// recvKey names the receiver type of method f "<package>.<Type>", or ""
// for a function.
func recvKey(f *analyzer.Func) string {
	if f == nil || f.Recv == "" {
		return ""
	}
	return f.Package + "." + recvType(f.Recv)
}

func isValueMethod(f *analyzer.Func) bool {
	if f == nil || f.Recv == "" {
		return false
	}
	return !strings.HasPrefix(f.Recv, "*") || valueMethods[f.Name]
}

// startupOnly returns the functions reached from main and init through
// plain calls (not go statements) that no request-time entry point — an
// HTTP handler, a goroutine — reaches.
func startupOnly(g *analyzer.Graph) map[string]bool {
	only, _, _ := phases(g)
	return only
}

// Startup returns the functions only the program's start-up runs (main,
// init and what they call, not what a handler or a goroutine reaches), and
// whether a call is made in a function literal that runs after start-up.
// Outside a server (no handler) start-up is nil.
func Startup(g *analyzer.Graph) (only map[string]bool, later func(*analyzer.Call) bool) {
	if !isServer(g) {
		return nil, (*analyzer.Call).Later
	}
	only, _, later = phases(g)
	return only, later
}

// phases returns the functions only start-up runs (startupOnly) and the
// ones that run at request time or beside the program: reached from a
// handler, a goroutine, a callback. A function in neither (test support
// only tests call, dead code) runs in no phase of the program.
//
// later reports whether a call is made in a function literal that runs
// after start-up (Call.Later), unless that literal is one start-up code
// calls itself: a command's run func another function returned
// (`Run: newServe()`), called by main's Execute.
func phases(g *analyzer.Graph) (startupOnly, requestTime map[string]bool, later func(*analyzer.Call) bool) {
	out := map[string][]*analyzer.Call{}
	for _, c := range g.Calls {
		out[c.Caller] = append(out[c.Caller], c)
	}
	reach := func(roots []string, follow func(*analyzer.Call) bool) map[string]bool {
		seen := map[string]bool{}
		stack := slices.Clone(roots)
		for len(stack) > 0 {
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if seen[f] {
				continue
			}
			seen[f] = true
			for _, c := range out[f] {
				if follow(c) && !seen[c.Callee] {
					stack = append(stack, c.Callee)
				}
			}
		}
		return seen
	}
	var starts, serves []string
	for _, e := range g.Entries {
		if e.Kind == analyzer.EntryMain || e.Kind == analyzer.EntryInit || e.Kind == analyzer.EntryCommand {
			starts = append(starts, e.Func)
		}
	}
	// A package's variable initializers run at start-up too, in a package
	// that declares no init function (no entry): the function literals
	// there, a cobra command's RunE in `var rootCmd = &cobra.Command{...}`,
	// are its calls.
	for _, f := range g.Funcs {
		if f.ID == f.Package+".init" && !slices.Contains(starts, f.ID) {
			starts = append(starts, f.ID)
		}
	}
	// Request handlers a router outside the module calls run at request
	// time, whoever else calls them.
	for _, f := range g.Funcs {
		if isHandler(f, g.Module) {
			serves = append(serves, f.ID)
		}
	}
	type lit struct{ fn, name string }
	startLits := map[lit]bool{}
	later = func(c *analyzer.Call) bool { return c.Later() && !startLits[lit{c.Caller, c.Closure}] }
	if len(starts) == 0 {
		return nil, nil, later
	}
	// Run beside or after start-up, whatever calls them: functions a go
	// statement starts, functions called through a func value (callbacks,
	// handlers behind a wrapper) other than by start-up code itself, and
	// functions called from inside a function literal.
	// A call of a function literal another function returned (a cleanup
	// func, a handler a constructor built) runs that literal, whose own
	// calls count from inside it (InClosure), not the function that made
	// it: `cleanup := web.Setup(); defer cleanup()` leaves web.Setup a
	// start-up function.
	//
	// Start-up runs what main and init call, directly, through a func
	// value they call themselves (a command table's Run), or from a
	// command's body (cobra's RunE): not what a go statement starts or a
	// handler's function literal runs, nor the function a returned
	// literal was declared in.
	runsAtStart := func(c *analyzer.Call) bool {
		return c.Mode != analyzer.ModeGo && !later(c) && (c.Via == analyzer.ViaStatic || c.Via == analyzer.ViaFuncValue)
	}
	var atStart map[string]bool
	for {
		atStart = reach(starts, func(c *analyzer.Call) bool { return runsAtStart(c) && !c.ToClosure })
		// Literals start-up code calls run at start-up: their calls count
		// as start-up's, and may reach further literals.
		grew := false
		for _, c := range g.Calls {
			if c.ToClosure && c.CalleeClosure != "" && atStart[c.Caller] && runsAtStart(c) && !startLits[lit{c.Callee, c.CalleeClosure}] {
				startLits[lit{c.Callee, c.CalleeClosure}] = true
				grew = true
			}
		}
		if !grew {
			break
		}
	}
	byID := map[string]*analyzer.Func{}
	for _, f := range g.Funcs {
		byID[f.ID] = f
	}

	for _, e := range g.Entries {
		f := byID[e.Func]
		switch {
		case e.Kind == analyzer.EntryMain, e.Kind == analyzer.EntryInit:
		case e.Kind == analyzer.EntryHTTP && f != nil && !isHandler(f, g.Module) && atStart[e.Func]:
			// A route served by a function literal (or by what a handler
			// factory returns), folded into a wiring function that is no
			// handler itself: the literal's own calls are request time
			// (InClosure, below), the wiring around it is not.
		case e.Kind == analyzer.EntryGoroutine, slices.Contains(starts, e.Func):
			// Taken from the go statements and function literals below: a
			// function literal started with go or registered as a handler
			// is folded into the function around it (main, say), which must
			// not count as running beside the program.
		default:
			serves = append(serves, e.Func)
		}
	}
	for _, c := range g.Calls {
		// A call of a function literal runs the literal, whose own calls
		// count from inside it (InClosure): its callee is the function the
		// literal was declared in, which the call does not run. Otherwise a
		// literal deferred inside a goroutine's literal (`go func() { defer
		// func() { <-sem }() }()` in a subcommand) would make the whole
		// function around them request time, its start-up included.
		if c.ToClosure {
			continue
		}
		if c.Mode == analyzer.ModeGo && c.Callee != c.Caller || later(c) ||
			c.Via == analyzer.ViaFuncValue && !(atStart[c.Caller] && c.Mode != analyzer.ModeGo) {
			serves = append(serves, c.Callee)
		}
	}
	// A callback a handler calls (s.OnPut(id), a closure main stored in
	// a field) runs its literal, not the function that declared it: its
	// calls are serve roots of their own (InClosure).
	atServe := reach(serves, func(c *analyzer.Call) bool { return !c.ToClosure || c.Callee == c.Caller })
	only := map[string]bool{}
	for f := range atStart {
		if !atServe[f] {
			only[f] = true
		}
	}
	return only, atServe, later
}

// inProcess lists the calls of s that cross services but stay direct calls,
// one entry per callee and reason, sorted by function.
func (s *split) inProcess() []*InProcess {
	type key struct{ fn, reason, why string }
	by := map[key]*InProcess{}
	for i, c := range s.pg.g.Calls {
		r := s.pg.inproc[i]
		if r == "" {
			continue
		}
		a, b := s.pg.callPkg[i][0], s.pg.callPkg[i][1]
		if a < 0 || b < 0 {
			continue
		}
		ca, cb := s.pt.comm[a], s.pt.comm[b]
		if ca < 0 || cb < 0 || ca == cb {
			continue
		}
		k := key{c.Callee, r, s.pg.inprocWhy[i]}
		ip := by[k]
		if ip == nil {
			ip = &InProcess{Function: c.Callee, Consumer: s.names[cb], Reason: r, Why: k.why}
			by[k] = ip
		}
		ip.Sites = append(ip.Sites, c.Site.Pos.String())
	}
	list := make([]*InProcess, 0, len(by))
	for _, ip := range by {
		slices.Sort(ip.Sites)
		ip.Sites = slices.Compact(ip.Sites)
		list = append(list, ip)
	}
	slices.SortFunc(list, func(a, b *InProcess) int {
		return cmp.Or(cmp.Compare(a.Function, b.Function), cmp.Compare(a.Reason, b.Reason), cmp.Compare(a.Why, b.Why))
	})
	return list
}

// madePerRequest returns the types of the module a server's request-time
// code makes with a constructor of another package (a report builder, a
// client per session) or builds itself (&pkg.T{...}, new(pkg.T)), with
// the first such site. Their values live
// in the process that made them: the callee's service never has them.
func madePerRequest(g *analyzer.Graph, funcs map[string]*analyzer.Func) (map[string]analyzer.Pos, map[string]map[string]bool) {
	if !isServer(g) {
		return nil, nil
	}
	makers := map[string]map[string]bool{} // type → packages whose request-time code makes it
	maker := func(t, pkg string) {
		if makers[t] == nil {
			makers[t] = map[string]bool{}
		}
		makers[t][pkg] = true
	}
	startup, request, later := phases(g)
	// Packages no main imports: test support (a test database helper)
	// or dead code.
	support := testSupport(g)
	// made reports whether code of fn (inside a function literal:
	// inClosure) may run per request: not start-up code, and not code only
	// tests reach. A function no entry reaches counts, unless test
	// support: its caller may be a router the analysis does not know.
	made := func(fn string, inClosure bool) bool {
		switch {
		case startup[fn]:
			return inClosure
		case request[fn]:
			return true
		}
		f := funcs[fn]
		return f == nil || !support[f.Package]
	}
	out := map[string]analyzer.Pos{}
	for _, c := range g.Calls {
		f, caller := funcs[c.Callee], funcs[c.Caller]
		// A call in a literal start-up runs (a command's body, a run func
		// main's Execute calls) is wiring, whatever the literal's maker.
		atStart := c.InClosure && !later(c)
		if f == nil || caller == nil || caller.Package == f.Package || atStart || !made(c.Caller, later(c)) {
			continue
		}
		var types []string
		if isConstructor(f) || isFactoryMethod(f) {
			for _, r := range f.Results {
				if t := strings.TrimPrefix(r, "*"); strings.HasPrefix(t, f.Package+".") {
					types = append(types, t)
				}
			}
		}
		// What the callee builds and returns, behind an interface too
		// (hub.Subscribe returning a Subscription it makes per call).
		types = append(types, f.Returns...)
		for _, t := range types {
			if p, ok := out[t]; !ok || comparePos(c.Site.Pos, p) < 0 {
				out[t] = c.Site.Pos
			}
			maker(t, caller.Package)
		}
	}
	// Values request-time code builds itself: &quote.Quoter{...} in a
	// handler is no more the callee service's than a constructor's.
	for _, f := range g.Funcs {
		for _, m := range f.Makes {
			if !made(f.ID, m.InClosure) {
				continue
			}
			if p, ok := out[m.Type]; !ok || comparePos(m.Pos, p) < 0 {
				out[m.Type] = m.Pos
			}
			maker(m.Type, f.Package)
		}
	}
	return out, makers
}

package rewriter

import (
	"errors"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/tools/go/packages"

	"github.com/cleave-go/cleave/analyzer"
	"github.com/cleave-go/cleave/planner"
)

// topic is one planned topic, resolved against the code.
type topic struct {
	t    *planner.Topic
	fn   *types.Func
	pkg  *packages.Package // the callee's package (plain variant)
	sig  *types.Signature
	recv *types.Named // receiver type of a method (pointer receiver), nil for functions
	// opaque: the receiver type is unexported (an exported interface's
	// implementation). The service package cannot name it: the callee's
	// package gets a generated file (cleave_owns.go) that recognises it,
	// and the instance is held as an interface value.
	opaque  bool
	svc     *svcPkg
	stub    string // stub name in svc, e.g. "Reserve", "ServiceReserve"
	event   bool
	hasCtx  bool
	hasErr  bool
	params  []field // the callee's parameters after ctx
	results []field // the callee's results before the error
	skip    string  // why the whole topic is left alone
	sites   []*site
	funcVal bool               // a method value site needs the ...Func variant
	claimed map[token.Pos]bool // nodes sites resolved to
}

// field is a parameter or result as it appears in a message.
type field struct {
	name   string // Go name in the stub (parameter name)
	goName string // exported field name in the message
	json   string
	typ    types.Type
	// out: a pointer parameter copied in and out. The request carries the
	// pointee's value (nil: null), the handler calls the callee with a
	// pointer to its decoded copy, and the reply carries the pointee's value
	// after the call, which the stub copies back into the caller's pointee.
	out bool
}

// Site shapes.
const (
	shapeFunc      = iota // pkg.F(args)
	shapeMethod           // x.M(args), x a concrete type
	shapeIface            // x.M(args), x an interface
	shapeMethodVal        // x.M used as a value
)

// site is one call to rewrite.
type site struct {
	pos   string
	file  *srcFile
	shape int
	call  *ast.CallExpr
	sel   *ast.SelectorExpr // x.M for methods
	path  string            // ".Field" path to a promoted method's receiver
	skip  string
	done  bool // already rewritten by an earlier apply
	// extra: a static call of the callee from another service that the
	// plan does not list (the call graph missed it); rewritten too, so that
	// every caller of the split reaches the same instance.
	extra bool
	// link: the service package imports the caller's package, so the call
	// goes through a stub generated in the caller's package (see link.go).
	link bool
	// fan: the call may reach several topics and goes through a dispatcher
	// generated in the caller's package (see fanout.go).
	fan *fanout
}

// svcPkg is the generated package of one consumer service.
type svcPkg struct {
	service string
	name    string // inventorysvc
	path    string // example.com/shop/cleavesvc/inventorysvc
	dir     string // cleavesvc/inventorysvc
	topics  []*topic
	// errTypes are the error types its packages export.
	errTypes []errType
	// typeNames and qualified name the receiver types of its method
	// topics, by typeKey (see typeName).
	typeNames map[string]string
	qualified map[string]bool
	// bindErr holds, by typeKey, the receiver types a constructor of
	// which returns (T, error): they get a Bind<T>Err too.
	bindErr map[string]bool
	// bindAny holds, by typeKey, the exported receiver types a
	// constructor returns behind an interface: they get Bind<T>Any.
	bindAny map[string]bool
	// bindLazy holds, by typeKey, the receiver types a constructor of
	// which opens a database one process at a time can hold: they get
	// Bind<T>Lazy (and Bind<T>LazyErr with bindErr).
	bindLazy map[string]bool
}

func (r *rewrite) resolve() error {
	r.svcs = map[string]*svcPkg{}
	var errs []error
	for _, pt := range r.plan.Topics {
		if serviceOf(r.plan, pt.Consumer) == nil {
			errs = append(errs, fmt.Errorf("topic %s: consumer %q is not a service of the plan", pt.Subject, pt.Consumer))
			continue
		}
		fn, pkg, err := r.lookupFunc(pt.Function)
		if err != nil {
			errs = append(errs, fmt.Errorf("topic %s: %w", pt.Subject, err))
			continue
		}
		t := &topic{t: pt, fn: fn, pkg: pkg, sig: fn.Type().(*types.Signature), event: pt.Kind == planner.KindEvent}
		t.skip = r.classify(t)
		if r.opts.Only != "" && pt.Consumer != r.opts.Only && t.skip == "" {
			// Kept for what an earlier apply rewrote; nothing new.
			t.skip = "not the --only service " + r.opts.Only
		}
		for _, s := range pt.Sites {
			st, err := r.findSite(t, s)
			if err != nil {
				errs = append(errs, fmt.Errorf("topic %s: %w", pt.Subject, err))
				continue
			}
			t.sites = append(t.sites, st)
		}
		r.topics = append(r.topics, t)
	}
	if len(errs) > 0 {
		errs = append([]error{errors.New("apply: plan does not match the code (run cleave plan --update)")}, errs...)
		return errors.Join(errs...)
	}
	r.sweep()
	r.applyBlockers()
	r.sharedSites()
	r.breakCycles()
	r.nameStubs()
	return nil
}

// classify returns why topic t cannot be rewritten, or "": what
// analyzer.CalleeStays says, so that the planner, which asks the same
// question of the graph, lists such calls as in-process calls and not as
// topics. It fills in t's receiver, parameters and results.
func (r *rewrite) classify(t *topic) string {
	sig := t.sig
	if recv := sig.Recv(); recv != nil && t.pkg.Name != "main" && !generic(sig) {
		t.recv = recvNamed(recv.Type())
		if t.recv != nil && t.fn.Exported() {
			_, ptr := recv.Type().(*types.Pointer)
			if !t.recv.Obj().Exported() {
				t.opaque = true
			} else if !ptr {
				t.recv = nil
			}
		}
	}
	if st := analyzer.CalleeStays(t.fn, t.event, r.funcBody(t), r.isServiceType); st != nil {
		return st.Why
	}
	params := sig.Params()
	used := map[string]bool{}
	for i := 0; i < params.Len(); i++ {
		v := params.At(i)
		if i == 0 && isContext(v.Type()) {
			t.hasCtx = true
			continue
		}
		typ := v.Type()
		last := sig.Variadic() && i == params.Len()-1
		if last {
			typ = typ.(*types.Slice)
		}
		name := v.Name()
		if name == "" || name == "_" {
			name = fmt.Sprintf("arg%d", i)
		}
		f := newField(name, typ, used)
		// A pointer parameter of a request is copied in and out: the
		// callee's writes through it come back.
		_, f.out = typ.(*types.Pointer)
		f.out = f.out && !t.event && !last
		t.params = append(t.params, f)
	}
	results := sig.Results()
	for i := 0; i < results.Len(); i++ {
		v := results.At(i)
		if i == results.Len()-1 && isError(v.Type()) {
			t.hasErr = true
			continue
		}
		name := v.Name()
		if name == "" || name == "_" {
			name = "result"
			if results.Len()-btoi(t.hasErrResult()) > 1 {
				name = fmt.Sprintf("result%d", i+1)
			}
		}
		t.results = append(t.results, newField(name, v.Type(), used))
	}
	return ""
}

// generic reports whether sig is a generic function's or a method of a
// generic type's.
func generic(sig *types.Signature) bool {
	return sig.TypeParams().Len() > 0 || (sig.Recv() != nil && recvNamed(sig.Recv().Type()) != nil && recvNamed(sig.Recv().Type()).TypeParams().Len() > 0)
}

// funcBody returns the body of t's callee, or nil.
func (r *rewrite) funcBody(t *topic) *ast.BlockStmt {
	for _, f := range t.pkg.Syntax {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil && t.pkg.TypesInfo.Defs[fd.Name] == t.fn {
				return fd.Body
			}
		}
	}
	return nil
}

func (t *topic) hasErrResult() bool {
	res := t.sig.Results()
	return res.Len() > 0 && isError(res.At(res.Len()-1).Type())
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func newField(name string, typ types.Type, used map[string]bool) field {
	goName := exportName(name)
	for used[goName] || goName == "Instance" {
		goName += "_"
	}
	used[goName] = true
	return field{name: name, goName: goName, json: name, typ: typ}
}

func exportName(s string) string {
	rs := []rune(s)
	rs[0] = unicode.ToUpper(rs[0])
	return string(rs)
}

func recvNamed(t types.Type) *types.Named {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, _ := types.Unalias(t).(*types.Named)
	return n
}

func isContext(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "context" && n.Obj().Name() == "Context"
}

func isError(t types.Type) bool {
	return types.Identical(t, types.Universe.Lookup("error").Type())
}

// jsonMarshaler and textMarshaler are the interfaces of types that write
// their own JSON or text form.
var (
	jsonMarshaler = types.NewInterfaceType([]*types.Func{
		types.NewFunc(0, nil, "MarshalJSON", types.NewSignatureType(nil, nil, nil, nil,
			types.NewTuple(types.NewVar(0, nil, "", types.NewSlice(types.Typ[types.Byte])), types.NewVar(0, nil, "", types.Universe.Lookup("error").Type())), false)),
	}, nil).Complete()
	textMarshaler = types.NewInterfaceType([]*types.Func{
		types.NewFunc(0, nil, "MarshalText", types.NewSignatureType(nil, nil, nil, nil,
			types.NewTuple(types.NewVar(0, nil, "", types.NewSlice(types.Typ[types.Byte])), types.NewVar(0, nil, "", types.Universe.Lookup("error").Type())), false)),
	}, nil).Complete()
)

// travels returns why a value of type t cannot cross the wire as JSON
// without changing what the program does, or "" (analyzer.Travels, with
// this plan's service objects).
func (r *rewrite) travels(t types.Type, param bool) string {
	return analyzer.Travels(t, param, r.isServiceType)
}

// isServiceType reports whether t is declared in a package of a service
// (not a shared package) and has methods: an object, not data.
func (r *rewrite) isServiceType(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || n.Obj().Pkg() == nil {
		return false
	}
	_, inService := r.svcOf[n.Obj().Pkg().Path()]
	if !inService {
		return false
	}
	if s, ok := n.Underlying().(*types.Struct); ok {
		for i := 0; i < s.NumFields(); i++ {
			if !s.Field(i).Exported() {
				return true
			}
		}
	}
	return false
}

func (r *rewrite) typeString(t types.Type) string {
	return types.TypeString(t, func(p *types.Package) string { return p.Name() })
}

// findSite locates the call a plan site names.
func (r *rewrite) findSite(t *topic, s string) (*site, error) {
	f, off, err := r.position(s)
	if err != nil {
		return nil, err
	}
	st := &site{pos: s, file: f}
	info := f.pkg.TypesInfo
	tf := r.fset.File(f.ast.Pos())
	pos := tf.Pos(off)
	match := func(pos token.Pos) (best ast.Node, bestCall *ast.CallExpr) {
		funs := map[ast.Expr]bool{}
		ast.Inspect(f.ast, func(n ast.Node) bool {
			if n == nil || pos < n.Pos() || pos > n.End() {
				return false
			}
			switch n := n.(type) {
			case *ast.CallExpr:
				funs[ast.Unparen(n.Fun)] = true
				if r.calls(t, info, n.Fun) != "" {
					best, bestCall = n, n
				}
			case *ast.SelectorExpr:
				if funs[n] {
					return true
				}
				if sel := info.Selections[n]; sel != nil && sel.Kind() == types.MethodVal && r.calls(t, info, n) != "" {
					best, bestCall = n, nil
				}
			}
			return true
		})
		if best != nil && t.claimed[best.Pos()] {
			return nil, nil
		}
		return best, bestCall
	}
	best, bestCall := match(pos)
	if best == nil && !r.rewrittenAt(t, f, pos) {
		// The file may have gained lines above the call since the plan
		// was made (an earlier apply --only added imports): look at the
		// same column a few lines further down, then up.
		// The plan's line and column: the offset they give in the file
		// as it is now may run past a shorter line into the next one.
		p := r.fset.PositionFor(pos, false)
		if _, line, col, err := splitSite(s); err == nil {
			p.Line, p.Column = line, col
		}
		for d := 1; d <= 20 && best == nil; d++ {
			for _, line := range []int{p.Line + d, p.Line - d} {
				if line < 1 || line > tf.LineCount() {
					continue
				}
				q := tf.LineStart(line) + token.Pos(p.Column-1)
				if int(q)-tf.Base() >= len(f.src) {
					continue
				}
				if best, bestCall = match(q); bestCall != nil {
					st.pos = r.posString(q)
					break
				}
				best, bestCall = nil, nil
			}
		}
	}
	if best != nil {
		if t.claimed == nil {
			t.claimed = map[token.Pos]bool{}
		}
		t.claimed[best.Pos()] = true
	}
	if best == nil {
		// An earlier apply may have rewritten the call to the stub already.
		if r.rewrittenAt(t, f, pos) {
			st.done = true
			_, st.link = r.rewrittenLocally(t, f)
			return st, nil
		}
		if t.skip != "" {
			// Left alone anyway; after an earlier apply its position may have moved.
			return st, nil
		}
		// A call through a func value the call graph resolved to the callee.
		var dyn *ast.CallExpr
		ast.Inspect(f.ast, func(n ast.Node) bool {
			if c, ok := n.(*ast.CallExpr); ok && (c.Pos() == pos || c.Lparen == pos) {
				dyn = c
			}
			return dyn == nil
		})
		if dyn != nil {
			st.call = dyn
			st.skip = analyzer.WhyFuncValue
			return st, nil
		}
		return nil, fmt.Errorf("%s: no call of %s here", s, t.t.Function)
	}
	if bestCall == nil {
		st.shape = shapeMethodVal
		st.sel = best.(*ast.SelectorExpr)
		t.funcVal = true
		st.skip = r.methodSite(t, st, info)
		if st.skip == "" && r.calls(t, info, st.sel) == "iface" {
			st.skip = "method value of an interface"
		}
		return st, nil
	}
	st.call = bestCall
	switch r.calls(t, info, bestCall.Fun) {
	case "func":
		st.shape = shapeFunc
		if _, ok := ast.Unparen(bestCall.Fun).(*ast.IndexExpr); ok {
			st.skip = "explicit instantiation"
		}
	case "method":
		st.shape = shapeMethod
		st.sel = ast.Unparen(bestCall.Fun).(*ast.SelectorExpr)
		st.skip = r.methodSite(t, st, info)
	case "iface":
		st.shape = shapeIface
		st.sel = ast.Unparen(bestCall.Fun).(*ast.SelectorExpr)
	}
	if bestCall.Ellipsis.IsValid() && !t.sig.Variadic() {
		st.skip = "call with ... on a non-variadic callee"
	}
	return st, nil
}

// calls reports how fun reaches t's callee: "func", "method", "iface" or "".
func (r *rewrite) calls(t *topic, info *types.Info, fun ast.Expr) string {
	fun = ast.Unparen(fun)
	if ix, ok := fun.(*ast.IndexExpr); ok {
		fun = ix.X
	}
	var obj types.Object
	switch e := fun.(type) {
	case *ast.Ident:
		obj = info.Uses[e]
	case *ast.SelectorExpr:
		if sel := info.Selections[e]; sel != nil {
			obj = sel.Obj()
			fn, ok := obj.(*types.Func)
			if !ok {
				return ""
			}
			if types.IsInterface(sel.Recv()) {
				if t.recv != nil && fn.Name() == t.fn.Name() {
					return "iface"
				}
				return ""
			}
			if fn.Origin().FullName() == t.fn.FullName() {
				return "method"
			}
			return ""
		}
		obj = info.Uses[e.Sel]
	}
	fn, ok := obj.(*types.Func)
	if !ok {
		return ""
	}
	if fn.Origin().FullName() == t.fn.FullName() {
		if fn.Type().(*types.Signature).Recv() != nil {
			return "" // method expression T.M: left for the caller to see
		}
		return "func"
	}
	return ""
}

// methodSite works out the receiver expression of a concrete method site
// (st.path) and returns why it cannot go through the stub
// (analyzer.ReceiverStays), or "".
func (r *rewrite) methodSite(t *topic, st *site, info *types.Info) string {
	sel := info.Selections[st.sel]
	if sel == nil {
		return "method expression"
	}
	if why := analyzer.ReceiverStays(sel); why != "" {
		return why
	}
	idx := sel.Index()
	typ := sel.Recv()
	for _, i := range idx[:len(idx)-1] {
		if p, ok := typ.Underlying().(*types.Pointer); ok {
			typ = p.Elem()
		}
		f := typ.Underlying().(*types.Struct).Field(i)
		st.path += "." + f.Name()
		typ = f.Type()
	}
	return ""
}

// applyBlockers leaves alone the topics the plan says are blocked, except
// for hazards the generated code handles (sentinel errors travel back as
// themselves; serializability is checked here, from the types).
func (r *rewrite) applyBlockers() {
	for _, b := range r.plan.Blockers {
		if b.Topic == "" {
			// Not on a topic (state two services use, a call kept
			// direct on the caller's own copy of an object): nothing to
			// leave alone, but the split carries it.
			r.notes = append(r.notes, "the plan's "+b.Kind+" blocker at "+b.Pos+" stays in the split: "+b.Message)
			continue
		}
		switch b.Kind {
		case "sentinel", "unserializable", "interface-param", "unexported":
			continue
		}
		for _, t := range r.topics {
			if t.t.Subject == b.Topic && t.skip == "" && !t.copiesBack(b) {
				t.skip = fmt.Sprintf("blocked: %s at %s: %s", b.Kind, b.Pos, b.Message)
			}
		}
	}
}

// copiesBack reports whether blocker b is a write through a pointer
// parameter of t that the generated code copies in and out.
func (t *topic) copiesBack(b *planner.Blocker) bool {
	if b.Kind != "pointer-write" {
		return false
	}
	// The analyzer's message: "F writes through its pointer parameter p; ...".
	const marker = "pointer parameter "
	i := strings.Index(b.Message, marker)
	if i < 0 {
		return false
	}
	name, _, _ := strings.Cut(b.Message[i+len(marker):], ";")
	for _, f := range t.params {
		if f.out && f.name == name {
			return true
		}
	}
	return false
}

// outs returns t's parameters copied in and out.
func (t *topic) outs() []field {
	var out []field
	for _, f := range t.params {
		if f.out {
			out = append(out, f)
		}
	}
	return out
}

// live reports whether topic t will be generated.
func (t *topic) live() bool {
	if t.skip != "" {
		return false
	}
	for _, s := range t.sites {
		if s.skip == "" {
			return true
		}
	}
	return false
}

// breakCycles leaves alone the sites whose package the generated service
// package would import (directly or not): rewriting them would make an
// import cycle.
//
// A package's own tests count too: when a package the svc package imports
// has internal tests that import the site's package (database's tests →
// test helpers → auth), the test build would have the cycle.
func (r *rewrite) breakCycles() {
	testDeps := map[string]map[string]bool{} // package → packages its internal tests import, transitively
	for _, p := range r.pkgs {
		if p.ID != p.PkgPath+" ["+p.PkgPath+".test]" {
			continue
		}
		seen := map[string]bool{}
		for imp := range p.Imports {
			if imp != p.PkgPath && (strings.HasPrefix(imp, r.module+"/") || imp == r.module) {
				r.importClosure(imp, seen)
			}
		}
		testDeps[p.PkgPath] = seen
	}
	for changed := true; changed; {
		changed = false
		deps := map[string]map[string]bool{} // service → packages its svc package imports, transitively
		for _, t := range r.topics {
			if !t.live() {
				continue
			}
			d := deps[t.t.Consumer]
			if d == nil {
				d = map[string]bool{}
				deps[t.t.Consumer] = d
			}
			r.importClosure(t.pkg.PkgPath, d)
		}
		viaTests := map[string]map[string]bool{} // service → packages the tests of its svc package's imports import
		for c, d := range deps {
			v := map[string]bool{}
			for x := range d {
				for q := range testDeps[x] {
					v[q] = true
				}
			}
			viaTests[c] = v
		}
		for _, t := range r.topics {
			if !t.live() {
				continue
			}
			for _, s := range t.sites {
				p := s.file.pkg.PkgPath
				if s.skip == "" && !s.done && !s.link && !s.file.test && !deps[t.t.Consumer][p] && viaTests[t.t.Consumer][p] {
					// Only a test build of an imported package would
					// have the cycle: the non-test code of p goes
					// through its local stub; p's own tests may import
					// the svc package.
					if s.shape == shapeMethodVal {
						s.skip = fmt.Sprintf("import cycle in tests: %ssvc imports a package whose tests import %s (method value)", t.t.Consumer, p)
					} else {
						s.link = true
					}
					changed = true
					continue
				}
				if s.skip == "" && !s.done && !s.link && deps[t.t.Consumer][p] {
					switch {
					case s.file.test:
						s.skip = fmt.Sprintf("import cycle: %ssvc imports %s, and a test file cannot reach a stub local to the package", t.t.Consumer, s.file.pkg.PkgPath)
						changed = true
					case s.shape == shapeMethodVal:
						s.skip = fmt.Sprintf("import cycle: %ssvc imports %s (method value)", t.t.Consumer, s.file.pkg.PkgPath)
						changed = true
					default:
						// The call goes through a stub generated in its own
						// package, which reaches the service by its router.
						s.link = true
					}
				}
			}
		}
	}
}

func (r *rewrite) importClosure(path string, seen map[string]bool) {
	if seen[path] {
		return
	}
	seen[path] = true
	p := r.byPath[path]
	if p == nil {
		return
	}
	for imp := range p.Imports {
		if strings.HasPrefix(imp, r.module+"/") || imp == r.module {
			r.importClosure(imp, seen)
		}
	}
}

// nameStubs creates the service packages and names each live topic's stub.
func (r *rewrite) nameStubs() {
	for _, t := range r.topics {
		if !t.live() && !t.anyDone() {
			continue
		}
		s := r.svcs[t.t.Consumer]
		if s == nil {
			name := t.t.Consumer + "svc"
			s = &svcPkg{service: t.t.Consumer, name: name, path: r.module + "/" + GenDir + "/" + name, dir: GenDir + "/" + name}
			r.svcs[t.t.Consumer] = s
		}
		t.svc = s
		s.topics = append(s.topics, t)
	}
	for _, s := range r.svcs {
		sort.Slice(s.topics, func(i, j int) bool { return s.topics[i].t.Subject < s.topics[j].t.Subject })
		base := func(t *topic) string {
			if t.recv != nil {
				return exportName(t.recv.Obj().Name()) + t.fn.Name()
			}
			return t.fn.Name()
		}
		// On a clash, qualify by the package's name (StoreGet:
		// StoreStoreGet), then by its directory (users/store:
		// UsersStoreStoreGet), then number.
		qualify := []func(t *topic) string{
			func(t *topic) string { return "" },
			func(t *topic) string { return exportName(t.pkg.Name) },
			func(t *topic) string { return pathIdent(strings.TrimPrefix(t.pkg.PkgPath, r.module)) },
		}
		level := make([]int, len(s.topics))
		for {
			count := map[string]int{}
			for i, t := range s.topics {
				t.stub = qualify[level[i]](t) + base(t)
				count[t.stub]++
			}
			raised := false
			for i, t := range s.topics {
				if (count[t.stub] > 1 || reserved[t.stub]) && level[i] < len(qualify)-1 {
					level[i]++
					raised = true
				}
			}
			if !raised {
				break
			}
		}
		seen := map[string]int{}
		for _, t := range s.topics {
			seen[t.stub]++
			if n := seen[t.stub]; n > 1 {
				t.stub += strconv.Itoa(n)
			}
		}
	}
}

// pathIdent makes a Go identifier of an import path's elements:
// "/users/store" gives "UsersStore".
func pathIdent(path string) string {
	var b strings.Builder
	for _, elem := range strings.FieldsFunc(path, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		b.WriteString(exportName(elem))
	}
	if b.Len() == 0 || !unicode.IsLetter([]rune(b.String())[0]) {
		return "P" + b.String()
	}
	return b.String()
}

// reserved names the generated package declares itself.
var reserved = map[string]bool{"Register": true, "Service": true}

func (t *topic) anyDone() bool {
	for _, s := range t.sites {
		if s.done {
			return true
		}
	}
	return false
}

// sharedSites finds the calls that may reach the callees of several
// topics (an interface method several services implement): such a call
// goes through a dispatcher that type-switches on the receiver (see
// fanout.go), or, when it cannot, is left alone.
func (r *rewrite) sharedSites() {
	type group struct {
		topics []*topic
		sites  []*site
	}
	bySite := map[string]*group{}
	var order []string
	for _, t := range r.topics {
		for _, s := range t.sites {
			if s.done {
				continue
			}
			g := bySite[s.pos]
			if g == nil {
				g = &group{}
				bySite[s.pos] = g
				order = append(order, s.pos)
			}
			g.topics = append(g.topics, t)
			g.sites = append(g.sites, s)
		}
	}
	for _, pos := range order {
		g := bySite[pos]
		if len(g.topics) < 2 {
			continue
		}
		sortFanout(g.topics, g.sites)
		var subjects []string
		for _, o := range g.topics {
			subjects = append(subjects, o.t.Subject)
		}
		if fanoutWhy(g.topics, g.sites) == "" {
			s0 := g.sites[0]
			if m, ok := s0.file.pkg.TypesInfo.Selections[s0.sel].Obj().(*types.Func); ok {
				fo := &fanout{topics: g.topics, sites: g.sites, method: m}
				for _, s := range g.sites {
					s.fan = fo
				}
				r.fanouts = append(r.fanouts, fo)
				continue
			}
		}
		for _, s := range g.sites {
			if s.skip == "" {
				s.skip = "the call may reach several topics: " + strings.Join(subjects, ", ")
			}
		}
	}
}

// sweep adds the static calls of each topic's callee, from the non-test
// code of other services, that the plan does not list: left local, they
// would reach a copy of the service's state in the caller's process.
func (r *rewrite) sweep() {
	for _, t := range r.topics {
		if t.skip != "" {
			continue
		}
		listed := map[string]bool{}
		for _, s := range t.sites {
			listed[s.pos] = true
			if s.call != nil {
				listed[r.posString(s.call.Pos())] = true
			}
		}
		// Calls the plan keeps in-process (start-up wiring each process
		// runs on its own objects, methods of values) stay direct calls.
		for _, ip := range r.plan.InProcess {
			if ip.Function == t.t.Function {
				for _, pos := range ip.Sites {
					listed[pos] = true
				}
			}
		}
		for _, rel := range sortedKeys(r.files) {
			f := r.files[rel]
			svc, ok := r.svcOf[f.pkg.PkgPath]
			if f.test || !ok || svc == t.t.Consumer || strings.HasPrefix(rel, GenDir+"/") {
				continue
			}
			info := f.pkg.TypesInfo
			funs := map[ast.Expr]bool{}
			ast.Inspect(f.ast, func(n ast.Node) bool {
				if sel, ok := n.(*ast.SelectorExpr); ok && !funs[sel] {
					// A method value, bound where it is taken.
					if x := info.Selections[sel]; x != nil && x.Kind() == types.MethodVal && r.calls(t, info, sel) == "method" {
						pos := r.posString(sel.Pos())
						if !listed[pos] {
							listed[pos] = true
							st := &site{pos: pos, file: f, sel: sel, shape: shapeMethodVal, extra: true}
							st.skip = r.methodSite(t, st, info)
							t.funcVal = true
							t.sites = append(t.sites, st)
						}
					}
					return true
				}
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				funs[ast.Unparen(call.Fun)] = true
				if fn := calleeFunc(info, call); fn != nil && fn.Pkg() != nil &&
					fn.Pkg().Path() == r.module+"/"+GenDir+"/"+t.t.Consumer+"svc" && strings.HasSuffix(fn.Name(), t.fn.Name()+"Func") {
					t.funcVal = true // a method value an earlier apply rewrote
				}
				how := r.calls(t, info, call.Fun)
				if how != "func" && how != "method" {
					return true
				}
				pos := r.posString(call.Pos())
				if listed[pos] {
					return true
				}
				listed[pos] = true
				st := &site{pos: pos, file: f, call: call, extra: true}
				if how == "func" {
					st.shape = shapeFunc
					if _, ok := ast.Unparen(call.Fun).(*ast.IndexExpr); ok {
						st.skip = "explicit instantiation"
					}
				} else {
					st.shape = shapeMethod
					st.sel = ast.Unparen(call.Fun).(*ast.SelectorExpr)
					st.skip = r.methodSite(t, st, info)
				}
				t.sites = append(t.sites, st)
				return true
			})
		}
	}
}

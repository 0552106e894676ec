package analyzer

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// Reasons a call from another service stays a direct call: the shapes
// cleave apply cannot turn into a message, so that it leaves the call as
// it was. The planner lists such calls as in-process calls, apply leaves
// them alone; both ask CalleeStays and SiteStays.
const (
	// StayCallee: the callee cannot be served by a generated handler: a
	// generic function, an unexported function or method, a function of a
	// main package, an event on an unexported receiver type, an event
	// whose callee returns results.
	StayCallee = "callee"
	// StayValue: a method with a value receiver of an exported type: it
	// computes on the caller's copy of a value, not on a service object.
	StayValue = "value"
	// StayData: a method of a data type (a struct all of whose fields
	// travel, such as a domain entity held by the caller): it runs where
	// the data is.
	StayData = "data"
	// StayPayload: a parameter or result cannot travel as JSON (a func, a
	// channel, an interface, a type whose JSON does not round-trip, an
	// object with unexported state).
	StayPayload = "payload"
	// StayGoroutines: the callee starts goroutines; work that outlives the
	// call would run in another process under the request's context.
	StayGoroutines = "goroutines"
	// StaySite: the call's own shape: through a func value, on a receiver
	// held by value, through an embedded interface.
	StaySite = "site"
)

// WhyFuncValue is the reason of a call through a func value (or a method
// expression): the stub is not the function called there.
const WhyFuncValue = "call through a func value or interface the stub cannot see (rewrite where the value is made)"

// Stay says why a call from another service stays a direct call.
type Stay struct {
	Reason string `json:"reason"` // StayCallee, StayValue, StayData, StayPayload, StayGoroutines or StaySite
	Why    string `json:"why"`    // the detail, as cleave apply reports it
}

// IsObject reports whether t, the element of a pointer with methods, is
// an object rather than data. CalleeStays and Travels use it only to word
// a reason ("pointer to a service object"): such a type never travels.
type IsObject func(t types.Type) bool

// CalleeStays returns why every call of fn from another service stays a
// direct call when it is a topic of kind event (event true) or request, or
// nil when such calls can become messages. body is fn's body (nil when not
// known: go statements are then not seen).
func CalleeStays(fn *types.Func, event bool, body *ast.BlockStmt, isObject IsObject) *Stay {
	callee := func(why string) *Stay { return &Stay{Reason: StayCallee, Why: why} }
	payload := func(format string, args ...any) *Stay {
		return &Stay{Reason: StayPayload, Why: fmt.Sprintf(format, args...)}
	}
	sig := fn.Type().(*types.Signature)
	if sig.TypeParams().Len() > 0 || (sig.Recv() != nil && recvNamed(sig.Recv().Type()) != nil && recvNamed(sig.Recv().Type()).TypeParams().Len() > 0) {
		return callee("generic callee")
	}
	if fn.Pkg() != nil && fn.Pkg().Name() == "main" {
		return callee("callee is in a main package")
	}
	if recv := sig.Recv(); recv != nil {
		named := recvNamed(recv.Type())
		if named == nil {
			return callee("method on an unnamed receiver")
		}
		_, ptr := recv.Type().(*types.Pointer)
		if !fn.Exported() {
			return callee("unexported method")
		}
		if !named.Obj().Exported() {
			if event {
				return callee("event topic on an unexported receiver type")
			}
		} else if !ptr {
			return &Stay{Reason: StayValue, Why: "method with a value receiver: a value, not a service object"}
		}
		if _, ok := named.Underlying().(*types.Struct); ok {
			if Travels(named.Underlying(), false, isObject) == "" {
				return &Stay{Reason: StayData, Why: "method of a data type (all its fields travel): it runs where the data is"}
			}
			if isData(named.Underlying(), isObject) {
				// An entity with a field kept out of JSON (json:"-"):
				// data all the same, whose methods act on the caller's
				// value; sent as a message they would change a copy.
				return &Stay{Reason: StayData, Why: "method of a data type (its fields are data, some kept out of JSON): it runs where the data is"}
			}
		}
	} else if !fn.Exported() {
		return callee("unexported function")
	}
	for _, vs := range []*types.Tuple{sig.Params(), sig.Results()} {
		for i := 0; i < vs.Len(); i++ {
			if n := unexportedNamed(vs.At(i).Type()); n != nil {
				return callee(fmt.Sprintf("its signature has the unexported type %s, which generated code cannot name", typeString(n)))
			}
		}
	}
	params := sig.Params()
	for i := 0; i < params.Len(); i++ {
		v := params.At(i)
		if i == 0 && isContextType(v.Type()) {
			continue
		}
		typ := v.Type()
		last := sig.Variadic() && i == params.Len()-1
		if last {
			typ = typ.(*types.Slice)
		}
		if p, ok := typ.(*types.Pointer); ok && !event && !last {
			// Copied in and out: the callee's writes through it come back.
			if hasMethodsType(typ) && isObject != nil && isObject(p.Elem()) {
				return payload("parameter %s %s: pointer to a service object", v.Name(), typeString(v.Type()))
			}
			if why := Travels(p.Elem(), true, isObject); why != "" {
				return payload("parameter %s %s: %s", v.Name(), typeString(v.Type()), why)
			}
		} else if why := Travels(typ, true, isObject); why != "" {
			return payload("parameter %s %s: %s", v.Name(), typeString(v.Type()), why)
		}
	}
	results := sig.Results()
	for i := 0; i < results.Len(); i++ {
		v := results.At(i)
		if i == results.Len()-1 && isErrorType(v.Type()) {
			continue
		}
		if isErrorType(v.Type()) {
			return payload("an error result that is not the last")
		}
		if why := Travels(v.Type(), false, isObject); why != "" {
			if isObjectResult(v.Type(), isObject) {
				return payload("constructor or wiring: returns %s, an object with state, not data (%s)", typeString(v.Type()), why)
			}
			return payload("result %s: %s", typeString(v.Type()), why)
		}
	}
	if event && results.Len() > 0 {
		return callee("event topic but the callee returns results")
	}
	if body != nil && startsGoroutines(body) {
		return &Stay{Reason: StayGoroutines, Why: "the callee starts goroutines: work that outlives the call would run in another process, under the request's context"}
	}
	return nil
}

// unexportedNamed returns the first named type of another package's
// unexported name that spelling t needs (through pointers, slices, arrays,
// maps, channels and func types), or nil.
func unexportedNamed(t types.Type) *types.Named {
	switch u := types.Unalias(t).(type) {
	case *types.Named:
		if o := u.Obj(); o.Pkg() != nil && !o.Exported() {
			return u
		}
		if args := u.TypeArgs(); args != nil {
			for i := 0; i < args.Len(); i++ {
				if n := unexportedNamed(args.At(i)); n != nil {
					return n
				}
			}
		}
	case *types.Pointer:
		return unexportedNamed(u.Elem())
	case *types.Slice:
		return unexportedNamed(u.Elem())
	case *types.Array:
		return unexportedNamed(u.Elem())
	case *types.Chan:
		return unexportedNamed(u.Elem())
	case *types.Map:
		if n := unexportedNamed(u.Key()); n != nil {
			return n
		}
		return unexportedNamed(u.Elem())
	case *types.Signature:
		for _, vs := range []*types.Tuple{u.Params(), u.Results()} {
			for i := 0; i < vs.Len(); i++ {
				if n := unexportedNamed(vs.At(i).Type()); n != nil {
					return n
				}
			}
		}
	}
	return nil
}

// isObjectResult reports whether a result of type t that cannot travel is
// an object a constructor or the wiring hands out (an interface with
// methods, or a pointer to a struct with unexported fields or to a service
// object), not data that happens to hold something that cannot travel.
func isObjectResult(t types.Type, isObject IsObject) bool {
	if !hasMethodsType(t) {
		return false
	}
	if types.IsInterface(t) {
		return true
	}
	p, ok := t.(*types.Pointer)
	if !ok {
		return false
	}
	if isObject != nil && isObject(p.Elem()) {
		return true
	}
	if s, ok := p.Elem().Underlying().(*types.Struct); ok {
		for i := 0; i < s.NumFields(); i++ {
			if !s.Field(i).Exported() && !s.Field(i).Embedded() {
				return true
			}
		}
	}
	return false
}

// startsGoroutines reports whether body has a go statement.
func startsGoroutines(body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if _, ok := n.(*ast.GoStmt); ok {
			found = true
		}
		return !found
	})
	return found
}

// SiteStays returns why the call expression call (in a file info
// describes) of callee, from another service, stays a direct call
// whatever the callee: it calls a func value or a method expression, a
// method through an embedded interface, or a method on a receiver held by
// value; or nil. Calls through an interface can become messages.
func SiteStays(info *types.Info, call *ast.CallExpr, callee *types.Func) *Stay {
	site := func(why string) *Stay { return &Stay{Reason: StaySite, Why: why} }
	fun := ast.Unparen(call.Fun)
	instantiated := false
	if ix, ok := fun.(*ast.IndexExpr); ok {
		fun, instantiated = ix.X, true
	} else if ix, ok := fun.(*ast.IndexListExpr); ok {
		fun, instantiated = ix.X, true
	}
	var obj types.Object
	var stay *Stay
	switch e := fun.(type) {
	case *ast.Ident:
		obj = info.Uses[e]
	case *ast.SelectorExpr:
		sel := info.Selections[e]
		if sel == nil {
			obj = info.Uses[e.Sel]
			break
		}
		if types.IsInterface(sel.Recv()) {
			return nil
		}
		if sel.Kind() != types.MethodVal {
			return site(WhyFuncValue)
		}
		obj = sel.Obj()
		if why := ReceiverStays(sel); why != "" {
			stay = site(why)
		}
	}
	fn, ok := obj.(*types.Func)
	if !ok || callee == nil || fn.Origin().FullName() != callee.Origin().FullName() {
		return site(WhyFuncValue)
	}
	if stay != nil {
		return stay
	}
	if instantiated && fn.Type().(*types.Signature).Recv() == nil {
		return site("explicit instantiation")
	}
	if call.Ellipsis.IsValid() && !fn.Type().(*types.Signature).Variadic() {
		return site("call with ... on a non-variadic callee")
	}
	return nil
}

// ReceiverStays returns why a method call or value x.M, with sel its
// selection on a concrete type, cannot go through a service's stub: the
// method is promoted through an embedded interface or a non-struct, or
// the receiver is held by value. It returns "" when it can.
func ReceiverStays(sel *types.Selection) string {
	idx := sel.Index()
	typ := sel.Recv()
	for _, i := range idx[:len(idx)-1] {
		if p, ok := typ.Underlying().(*types.Pointer); ok {
			typ = p.Elem()
		}
		s, ok := typ.Underlying().(*types.Struct)
		if !ok {
			return "promoted method through a non-struct"
		}
		typ = s.Field(i).Type()
	}
	if types.IsInterface(typ) {
		return "promoted method of an embedded interface"
	}
	if _, ok := typ.Underlying().(*types.Pointer); !ok {
		// A receiver held by value (q := pricing.Quoter{...}, a struct
		// field of type T): its address was never bound to the service,
		// which binds the pointers the wiring makes, so the service
		// could not find it.
		return "receiver held by value (" + typeString(typ) + "): the service knows only the pointers the wiring made; hold it by pointer"
	}
	return ""
}

// Travels returns why a value of type t cannot cross the wire as JSON
// without changing what the program does, or "". param says t is a
// parameter's type (a pointer parameter's writes would not come back).
func Travels(t types.Type, param bool, isObject IsObject) string {
	return travels(t, param, isObject, false, map[types.Type]bool{})
}

// isData reports whether t is data rather than an object with state: it
// would travel but for fields it skips in JSON (json:"-"), whose own
// types are data too. A method of such a type runs where the value is.
func isData(t types.Type, isObject IsObject) bool {
	return travels(t, false, isObject, true, map[types.Type]bool{}) == ""
}

// travels is Travels; skipped accepts fields tagged json:"-".
func travels(t types.Type, param bool, isObject IsObject, skipped bool, seen map[types.Type]bool) string {
	if seen[t] {
		return ""
	}
	seen[t] = true
	if why := RoundTrip(t); why != "" {
		return fmt.Sprintf("%s %s", typeString(t), why)
	}
	if types.Implements(t, jsonMarshaler) || types.Implements(types.NewPointer(t), jsonMarshaler) ||
		types.Implements(t, textMarshaler) || types.Implements(types.NewPointer(t), textMarshaler) {
		return ""
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch u.Kind() {
		case types.UnsafePointer:
			return "unsafe.Pointer cannot travel"
		case types.Uintptr:
			return "uintptr cannot travel"
		case types.Complex64, types.Complex128:
			return "complex numbers do not encode as JSON"
		}
		return ""
	case *types.Chan:
		return "channels cannot travel"
	case *types.Signature:
		return "funcs cannot travel"
	case *types.Interface:
		if isErrorType(t) {
			return "error values cannot travel as data"
		}
		return "interface values cannot travel"
	case *types.Pointer:
		if param {
			return "pointer parameter: the callee's writes through it would not come back"
		}
		if hasMethodsType(t) && isObject != nil && isObject(u.Elem()) {
			return "pointer to a service object"
		}
		return travels(u.Elem(), param, isObject, skipped, seen)
	case *types.Slice:
		return travels(u.Elem(), param, isObject, skipped, seen)
	case *types.Array:
		return travels(u.Elem(), param, isObject, skipped, seen)
	case *types.Map:
		switch k := u.Key().Underlying().(type) {
		case *types.Basic:
			if k.Info()&(types.IsString|types.IsInteger) == 0 {
				return "map keys must be strings or integers"
			}
		default:
			if !types.Implements(u.Key(), textMarshaler) {
				return "map keys must be strings or integers"
			}
		}
		return travels(u.Elem(), param, isObject, skipped, seen)
	case *types.Struct:
		for i := 0; i < u.NumFields(); i++ {
			f := u.Field(i)
			if !f.Exported() {
				if f.Embedded() {
					if why := travels(f.Type(), param, isObject, skipped, seen); why != "" {
						return why
					}
					continue
				}
				return fmt.Sprintf("struct %s has unexported field %s", typeString(t), f.Name())
			}
			if tag := u.Tag(i); strings.Contains(tag, `json:"-"`) && !skipped {
				return fmt.Sprintf("struct %s skips field %s in JSON", typeString(t), f.Name())
			}
			if why := travels(f.Type(), false, isObject, skipped, seen); why != "" {
				return fmt.Sprintf("field %s: %s", f.Name(), why)
			}
		}
		return ""
	}
	return "type cannot travel"
}

// recvVar returns the package variable the receiver of method call call
// is read from ("<package path>.<Name>"), through fields, indexes,
// dereferences and parentheses, or "".
func recvVar(info *types.Info, call *ast.CallExpr) string {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return ""
	}
	if s := info.Selections[sel]; s == nil || s.Kind() != types.MethodVal {
		return ""
	}
	e := sel.X
	for {
		var id *ast.Ident
		switch x := e.(type) {
		case *ast.Ident:
			id = x
		case *ast.SelectorExpr:
			if info.Selections[x] == nil { // a qualified identifier: pkg.Var
				id = x.Sel
				break
			}
			e = x.X
			continue
		case *ast.IndexExpr:
			e = x.X
			continue
		case *ast.StarExpr:
			e = x.X
			continue
		case *ast.ParenExpr:
			e = x.X
			continue
		case *ast.UnaryExpr:
			if x.Op != token.AND {
				return ""
			}
			e = x.X
			continue
		default:
			return ""
		}
		v, ok := info.Uses[id].(*types.Var)
		if !ok || v.Pkg() == nil || v.Parent() != v.Pkg().Scope() {
			return ""
		}
		return v.Pkg().Path() + "." + v.Name()
	}
}

// RoundTrip returns why t's own JSON or text methods would not give back
// the value they were given (one direction is missing), or "".
func RoundTrip(t types.Type) string {
	if _, ok := t.Underlying().(*types.Interface); ok {
		return ""
	}
	has := func(m *types.Interface) bool {
		return types.Implements(t, m) || types.Implements(types.NewPointer(t), m)
	}
	switch jm, ju, tm, tu := has(jsonMarshaler), has(jsonUnmarshaler), has(textMarshaler), has(textUnmarshaler); {
	case ju && !jm && !tm:
		return "has UnmarshalJSON but no MarshalJSON: its JSON does not round-trip"
	case jm && !ju && !tu:
		return "has MarshalJSON but no UnmarshalJSON: its JSON does not round-trip"
	case tu && !tm && !jm:
		return "has UnmarshalText but no MarshalText: its JSON does not round-trip"
	case tm && !tu && !ju:
		if TextParser(t) != nil {
			return "" // decoded by its parser, registered by the generated code
		}
		return "has MarshalText but no UnmarshalText (nor a Parse(string) (T, error) in its package): its JSON does not round-trip"
	}
	return ""
}

// TextParser returns the function of t's package that builds a t from
// its text, for a named type t (or pointer to one) that has MarshalText
// but neither UnmarshalText nor UnmarshalJSON: an exported
// func(string) (T, error) named Parse, else Parse<T>, else the only one
// whose name begins with Parse. It returns nil when there is none, or
// when t has its own way back from text.
//
// Value objects are written this way (unexported fields a constructor
// checks); the bus decodes them with the parser the generated code
// registers (bus.RegisterTextParser).
func TextParser(t types.Type) *types.Func {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || n.Obj().Pkg() == nil || n.TypeParams().Len() > 0 {
		return nil
	}
	has := func(m *types.Interface) bool {
		return types.Implements(n, m) || types.Implements(types.NewPointer(n), m)
	}
	if !has(textMarshaler) || has(textUnmarshaler) || has(jsonUnmarshaler) {
		return nil
	}
	scope := n.Obj().Pkg().Scope()
	var byName = map[string]*types.Func{}
	var prefixed []*types.Func
	for _, name := range scope.Names() {
		f, ok := scope.Lookup(name).(*types.Func)
		if !ok || !f.Exported() || !strings.HasPrefix(name, "Parse") {
			continue
		}
		sig := f.Type().(*types.Signature)
		if sig.Recv() != nil || sig.TypeParams().Len() > 0 || sig.Variadic() || sig.Params().Len() != 1 || sig.Results().Len() != 2 ||
			!types.Identical(sig.Params().At(0).Type(), types.Typ[types.String]) ||
			!types.Identical(sig.Results().At(0).Type(), n) || !isErrorType(sig.Results().At(1).Type()) {
			continue
		}
		byName[name] = f
		prefixed = append(prefixed, f)
	}
	switch {
	case byName["Parse"] != nil:
		return byName["Parse"]
	case byName["Parse"+n.Obj().Name()] != nil:
		return byName["Parse"+n.Obj().Name()]
	case len(prefixed) == 1:
		return prefixed[0]
	}
	return nil
}

func marshaler(name string) *types.Interface {
	return types.NewInterfaceType([]*types.Func{
		types.NewFunc(0, nil, name, types.NewSignatureType(nil, nil, nil, nil,
			types.NewTuple(types.NewVar(0, nil, "", types.NewSlice(types.Typ[types.Byte])), types.NewVar(0, nil, "", types.Universe.Lookup("error").Type())), false)),
	}, nil).Complete()
}

func unmarshaler(name string) *types.Interface {
	return types.NewInterfaceType([]*types.Func{
		types.NewFunc(0, nil, name, types.NewSignatureType(nil, nil, nil,
			types.NewTuple(types.NewVar(0, nil, "", types.NewSlice(types.Typ[types.Byte]))),
			types.NewTuple(types.NewVar(0, nil, "", types.Universe.Lookup("error").Type())), false)),
	}, nil).Complete()
}

var (
	jsonMarshaler   = marshaler("MarshalJSON")
	textMarshaler   = marshaler("MarshalText")
	jsonUnmarshaler = unmarshaler("UnmarshalJSON")
	textUnmarshaler = unmarshaler("UnmarshalText")
)

// typeString prints t with package names, as the person reads it.
func typeString(t types.Type) string {
	return types.TypeString(t, func(p *types.Package) string { return p.Name() })
}

func recvNamed(t types.Type) *types.Named {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, _ := types.Unalias(t).(*types.Named)
	return n
}

func isContextType(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "context" && n.Obj().Name() == "Context"
}

func isErrorType(t types.Type) bool {
	return types.Identical(t, types.Universe.Lookup("error").Type())
}

func hasMethodsType(t types.Type) bool {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.NumMethods() > 0
}

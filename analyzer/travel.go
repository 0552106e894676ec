package analyzer

import (
	"fmt"
	"go/types"
	"strings"
)

// A finding is something in a parameter's or result's type that does not
// cross a service boundary intact, and where it is.
type finding struct {
	kind string
	// path leads from the parameter to the place: "" for the parameter
	// itself, "User", "Lines[].Item", "[key].Owner" (slice elements are
	// [], map values [key]).
	path  string
	typ   types.Type // the type at path
	what  string     // what is wrong there, after "field path type" or the type
	names []string   // the fields concerned, for unexported and dropped-field
}

// findings walks t as the JSON codec would (through pointers, slices,
// arrays, map values and the fields it encodes) and returns the first
// finding of each kind:
//
//   - unserializable: a chan, a func or an unsafe.Pointer, which the
//     encoder refuses;
//   - unexported: a struct with unexported fields, which the encoder
//     drops; a named type with methods whose unexported fields hold
//     references or locks (pointers, maps, chans, funcs, interfaces,
//     sync types) is an object (a service, a store, a logger), not data,
//     and is not looked into;
//   - dropped-field: fields tagged json:"-", dropped too;
//   - proto: a protobuf message (generated code: a ProtoReflect method, or
//     golang/protobuf's ProtoMessage), whose unexported fields are the
//     runtime's bookkeeping: it travels intact with protojson, not with
//     encoding/json (oneofs, well-known types), so it is reported as
//     needing a proto codec rather than as having unexported fields.
//
// Types with MarshalJSON or MarshalText encode themselves and are not
// looked into.
func findings(t types.Type) []finding {
	w := &walker{seen: make(map[types.Type]bool), kinds: make(map[string]bool)}
	w.visit(t, t, "", 0)
	return w.out
}

type walker struct {
	seen  map[types.Type]bool
	kinds map[string]bool
	out   []finding
}

func (w *walker) add(f finding) {
	if !w.kinds[f.kind] {
		w.kinds[f.kind] = true
		w.out = append(w.out, f)
	}
}

// visit walks t, found at path with declared type decl.
func (w *walker) visit(t, decl types.Type, path string, depth int) {
	if depth > 16 || w.seen[t] {
		return
	}
	// A type is walked once: the first path to each kind is the one
	// reported, and a type met again gives nothing new.
	w.seen[t] = true
	if isProto(t) {
		w.add(finding{kind: HazardProto, path: path, typ: decl, what: "is a protobuf message"})
		return
	}
	if hasMarshaler(t) {
		return
	}
	switch u := t.Underlying().(type) {
	case *types.Pointer:
		w.visit(u.Elem(), decl, path, depth+1)
	case *types.Slice:
		w.visit(u.Elem(), u.Elem(), path+"[]", depth+1)
	case *types.Array:
		w.visit(u.Elem(), u.Elem(), path+"[]", depth+1)
	case *types.Map:
		w.visit(u.Elem(), u.Elem(), path+"[key]", depth+1)
	case *types.Chan:
		w.add(finding{kind: HazardUnserializable, path: path, typ: decl, what: "a channel"})
	case *types.Signature:
		w.add(finding{kind: HazardUnserializable, path: path, typ: decl, what: "a func"})
	case *types.Basic:
		if u.Kind() == types.UnsafePointer {
			w.add(finding{kind: HazardUnserializable, path: path, typ: decl, what: "an unsafe.Pointer"})
		}
	case *types.Struct:
		var unexported, dropped []string
		var droppedType types.Type
		state := false
		for i := 0; i < u.NumFields(); i++ {
			f := u.Field(i)
			switch {
			case f.Name() == "_":
			case reflectTag(u.Tag(i)) == "-":
				p := f.Name()
				if path != "" {
					p = path + "." + p
				}
				dropped = append(dropped, p)
				droppedType = f.Type()
			case !f.Exported() && !f.Embedded():
				unexported = append(unexported, f.Name())
				state = state || holdsState(f.Type(), 0)
			}
		}
		if len(unexported) > 0 && state && hasMethods(t) {
			w.add(finding{kind: HazardUnexported, path: path, typ: decl, what: "is an object with methods and unexported state", names: unexported})
			return
		}
		if len(unexported) > 0 {
			w.add(finding{kind: HazardUnexported, path: path, typ: decl, what: "has unexported fields", names: unexported})
		}
		if len(dropped) == 1 {
			w.add(finding{kind: HazardDroppedField, path: dropped[0], typ: droppedType, what: `tagged json:"-"`, names: dropped})
		} else if len(dropped) > 1 {
			w.add(finding{kind: HazardDroppedField, path: path, typ: decl, what: `tagged json:"-"`, names: dropped})
		}
		for i := 0; i < u.NumFields(); i++ {
			f := u.Field(i)
			if f.Name() == "_" || reflectTag(u.Tag(i)) == "-" || !f.Exported() && !f.Embedded() {
				continue
			}
			p := f.Name()
			if path != "" {
				p = path + "." + f.Name()
			}
			w.visit(f.Type(), f.Type(), p, depth+1)
		}
	}
}

// hasMethods reports whether the named type t has methods (on t or *t).
func hasMethods(t types.Type) bool {
	if _, ok := types.Unalias(t).(*types.Named); !ok {
		return false
	}
	return types.NewMethodSet(types.NewPointer(t)).Len() > 0
}

// holdsState reports whether a field of type t makes its struct an object
// rather than a value: a reference to something else (a pointer, map,
// chan, func or interface) or a sync primitive, directly or in a struct
// field. Strings, numbers, slices and arrays of values are data.
func holdsState(t types.Type, depth int) bool {
	if depth > 3 {
		return false
	}
	if n, ok := types.Unalias(t).(*types.Named); ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "sync" {
		return true
	}
	switch u := t.Underlying().(type) {
	case *types.Pointer, *types.Map, *types.Chan, *types.Signature, *types.Interface:
		return true
	case *types.Struct:
		for i := 0; i < u.NumFields(); i++ {
			if holdsState(u.Field(i).Type(), depth+1) {
				return true
			}
		}
	case *types.Array:
		return holdsState(u.Elem(), depth+1)
	}
	return false
}

// isProto reports whether t (or *t) is a generated protobuf message.
func isProto(t types.Type) bool {
	tts := []types.Type{t}
	if _, ok := t.Underlying().(*types.Pointer); !ok {
		tts = append(tts, types.NewPointer(t))
	}
	for _, tt := range tts {
		ms := types.NewMethodSet(tt)
		if ms.Lookup(nil, "ProtoReflect") != nil {
			return true
		}
		if ms.Lookup(nil, "ProtoMessage") != nil && ms.Lookup(nil, "Reset") != nil {
			return true
		}
	}
	return false
}

// at names a finding's place: "field User *url.Userinfo", "element[].Owner
// *Account" under a slice, or the type itself when the finding is about
// the parameter's own type.
func (f finding) at(q types.Qualifier) string {
	if f.path == "" {
		return types.TypeString(deref(f.typ), q)
	}
	if strings.HasPrefix(f.path, "[") {
		return "element" + f.path + " " + types.TypeString(f.typ, q)
	}
	return "field " + f.path + " " + types.TypeString(f.typ, q)
}

// fieldList names a finding's fields under its path: "total", "User.password".
func (f finding) fieldList() string {
	names := f.names
	if len(names) > 4 {
		names = append(names[:4:4], "…")
	}
	return strings.Join(names, ", ")
}

// message and fix of a finding about subject ("param u *url.URL of fetch.Get"),
// for a callee named short.
func (f finding) message(subject, short string) (msg, fix string) {
	q := shortQualifier
	place := f.at(q)
	typ := types.TypeString(deref(f.typ), q)
	switch f.kind {
	case HazardUnserializable:
		if f.path == "" {
			return fmt.Sprintf("%s: %s cannot cross a service boundary", subject, f.what),
				fmt.Sprintf("pass data instead of %s, or keep %s in the caller's service", f.what, short)
		}
		return fmt.Sprintf("%s: %s is %s, which cannot cross a service boundary", subject, place, f.what),
			fmt.Sprintf("pass data instead of %s, or keep %s in the caller's service", f.what, short)
	case HazardUnexported:
		if strings.HasPrefix(f.what, "is an object") {
			return fmt.Sprintf("%s: %s %s; it cannot be copied into a message", subject, place, f.what),
				fmt.Sprintf("keep %s inside one service and pass an ID, or depend on an interface the other service implements", typ)
		}
		return fmt.Sprintf("%s: %s has unexported fields (%s) the JSON codec drops", subject, place, f.fieldList()),
			fmt.Sprintf("export the fields of %s, give it MarshalJSON/UnmarshalJSON, or pass a message type", typ)
	case HazardDroppedField:
		if len(f.names) == 1 {
			return fmt.Sprintf(`%s: %s is tagged json:"-"; the JSON codec drops it and the other side gets its zero value`, subject, place),
				fmt.Sprintf(`carry %s in a message type that keeps it, or keep %s in the caller's service`, f.path, short)
		}
		return fmt.Sprintf(`%s: fields %s are tagged json:"-"; the JSON codec drops them and the other side gets their zero values`, subject, f.fieldList()),
			fmt.Sprintf(`carry %s in a message type that keeps them, or keep %s in the caller's service`, f.fieldList(), short)
	case HazardProto:
		return fmt.Sprintf("%s: %s is a protobuf message; it needs a proto codec (protojson), not encoding/json", subject, place),
			fmt.Sprintf("encode %s with protojson or proto (a codec for this topic), or keep %s in the caller's service", typ, short)
	}
	return subject + ": " + place + " " + f.what, ""
}

// Request-scoped types: values that belong to one request of the caller.
// context.Context is not one of them: a service often keeps one for its
// own lifetime.
var requestScoped = map[string]map[string]bool{
	"net/http":                        {"Request": true, "ResponseWriter": true},
	"github.com/gin-gonic/gin":        {"Context": true},
	"github.com/labstack/echo":        {"Context": true},
	"github.com/go-ozzo/ozzo-routing": {"Context": true},
	"github.com/gofiber/fiber":        {"Ctx": true},
	"github.com/valyala/fasthttp":     {"RequestCtx": true},
}

// isRequestScoped reports whether t is, or points to, a request-scoped
// type or a transaction.
func isRequestScoped(t types.Type) bool {
	if isTx(t) {
		return true
	}
	n, ok := types.Unalias(deref(t)).(*types.Named)
	if !ok || n.Obj().Pkg() == nil {
		return false
	}
	return requestScoped[majorSuffix.ReplaceAllString(n.Obj().Pkg().Path(), "")][n.Obj().Name()]
}

// receiverState finds, among the fields of a method's receiver type (and
// those of the structs it embeds), a request-scoped value: an
// *http.Request or http.ResponseWriter, a web framework's request context
// (*gin.Context, echo.Context, *routing.Context, ...) or a transaction.
//
// The rule for receivers differs from the one for parameters. A method
// called across packages runs, after the split, on the callee's instance
// of its receiver: a service holding a *sql.DB, a mutex, channels, funcs,
// caches, a context for its own lifetime keeps them; that is normal and
// not reported, and neither is what lies deeper than the receiver's own
// fields (the state of the objects it uses). What cannot work is a
// receiver that carries the caller's request: a value built around a
// *gin.Context, a repository bound to the caller's transaction. The
// callee's service cannot hold it, and the value cannot travel.
func receiverState(t types.Type) (path string, typ types.Type) {
	var visit func(t types.Type, path string, depth int) (string, types.Type)
	visit = func(t types.Type, path string, depth int) (string, types.Type) {
		s, ok := deref(t).Underlying().(*types.Struct)
		if !ok || depth > 3 {
			return "", nil
		}
		for i := 0; i < s.NumFields(); i++ {
			f := s.Field(i)
			p := f.Name()
			if path != "" {
				p = path + "." + f.Name()
			}
			if isRequestScoped(f.Type()) {
				return p, f.Type()
			}
			if f.Embedded() {
				if q, typ := visit(f.Type(), p, depth+1); typ != nil {
					return q, typ
				}
			}
		}
		return "", nil
	}
	return visit(t, "", 0)
}

// holdsMemory reports whether t, a struct (or a named struct), keeps
// mutable state in memory: a map, slice or channel field beside a mutex
// that guards it, or a sync.Map (in the struct, or a struct field of it).
// Pointers are not followed: a *sql.DB keeps its state elsewhere, and a
// slice with no lock beside it is usually configuration.
func holdsMemory(t types.Type, depth int) bool {
	st, ok := t.Underlying().(*types.Struct)
	if !ok || depth > 3 {
		return false
	}
	lock, data := false, false
	for i := 0; i < st.NumFields(); i++ {
		ft := st.Field(i).Type()
		if n, ok := types.Unalias(ft).(*types.Named); ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "sync" {
			switch n.Obj().Name() {
			case "Mutex", "RWMutex":
				lock = true
			case "Map":
				return true
			}
			continue
		}
		switch u := ft.Underlying().(type) {
		case *types.Map, *types.Chan:
			data = true
		case *types.Slice:
			if b, ok := u.Elem().Underlying().(*types.Basic); !ok || b.Kind() != types.Byte {
				data = true
			}
		case *types.Struct:
			if holdsMemory(ft, depth+1) {
				return true
			}
		}
	}
	return lock && data
}

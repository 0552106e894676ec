package bus

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
)

// RegisterTextParser makes parse the way the JSON codec decodes T. It is
// for value types that encode themselves as text (MarshalText) but have no
// UnmarshalText, because their fields are unexported and a constructor
// checks them, as in
//
//	type Name struct{ value string }
//	func (n Name) MarshalText() ([]byte, error) { return []byte(n.value), nil }
//	func Parse(value string) (Name, error)
//
// encoding/json writes such a value as a string but cannot read it back.
// With its parser registered, a T anywhere in a message (a field, a slice
// element, a map value, behind a pointer) decodes as parse(text); T's
// zero value stays zero (its text, or a missing or null value). A parse
// error fails the decoding like any decoding error. cleave apply registers
// the parsers of the types its messages carry, in the generated code.
//
// Register parsers before messages are decoded (in an init function).
func RegisterTextParser[T any](parse func(string) (T, error)) {
	t := reflect.TypeOf((*T)(nil)).Elem()
	p := &textParser{parse: func(s string) (reflect.Value, error) {
		v, err := parse(s)
		return reflect.ValueOf(&v).Elem(), err
	}}
	var zero T
	if m, ok := any(zero).(encoding.TextMarshaler); ok {
		if b, err := m.MarshalText(); err == nil {
			p.zero, p.hasZero = string(b), true
		}
	}
	textTypes.mu.Lock()
	defer textTypes.mu.Unlock()
	next := make(map[reflect.Type]*textParser, len(textTypes.parsers)+1)
	for k, v := range textTypes.parsers {
		next[k] = v
	}
	next[t] = p
	textTypes.parsers = next
	textTypes.shadows = sync.Map{} // shadows built before may now differ
	textTypes.any.Store(true)
}

type textParser struct {
	parse   func(string) (reflect.Value, error)
	zero    string // the zero value's text, when hasZero
	hasZero bool
}

var textTypes struct {
	mu      sync.Mutex
	parsers map[reflect.Type]*textParser // replaced, never changed, under mu
	shadows sync.Map                     // reflect.Type → *shadow (nil: none needed or possible)
	any     atomic.Bool                  // a parser is registered
}

// A shadow of a type that holds registered text types is the same type
// with each of those replaced by *string: encoding/json decodes into it,
// and copy builds the real value from it, calling the parsers.
type shadow struct {
	typ  reflect.Type
	copy func(dst, src reflect.Value) error
}

// decodeText decodes data into v (a pointer) with decode, through v's
// shadow type when v holds registered text types.
func decodeText(data []byte, v any, decode func([]byte, any) error) error {
	if !textTypes.any.Load() {
		return decode(data, v)
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return decode(data, v)
	}
	sh := shadowOf(rv.Type().Elem())
	if sh == nil {
		return decode(data, v)
	}
	tmp := reflect.New(sh.typ)
	if err := decode(data, tmp.Interface()); err != nil {
		return err
	}
	return sh.copy(rv.Elem(), tmp.Elem())
}

// shadowOf returns t's shadow, nil if t holds no registered text type or
// its shadow cannot be built (then t decodes as it is).
func shadowOf(t reflect.Type) *shadow {
	if s, ok := textTypes.shadows.Load(t); ok {
		return s.(*shadow)
	}
	textTypes.mu.Lock()
	parsers := textTypes.parsers
	textTypes.mu.Unlock()
	s := buildShadow(t, parsers, map[reflect.Type]bool{})
	textTypes.shadows.Store(t, s)
	return s
}

var (
	jsonUnmarshalerType = reflect.TypeOf((*json.Unmarshaler)(nil)).Elem()
	textUnmarshalerType = reflect.TypeOf((*encoding.TextUnmarshaler)(nil)).Elem()
	stringPtrType       = reflect.TypeOf((*string)(nil))
)

func buildShadow(t reflect.Type, parsers map[reflect.Type]*textParser, building map[reflect.Type]bool) *shadow {
	if p := parsers[t]; p != nil {
		return &shadow{typ: stringPtrType, copy: func(dst, src reflect.Value) error {
			if src.IsNil() || p.hasZero && src.Elem().String() == p.zero {
				dst.Set(reflect.Zero(dst.Type()))
				return nil
			}
			v, err := p.parse(src.Elem().String())
			if err != nil {
				return fmt.Errorf("bus: decode %v from %q: %w", t, src.Elem().String(), err)
			}
			dst.Set(v)
			return nil
		}}
	}
	if building[t] || reflect.PointerTo(t).Implements(jsonUnmarshalerType) || reflect.PointerTo(t).Implements(textUnmarshalerType) {
		return nil // recursive types and types that decode themselves are left as they are
	}
	building[t] = true
	defer delete(building, t)
	switch t.Kind() {
	case reflect.Pointer:
		e := buildShadow(t.Elem(), parsers, building)
		if e == nil {
			return nil
		}
		return &shadow{typ: reflect.PointerTo(e.typ), copy: func(dst, src reflect.Value) error {
			if src.IsNil() {
				dst.Set(reflect.Zero(t))
				return nil
			}
			n := reflect.New(t.Elem())
			if err := e.copy(n.Elem(), src.Elem()); err != nil {
				return err
			}
			dst.Set(n)
			return nil
		}}
	case reflect.Slice:
		e := buildShadow(t.Elem(), parsers, building)
		if e == nil {
			return nil
		}
		return &shadow{typ: reflect.SliceOf(e.typ), copy: func(dst, src reflect.Value) error {
			if src.IsNil() {
				dst.Set(reflect.Zero(t))
				return nil
			}
			out := reflect.MakeSlice(t, src.Len(), src.Len())
			for i := 0; i < src.Len(); i++ {
				if err := e.copy(out.Index(i), src.Index(i)); err != nil {
					return err
				}
			}
			dst.Set(out)
			return nil
		}}
	case reflect.Array:
		e := buildShadow(t.Elem(), parsers, building)
		if e == nil {
			return nil
		}
		return &shadow{typ: reflect.ArrayOf(t.Len(), e.typ), copy: func(dst, src reflect.Value) error {
			for i := 0; i < src.Len(); i++ {
				if err := e.copy(dst.Index(i), src.Index(i)); err != nil {
					return err
				}
			}
			return nil
		}}
	case reflect.Map:
		e := buildShadow(t.Elem(), parsers, building)
		if e == nil || parsers[t.Key()] != nil {
			return nil
		}
		return &shadow{typ: reflect.MapOf(t.Key(), e.typ), copy: func(dst, src reflect.Value) error {
			if src.IsNil() {
				dst.Set(reflect.Zero(t))
				return nil
			}
			out := reflect.MakeMapWithSize(t, src.Len())
			it := src.MapRange()
			for it.Next() {
				v := reflect.New(t.Elem()).Elem()
				if err := e.copy(v, it.Value()); err != nil {
					return err
				}
				out.SetMapIndex(it.Key(), v)
			}
			dst.Set(out)
			return nil
		}}
	case reflect.Struct:
		return structShadow(t, parsers, building)
	}
	return nil
}

// structShadow shadows the fields encoding/json decodes (exported ones).
// A struct with an embedded field is left as it is.
func structShadow(t reflect.Type, parsers map[reflect.Type]*textParser, building map[reflect.Type]bool) *shadow {
	type field struct {
		dst, src int
		sh       *shadow
	}
	var fields []reflect.StructField
	var copies []field
	shadowed := false
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous {
			// Fields promoted from an embedded type (and its methods):
			// a shadow cannot repeat them faithfully.
			return nil
		}
		if !f.IsExported() {
			continue
		}
		sh := buildShadow(f.Type, parsers, building)
		typ := f.Type
		if sh != nil {
			typ, shadowed = sh.typ, true
		}
		fields = append(fields, reflect.StructField{Name: f.Name, Type: typ, Tag: f.Tag})
		copies = append(copies, field{dst: i, src: len(fields) - 1, sh: sh})
	}
	if !shadowed {
		return nil
	}
	return &shadow{typ: reflect.StructOf(fields), copy: func(dst, src reflect.Value) error {
		for _, c := range copies {
			if c.sh == nil {
				dst.Field(c.dst).Set(src.Field(c.src))
				continue
			}
			if err := c.sh.copy(dst.Field(c.dst), src.Field(c.src)); err != nil {
				return err
			}
		}
		return nil
	}}
}

package fastjson

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"unicode/utf8"
	"unsafe"
)

// An encodeFunc appends the encoding of v to b. It returns false when it
// cannot produce json.Marshal's bytes (json.Marshal would fail, or the value
// is too deep); the caller then falls back.
type encodeFunc func(b []byte, v reflect.Value, depth int) ([]byte, bool)

// An encNode holds the encodeFunc of one type; recursive types refer to
// their node before its function is built.
type encNode struct {
	fn       encodeFunc
	sizeHint atomic.Int32 // size of the last value encoded by Append
}

var encoders sync.Map // reflect.Type → *encNode

func encoderFor(t reflect.Type) *encNode {
	if n, ok := encoders.Load(t); ok {
		return n.(*encNode)
	}
	c := encCompiler{nodes: map[reflect.Type]*encNode{}}
	n, _ := encoders.LoadOrStore(t, c.compile(t))
	return n.(*encNode)
}

type encCompiler struct {
	nodes map[reflect.Type]*encNode
}

func (c *encCompiler) compile(t reflect.Type) *encNode {
	if n, ok := c.nodes[t]; ok {
		return n
	}
	n := &encNode{}
	c.nodes[t] = n
	n.fn = c.build(t)
	return n
}

// build follows encoding/json's choice of encoder: methods on *T (used
// only when the value is addressable), then methods on T, then the kind.
func (c *encCompiler) build(t reflect.Type) encodeFunc {
	if t.Kind() != reflect.Pointer && implementsAny(reflect.PointerTo(t), marshalerType, textMarshalerType) {
		return condAddr(c.buildNoAddr(t))
	}
	return c.buildNoAddr(t)
}

// buildNoAddr is build for values that are not addressable.
func (c *encCompiler) buildNoAddr(t reflect.Type) encodeFunc {
	if implementsAny(t, marshalerType, textMarshalerType) {
		return methodEncoder(t)
	}
	return c.kind(t)
}

// methodEncoder encodes a type with MarshalJSON or MarshalText.
func methodEncoder(t reflect.Type) encodeFunc {
	if t.Kind() == reflect.Interface {
		return func(b []byte, v reflect.Value, _ int) ([]byte, bool) {
			if v.IsNil() {
				return append(b, "null"...), true
			}
			return b, false // encoding/json calls the method of any value
		}
	}
	return encodeDelegate
}

// condAddr uses json.Marshal on addressable values, whose pointer methods
// encoding/json calls, and plain for the others.
func condAddr(plain encodeFunc) encodeFunc {
	return func(b []byte, v reflect.Value, depth int) ([]byte, bool) {
		if v.CanAddr() {
			return encodeDelegate(b, v, depth)
		}
		return plain(b, v, depth)
	}
}

// encodeDelegate appends what json.Marshal makes of v. An addressable
// value is passed by pointer so that json.Marshal sees the same methods.
// MarshalJSON is called directly when its output needs no compaction or
// escaping.
func encodeDelegate(b []byte, v reflect.Value, _ int) ([]byte, bool) {
	var x any
	if v.CanAddr() && v.Kind() != reflect.Pointer {
		x = v.Addr().Interface()
	} else {
		if v.Kind() == reflect.Pointer && v.IsNil() {
			return append(b, "null"...), true
		}
		x = v.Interface()
	}
	if m, ok := x.(json.Marshaler); ok {
		out, err := m.MarshalJSON()
		if err != nil {
			return b, false
		}
		if plainJSON(out) {
			return append(b, out...), true
		}
	}
	out, err := json.Marshal(x)
	if err != nil {
		return b, false
	}
	return append(b, out...), true
}

// plainJSON reports whether out is one valid JSON value that
// json.Marshal would copy unchanged: no white space, nothing to escape.
func plainJSON(out []byte) bool {
	for _, c := range out {
		switch c {
		case ' ', '\t', '\n', '\r', '<', '>', '&', 0xE2:
			return false
		}
	}
	d := decodeState{data: out}
	return d.skipValue() && d.off == len(out)
}

func encodeFail(b []byte, _ reflect.Value, _ int) ([]byte, bool) { return b, false }

func (c *encCompiler) kind(t reflect.Type) encodeFunc {
	switch t.Kind() {
	case reflect.Bool:
		return encodeBool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return encodeInt
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return encodeUint
	case reflect.Float32:
		return encodeFloat32
	case reflect.Float64:
		return encodeFloat64
	case reflect.String:
		if t == numberType {
			return encodeDelegate
		}
		return encodeString
	case reflect.Interface:
		return encodeInterface
	case reflect.Struct:
		if s := c.structEncoder(t); s != nil {
			return s.encode
		}
		return encodeDelegate
	case reflect.Map:
		kt := t.Key()
		switch kt.Kind() {
		case reflect.String:
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			if kt.Implements(textMarshalerType) {
				return encodeDelegate
			}
		default:
			if kt.Implements(textMarshalerType) {
				return encodeDelegate
			}
			return encodeFail
		}
		m := &mapEncoder{elem: c.compile(t.Elem())}
		return m.encode
	case reflect.Slice:
		et := t.Elem()
		if et.Kind() == reflect.Uint8 && !implementsAny(reflect.PointerTo(et), marshalerType, textMarshalerType) {
			return encodeBytes
		}
		s := &arrayEncoder{elem: c.compile(et), slice: true}
		c.flatten(s, et)
		return s.encode
	case reflect.Array:
		a := &arrayEncoder{elem: c.compile(t.Elem())}
		c.flatten(a, t.Elem())
		return a.encode
	case reflect.Pointer:
		p := &ptrEncoder{elem: c.compile(t.Elem())}
		return p.encode
	}
	// Channels, functions, complex numbers: json.Marshal fails.
	return encodeFail
}

// structEncoder returns the encoder of struct type t, or nil if t is left
// to json.Marshal.
func (c *encCompiler) structEncoder(t reflect.Type) *structEncoder {
	fields, ok := structFields(t)
	if !ok {
		return nil
	}
	s := &structEncoder{fields: make([]encField, len(fields)), scalarOnly: true}
	for i, f := range fields {
		ef := encField{
			index:     f.index,
			prefix:    `"` + string(appendHTMLEscaped(nil, f.name)) + `":`,
			empty:     omitFunc(f),
			enc:       c.compile(f.typ),
			scalar:    scalarKind(f),
			omit:      f.omitEmpty || f.omitZero,
			omitEmpty: f.omitEmpty,
			direct:    true,
			kind:      f.typ.Kind(),
		}
		// Fields behind embedded pointers take the reflect path.
		typ := t
		for _, j := range f.index {
			if typ.Kind() == reflect.Pointer {
				ef.direct = false
				ef.scalar = reflect.Invalid
				break
			}
			sf := typ.Field(j)
			ef.offset += sf.Offset
			typ = sf.Type
		}
		if ef.scalar == reflect.Invalid {
			s.scalarOnly = false
		}
		s.fields[i] = ef
	}
	return s
}

// flatten lets a encode elements of type et straight from memory when
// they are scalars or structs of scalars without methods.
func (c *encCompiler) flatten(a *arrayEncoder, et reflect.Type) {
	if implementsAny(reflect.PointerTo(et), marshalerType, textMarshalerType) {
		return
	}
	switch k := scalarKind(field{typ: et}); {
	case k != reflect.Invalid:
		a.flat, a.scalar = true, k
	case et.Kind() == reflect.Struct:
		if s := c.structEncoder(et); s != nil && s.scalarOnly {
			a.flat, a.st = true, s
		}
	}
	a.size = et.Size()
}

func encodeBool(b []byte, v reflect.Value, _ int) ([]byte, bool) {
	return strconv.AppendBool(b, v.Bool()), true
}

func encodeInt(b []byte, v reflect.Value, _ int) ([]byte, bool) {
	return strconv.AppendInt(b, v.Int(), 10), true
}

func encodeUint(b []byte, v reflect.Value, _ int) ([]byte, bool) {
	return strconv.AppendUint(b, v.Uint(), 10), true
}

func encodeFloat32(b []byte, v reflect.Value, _ int) ([]byte, bool) {
	return appendFloat(b, v.Float(), 32)
}

func encodeFloat64(b []byte, v reflect.Value, _ int) ([]byte, bool) {
	return appendFloat(b, v.Float(), 64)
}

// appendFloat formats f like ES6 number-to-string, as encoding/json does:
// shortest representation, exponent form below 1e-6 and from 1e21 on, and
// exponents without leading zeros.
func appendFloat(b []byte, f float64, bits int) ([]byte, bool) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return b, false
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 {
		if bits == 64 && (abs < 1e-6 || abs >= 1e21) ||
			bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21) {
			format = 'e'
		}
	}
	b = strconv.AppendFloat(b, f, format, -1, bits)
	if format == 'e' {
		// e-09 → e-9
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, true
}

func encodeString(b []byte, v reflect.Value, _ int) ([]byte, bool) {
	return appendString(b, v.String()), true
}

const hexDigits = "0123456789abcdef"

// plain marks the bytes json.Marshal copies unchanged into a string: ASCII
// other than control characters, quote, backslash and <, >, &. Bytes of
// multi-byte characters are checked one character at a time.
var plain = func() (t [256]bool) {
	for c := ' '; c < utf8.RuneSelf; c++ {
		t[c] = true
	}
	for _, c := range `"\<>&` {
		t[c] = false
	}
	return t
}()

// appendString appends s quoted as json.Marshal does: HTML characters,
// U+2028 and U+2029 escaped, invalid UTF-8 replaced by \ufffd.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := plainPrefix(s); i < len(s); {
		if plain[s[i]] {
			i++
			continue
		}
		c := s[i]
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendHTMLEscaped appends a field name with <, >, & and U+2028/U+2029
// escaped, as encoding/json writes names.
func appendHTMLEscaped(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '<' || c == '>' || c == '&':
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
		case c == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && s[i+2]&^1 == 0xA8:
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[s[i+2]&0xF])
			i += 2
		default:
			b = append(b, c)
		}
	}
	return b
}

func encodeBytes(b []byte, v reflect.Value, _ int) ([]byte, bool) {
	if v.IsNil() {
		return append(b, "null"...), true
	}
	b = append(b, '"')
	src := v.Bytes()
	n := base64.StdEncoding.EncodedLen(len(src))
	b = slices.Grow(b, n)
	base64.StdEncoding.Encode(b[len(b):len(b)+n], src)
	b = b[:len(b)+n]
	return append(b, '"'), true
}

func encodeInterface(b []byte, v reflect.Value, depth int) ([]byte, bool) {
	if v.IsNil() {
		return append(b, "null"...), true
	}
	if depth++; depth > maxDepth {
		return b, false
	}
	e := v.Elem()
	return encoderFor(e.Type()).fn(b, e, depth)
}

type encField struct {
	index  []int                    // through embedded structs
	prefix string                   // `"name":`
	empty  func(reflect.Value) bool // omitempty/omitzero test, or nil
	enc    *encNode

	// Fields of addressable structs are found at base+offset when direct
	// (no embedded pointer on the way); scalars are read from there.
	direct    bool
	offset    uintptr
	kind      reflect.Kind
	scalar    reflect.Kind // or reflect.Invalid
	omit      bool         // omitted when zero
	omitEmpty bool
}

type structEncoder struct {
	fields     []encField
	scalarOnly bool // all fields are scalars at fixed offsets
}

func (s *structEncoder) encode(b []byte, v reflect.Value, depth int) ([]byte, bool) {
	var base unsafe.Pointer
	if v.CanAddr() {
		base = unsafe.Pointer(v.UnsafeAddr())
		if s.scalarOnly {
			return s.encodeAt(b, base)
		}
	}
	b = append(b, '{')
	first := true
	for i := range s.fields {
		f := &s.fields[i]
		var ok bool
		if base != nil && f.direct {
			p := unsafe.Add(base, f.offset)
			if f.scalar != reflect.Invalid {
				if f.omit && isZeroScalar(f.scalar, p) {
					continue
				}
				if !first {
					b = append(b, ',')
				}
				first = false
				b = append(b, f.prefix...)
				if b, ok = appendScalar(b, f.scalar, p); !ok {
					return b, false
				}
				continue
			}
			if f.omitEmpty && isNilOrEmpty(p, f) {
				continue
			}
		}
		fv := v
		if len(f.index) == 1 {
			fv = v.Field(f.index[0])
		} else if fv = embeddedField(v, f.index); !fv.IsValid() {
			continue
		}
		if f.empty != nil && f.empty(fv) {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, f.prefix...)
		if b, ok = f.enc.fn(b, fv, depth); !ok {
			return b, false
		}
	}
	return append(b, '}'), true
}

// encodeAt encodes a struct of scalars stored at base.
func (s *structEncoder) encodeAt(b []byte, base unsafe.Pointer) ([]byte, bool) {
	b = append(b, '{')
	first := true
	for i := range s.fields {
		f := &s.fields[i]
		p := unsafe.Add(base, f.offset)
		if f.omit && isZeroScalar(f.scalar, p) {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, f.prefix...)
		var ok bool
		if b, ok = appendScalar(b, f.scalar, p); !ok {
			return b, false
		}
	}
	return append(b, '}'), true
}

// isNilOrEmpty reports, from memory, whether an omitempty field at p is
// certainly empty: a nil pointer or map, or a slice of length 0. Other
// values are left to the reflect test.
func isNilOrEmpty(p unsafe.Pointer, f *encField) bool {
	switch f.kind {
	case reflect.Pointer, reflect.Map:
		return *(*unsafe.Pointer)(p) == nil
	case reflect.Slice:
		return len(*(*[]byte)(p)) == 0
	}
	return false
}

// embeddedField returns the field of v at index, or the zero Value if an
// embedded struct pointer on the way is nil.
func embeddedField(v reflect.Value, index []int) reflect.Value {
	for _, i := range index {
		if v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return reflect.Value{}
			}
			v = v.Elem()
		}
		v = v.Field(i)
	}
	return v
}

// scalarKind returns the kind of a field encoded as its basic kind, with
// no method of its type involved, or reflect.Invalid.
func scalarKind(f field) reflect.Kind {
	t := f.typ
	switch t.Kind() {
	case reflect.Bool, reflect.String, reflect.Float32, reflect.Float64,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
	default:
		return reflect.Invalid
	}
	pt := reflect.PointerTo(t)
	if t == numberType || implementsAny(pt, marshalerType, textMarshalerType) ||
		f.omitZero && pt.Implements(isZeroerType) {
		return reflect.Invalid
	}
	return t.Kind()
}

// isZeroScalar reports whether the value of kind k at p is zero (for
// floats: +0 only), which is when omitempty and omitzero drop it.
func isZeroScalar(k reflect.Kind, p unsafe.Pointer) bool {
	switch k {
	case reflect.Bool:
		return !*(*bool)(p)
	case reflect.String:
		return len(*(*string)(p)) == 0
	case reflect.Float32:
		return math.Float32bits(*(*float32)(p)) == 0
	case reflect.Float64:
		return math.Float64bits(*(*float64)(p)) == 0
	case reflect.Int8, reflect.Uint8:
		return *(*uint8)(p) == 0
	case reflect.Int16, reflect.Uint16:
		return *(*uint16)(p) == 0
	case reflect.Int32, reflect.Uint32:
		return *(*uint32)(p) == 0
	case reflect.Int64, reflect.Uint64:
		return *(*uint64)(p) == 0
	case reflect.Int:
		return *(*int)(p) == 0
	case reflect.Uint:
		return *(*uint)(p) == 0
	default: // Uintptr
		return *(*uintptr)(p) == 0
	}
}

// appendScalar appends the value of kind k at p.
func appendScalar(b []byte, k reflect.Kind, p unsafe.Pointer) ([]byte, bool) {
	switch k {
	case reflect.Bool:
		return strconv.AppendBool(b, *(*bool)(p)), true
	case reflect.String:
		return appendString(b, *(*string)(p)), true
	case reflect.Float32:
		return appendFloat(b, float64(*(*float32)(p)), 32)
	case reflect.Float64:
		return appendFloat(b, *(*float64)(p), 64)
	case reflect.Int:
		return strconv.AppendInt(b, int64(*(*int)(p)), 10), true
	case reflect.Int8:
		return strconv.AppendInt(b, int64(*(*int8)(p)), 10), true
	case reflect.Int16:
		return strconv.AppendInt(b, int64(*(*int16)(p)), 10), true
	case reflect.Int32:
		return strconv.AppendInt(b, int64(*(*int32)(p)), 10), true
	case reflect.Int64:
		return strconv.AppendInt(b, *(*int64)(p), 10), true
	case reflect.Uint:
		return strconv.AppendUint(b, uint64(*(*uint)(p)), 10), true
	case reflect.Uint8:
		return strconv.AppendUint(b, uint64(*(*uint8)(p)), 10), true
	case reflect.Uint16:
		return strconv.AppendUint(b, uint64(*(*uint16)(p)), 10), true
	case reflect.Uint32:
		return strconv.AppendUint(b, uint64(*(*uint32)(p)), 10), true
	case reflect.Uint64:
		return strconv.AppendUint(b, *(*uint64)(p), 10), true
	default: // Uintptr
		return strconv.AppendUint(b, uint64(*(*uintptr)(p)), 10), true
	}
}

// omitFunc returns the test that omits the field, following omitempty and
// omitzero (with the IsZero method where the type has one), or nil.
func omitFunc(f field) func(reflect.Value) bool {
	var empty, zero func(reflect.Value) bool
	if f.omitEmpty {
		empty = isEmpty
	}
	if f.omitZero {
		zero = isZeroFunc(f.typ)
	}
	switch {
	case empty == nil:
		return zero
	case zero == nil:
		return empty
	}
	return func(v reflect.Value) bool { return empty(v) || zero(v) }
}

func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64,
		reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

type isZeroer = interface{ IsZero() bool }

func isZeroFunc(t reflect.Type) func(reflect.Value) bool {
	switch {
	case t.Kind() == reflect.Interface && t.Implements(isZeroerType):
		return func(v reflect.Value) bool {
			return v.IsNil() ||
				v.Elem().Kind() == reflect.Pointer && v.Elem().IsNil() ||
				v.Interface().(isZeroer).IsZero()
		}
	case t.Kind() == reflect.Pointer && t.Implements(isZeroerType):
		return func(v reflect.Value) bool {
			return v.IsNil() || v.Interface().(isZeroer).IsZero()
		}
	case t.Implements(isZeroerType):
		return func(v reflect.Value) bool { return v.Interface().(isZeroer).IsZero() }
	case reflect.PointerTo(t).Implements(isZeroerType):
		return func(v reflect.Value) bool {
			if !v.CanAddr() {
				c := reflect.New(v.Type()).Elem()
				c.Set(v)
				v = c
			}
			return v.Addr().Interface().(isZeroer).IsZero()
		}
	}
	return reflect.Value.IsZero
}

type mapEncoder struct {
	elem *encNode
}

type mapEntry struct {
	key string
	val reflect.Value
}

func (m *mapEncoder) encode(b []byte, v reflect.Value, depth int) ([]byte, bool) {
	if v.IsNil() {
		return append(b, "null"...), true
	}
	if depth++; depth > maxDepth {
		return b, false
	}
	if v.Type() == stringMapType {
		return appendStringMap(b, v.Interface().(map[string]string)), true
	}
	entries := make([]mapEntry, 0, v.Len())
	for it := v.MapRange(); it.Next(); {
		k := it.Key()
		var ks string
		switch k.Kind() {
		case reflect.String:
			ks = k.String()
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			ks = strconv.FormatInt(k.Int(), 10)
		default:
			ks = strconv.FormatUint(k.Uint(), 10)
		}
		entries = append(entries, mapEntry{ks, it.Value()})
	}
	slices.SortFunc(entries, func(a, b mapEntry) int { return cmp.Compare(a.key, b.key) })
	b = append(b, '{')
	for i, e := range entries {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, e.key)
		b = append(b, ':')
		var ok bool
		if b, ok = m.elem.fn(b, e.val, depth); !ok {
			return b, false
		}
	}
	return append(b, '}'), true
}

var stringMapType = reflect.TypeOf((*map[string]string)(nil)).Elem()

// appendStringMap encodes the common map[string]string without reflect.
func appendStringMap(b []byte, m map[string]string) []byte {
	var buf [8]string
	keys := buf[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		b = appendString(b, m[k])
	}
	return append(b, '}')
}

type arrayEncoder struct {
	elem  *encNode
	slice bool // nil encodes as null

	// Elements of flat arrays are read from memory: scalar or st.
	flat   bool
	scalar reflect.Kind
	st     *structEncoder
	size   uintptr
}

func (a *arrayEncoder) encode(b []byte, v reflect.Value, depth int) ([]byte, bool) {
	if a.slice {
		if v.IsNil() {
			return append(b, "null"...), true
		}
		if depth++; depth > maxDepth {
			return b, false
		}
	}
	if a.flat {
		var data unsafe.Pointer
		if a.slice {
			data = v.UnsafePointer()
		} else if v.CanAddr() {
			data = unsafe.Pointer(v.UnsafeAddr())
		}
		if data != nil {
			return a.encodeAt(b, data, v.Len())
		}
	}
	b = append(b, '[')
	for i := 0; i < v.Len(); i++ {
		if i > 0 {
			b = append(b, ',')
		}
		var ok bool
		if b, ok = a.elem.fn(b, v.Index(i), depth); !ok {
			return b, false
		}
	}
	return append(b, ']'), true
}

// encodeAt encodes n flat elements stored from data on.
func (a *arrayEncoder) encodeAt(b []byte, data unsafe.Pointer, n int) ([]byte, bool) {
	b = append(b, '[')
	for i := 0; i < n; i++ {
		if i > 0 {
			b = append(b, ',')
		}
		p := unsafe.Add(data, uintptr(i)*a.size)
		var ok bool
		if a.st != nil {
			b, ok = a.st.encodeAt(b, p)
		} else {
			b, ok = appendScalar(b, a.scalar, p)
		}
		if !ok {
			return b, false
		}
	}
	return append(b, ']'), true
}

type ptrEncoder struct {
	elem *encNode
}

func (p *ptrEncoder) encode(b []byte, v reflect.Value, depth int) ([]byte, bool) {
	if v.IsNil() {
		return append(b, "null"...), true
	}
	if depth++; depth > maxDepth {
		return b, false
	}
	return p.elem.fn(b, v.Elem(), depth)
}

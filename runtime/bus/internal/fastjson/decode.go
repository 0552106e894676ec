package fastjson

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// A decodeFunc decodes the JSON value at d.off into v, which is addressable
// and holds its zero value. It returns false when the input is anything it
// does not decode exactly like encoding/json; the caller then falls back.
type decodeFunc func(d *decodeState, v reflect.Value) bool

// A decNode holds the decodeFunc of one type; recursive types refer to
// their node before its function is built.
type decNode struct {
	fn decodeFunc
}

type decodeState struct {
	data    []byte
	off     int
	depth   int
	scratch []byte // unquoted strings with escapes
}

var topDecoders sync.Map // pointer reflect.Type → decodeFunc (nil: use encoding/json)

// topDecoder returns the decoder for *T values of pointer type pt, or nil if
// json.Unmarshal must handle them.
func topDecoder(pt reflect.Type) decodeFunc {
	if fn, ok := topDecoders.Load(pt); ok {
		return fn.(decodeFunc)
	}
	var fn decodeFunc
	if !implementsAny(pt, unmarshalerType, textUnmarshalerType) {
		c := decCompiler{nodes: map[reflect.Type]*decNode{}}
		if n := c.compile(pt.Elem()); !c.delegated[pt.Elem()] {
			fn = n.fn
		}
	}
	topDecoders.Store(pt, fn)
	return fn
}

type decCompiler struct {
	nodes     map[reflect.Type]*decNode
	delegated map[reflect.Type]bool
}

func (c *decCompiler) compile(t reflect.Type) *decNode {
	if n, ok := c.nodes[t]; ok {
		return n
	}
	n := &decNode{}
	c.nodes[t] = n
	n.fn = c.build(t)
	return n
}

func (c *decCompiler) delegate(t reflect.Type) decodeFunc {
	if c.delegated == nil {
		c.delegated = map[reflect.Type]bool{}
	}
	c.delegated[t] = true
	return decodeDelegate
}

func (c *decCompiler) build(t reflect.Type) decodeFunc {
	if t == numberType {
		return c.delegate(t)
	}
	if k := t.Kind(); k != reflect.Pointer && k != reflect.Interface &&
		implementsAny(reflect.PointerTo(t), unmarshalerType, textUnmarshalerType) {
		if t.Name() == "" {
			// encoding/json ignores the methods of unnamed types
			// here, but would use them at the top of json.Unmarshal.
			return decodeFail
		}
		c.delegate(t)
		if reflect.PointerTo(t).Implements(unmarshalerType) {
			return decodeUnmarshaler
		}
		return decodeDelegate
	}
	switch t.Kind() {
	case reflect.Bool:
		return decodeBool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return decodeInt
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return decodeUint
	case reflect.Float32, reflect.Float64:
		return decodeFloat
	case reflect.String:
		return decodeString
	case reflect.Struct:
		fields, ok := structFields(t)
		if !ok {
			return c.delegate(t)
		}
		s := &structDecoder{fields: make([]decField, len(fields))}
		for i, f := range fields {
			s.fields[i] = decField{name: f.name, index: f.index, dec: c.compile(f.typ)}
			if k := scalarDecKind(f.typ); k != reflect.Invalid {
				s.fields[i].scalar, s.fields[i].bits = k, int(f.typ.Size())*8
				typ := t
				for _, j := range f.index {
					if typ.Kind() == reflect.Pointer {
						s.fields[i].scalar = reflect.Invalid
						break
					}
					sf := typ.Field(j)
					s.fields[i].offset += sf.Offset
					typ = sf.Type
				}
			}
		}
		return s.decode
	case reflect.Map:
		kt := t.Key()
		switch kt.Kind() {
		case reflect.String, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		default:
			return c.delegate(t)
		}
		if reflect.PointerTo(kt).Implements(textUnmarshalerType) {
			return c.delegate(t)
		}
		m := &mapDecoder{typ: t, elem: c.compile(t.Elem())}
		return m.decode
	case reflect.Slice:
		s := &sliceDecoder{typ: t, elem: c.compile(t.Elem()), bytes: t.Elem().Kind() == reflect.Uint8}
		return s.decode
	case reflect.Array:
		a := &arrayDecoder{elem: c.compile(t.Elem())}
		return a.decode
	case reflect.Pointer:
		p := &ptrDecoder{elemType: t.Elem(), elem: c.compile(t.Elem())}
		return p.decode
	}
	// Interfaces, channels, functions, complex numbers.
	return c.delegate(t)
}

// top decodes the whole input into v.
func (d *decodeState) top(fn decodeFunc, v reflect.Value) bool {
	d.skipSpace()
	if !fn(d, v) {
		return false
	}
	d.skipSpace()
	return d.off == len(d.data)
}

// decodeDelegate lets json.Unmarshal decode one value, after checking that
// it is well-formed.
func decodeDelegate(d *decodeState, v reflect.Value) bool {
	start := d.off
	if !d.skipValue() {
		return false
	}
	return json.Unmarshal(d.data[start:d.off], v.Addr().Interface()) == nil
}

// decodeUnmarshaler calls UnmarshalJSON with the value's bytes, as
// encoding/json does (also for null).
func decodeUnmarshaler(d *decodeState, v reflect.Value) bool {
	start := d.off
	if !d.skipValue() {
		return false
	}
	return v.Addr().Interface().(json.Unmarshaler).UnmarshalJSON(d.data[start:d.off]) == nil
}

func decodeFail(*decodeState, reflect.Value) bool { return false }

func (d *decodeState) skipSpace() {
	for d.off < len(d.data) {
		switch d.data[d.off] {
		case ' ', '\t', '\n', '\r':
			d.off++
		default:
			return
		}
	}
}

// peek returns the byte at d.off, or 0 at the end of the input.
func (d *decodeState) peek() byte {
	if d.off < len(d.data) {
		return d.data[d.off]
	}
	return 0
}

// literal consumes s if the input continues with it.
func (d *decodeState) literal(s string) bool {
	if len(d.data)-d.off >= len(s) && string(d.data[d.off:d.off+len(s)]) == s {
		d.off += len(s)
		return true
	}
	return false
}

func decodeBool(d *decodeState, v reflect.Value) bool {
	switch d.peek() {
	case 't':
		if d.literal("true") {
			v.SetBool(true)
			return true
		}
	case 'f':
		return d.literal("false")
	case 'n':
		return d.literal("null")
	}
	return false
}

// digits reads an integer without fraction or exponent and returns its
// magnitude. ok is false for anything else, including more than 19 digits.
func (d *decodeState) digits() (n uint64, neg, ok bool) {
	i := d.off
	data := d.data
	if i < len(data) && data[i] == '-' {
		neg = true
		i++
	}
	start := i
	for i < len(data) && '0' <= data[i] && data[i] <= '9' {
		n = n*10 + uint64(data[i]-'0')
		i++
	}
	switch {
	case i == start || i-start > 19,
		data[start] == '0' && i-start > 1:
		return 0, false, false
	case i < len(data) && (data[i] == '.' || data[i] == 'e' || data[i] == 'E'):
		return 0, false, false
	}
	d.off = i
	return n, neg, true
}

func decodeInt(d *decodeState, v reflect.Value) bool {
	if d.peek() == 'n' {
		return d.literal("null")
	}
	n, neg, ok := d.digits()
	if !ok {
		return false
	}
	var x int64
	if neg {
		if n > 1<<63 {
			return false
		}
		x = -int64(n)
	} else {
		if n > math.MaxInt64 {
			return false
		}
		x = int64(n)
	}
	if v.OverflowInt(x) {
		return false
	}
	v.SetInt(x)
	return true
}

func decodeUint(d *decodeState, v reflect.Value) bool {
	if d.peek() == 'n' {
		return d.literal("null")
	}
	n, neg, ok := d.digits()
	if !ok || neg || v.OverflowUint(n) {
		return false
	}
	v.SetUint(n)
	return true
}

func decodeFloat(d *decodeState, v reflect.Value) bool {
	if d.peek() == 'n' {
		return d.literal("null")
	}
	start := d.off
	if !d.skipNumber() {
		return false
	}
	f, err := strconv.ParseFloat(string(d.data[start:d.off]), v.Type().Bits())
	if err != nil || v.OverflowFloat(f) {
		return false
	}
	v.SetFloat(f)
	return true
}

// skipNumber consumes a number as the JSON grammar defines it.
func (d *decodeState) skipNumber() bool {
	data := d.data
	i := d.off
	if i < len(data) && data[i] == '-' {
		i++
	}
	switch {
	case i >= len(data):
		return false
	case data[i] == '0':
		i++
	case '1' <= data[i] && data[i] <= '9':
		for i < len(data) && '0' <= data[i] && data[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(data) && data[i] == '.' {
		i++
		if i >= len(data) || data[i] < '0' || data[i] > '9' {
			return false
		}
		for i < len(data) && '0' <= data[i] && data[i] <= '9' {
			i++
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if i >= len(data) || data[i] < '0' || data[i] > '9' {
			return false
		}
		for i < len(data) && '0' <= data[i] && data[i] <= '9' {
			i++
		}
	}
	d.off = i
	return true
}

func decodeString(d *decodeState, v reflect.Value) bool {
	switch d.peek() {
	case '"':
		s, ok := d.readString()
		if ok {
			v.SetString(string(s))
		}
		return ok
	case 'n':
		return d.literal("null")
	}
	return false
}

// readString reads the string starting at d.off (a '"') and returns its
// unquoted bytes, which are valid until the next call.
func (d *decodeState) readString() ([]byte, bool) {
	data := d.data
	for i := d.off + 1 + quotedPrefix(data, d.off+1); i < len(data); i++ {
		switch c := data[i]; {
		case c == '"':
			s := data[d.off+1 : i]
			d.off = i + 1
			return s, true
		case c == '\\' || c < 0x20 || c >= utf8.RuneSelf:
			return d.readStringSlow(i)
		}
	}
	return nil, false
}

// readStringSlow unquotes like encoding/json: escapes are resolved, invalid
// UTF-8 bytes and unpaired surrogates become U+FFFD.
func (d *decodeState) readStringSlow(i int) ([]byte, bool) {
	data := d.data
	buf := append(d.scratch[:0], data[d.off+1:i]...)
	defer func() { d.scratch = buf[:0] }()
	for i < len(data) {
		c := data[i]
		switch {
		case c == '"':
			d.off = i + 1
			return buf, true
		case c < 0x20:
			return nil, false
		case c == '\\':
			if i+1 >= len(data) {
				return nil, false
			}
			switch e := data[i+1]; e {
			case '"', '\\', '/':
				buf = append(buf, e)
			case 'b':
				buf = append(buf, '\b')
			case 'f':
				buf = append(buf, '\f')
			case 'n':
				buf = append(buf, '\n')
			case 'r':
				buf = append(buf, '\r')
			case 't':
				buf = append(buf, '\t')
			case 'u':
				r := hex4(data, i+2)
				if r < 0 {
					return nil, false
				}
				i += 6
				if utf16.IsSurrogate(r) {
					r2 := rune(-1)
					if i+1 < len(data) && data[i] == '\\' && data[i+1] == 'u' {
						r2 = hex4(data, i+2)
					}
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						r = dec
						i += 6
					} else {
						r = utf8.RuneError
					}
				}
				buf = utf8.AppendRune(buf, r)
				continue
			default:
				return nil, false
			}
			i += 2
		case c < utf8.RuneSelf:
			buf = append(buf, c)
			i++
		default:
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size == 1 {
				buf = utf8.AppendRune(buf, utf8.RuneError)
			} else {
				buf = append(buf, data[i:i+size]...)
			}
			i += size
		}
	}
	return nil, false
}

// hex4 returns the value of the four hex digits at data[i:], or -1.
func hex4(data []byte, i int) rune {
	if i+4 > len(data) {
		return -1
	}
	var r rune
	for _, c := range data[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}

// skipString consumes a well-formed string.
func (d *decodeState) skipString() bool {
	data := d.data
	for i := d.off + 1; i < len(data); i++ {
		switch c := data[i]; {
		case c == '"':
			d.off = i + 1
			return true
		case c < 0x20:
			return false
		case c == '\\':
			if i+1 >= len(data) {
				return false
			}
			switch data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i++
			case 'u':
				if hex4(data, i+2) < 0 {
					return false
				}
				i += 5
			default:
				return false
			}
		}
	}
	return false
}

// skipValue consumes one well-formed value of any kind.
func (d *decodeState) skipValue() bool {
	switch c := d.peek(); c {
	case '"':
		return d.skipString()
	case 't':
		return d.literal("true")
	case 'f':
		return d.literal("false")
	case 'n':
		return d.literal("null")
	case '{', '[':
		end := byte('}')
		if c == '[' {
			end = ']'
		}
		if d.depth++; d.depth > maxDepth {
			return false
		}
		d.off++
		d.skipSpace()
		if d.peek() == end {
			d.off++
			d.depth--
			return true
		}
		for {
			if c == '{' {
				if d.peek() != '"' || !d.skipString() {
					return false
				}
				d.skipSpace()
				if d.peek() != ':' {
					return false
				}
				d.off++
				d.skipSpace()
			}
			if !d.skipValue() {
				return false
			}
			d.skipSpace()
			switch d.peek() {
			case ',':
				d.off++
				d.skipSpace()
			case end:
				d.off++
				d.depth--
				return true
			default:
				return false
			}
		}
	default:
		return d.skipNumber()
	}
}

// next consumes the separator after an element: it reports whether
// another element follows, and ok false on malformed input.
func (d *decodeState) next(end byte) (more, ok bool) {
	d.skipSpace()
	switch d.peek() {
	case ',':
		d.off++
		d.skipSpace()
		return true, true
	case end:
		d.off++
		d.depth--
		return false, true
	}
	return false, false
}

// open consumes the '{' or '[' at d.off and reports whether the
// container is empty.
func (d *decodeState) open() (empty, ok bool) {
	if d.depth++; d.depth > maxDepth {
		return false, false
	}
	end := byte('}')
	if d.data[d.off] == '[' {
		end = ']'
	}
	d.off++
	d.skipSpace()
	if d.peek() == end {
		d.off++
		d.depth--
		return true, true
	}
	return false, true
}

// key reads an object key and the colon after it.
func (d *decodeState) key() ([]byte, bool) {
	if d.peek() != '"' {
		return nil, false
	}
	k, ok := d.readString()
	if !ok {
		return nil, false
	}
	d.skipSpace()
	if d.peek() != ':' {
		return nil, false
	}
	d.off++
	d.skipSpace()
	return k, true
}

type decField struct {
	name  string
	index []int // through embedded structs
	dec   *decNode

	// Scalars not behind embedded pointers are stored at base+offset.
	scalar reflect.Kind // or reflect.Invalid
	offset uintptr
	bits   int // size of numbers
}

type structDecoder struct {
	fields []decField
}

func (s *structDecoder) decode(d *decodeState, v reflect.Value) bool {
	switch d.peek() {
	case '{':
	case 'n':
		return d.literal("null")
	default:
		return false
	}
	empty, ok := d.open()
	if empty || !ok {
		return ok
	}
	var seen uint64 // a repeated field would be merged by encoding/json
	for {
		k, ok := d.key()
		if !ok {
			return false
		}
		if i := s.lookup(k); i >= 0 {
			if seen&(1<<i) != 0 {
				return false
			}
			seen |= 1 << i
			f := &s.fields[i]
			if f.scalar != reflect.Invalid {
				if !d.scalar(f, unsafe.Pointer(v.UnsafeAddr())) {
					return false
				}
				goto next
			}
			fv := v
			if len(f.index) == 1 {
				fv = v.Field(f.index[0])
			} else if fv, ok = allocField(v, f.index); !ok {
				return false
			}
			if !f.dec.fn(d, fv) {
				return false
			}
		} else if i == -2 || !d.skipValue() {
			return false
		}
	next:
		more, ok := d.next('}')
		if !more {
			return ok
		}
	}
}

// scalarDecKind returns the kind of a type decoded as its basic kind, with
// no method involved, or reflect.Invalid.
func scalarDecKind(t reflect.Type) reflect.Kind {
	switch t.Kind() {
	case reflect.Bool, reflect.String, reflect.Float32, reflect.Float64,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if t != numberType && !implementsAny(reflect.PointerTo(t), unmarshalerType, textUnmarshalerType) {
			return t.Kind()
		}
	}
	return reflect.Invalid
}

// scalar decodes the value at d.off into the scalar field f of the struct
// at base, like the decodeFunc of its kind.
func (d *decodeState) scalar(f *decField, base unsafe.Pointer) bool {
	if d.peek() == 'n' {
		return d.literal("null")
	}
	p := unsafe.Add(base, f.offset)
	switch f.scalar {
	case reflect.String:
		if d.peek() != '"' {
			return false
		}
		s, ok := d.readString()
		if ok {
			*(*string)(p) = string(s)
		}
		return ok
	case reflect.Bool:
		switch {
		case d.literal("true"):
			*(*bool)(p) = true
			return true
		case d.literal("false"):
			return true
		}
		return false
	case reflect.Float32, reflect.Float64:
		start := d.off
		if !d.skipNumber() {
			return false
		}
		x, err := strconv.ParseFloat(string(d.data[start:d.off]), f.bits)
		if err != nil {
			return false
		}
		if f.bits == 32 {
			*(*float32)(p) = float32(x)
		} else {
			*(*float64)(p) = x
		}
		return true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, neg, ok := d.digits()
		if !ok || neg && n > 1<<(f.bits-1) || !neg && n > 1<<(f.bits-1)-1 {
			return false
		}
		x := int64(n)
		if neg {
			x = -x
		}
		storeInt(p, f.bits, uint64(x))
		return true
	default: // unsigned
		n, neg, ok := d.digits()
		if !ok || neg || f.bits < 64 && n > 1<<f.bits-1 {
			return false
		}
		storeInt(p, f.bits, n)
		return true
	}
}

// storeInt stores the low bits of x at p.
func storeInt(p unsafe.Pointer, bits int, x uint64) {
	switch bits {
	case 8:
		*(*uint8)(p) = uint8(x)
	case 16:
		*(*uint16)(p) = uint16(x)
	case 32:
		*(*uint32)(p) = uint32(x)
	default:
		*(*uint64)(p) = x
	}
}

// allocField returns the field of v at index, allocating the embedded
// structs pointed to on the way like encoding/json. ok is false where
// encoding/json fails: a nil pointer to an unexported struct type.
func allocField(v reflect.Value, index []int) (_ reflect.Value, ok bool) {
	for _, i := range index {
		if v.Kind() == reflect.Pointer {
			if v.IsNil() {
				if !v.CanSet() {
					return v, false
				}
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.Field(i)
	}
	return v, true
}

// lookup returns the index of the field named k: an exact match, else the
// first case-insensitive one; -1 if none and -2 if k is not ASCII (Unicode
// case folding is left to encoding/json).
func (s *structDecoder) lookup(k []byte) int {
	for i := range s.fields {
		if s.fields[i].name == string(k) {
			return i
		}
	}
	for _, c := range k {
		if c >= utf8.RuneSelf {
			return -2
		}
	}
	for i := range s.fields {
		if equalFoldASCII(s.fields[i].name, k) {
			return i
		}
	}
	return -1
}

func equalFoldASCII(s string, k []byte) bool {
	if len(s) != len(k) {
		return false
	}
	for i := 0; i < len(s); i++ {
		a, b := s[i], k[i]
		if 'a' <= a && a <= 'z' {
			a -= 'a' - 'A'
		}
		if 'a' <= b && b <= 'z' {
			b -= 'a' - 'A'
		}
		if a != b {
			return false
		}
	}
	return true
}

type mapDecoder struct {
	typ  reflect.Type
	elem *decNode
}

func (m *mapDecoder) decode(d *decodeState, v reflect.Value) bool {
	switch d.peek() {
	case '{':
	case 'n':
		return d.literal("null")
	default:
		return false
	}
	if v.IsNil() {
		v.Set(reflect.MakeMap(m.typ))
	}
	empty, ok := d.open()
	if empty || !ok {
		return ok
	}
	if m.typ == stringMapType {
		return d.stringMap(v.Interface().(map[string]string))
	}
	kt := m.typ.Key()
	kv := reflect.New(kt).Elem()
	ev := reflect.New(m.typ.Elem()).Elem()
	for {
		k, ok := d.key()
		if !ok {
			return false
		}
		switch kt.Kind() {
		case reflect.String:
			kv.SetString(string(k))
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			n, err := strconv.ParseInt(string(k), 10, 64)
			if err != nil || kv.OverflowInt(n) {
				return false
			}
			kv.SetInt(n)
		default:
			n, err := strconv.ParseUint(string(k), 10, 64)
			if err != nil || kv.OverflowUint(n) {
				return false
			}
			kv.SetUint(n)
		}
		ev.SetZero()
		if !m.elem.fn(d, ev) {
			return false
		}
		v.SetMapIndex(kv, ev)
		more, ok := d.next('}')
		if !more {
			return ok
		}
	}
}

// stringMap decodes the entries of the common map[string]string without
// reflect, from after the opening brace.
func (d *decodeState) stringMap(m map[string]string) bool {
	for {
		k, ok := d.key()
		if !ok {
			return false
		}
		key := string(k)
		switch d.peek() {
		case '"':
			s, ok := d.readString()
			if !ok {
				return false
			}
			m[key] = string(s)
		case 'n':
			if !d.literal("null") {
				return false
			}
			m[key] = "" // encoding/json stores the zero value
		default:
			return false
		}
		more, ok := d.next('}')
		if !more {
			return ok
		}
	}
}

type sliceDecoder struct {
	typ   reflect.Type
	elem  *decNode
	bytes bool // elements are bytes: strings hold base64
}

func (s *sliceDecoder) decode(d *decodeState, v reflect.Value) bool {
	switch d.peek() {
	case '[':
	case 'n':
		return d.literal("null")
	case '"':
		if !s.bytes {
			return false
		}
		str, ok := d.readString()
		if !ok {
			return false
		}
		b := make([]byte, base64.StdEncoding.DecodedLen(len(str)))
		n, err := base64.StdEncoding.Decode(b, str)
		if err != nil {
			return false
		}
		v.SetBytes(b[:n])
		return true
	default:
		return false
	}
	empty, ok := d.open()
	if !ok {
		return false
	}
	if empty {
		v.Set(reflect.MakeSlice(s.typ, 0, 0))
		return true
	}
	for i := 0; ; i++ {
		if i >= v.Cap() {
			v.Grow(1)
		}
		v.SetLen(i + 1)
		if !s.elem.fn(d, v.Index(i)) {
			return false
		}
		more, ok := d.next(']')
		if !more {
			return ok
		}
	}
}

type arrayDecoder struct {
	elem *decNode
}

func (a *arrayDecoder) decode(d *decodeState, v reflect.Value) bool {
	switch d.peek() {
	case '[':
	case 'n':
		return d.literal("null")
	default:
		return false
	}
	empty, ok := d.open()
	if empty || !ok {
		return ok
	}
	for i := 0; ; i++ {
		if i < v.Len() {
			ok = a.elem.fn(d, v.Index(i))
		} else {
			ok = d.skipValue()
		}
		if !ok {
			return false
		}
		more, ok := d.next(']')
		if !more {
			return ok
		}
	}
}

type ptrDecoder struct {
	elemType reflect.Type
	elem     *decNode
}

func (p *ptrDecoder) decode(d *decodeState, v reflect.Value) bool {
	if d.peek() == 'n' {
		return d.literal("null")
	}
	if v.IsNil() {
		v.Set(reflect.New(p.elemType))
	}
	return p.elem.fn(d, v.Elem())
}

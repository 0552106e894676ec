// Package fastjson is a faster drop-in for encoding/json's Unmarshal and
// Marshal on the message types the bus carries.
//
// It produces exactly what encoding/json produces: Append appends the bytes
// json.Marshal returns, and Unmarshal leaves the same value and returns the
// same error as json.Unmarshal. Speed comes from a codec compiled once per
// type and a single pass over the input; exactness comes from falling back
// to encoding/json whenever anything is out of the ordinary:
//
//   - Unmarshal decodes structs (json tags, embedded structs, exact then
//     case-insensitive ASCII name matching), booleans, numbers, strings,
//     slices, arrays, []byte (base64), maps with string or integer keys and
//     pointers. UnmarshalJSON is called directly. Values of types with
//     UnmarshalText, interfaces, json.Number and structs with ",string"
//     options or non-ASCII field names are handed to json.Unmarshal on
//     their own. Any error, duplicate field or unusual input (including
//     numbers that overflow and non-ASCII keys that match no field exactly)
//     makes Unmarshal zero the value and run json.Unmarshal on the whole
//     input, so errors and partial results are encoding/json's own.
//   - Append encodes the same kinds. MarshalJSON is called directly when
//     its output is compact and has nothing to escape. Other values with
//     MarshalJSON or MarshalText, json.Number and structs with ",string"
//     options are encoded by json.Marshal on their own; any error (NaN,
//     infinities, unsupported types, very deep or cyclic values) makes
//     Append run json.Marshal on the whole value.
//
// Limits: because of the fallbacks, a type's MarshalJSON, UnmarshalJSON or
// UnmarshalText may run twice when the value or input is rejected, and an
// UnmarshalJSON may run before a syntax error later in the input is found
// (encoding/json checks the whole input first).
//
// Struct fields of basic kinds, and elements of slices and arrays of basic
// kinds or of structs of them, are read and written with package unsafe at
// the offsets and sizes reflect reports, and only for types without
// marshaling methods; everything else goes through reflect.
package fastjson

import (
	"encoding/json"
	"reflect"
	"slices"
	"sync"
)

// Unmarshal parses the JSON-encoded data and stores the result in the
// value pointed to by v, like json.Unmarshal.
//
// v must point to a zero value (as from new(T)): a result equal to
// json.Unmarshal's is guaranteed only then, because on any error or unusual
// input Unmarshal sets *v to the zero value and calls json.Unmarshal.
func Unmarshal(data []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return json.Unmarshal(data, v)
	}
	if fn := topDecoder(rv.Type()); fn != nil {
		d := statePool.Get().(*decodeState)
		d.data, d.off, d.depth = data, 0, 0
		ok := d.top(fn, rv.Elem())
		d.data = nil
		statePool.Put(d)
		if ok {
			return nil
		}
		rv.Elem().SetZero()
	}
	return json.Unmarshal(data, v)
}

// Append appends the JSON encoding of v to dst and returns the extended
// buffer. The bytes are exactly those json.Marshal(v) returns; on error dst
// is returned unchanged with json.Marshal's error.
func Append(dst []byte, v any) ([]byte, error) {
	rv := reflect.ValueOf(v)
	if !rv.IsValid() {
		return append(dst, "null"...), nil
	}
	n := encoderFor(rv.Type())
	if hint := int(n.sizeHint.Load()); cap(dst)-len(dst) < hint {
		dst = slices.Grow(dst, hint)
	}
	if b, ok := n.fn(dst, rv, 0); ok {
		if size := len(b) - len(dst); size <= maxSizeHint {
			n.sizeHint.Store(int32(size))
		}
		return b, nil
	}
	out, err := json.Marshal(v)
	if err != nil {
		return dst, err
	}
	return append(dst, out...), nil
}

// maxSizeHint bounds the room Append makes for a value before encoding
// it, which is the size of the last value of the same type.
const maxSizeHint = 16 << 10

var statePool = sync.Pool{New: func() any { return new(decodeState) }}

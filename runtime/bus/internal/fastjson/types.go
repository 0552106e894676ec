package fastjson

import (
	"encoding"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"unicode"
)

var (
	marshalerType       = reflect.TypeFor[json.Marshaler]()
	textMarshalerType   = reflect.TypeFor[encoding.TextMarshaler]()
	unmarshalerType     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	numberType          = reflect.TypeFor[json.Number]()
	isZeroerType        = reflect.TypeFor[interface{ IsZero() bool }]()
)

// maxDepth bounds nesting; deeper values go to encoding/json.
const maxDepth = 1000

// A field is a struct field as encoding/json sees it.
type field struct {
	name      string // JSON name
	index     int    // index in the struct
	typ       reflect.Type
	tagged    bool // name came from the json tag
	omitEmpty bool
	omitZero  bool
}

// structFields returns the fields encoding/json encodes and decodes for
// struct type t, in declaration order. ok is false for the structs this
// package leaves to encoding/json: those with embedded fields, ",string"
// options, more than 64 fields or names that are not ASCII.
func structFields(t reflect.Type) (fields []field, ok bool) {
	if t.NumField() > 64 {
		return nil, false
	}
	for i := range t.NumField() {
		sf := t.Field(i)
		if sf.Anonymous {
			return nil, false
		}
		if !sf.IsExported() {
			continue
		}
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if hasOption(opts, "string") {
			return nil, false
		}
		f := field{
			name:      name,
			index:     i,
			typ:       sf.Type,
			tagged:    true,
			omitEmpty: hasOption(opts, "omitempty"),
			omitZero:  hasOption(opts, "omitzero"),
		}
		if !validName(name) {
			f.name, f.tagged = sf.Name, false
		}
		for j := 0; j < len(f.name); j++ {
			if f.name[j] >= 0x80 {
				return nil, false
			}
		}
		fields = append(fields, f)
	}
	return dominant(fields), true
}

// dominant drops fields that share a name the way encoding/json does for
// fields at the same depth: a single tagged field wins over untagged ones,
// otherwise all of them are dropped.
func dominant(fields []field) []field {
	byName := map[string][]field{}
	for _, f := range fields {
		byName[f.name] = append(byName[f.name], f)
	}
	out := fields[:0:0]
	for _, f := range fields {
		same := byName[f.name]
		if len(same) == 1 {
			out = append(out, f)
			continue
		}
		var tagged []field
		for _, g := range same {
			if g.tagged {
				tagged = append(tagged, g)
			}
		}
		if len(tagged) == 1 && tagged[0].index == f.index {
			out = append(out, f)
		}
	}
	return out
}

// hasOption reports whether the comma-separated tag options contain opt.
func hasOption(opts, opt string) bool {
	for opts != "" {
		var o string
		o, opts, _ = strings.Cut(opts, ",")
		if o == opt {
			return true
		}
	}
	return false
}

// validName reports whether a json tag name is used as the field name
// (letters, digits and punctuation other than quotes and backslash).
func validName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}

// implementsAny reports whether t implements one of the interfaces.
func implementsAny(t reflect.Type, ifaces ...reflect.Type) bool {
	return slices.ContainsFunc(ifaces, t.Implements)
}

package fastjson

import (
	"cmp"
	"encoding"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"unicode"
)

var (
	marshalerType       = reflect.TypeOf((*json.Marshaler)(nil)).Elem()
	textMarshalerType   = reflect.TypeOf((*encoding.TextMarshaler)(nil)).Elem()
	unmarshalerType     = reflect.TypeOf((*json.Unmarshaler)(nil)).Elem()
	textUnmarshalerType = reflect.TypeOf((*encoding.TextUnmarshaler)(nil)).Elem()
	numberType          = reflect.TypeOf((*json.Number)(nil)).Elem()
	isZeroerType        = reflect.TypeOf((*interface{ IsZero() bool })(nil)).Elem()
)

// maxDepth bounds nesting; deeper values go to encoding/json.
const maxDepth = 1000

// A field is a struct field as encoding/json sees it.
type field struct {
	name      string // JSON name
	index     []int  // path of field indexes, through embedded structs
	typ       reflect.Type
	tagged    bool // name came from the json tag
	omitEmpty bool
	omitZero  bool
	quoted    bool // ",string" on a kind it applies to
}

// structFields returns the fields encoding/json encodes and decodes for
// struct type t, in its order, following its rules for embedded structs:
// a shallower field hides deeper ones of the same name, at the same depth
// a single tagged field wins, otherwise all of them are dropped. ok is
// false for the structs this package leaves to encoding/json: those with
// ",string" options, more than 64 fields or names that are not ASCII.
func structFields(t reflect.Type) (fields []field, ok bool) {
	type embedded struct {
		typ   reflect.Type
		index []int
	}
	var current []embedded
	next := []embedded{{typ: t}}
	var count, nextCount map[reflect.Type]int
	visited := map[reflect.Type]bool{}
	for len(next) > 0 {
		current, next = next, current[:0]
		count, nextCount = nextCount, map[reflect.Type]int{}
		for _, e := range current {
			if visited[e.typ] {
				continue
			}
			visited[e.typ] = true
			for i := 0; i < e.typ.NumField(); i++ {
				sf := e.typ.Field(i)
				if sf.Anonymous {
					ft := sf.Type
					if ft.Kind() == reflect.Pointer {
						ft = ft.Elem()
					}
					if !sf.IsExported() && ft.Kind() != reflect.Struct {
						continue
					}
				} else if !sf.IsExported() {
					continue
				}
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				if !validName(name) {
					name = ""
				}
				index := append(slices.Clone(e.index), i)
				ft := sf.Type
				if ft.Name() == "" && ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if name == "" && sf.Anonymous && ft.Kind() == reflect.Struct {
					// Explore the embedded struct at the next depth.
					nextCount[ft]++
					if nextCount[ft] == 1 {
						next = append(next, embedded{ft, index})
					}
					continue
				}
				f := field{
					name:      name,
					index:     index,
					typ:       sf.Type,
					tagged:    name != "",
					omitEmpty: hasOption(opts, "omitempty"),
					omitZero:  hasOption(opts, "omitzero"),
				}
				if hasOption(opts, "string") {
					switch ft.Kind() {
					case reflect.Bool, reflect.String, reflect.Float32, reflect.Float64,
						reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
						reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
						f.quoted = true
					}
				}
				if f.name == "" {
					f.name = sf.Name
				}
				fields = append(fields, f)
				if count[e.typ] > 1 {
					// The embedded type occurs more than once at this
					// depth: a second copy makes its fields conflict.
					fields = append(fields, f)
				}
			}
		}
	}
	fields = dominant(fields)
	if len(fields) > 64 {
		return nil, false
	}
	for _, f := range fields {
		if f.quoted {
			return nil, false
		}
		for j := 0; j < len(f.name); j++ {
			if f.name[j] >= 0x80 {
				return nil, false
			}
		}
	}
	return fields, true
}

// dominant keeps, of the fields that share a name, the shallowest one if
// it is alone at its depth or the only tagged one there, and drops them
// all otherwise. The result is in field index order.
func dominant(fields []field) []field {
	slices.SortStableFunc(fields, func(a, b field) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		if c := cmp.Compare(len(a.index), len(b.index)); c != 0 {
			return c
		}
		if a.tagged != b.tagged {
			if a.tagged {
				return -1
			}
			return +1
		}
		return slices.Compare(a.index, b.index)
	})
	var out []field
	for i := 0; i < len(fields); {
		j := i + 1
		for j < len(fields) && fields[j].name == fields[i].name {
			j++
		}
		same := fields[i:j]
		if len(same) == 1 || len(same[0].index) != len(same[1].index) || same[0].tagged != same[1].tagged {
			out = append(out, same[0])
		}
		i = j
	}
	slices.SortFunc(out, func(a, b field) int { return slices.Compare(a.index, b.index) })
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

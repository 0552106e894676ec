package bus

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
)

func reflectTypeFor[T any]() reflect.Type { return reflect.TypeOf((*T)(nil)).Elem() }

var fingerprints sync.Map // reflect.Type → string

// Fingerprint returns a short hash of the JSON shape of T: field names as
// encoding/json spells them and the kinds of their values, recursively. It
// does not depend on Go type or package names, so the same message declared
// in two services matches; it changes when a field is added, removed,
// renamed or changes kind. Every message carries its fingerprint and a
// receiver expecting another one rejects it with ErrSchemaMismatch.
func Fingerprint[T any]() string { return fingerprint(reflect.TypeOf((*T)(nil)).Elem()) }

func fingerprint(t reflect.Type) string {
	if fp, ok := fingerprints.Load(t); ok {
		return fp.(string)
	}
	var b strings.Builder
	shape(&b, t, map[reflect.Type]bool{})
	sum := sha256.Sum256([]byte(b.String()))
	fp := hex.EncodeToString(sum[:8])
	fingerprints.Store(t, fp)
	return fp
}

// Shape writes t's JSON shape, for Fingerprint.
func shape(b *strings.Builder, t reflect.Type, seen map[reflect.Type]bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Implements(jsonMarshaler) || reflect.PointerTo(t).Implements(jsonMarshaler) ||
		t.Implements(textMarshaler) || reflect.PointerTo(t).Implements(textMarshaler) {
		fmt.Fprintf(b, "custom(%s)", t)
		return
	}
	switch t.Kind() {
	case reflect.Bool:
		b.WriteString("bool")
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		b.WriteString("int")
	case reflect.Float32, reflect.Float64:
		b.WriteString("float")
	case reflect.String:
		b.WriteString("string")
	case reflect.Interface:
		b.WriteString("any")
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			b.WriteString("bytes")
			return
		}
		b.WriteString("[")
		shape(b, t.Elem(), seen)
		b.WriteString("]")
	case reflect.Map:
		b.WriteString("map[")
		shape(b, t.Key(), seen)
		b.WriteString("]")
		shape(b, t.Elem(), seen)
	case reflect.Struct:
		if seen[t] {
			fmt.Fprintf(b, "rec(%s)", t)
			return
		}
		seen[t] = true
		defer delete(seen, t)
		type field struct {
			name string
			t    reflect.Type
		}
		var fields []field
		var collect func(t reflect.Type)
		collect = func(t reflect.Type) {
			for i := 0; i < t.NumField(); i++ {
				f := t.Field(i)
				tag := f.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, _, _ := strings.Cut(tag, ",")
				ft := f.Type
				for ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if f.Anonymous && name == "" && ft.Kind() == reflect.Struct {
					collect(ft)
					continue
				}
				if !f.IsExported() {
					continue
				}
				if name == "" {
					name = f.Name
				}
				fields = append(fields, field{name, f.Type})
			}
		}
		collect(t)
		sort.SliceStable(fields, func(i, j int) bool { return fields[i].name < fields[j].name })
		b.WriteString("{")
		for i, f := range fields {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(f.name)
			b.WriteString(":")
			shape(b, f.t, seen)
		}
		b.WriteString("}")
	default: // chan, func, complex, unsafe.Pointer: not JSON
		fmt.Fprintf(b, "invalid(%s)", t)
	}
}

// schemaTokenPrefix starts the last token of a typed request subject; no
// Go identifier contains '-', so it never clashes with a topic's name.
const schemaTokenPrefix = "fp-"

// schemaToken names a request schema, its reply schema and the codec in
// one subject token. A handler serves "<subject>.<token>" for its own
// types as well as the plain subject: a request on the typed subject
// reached a handler of the same schemas and needs no schema headers, and
// one whose types differ finds no responder there and is retried on the
// plain subject, where the handler names the mismatch.
func schemaToken(codec, reqFP, respFP string) string {
	sum := sha256.Sum256([]byte(codec + " " + reqFP + " " + respFP))
	return schemaTokenPrefix + hex.EncodeToString(sum[:8])
}

// An event's Nats-Msg-Id is "<fingerprint>:<unique id>": the event needs
// no schema header, and the id stays unique.
func eventID(fp, unique string) string { return fp + ":" + unique }

// eventSchema returns the fingerprint an event id made by eventID
// carries, or "".
func eventSchema(id string) string {
	fp, _, ok := strings.Cut(id, ":")
	if !ok || len(fp) != 16 {
		return ""
	}
	return fp
}

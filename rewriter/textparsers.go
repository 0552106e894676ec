package rewriter

import (
	"go/types"
	"sort"
	"strings"

	"github.com/cleave-go/cleave/analyzer"
)

// genTextParsers registers with the bus the parsers of the value types s's
// messages carry that encode as text but have no UnmarshalText (a
// name.Name with a name.Parse): the codec decodes them through the parser
// (analyzer.TextParser finds it), anywhere in a message.
func (r *rewrite) genTextParsers(s *svcPkg, g *gofile) {
	found := map[string]*types.Func{}
	seen := map[types.Type]bool{}
	for _, t := range s.topics {
		for _, f := range t.params {
			collectTextParsers(f.typ, seen, found)
		}
		for _, f := range t.results {
			collectTextParsers(f.typ, seen, found)
		}
	}
	for k, fn := range found {
		// The generated package may import internal packages of the
		// module's root only.
		if p := fn.Pkg().Path(); strings.Contains(p, "/internal/") && !strings.HasPrefix(p, r.module+"/internal/") {
			delete(found, k)
		}
	}
	if len(found) == 0 {
		return
	}
	keys := make([]string, 0, len(found))
	for k := range found {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	g.p("func init() {\n\t// Value types written as text with no UnmarshalText decode through\n\t// their package's parser.\n")
	for _, k := range keys {
		fn := found[k]
		g.p("\t%s.RegisterTextParser(%s.%s)\n", g.im.add(busPath, "bus"), g.im.qualifier(fn.Pkg()), fn.Name())
	}
	g.p("}\n\n")
}

// collectTextParsers walks t as the JSON codec does (pointers, slices,
// arrays, map values, exported struct fields) and adds the parser of each
// text value type it meets, keyed by the type's name.
func collectTextParsers(t types.Type, seen map[types.Type]bool, found map[string]*types.Func) {
	if seen[t] {
		return
	}
	seen[t] = true
	if fn := analyzer.TextParser(t); fn != nil {
		if _, isPtr := t.(*types.Pointer); !isPtr {
			found[types.TypeString(t, nil)] = fn
			return
		}
	}
	switch u := t.Underlying().(type) {
	case *types.Pointer:
		collectTextParsers(u.Elem(), seen, found)
	case *types.Slice:
		collectTextParsers(u.Elem(), seen, found)
	case *types.Array:
		collectTextParsers(u.Elem(), seen, found)
	case *types.Map:
		collectTextParsers(u.Elem(), seen, found)
	case *types.Struct:
		for i := 0; i < u.NumFields(); i++ {
			if f := u.Field(i); f.Exported() || f.Embedded() {
				collectTextParsers(f.Type(), seen, found)
			}
		}
	}
}

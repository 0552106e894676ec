package analyzer

import (
	"go/ast"
	"go/types"
	"reflect"
	"strings"
)

// goFlags is the import path of github.com/jessevdk/go-flags, whose parser
// runs the chosen command's Execute([]string) error once the flags are read.
const goFlags = "github.com/jessevdk/go-flags"

// kong is the import path of github.com/alecthomas/kong, whose Context.Run
// calls the chosen command's Run method (fields tagged cmd:"").
const kong = "github.com/alecthomas/kong"

// commandMethods returns the methods the module's CLI commands run, with
// where each command is declared: go-flags' Execute of the types held in a
// struct field tagged `command:"..."` (the parser's options struct) or
// handed to AddCommand, and kong's Run of the types in fields tagged
// `cmd:""`. The library calls them, so no call of the module's reaches
// them, yet they run at start-up like main.
func (a *analysis) commandMethods() map[string]Pos {
	out := map[string]Pos{}
	// add records the method name of t's (or *t's) when t is the
	// module's and the method's signature is what the library calls.
	add := func(t types.Type, at Pos, name string, called func(*types.Signature) bool) {
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		named, ok := types.Unalias(t).(*types.Named)
		if !ok || named.Obj().Pkg() == nil || !a.modPkgs[named.Obj().Pkg().Path()] {
			return
		}
		obj, _, _ := types.LookupFieldOrMethod(types.NewPointer(named), true, named.Obj().Pkg(), name)
		m, ok := obj.(*types.Func)
		if !ok || !called(m.Type().(*types.Signature)) {
			return
		}
		if id := m.Origin().FullName(); out[id] == (Pos{}) {
			out[id] = at
		}
	}
	for _, p := range a.pkgs {
		if p.TypesInfo == nil || !imports(p.Types, goFlags) && !imports(p.Types, kong) {
			continue
		}
		for _, f := range p.Syntax {
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.StructType:
					for _, fld := range n.Fields.List {
						if fld.Tag == nil {
							continue
						}
						tv, ok := p.TypesInfo.Types[fld.Type]
						if !ok {
							continue
						}
						tag := reflect.StructTag(strings.Trim(fld.Tag.Value, "`"))
						if _, ok := tag.Lookup("command"); ok {
							add(tv.Type, a.pos(fld.Pos()), "Execute", isExecute)
						}
						if _, ok := tag.Lookup("cmd"); ok {
							add(tv.Type, a.pos(fld.Pos()), "Run", returnsError)
						}
					}
				case *ast.CallExpr:
					// parser.AddCommand(name, short, long, data)
					sel, ok := n.Fun.(*ast.SelectorExpr)
					if !ok || sel.Sel.Name != "AddCommand" || len(n.Args) != 4 {
						return true
					}
					fn, ok := p.TypesInfo.Uses[sel.Sel].(*types.Func)
					if !ok || fn.Pkg() == nil || fn.Pkg().Path() != goFlags {
						return true
					}
					if tv, ok := p.TypesInfo.Types[n.Args[3]]; ok {
						add(tv.Type, a.pos(n.Pos()), "Execute", isExecute)
					}
				}
				return true
			})
		}
	}
	return out
}

// isExecute reports whether sig is go-flags Commander's Execute:
// func([]string) error.
func isExecute(sig *types.Signature) bool {
	if sig.Params().Len() != 1 {
		return false
	}
	s, ok := sig.Params().At(0).Type().(*types.Slice)
	return ok && types.Identical(s.Elem(), types.Typ[types.String]) && returnsError(sig)
}

// returnsError reports whether sig returns just an error (kong's Run,
// whatever its parameters).
func returnsError(sig *types.Signature) bool {
	res := sig.Results()
	return res.Len() == 1 && types.Identical(res.At(0).Type(), types.Universe.Lookup("error").Type())
}

// imports reports whether pkg imports path directly.
func imports(pkg *types.Package, path string) bool {
	for _, imp := range pkg.Imports() {
		if imp.Path() == path {
			return true
		}
	}
	return false
}

package rewriter

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/token"
	"go/types"
	"path"
	"sort"
	"strconv"
	"strings"
)

// edit replaces src[start:end] with text.
type edit struct {
	start, end int
	text       string
	// drops are the identifiers whose uses the edit removes from the file
	// (the package name of pkg.F when F's call moves to a stub).
	drops []*ast.Ident
}

// svcRef is a reference from an edited file to a generated package: the
// name the file imports it by is decided once all edits of the file are known.
const svcMark = "\x00svc:"

func (r *rewrite) off(p token.Pos) int { return r.fset.Position(p).Offset }

// editSites turns every live site into edits of its file.
func (r *rewrite) editSites() {
	for _, t := range r.topics {
		for _, s := range t.sites {
			if !t.live() || s.skip != "" || s.done {
				continue
			}
			ref := svcMark + t.svc.path + "\x00"
			stub := t.stub
			if s.link {
				ref, stub = "", t.localStub()
			}
			if s.fan != nil {
				if s != s.fan.sites[0] {
					continue // one edit for all the call's topics
				}
				ref, stub = "", s.fan.name
			}
			f := s.file
			switch s.shape {
			case shapeFunc:
				fun := ast.Unparen(s.call.Fun)
				e := edit{start: r.off(fun.Pos()), end: r.off(fun.End()), text: ref + stub}
				if sel, ok := fun.(*ast.SelectorExpr); ok {
					if id, ok := sel.X.(*ast.Ident); ok {
						e.drops = append(e.drops, id)
					}
				}
				f.edits = append(f.edits, e)
			case shapeMethod, shapeIface:
				recvStart := r.off(s.sel.X.Pos())
				f.edits = append(f.edits, edit{start: recvStart, end: recvStart, text: ref + stub + "("})
				sep := s.path + ", "
				if len(s.call.Args) == 0 {
					sep = s.path
				}
				f.edits = append(f.edits, edit{start: r.off(s.sel.X.End()), end: r.off(s.call.Lparen) + 1, text: sep})
			case shapeMethodVal:
				start := r.off(s.sel.X.Pos())
				f.edits = append(f.edits, edit{start: start, end: start, text: ref + t.stub + "Func("})
				f.edits = append(f.edits, edit{start: r.off(s.sel.X.End()), end: r.off(s.sel.End()), text: s.path + ")"})
			}
			f.sites = append(f.sites, s.pos)
		}
	}
}

// bindConstructors wraps, in the non-test code outside a service, every
// expression that makes a receiver of one of the service's method topics
// (a constructor call returning *T, or &T{...}) in that service's Bind
// function, so that the service's own process serves with the instance its
// wiring made.
func (r *rewrite) bindConstructors() {
	want := map[string]*svcPkg{} // type key → svc
	type opaqueType struct {
		n *types.Named
		s *svcPkg
	}
	var opaque []opaqueType               // unexported receiver types
	exported := map[string]*types.Named{} // type key → exported receiver type
	for _, name := range sortedKeys(r.svcs) {
		s := r.svcs[name]
		for _, n := range s.recvTypes() {
			k := n.Obj().Pkg().Path() + "." + n.Obj().Name()
			want[k] = s
			exported[k] = n
		}
		for _, n := range s.opaqueTypes() {
			opaque = append(opaque, opaqueType{n, s})
		}
	}
	if len(want) == 0 && len(opaque) == 0 {
		return
	}
	made := map[string]bool{} // receiver types bound somewhere
	// A bind in a package the service package imports, directly or not,
	// would make an import cycle (filebrowser: users.User.Clean makes a
	// files.ScopedFs; filesvc imports http, which imports users): left out
	// and noted.
	deps := map[string]map[string]bool{} // service → packages its svc package imports, transitively
	for name, s := range r.svcs {
		d := map[string]bool{}
		deps[name] = d
		for _, t := range s.topics {
			r.importClosure(t.pkg.PkgPath, d)
			// The packages of its message types.
			g := newGoFile(s.name, s.path)
			for _, f := range append(append([]field(nil), t.params...), t.results...) {
				g.typ(f.typ)
			}
			for p := range g.im.byPath {
				r.importClosure(p, d)
			}
		}
	}
	cycle := func(s *svcPkg, n *types.Named, f *srcFile, pos token.Pos) bool {
		if !deps[s.service][f.pkg.PkgPath] {
			return false
		}
		made[typeKey(n)] = true // named here, not again as bound nowhere
		r.notes = append(r.notes, fmt.Sprintf("%s: apply cannot bind *%s.%s in the %s service here: %s imports %s, which would then import it (an import cycle); calls on this value answer \"no instance bound\" in the split: make it in the wiring and pass it on", r.posString(pos), n.Obj().Pkg().Name(), n.Obj().Name(), s.service, s.name, f.pkg.PkgPath))
		return true
	}
	defer func() {
		// A receiver bound nowhere (one only its own service's code
		// makes, held in a field another service reads; the address of
		// a variable) is not the instance main made in its service's
		// process: the calls rewritten on it fail there. One its own
		// service's wiring makes in another package is bound there.
		r.bindInside(want, made)
		var missing []string
		for _, k := range sortedKeys(want) {
			if !made[k] {
				missing = append(missing, "*"+exported[k].Obj().Pkg().Name()+"."+exported[k].Obj().Name()+" ("+want[k].service+")")
			}
		}
		for _, o := range opaque {
			if !made[typeKey(o.n)] {
				missing = append(missing, "*"+o.n.Obj().Pkg().Name()+"."+o.n.Obj().Name()+" ("+o.s.service+")")
			}
		}
		if len(missing) > 0 {
			r.notes = append(r.notes, fmt.Sprintf("apply binds the receivers %s nowhere: no code outside their services makes them with a constructor of their package or &T{...}, so the calls rewritten on them will answer \"no instance bound\" in the split; make them in the wiring (main, or a function it calls) and pass them on, or keep their callers in the same service", strings.Join(missing, ", ")))
		}
	}()
	// wrapped reports whether the expression whose ancestors are stack is
	// already the argument of a call into s (an earlier apply's Bind).
	wrapped := func(info *types.Info, stack []ast.Node, s *svcPkg) bool {
		if len(stack) >= 1 {
			if c, ok := stack[len(stack)-1].(*ast.CallExpr); ok {
				if fn := calleeFunc(info, c); fn != nil && fn.Pkg() != nil && fn.Pkg().Path() == s.path {
					return true
				}
			}
		}
		return false
	}
	// A constructor that opens a database one process at a time can hold
	// runs only in its service's processes (Bind<T>Lazy).
	openers := r.exclusiveOpeners()
	for _, rel := range sortedKeys(r.files) {
		f := r.files[rel]
		if f.test || strings.HasPrefix(rel, GenDir+"/") {
			continue
		}
		info := f.pkg.TypesInfo
		ast.PreorderStack(f.ast, nil, func(n ast.Node, stack []ast.Node) bool {
			e, ok := n.(ast.Expr)
			if !ok {
				return true
			}
			isCall := false
			switch x := e.(type) {
			case *ast.CallExpr:
				isCall = true
			case *ast.UnaryExpr:
				if _, ok := x.X.(*ast.CompositeLit); !ok || x.Op != token.AND {
					return true
				}
			default:
				return true
			}
			tv, ok := info.Types[e]
			if !ok {
				return true
			}
			// A constructor returning (T, error) is bound through
			// Bind<T>Err, which binds only when the error is nil.
			typ, withErr := tv.Type, false
			if tup, ok := typ.(*types.Tuple); ok && isCall && tup.Len() == 2 && isError(tup.At(1).Type()) {
				typ, withErr = tup.At(0).Type(), true
			}
			bindFunc := func(s *svcPkg, n *types.Named) string {
				if withErr {
					s.needBindErr(n)
					return s.bindName(n) + "Err"
				}
				return s.bindName(n)
			}
			if isCall && types.IsInterface(typ) {
				// A constructor of the callee's package returning an
				// interface an unexported receiver type implements.
				iface, _ := typ.Underlying().(*types.Interface)
				fn := calleeFunc(info, e.(*ast.CallExpr))
				if iface == nil || iface.NumMethods() == 0 || fn == nil || fn.Pkg() == nil {
					return true
				}
				// The receiver types of the constructor's package the
				// interface may hold: unexported ones through their
				// generic binder, exported ones through Bind<T>Any. Each
				// binds only the value of its own type; a chain covers a
				// constructor that may return any of several.
				var matches []opaqueType
				for _, o := range opaque {
					if fn.Pkg().Path() == o.n.Obj().Pkg().Path() && r.svcOf[f.pkg.PkgPath] != o.s.service &&
						(types.Implements(o.n, iface) || types.Implements(types.NewPointer(o.n), iface)) && !cycle(o.s, o.n, f, e.Pos()) {
						matches = append(matches, o)
					}
				}
				for _, k := range sortedKeys(want) {
					s := want[k]
					n := exported[k]
					if n == nil || fn.Pkg().Path() != n.Obj().Pkg().Path() || r.svcOf[f.pkg.PkgPath] == s.service ||
						!types.Implements(types.NewPointer(n), iface) || cycle(s, n, f, e.Pos()) {
						continue
					}
					matches = append(matches, opaqueType{n, s})
				}
				binds := make([]string, len(matches))
				for i, o := range matches {
					if exported[typeKey(o.n)] != nil {
						o.s.needBindAny(o.n)
						binds[i] = o.s.bindName(o.n) + "Any"
						if withErr {
							binds[i] += "Err"
						}
					} else {
						binds[i] = bindFunc(o.s, o.n)
					}
				}
				for _, o := range matches {
					made[typeKey(o.n)] = true
					if wrapped(info, stack, o.s) {
						return true // by an earlier apply; its binders are still generated
					}
				}
				for i, o := range matches {
					bind := binds[i]
					ref := svcMark + o.s.path + "\x00"
					f.edits = append(f.edits,
						edit{start: r.off(e.Pos()), end: r.off(e.Pos()), text: ref + bind + "("},
						edit{start: r.off(e.End()), end: r.off(e.End()), text: ")"})
					r.bound = append(r.bound, &Skip{Site: r.posString(e.Pos()), Subject: o.s.service, Reason: "binds " + o.n.Obj().Pkg().Name() + "." + o.n.Obj().Name() + " in the " + o.s.service + " service"})
				}
				// The constructor's arguments may be constructors of
				// other services: catalog.New(store.New()).
				return true
			}
			pt, ok := typ.(*types.Pointer)
			if !ok {
				return true
			}
			n2 := recvNamed(pt)
			if n2 == nil || n2.Obj().Pkg() == nil {
				return true
			}
			k := n2.Obj().Pkg().Path() + "." + n2.Obj().Name()
			s := want[k]
			if s == nil {
				// An unexported receiver type an exported constructor
				// returns (func New() *store): its generic binder.
				for _, o := range opaque {
					if typeKey(o.n) == k {
						s = o.s
					}
				}
			}
			if s == nil {
				return true
			}
			if isCall {
				fn := calleeFunc(info, e.(*ast.CallExpr))
				if fn == nil || fn.Pkg() == nil || fn.Pkg().Path() != n2.Obj().Pkg().Path() {
					return true
				}
			}
			if r.svcOf[f.pkg.PkgPath] == s.service || cycle(s, n2, f, e.Pos()) {
				return true
			}
			made[k] = true
			bind := bindFunc(s, n2)
			// Already wrapped by an earlier apply?
			if wrapped(info, stack, s) {
				return true
			}
			lazy := func() {
				s.needBindLazy(n2)
				if r.lazy == nil {
					r.lazy = map[string]lazyBind{}
				}
				r.lazy[calleeFunc(info, e.(*ast.CallExpr)).FullName()] = lazyBind{s.service, k}
			}
			if isCall && wrappedLazy(info, stack, s.path) {
				lazy()
				return true
			}
			ref := svcMark + s.path + "\x00"
			if open, ret := lazyOpen(info, e, n2, withErr); isCall && open != "" && openers[calleeFunc(info, e.(*ast.CallExpr)).FullName()] {
				lazy()
				lazy := s.bindName(n2) + "Lazy"
				if withErr {
					lazy += "Err"
				}
				f.edits = append(f.edits,
					edit{start: r.off(e.Pos()), end: r.off(e.Pos()), text: ref + lazy + "(func() " + ret + " { return "},
					edit{start: r.off(e.End()), end: r.off(e.End()), text: " })"})
				r.bound = append(r.bound, &Skip{Site: r.posString(e.Pos()), Subject: s.service, Reason: "binds *" + n2.Obj().Pkg().Name() + "." + n2.Obj().Name() + " in the " + s.service + " service, made there only (" + open + " opens a database one process at a time can hold)"})
				return true
			}
			f.edits = append(f.edits,
				edit{start: r.off(e.Pos()), end: r.off(e.Pos()), text: ref + bind + "("},
				edit{start: r.off(e.End()), end: r.off(e.End()), text: ")"})
			r.bound = append(r.bound, &Skip{Site: r.posString(e.Pos()), Subject: s.service, Reason: "binds *" + n2.Obj().Pkg().Name() + "." + n2.Obj().Name() + " in the " + s.service + " service"})
			// Its arguments may make other services' receivers:
			// catalog.New(store.New()) binds both.
			return true
		})
	}
}

// lazyOpen returns the name of the constructor e calls and the result
// types a function literal returning its call spells ("*engine.BoltDB",
// "(*engine.BoltDB, error)"), when e can run later in one: a call of a
// package-qualified function of n's package whose arguments call nothing.
func lazyOpen(info *types.Info, e ast.Expr, n *types.Named, withErr bool) (name, results string) {
	call, ok := e.(*ast.CallExpr)
	if !ok || n.TypeParams().Len() > 0 {
		return "", ""
	}
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return "", ""
	}
	id, ok := sel.X.(*ast.Ident)
	if !ok {
		return "", ""
	}
	if pn, ok := info.Uses[id].(*types.PkgName); !ok || pn.Imported() != n.Obj().Pkg() {
		return "", ""
	}
	for _, a := range call.Args {
		calls := false
		ast.Inspect(a, func(x ast.Node) bool {
			if _, ok := x.(*ast.CallExpr); ok {
				calls = true
			}
			return !calls
		})
		if calls {
			return "", ""
		}
	}
	results = "*" + id.Name + "." + n.Obj().Name()
	if withErr {
		results = "(" + results + ", error)"
	}
	return id.Name + "." + sel.Sel.Name, results
}

// wrappedLazy reports whether the expression whose ancestors are stack is
// what a function literal handed to a call into the package at path
// returns (an earlier apply's Bind<T>Lazy).
func wrappedLazy(info *types.Info, stack []ast.Node, path string) bool {
	k := len(stack)
	if k < 4 {
		return false
	}
	_, ret := stack[k-1].(*ast.ReturnStmt)
	_, lit := stack[k-3].(*ast.FuncLit)
	c, call := stack[k-4].(*ast.CallExpr)
	if !ret || !lit || !call {
		return false
	}
	fn := calleeFunc(info, c)
	return fn != nil && fn.Pkg() != nil && fn.Pkg().Path() == path
}

func calleeFunc(info *types.Info, call *ast.CallExpr) *types.Func {
	fun := ast.Unparen(call.Fun)
	if ix, ok := fun.(*ast.IndexExpr); ok {
		fun = ix.X
	}
	var obj types.Object
	switch e := fun.(type) {
	case *ast.Ident:
		obj = info.Uses[e]
	case *ast.SelectorExpr:
		if sel := info.Selections[e]; sel != nil {
			obj = sel.Obj()
		} else {
			obj = info.Uses[e.Sel]
		}
	}
	fn, _ := obj.(*types.Func)
	return fn
}

// applyEdits computes the new contents of every edited file.
func (r *rewrite) applyEdits() error {
	for _, rel := range sortedKeys(r.files) {
		f := r.files[rel]
		if len(f.edits) == 0 {
			continue
		}
		out, err := r.editFile(f)
		if err != nil {
			return fmt.Errorf("apply: %s: %w", rel, err)
		}
		r.put(rel, out)
	}
	return nil
}

func (r *rewrite) editFile(f *srcFile) ([]byte, error) {
	edits := append([]edit(nil), f.edits...)
	// Import names for the generated packages.
	refs := map[string]string{}
	var positions []token.Pos
	for _, e := range edits {
		if i := strings.Index(e.text, svcMark); i >= 0 {
			p := e.text[i+len(svcMark):]
			p = p[:strings.IndexByte(p, 0)]
			refs[p] = ""
			positions = append(positions, r.fset.File(f.ast.Pos()).Pos(e.start))
		}
	}
	info := f.pkg.TypesInfo
	var newImports []string
	for _, p := range sortedKeys(refs) {
		name, existing := r.importName(f, p, positions)
		refs[p] = name
		if !existing {
			spec := strconv.Quote(p)
			if name != path.Base(p) {
				spec = name + " " + spec
			}
			newImports = append(newImports, spec)
		}
	}
	for i := range edits {
		for p, name := range refs {
			edits[i].text = strings.ReplaceAll(edits[i].text, svcMark+p+"\x00", name+".")
		}
	}
	// Imports no code uses any more.
	dropped := map[*ast.Ident]bool{}
	for _, e := range edits {
		for _, id := range e.drops {
			dropped[id] = true
		}
	}
	deleted := map[ast.Spec]bool{}
	if len(dropped) > 0 {
		uses := map[*types.PkgName]int{}
		for id, obj := range info.Uses {
			if pn, ok := obj.(*types.PkgName); ok && !dropped[id] && r.fset.File(id.Pos()) == r.fset.File(f.ast.Pos()) {
				uses[pn]++
			}
		}
		for _, spec := range f.ast.Imports {
			pn := pkgNameOf(info, spec)
			if pn == nil || uses[pn] > 0 || spec.Name != nil && (spec.Name.Name == "_" || spec.Name.Name == ".") {
				continue
			}
			used := false
			for id := range dropped {
				if info.Uses[id] == pn {
					used = true
				}
			}
			if used {
				edits = append(edits, r.deleteSpec(f, spec))
				deleted[spec] = true
			}
		}
	}
	if len(newImports) > 0 {
		edits = append(edits, r.addImports(f, newImports, deleted))
	}
	spliced, err := splice(f.src, edits)
	if err != nil {
		return nil, err
	}
	out, err := format.Source(spliced)
	if err != nil {
		return nil, fmt.Errorf("rewritten file does not parse: %w", err)
	}
	return out, nil
}

// splice applies edits to src, in the order of their offsets (edits at
// one offset in the order given); edits may not overlap.
func splice(src []byte, edits []edit) ([]byte, error) {
	sort.SliceStable(edits, func(i, j int) bool {
		if edits[i].start != edits[j].start {
			return edits[i].start < edits[j].start
		}
		return edits[i].end < edits[j].end
	})
	var b bytes.Buffer
	last := 0
	for _, e := range edits {
		if e.start < last {
			return nil, fmt.Errorf("overlapping edits at offset %d", e.start)
		}
		b.Write(src[last:e.start])
		b.WriteString(e.text)
		last = e.end
	}
	b.Write(src[last:])
	return b.Bytes(), nil
}

func pkgNameOf(info *types.Info, spec *ast.ImportSpec) *types.PkgName {
	if spec.Name != nil {
		pn, _ := info.Defs[spec.Name].(*types.PkgName)
		return pn
	}
	pn, _ := info.Implicits[spec].(*types.PkgName)
	return pn
}

// importName returns the name f should import path by: the name of an
// existing import, or the package name, numbered until nothing in scope at
// any of the positions has that name.
func (r *rewrite) importName(f *srcFile, p string, positions []token.Pos) (string, bool) {
	info := f.pkg.TypesInfo
	for _, spec := range f.ast.Imports {
		if q, _ := strconv.Unquote(spec.Path.Value); q == p {
			if pn := pkgNameOf(info, spec); pn != nil && r.visible(f, pn.Name(), pn, positions) {
				return pn.Name(), true
			}
		}
	}
	base := path.Base(p)
	for i := 1; ; i++ {
		name := base
		if i > 1 {
			name = base + strconv.Itoa(i)
		}
		if r.visible(f, name, nil, positions) && !r.fileHasName(f, name) {
			return name, false
		}
	}
}

// visible reports whether name resolves to want (nil: to nothing) at every position.
func (r *rewrite) visible(f *srcFile, name string, want types.Object, positions []token.Pos) bool {
	scope := f.pkg.Types.Scope()
	for _, pos := range positions {
		inner := scope.Innermost(pos)
		if inner == nil {
			inner = scope
		}
		if _, obj := inner.LookupParent(name, pos); obj != want {
			if want == nil && obj != nil && obj.Parent() == types.Universe {
				return false
			}
			if obj != want {
				return false
			}
		}
	}
	return true
}

// fileHasName reports whether an import of f or a declaration anywhere in
// f's package already uses name.
func (r *rewrite) fileHasName(f *srcFile, name string) bool {
	for _, spec := range f.ast.Imports {
		n := ""
		if spec.Name != nil {
			n = spec.Name.Name
		} else if pn := pkgNameOf(f.pkg.TypesInfo, spec); pn != nil {
			n = pn.Name()
		}
		if n == name {
			return true
		}
	}
	return f.pkg.Types.Scope().Lookup(name) != nil
}

// deleteSpec removes an import spec and its line.
func (r *rewrite) deleteSpec(f *srcFile, spec *ast.ImportSpec) edit {
	start, end := r.off(spec.Pos()), r.off(spec.End())
	if spec.Doc != nil {
		start = r.off(spec.Doc.Pos())
	}
	if spec.Comment != nil {
		end = r.off(spec.Comment.End())
	}
	ls := bytes.LastIndexByte(f.src[:start], '\n') + 1
	if strings.TrimSpace(string(f.src[ls:start])) == "" {
		start = ls
	}
	if le := bytes.IndexByte(f.src[end:], '\n'); le >= 0 && strings.TrimSpace(string(f.src[end:end+le])) == "" {
		end += le + 1
	}
	// A lone import outside parentheses goes with its keyword.
	for _, d := range f.ast.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.IMPORT && !g.Lparen.IsValid() && len(g.Specs) == 1 && g.Specs[0] == spec {
			start, end = r.off(g.Pos()), r.off(g.End())
			if le := bytes.IndexByte(f.src[end:], '\n'); le >= 0 {
				end += le + 1
			}
		}
	}
	return edit{start: start, end: end}
}

// addImports adds specs to f's imports: into the group of the module's own
// packages if there is one, else as a group of their own.
func (r *rewrite) addImports(f *srcFile, specs []string, deleted map[ast.Spec]bool) edit {
	var decl *ast.GenDecl
	for _, d := range f.ast.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.IMPORT {
			decl = g
		}
	}
	if decl == nil {
		at := r.off(f.ast.Name.End())
		var b strings.Builder
		b.WriteString("\n\nimport (\n")
		for _, s := range specs {
			b.WriteString("\t" + s + "\n")
		}
		b.WriteString(")")
		return edit{start: at, end: at, text: b.String()}
	}
	if !decl.Lparen.IsValid() && deleted[decl.Specs[0]] {
		var b strings.Builder
		if len(specs) == 1 {
			b.WriteString("import " + specs[0] + "\n")
		} else {
			b.WriteString("import (\n")
			for _, s := range specs {
				b.WriteString("\t" + s + "\n")
			}
			b.WriteString(")\n")
		}
		return edit{start: r.off(decl.Pos()), end: r.off(decl.Pos()), text: b.String()}
	}
	if !decl.Lparen.IsValid() {
		old := string(r.fileText(f, decl.Specs[0].Pos(), decl.End()))
		var b strings.Builder
		b.WriteString("import (\n\t" + old + "\n\n")
		for _, s := range specs {
			b.WriteString("\t" + s + "\n")
		}
		b.WriteString(")")
		return edit{start: r.off(decl.Pos()), end: r.off(decl.End()), text: b.String()}
	}
	// Find the last group (specs on consecutive lines) of module imports.
	var after ast.Spec
	prevLine := -10
	group := []ast.Spec{}
	var lastLocal ast.Spec
	var kept []ast.Spec
	for _, s := range decl.Specs {
		if !deleted[s] {
			kept = append(kept, s)
		}
	}
	if len(kept) == 0 {
		at := r.off(decl.Lparen) + 1
		var b strings.Builder
		for _, s := range specs {
			b.WriteString("\n\t" + s)
		}
		return edit{start: at, end: at, text: b.String()}
	}
	for _, s := range kept {
		line := r.fset.Position(s.Pos()).Line
		if line != prevLine+1 {
			group = nil
		}
		group = append(group, s)
		prevLine = r.fset.Position(s.End()).Line
		p, _ := strconv.Unquote(s.(*ast.ImportSpec).Path.Value)
		if p == r.module || strings.HasPrefix(p, r.module+"/") {
			lastLocal = group[len(group)-1]
		}
	}
	var b strings.Builder
	if lastLocal != nil {
		// Keep going to the end of the local group.
		after = lastLocal
		for _, s := range kept {
			if s.Pos() > after.Pos() && r.fset.Position(s.Pos()).Line == r.fset.Position(after.End()).Line+1 {
				after = s
			}
		}
		for _, s := range specs {
			b.WriteString("\n\t" + s)
		}
	} else {
		after = kept[len(kept)-1]
		b.WriteString("\n")
		for _, s := range specs {
			b.WriteString("\n\t" + s)
		}
	}
	end := r.off(after.End())
	if is := after.(*ast.ImportSpec); is.Comment != nil {
		end = r.off(is.Comment.End())
	}
	return edit{start: end, end: end, text: b.String()}
}

func (r *rewrite) fileText(f *srcFile, from, to token.Pos) []byte {
	return f.src[r.off(from):r.off(to)]
}

// rewrittenAt reports whether f already calls t's stub (an earlier apply).
func (r *rewrite) rewrittenAt(t *topic, f *srcFile, _ token.Pos) bool {
	svc := r.module + "/" + GenDir + "/" + t.t.Consumer + "svc"
	found := false
	ast.Inspect(f.ast, func(n ast.Node) bool {
		if found {
			return false
		}
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		if fn := calleeFunc(f.pkg.TypesInfo, call); fn != nil && fn.Pkg() != nil && fn.Pkg().Path() == svc &&
			(strings.HasSuffix(fn.Name(), t.fn.Name()) || strings.HasSuffix(fn.Name(), t.fn.Name()+"Func")) {
			found = true
		}
		return true
	})
	if !found {
		found, _ = r.rewrittenLocally(t, f)
	}
	return found
}

// rewrittenLocally reports whether f already calls a stub an earlier apply
// generated in f's own package for t (cleave_stubs.go): t's local stub, or
// a dispatcher of a call that may reach several topics. link says whether
// the call reaches t through cleavesvc/link.
func (r *rewrite) rewrittenLocally(t *topic, f *srcFile) (found, link bool) {
	local := "cleave" + exportName(t.t.Consumer)
	fanout := "cleaveFanout" + t.fn.Name()
	ast.Inspect(f.ast, func(n ast.Node) bool {
		if found {
			return false
		}
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		fn := calleeFunc(f.pkg.TypesInfo, call)
		if fn == nil || fn.Pkg() == nil || fn.Pkg().Path() != f.pkg.PkgPath || !strings.HasSuffix(r.fset.Position(fn.Pos()).Filename, "cleave_stubs.go") {
			return true
		}
		switch name := fn.Name(); {
		case strings.HasPrefix(name, local) && strings.HasSuffix(name, t.fn.Name()):
			found, link = true, true
		case name == fanout || strings.HasPrefix(name, fanout) && strings.Trim(name[len(fanout):], "0123456789") == "":
			seen := map[string]bool{}
			r.importClosure(t.pkg.PkgPath, seen)
			found, link = true, seen[f.pkg.PkgPath]
		}
		return true
	})
	return found, link
}

package rewriter

import (
	"fmt"
	"go/types"
	"path"
	"sort"
	"strconv"
	"strings"
)

// When a service package imports the caller's package (the callee's
// package imports it, often for the types of an observer interface), the
// caller cannot import the service package. Such a call goes through a
// stub generated in the caller's own package, with message types of the
// same JSON shape; it asks the service package, through the small package
// cleavesvc/link, whether and how to route the call.

const linkDir = GenDir + "/link"

func (r *rewrite) linkPath() string { return r.module + "/" + linkDir }

// localStub names the stub of t generated in a caller's package.
func (t *topic) localStub() string { return "cleave" + exportName(t.svc.service) + t.stub }

// hasLink reports whether some site of t goes through a local stub.
func (t *topic) hasLink() bool {
	for _, s := range t.sites {
		if s.link && (s.skip == "" || s.done) {
			return true
		}
	}
	return false
}

// checkLinks leaves alone the linked sites the local stub cannot serve:
// replies that carry the service's error types, and signatures that would
// make the caller's package import a package that imports it.
func (r *rewrite) checkLinks() {
	for _, t := range r.topics {
		for _, s := range t.sites {
			if !s.link || s.skip != "" || s.done || !t.live() {
				continue
			}
			if t.typedErrors() {
				s.skip = fmt.Sprintf("import cycle: %ssvc imports %s, and its replies carry error types", t.t.Consumer, s.file.pkg.PkgPath)
				continue
			}
			if t.opaque {
				s.skip = fmt.Sprintf("import cycle: %ssvc imports %s, and the receiver's type is unexported", t.t.Consumer, s.file.pkg.PkgPath)
				continue
			}
			g := newGoFile(s.file.pkg.Name, s.file.pkg.PkgPath)
			for _, f := range append(append([]field(nil), t.params...), t.results...) {
				g.typ(f.typ)
			}
			for p := range g.im.byPath {
				seen := map[string]bool{}
				r.importClosure(p, seen)
				if seen[s.file.pkg.PkgPath] {
					s.skip = fmt.Sprintf("import cycle: the call's types come from %s, which imports %s", p, s.file.pkg.PkgPath)
				}
			}
		}
	}
}

// generateLinks writes cleavesvc/link and the local stubs.
func (r *rewrite) generateLinks() error {
	byPkg := map[string][]*topic{}
	dirOf := map[string]string{}
	names := map[string]string{}
	scopes := map[string]*types.Scope{} // the caller package's declarations
	for _, t := range r.topics {
		if !t.live() {
			continue
		}
		seen := map[string]bool{}
		for _, s := range t.sites {
			if !s.link || s.skip != "" || s.done || seen[s.file.pkg.PkgPath] {
				continue
			}
			seen[s.file.pkg.PkgPath] = true
			p := s.file.pkg.PkgPath
			byPkg[p] = append(byPkg[p], t)
			dirOf[p] = path.Dir(s.file.rel)
			names[p] = s.file.pkg.Name
			scopes[p] = s.file.pkg.Types.Scope()
		}
	}
	fanPkgs := map[string]bool{}
	for _, fo := range r.fanouts {
		if !fo.live() {
			continue
		}
		f := fo.sites[0].file
		p := f.pkg.PkgPath
		fanPkgs[p] = true
		if _, ok := byPkg[p]; !ok {
			byPkg[p] = nil
		}
		dirOf[p] = path.Dir(f.rel)
		names[p] = f.pkg.Name
		scopes[p] = f.pkg.Types.Scope()
	}
	if len(byPkg) == 0 {
		return nil
	}
	if err := r.generateLinkPkg(); err != nil {
		return err
	}
	for _, p := range sortedKeys(byPkg) {
		topics := byPkg[p]
		sort.Slice(topics, func(i, j int) bool { return topics[i].t.Subject < topics[j].t.Subject })
		g := newGoFile(names[p], p)
		// The file joins the package: its imports must not take the
		// name of a declaration there (api's type admin beside the
		// store/admin package).
		g.im.reserve(scopes[p].Names()...)
		for _, t := range topics {
			r.genLocalStub(t, g)
		}
		if fanPkgs[p] {
			r.genFanouts(p, g)
		}
		name := dirOf[p] + "/cleave_stubs.go"
		if dirOf[p] == "." {
			name = "cleave_stubs.go"
		}
		out, err := g.bytes(name)
		if err != nil {
			return err
		}
		r.put(name, out)
	}
	return nil
}

// generateLinkPkg writes cleavesvc/link, when a local stub uses it.
func (r *rewrite) generateLinkPkg() error {
	need := r.usesLinkServes()
	for _, t := range r.topics {
		if t.live() && t.hasLink() {
			need = true
		}
	}
	if !need {
		return nil
	}
	g := newGoFile("link", r.linkPath())
	g.doc = "// Package link lets a caller reach a service whose generated package it\n" +
		"// cannot import (that package imports the caller's): the service's package\n" +
		"// registers a router per subject, the caller's local stub asks it.\n"
	bus := g.im.add(busPath, "bus")
	syncPkg := g.im.add("sync", "sync")
	g.p(`// Router says whether a call on a subject with receiver recv (nil for a
// function) goes over the bus: which bus and the instance id the request
// carries.
type Router func(recv any) (b *%[1]s.Bus, instance uint64, remote bool)

var routers %[2]s.Map // subject → Router

// Register makes r the router of subject.
func Register(subject string, r Router) { routers.Store(subject, r) }

// Route asks the router of subject. Without one (the service's package is
// not linked into this program) the call stays local.
func Route(subject string, recv any) (*%[1]s.Bus, uint64, bool) {
	r, ok := routers.Load(subject)
	if !ok {
		return nil, 0, false
	}
	return r.(Router)(recv)
}
`, bus, syncPkg)
	if r.usesLinkServes() {
		g.p(`
// Serves reports whether the router of subject takes recv: a receiver of
// the type of the service's topic. Without a router, nothing is taken.
func Serves(subject string, recv any) bool {
	r, ok := routers.Load(subject)
	if !ok {
		return false
	}
	b, _, _ := r.(Router)(recv)
	return b != nil
}
`)
	}
	out, err := g.bytes(linkDir + "/link.go")
	if err != nil {
		return err
	}
	r.put(linkDir+"/link.go", out)
	return nil
}

// genLocalStub writes t's message types and stub into a caller's package.
func (r *rewrite) genLocalStub(t *topic, g *gofile) {
	bus := g.im.add(busPath, "bus")
	link := g.im.add(r.linkPath(), "link")
	ctxPkg := g.im.add("context", "context")
	name := t.localStub()
	msg := name + "Request"
	if t.event {
		msg = name + "Event"
	}
	callee := r.calleeName(t)
	g.p("// %s has the JSON shape of %s.%s.\ntype %s struct {\n", msg, t.svc.name, strings.TrimPrefix(msg, "cleave"+exportName(t.svc.service)), msg)
	if t.recv != nil {
		g.p("\tInstance uint64 `json:\"instance,omitempty\"`\n")
	}
	for _, f := range t.params {
		g.p("\t%s %s `json:%q`\n", f.goName, g.typ(f.typ), f.json)
	}
	g.p("}\n\n")
	reply := name + "Reply"
	if !t.event {
		g.p("// %s has the JSON shape of %s.%sReply.\ntype %s struct {\n", reply, t.svc.name, t.stub, reply)
		for _, f := range t.results {
			g.p("\t%s %s `json:%q`\n", f.goName, g.typ(f.typ), f.json)
		}
		for _, f := range t.outs() {
			g.p("\t%s %s `json:%q`\n", f.goName, g.typ(f.typ), f.json)
		}
		g.p("}\n\n")
	}
	ptypes, rtypes := stubTypes(t, g)
	var direct string
	var recvType string
	if t.recv != nil {
		recvType = name + "Receiver"
		g.p("// %s is what %s needs of its receiver.\ntype %s interface {\n\t%s\n}\n\n", recvType, name, recvType, r.methodSig(t, g))
	} else {
		direct = g.im.add(t.pkg.PkgPath, t.pkg.Name) + "." + t.fn.Name()
	}
	v := r.stubNames(t, g)
	var sig, args, fields []string
	if t.recv != nil {
		sig = append(sig, v.recv+" "+recvType)
		direct = v.recv + "." + t.fn.Name()
	}
	if t.hasCtx {
		sig = append(sig, "ctx "+ctxPkg+".Context")
		args = append(args, "ctx")
	}
	for i, f := range t.params {
		sig = append(sig, v.params[i]+" "+ptypes[i])
		a := v.params[i]
		if t.sig.Variadic() && i == len(t.params)-1 {
			a += "..."
		}
		args = append(args, a)
		fields = append(fields, f.goName+": "+v.params[i])
	}
	// The instance id the router gives, named apart from the parameters.
	instVar := "id"
	for i := 1; v.taken[instVar]; i++ {
		instVar = "id" + strconv.Itoa(i)
	}
	if t.recv != nil {
		fields = append([]string{"Instance: " + instVar}, fields...)
	}
	results := strings.Join(rtypes, ", ")
	if len(rtypes) > 1 {
		results = "(" + results + ")"
	}
	ret := "return "
	if len(rtypes) == 0 {
		ret = ""
	}
	kind := "request"
	if t.event {
		kind = "event"
	}
	recvArg := "nil"
	if t.recv != nil {
		recvArg = v.recv
	}
	g.p("// %s calls %s through the %s topic %s, routed by the\n// %s service's package, which imports this one.\n", name, callee, kind, t.t.Subject, t.svc.service)
	g.p("func %s(%s) %s {\n", name, strings.Join(sig, ", "), results)
	idVar := instVar
	if t.recv == nil {
		idVar = "_"
	}
	g.p("\tb, %s, remote := %s.Route(%q, %s)\n\tif !remote {\n\t\t%s%s(%s)\n", idVar, link, t.t.Subject, recvArg, ret, direct, strings.Join(args, ", "))
	if ret == "" {
		g.p("\t\treturn\n")
	}
	g.p("\t}\n")
	ctxArg := "ctx"
	if !t.hasCtx {
		ctxArg = ctxPkg + ".Background()"
	}
	if t.event {
		g.p("\tif err := %s.Publish(%s, b, %q, &%s{%s}); err != nil {\n", bus, ctxArg, t.t.Subject, msg, strings.Join(fields, ", "))
		g.p("\t\t%s.Error(\"cleave: publish\", \"subject\", %q, \"err\", err)\n\t}\n}\n\n", g.im.add("log/slog", "slog"), t.t.Subject)
		return
	}
	respVar := "resp"
	if len(t.results) == 0 && len(t.outs()) == 0 {
		respVar = "_"
	}
	g.p("\t%s, err := %s.Call[%s, %s](%s, b, %q, &%s{%s})\n\tif err != nil {\n", respVar, bus, msg, reply, ctxArg, t.t.Subject, msg, strings.Join(fields, ", "))
	if t.hasErr {
		var zs []string
		for _, f := range t.results {
			zs = append(zs, g.zero(f.typ))
		}
		g.p("\t\treturn %s\n", strings.Join(append(zs, "err"), ", "))
	} else {
		g.p("\t\tpanic(\"cleave: request %s: \" + err.Error())\n", t.t.Subject)
	}
	g.p("\t}\n")
	genCopyBack(t, g, v.params)
	var rs []string
	for _, f := range t.results {
		rs = append(rs, "resp."+f.goName)
	}
	if t.hasErr {
		rs = append(rs, "nil")
	}
	if len(rs) > 0 {
		g.p("\treturn %s\n", strings.Join(rs, ", "))
	}
	g.p("}\n\n")
}

// genRouters registers, in the service package, a router for each topic
// some caller reaches through a local stub.
func (r *rewrite) genRouters(s *svcPkg, g *gofile) {
	var linked []*topic
	for _, t := range s.topics {
		if t.hasLink() {
			linked = append(linked, t)
		}
	}
	if len(linked) == 0 {
		return
	}
	bus := g.im.add(busPath, "bus")
	link := g.im.add(r.linkPath(), "link")
	g.p("func init() {\n\t// Callers this package imports reach these topics through link.\n")
	for _, t := range linked {
		g.p("\t%s.Register(Subject%s, func(recv any) (*%s.Bus, uint64, bool) {\n", link, t.stub, bus)
		if t.recv != nil {
			g.p("\t\trcv, ok := recv.(*%s)\n\t\tif !ok {\n\t\t\treturn nil, 0, false\n\t\t}\n", g.typ(t.recv))
			g.p("\t\tb, remote := route()\n\t\treturn b, %s.id(rcv), remote\n", s.instVar(t.recv))
		} else {
			g.p("\t\tb, remote := route()\n\t\treturn b, 0, remote\n")
		}
		g.p("\t})\n")
	}
	g.p("}\n\n")
}

// generateOwns writes, in the package of each unexported receiver type of a
// method topic, cleave_owns.go: an exported function saying whether a value
// is of that type, which the service package, unable to name the type, asks
// before it routes a call over the bus.
func (r *rewrite) generateOwns() error {
	type owned struct {
		n     *types.Named
		value bool // every topic of n has a value receiver: n itself has the methods
	}
	byPkg := map[string][]*owned{}
	pkgOf := map[string]*topic{}
	for _, name := range sortedKeys(r.svcs) {
		for _, t := range r.svcs[name].topics {
			if !t.opaque {
				continue
			}
			_, ptr := t.sig.Recv().Type().(*types.Pointer)
			p := t.pkg.PkgPath
			pkgOf[p] = t
			var o *owned
			for _, x := range byPkg[p] {
				if x.n.Obj() == t.recv.Obj() {
					o = x
				}
			}
			if o == nil {
				o = &owned{n: t.recv, value: true}
				byPkg[p] = append(byPkg[p], o)
			}
			if ptr {
				o.value = false
			}
		}
	}
	for _, p := range sortedKeys(byPkg) {
		dir := ""
		for _, rel := range sortedKeys(r.files) {
			if f := r.files[rel]; f.pkg.PkgPath == p && !f.test {
				dir = path.Dir(rel)
				break
			}
		}
		if dir == "" {
			return fmt.Errorf("apply: no source file of %s", p)
		}
		list := byPkg[p]
		sort.Slice(list, func(i, j int) bool { return list[i].n.Obj().Name() < list[j].n.Obj().Name() })
		g := newGoFile(pkgOf[p].pkg.Name, p)
		for _, o := range list {
			name := o.n.Obj().Name()
			cases := "*" + name
			if o.value {
				cases = name + ", *" + name
			}
			g.p("// %s reports whether v's dynamic type is %s, of this package.\n", ownsFunc(o.n), strings.ReplaceAll(cases, ", ", " or "))
			g.p("// The service package cleave generated, which cannot name the type,\n// sends only such receivers over the bus and calls any other directly.\n")
			g.p("func %s(v any) bool {\n\tswitch v.(type) {\n\tcase %s:\n\t\treturn true\n\t}\n\treturn false\n}\n\n", ownsFunc(o.n), cases)
		}
		name := dir + "/cleave_owns.go"
		if dir == "." {
			name = "cleave_owns.go"
		}
		out, err := g.bytes(name)
		if err != nil {
			return err
		}
		r.put(name, out)
	}
	return nil
}

package rewriter

import (
	"fmt"
	"go/types"
	"sort"
	"strconv"
	"strings"
)

// A call through an interface whose dynamic callee may be the method of
// several topics (an observer several services implement) goes through a
// dispatcher generated in the caller's package (cleave_stubs.go). It
// type-checks the receiver: a receiver of a topic's type goes to that
// topic's stub, the one a single-topic call would use (the service
// package's, or, when that package imports the caller's, a local stub that
// asks cleavesvc/link); a receiver of any other type is called directly.

// fanout is one call site that may reach several topics.
type fanout struct {
	sites  []*site  // the site as each topic resolved it
	topics []*topic // sorted by subject
	name   string   // the dispatcher in the caller's package
	method *types.Func
}

func (fo *fanout) subjects() []string {
	var out []string
	for _, t := range fo.topics {
		out = append(out, t.t.Subject)
	}
	return out
}

// fanoutWhy returns why the sites of a call that may reach topics ts
// cannot go through a dispatcher, or "".
func fanoutWhy(ts []*topic, ss []*site) string {
	recvs := map[string]bool{}
	for i, t := range ts {
		s := ss[i]
		switch {
		case t.skip != "":
			return t.t.Subject + ": " + t.skip
		case s.skip != "":
			return s.skip
		case s.shape != shapeIface:
			return "not a call through an interface"
		case s.file.test:
			return "a test file cannot reach a dispatcher local to the package"
		case t.recv == nil:
			return "a topic is not a method"
		case t.opaque:
			return "a receiver of an unexported type"
		}
		k := t.recv.Obj().Pkg().Path() + "." + t.recv.Obj().Name()
		if recvs[k] {
			return "two topics of the same receiver type"
		}
		recvs[k] = true
	}
	return ""
}

// fanoutOK leaves alone every site of a dispatched call one of whose
// topics cannot be served at that site (after checkLinks).
func (r *rewrite) fanoutOK() {
	for _, fo := range r.fanouts {
		why := ""
		for i, s := range fo.sites {
			if s.skip != "" && why == "" {
				why = fo.topics[i].t.Subject + ": " + s.skip
			}
			if !fo.topics[i].live() && why == "" {
				why = fo.topics[i].t.Subject + " is not rewritten"
			}
		}
		if why == "" {
			continue
		}
		for _, s := range fo.sites {
			if s.skip == "" {
				s.skip = "the call may reach several topics: " + strings.Join(fo.subjects(), ", ") + "; " + why
			}
		}
	}
}

// live reports whether fo's call is rewritten.
func (fo *fanout) live() bool {
	for _, s := range fo.sites {
		if s.skip != "" {
			return false
		}
	}
	return true
}

// nameFanouts names each live dispatcher, one per package and set of topics.
func (r *rewrite) nameFanouts() {
	names := map[string]string{} // package + subjects → name
	used := map[string]bool{}    // package + name
	for _, fo := range r.fanouts {
		if !fo.live() {
			continue
		}
		pkg := fo.sites[0].file.pkg.PkgPath
		key := pkg + "\x00" + strings.Join(fo.subjects(), "\x00")
		if n, ok := names[key]; ok {
			fo.name = n
			continue
		}
		base := "cleaveFanout" + fo.method.Name()
		n := base
		for i := 2; used[pkg+"\x00"+n]; i++ {
			n = base + strconv.Itoa(i)
		}
		used[pkg+"\x00"+n] = true
		names[key] = n
		fo.name = n
	}
}

// genFanouts writes the dispatchers of package pkg into g.
func (r *rewrite) genFanouts(pkg string, g *gofile) {
	done := map[string]bool{}
	for _, fo := range r.fanouts {
		if !fo.live() || fo.sites[0].file.pkg.PkgPath != pkg || done[fo.name] {
			continue
		}
		done[fo.name] = true
		r.genFanout(fo, g)
	}
}

func (r *rewrite) genFanout(fo *fanout, g *gofile) {
	sig := fo.method.Type().(*types.Signature)
	var params, args []string
	for i := 0; i < sig.Params().Len(); i++ {
		v := fmt.Sprintf("p%d", i)
		typ := g.typ(sig.Params().At(i).Type())
		a := v
		if sig.Variadic() && i == sig.Params().Len()-1 {
			typ = "..." + g.typ(sig.Params().At(i).Type().(*types.Slice).Elem())
			a += "..."
		}
		params = append(params, v+" "+typ)
		args = append(args, a)
	}
	var rtypes []string
	for i := 0; i < sig.Results().Len(); i++ {
		rtypes = append(rtypes, g.typ(sig.Results().At(i).Type()))
	}
	results := strings.Join(rtypes, ", ")
	if len(rtypes) > 1 {
		results = "(" + results + ")"
	}
	ret := "return "
	if len(rtypes) == 0 {
		ret = ""
	}
	iface := "interface {\n\t" + fo.method.Name() + strings.TrimPrefix(types.TypeString(sig, g.im.qualifier), "func") + "\n}"
	call := func(stub string) string {
		s := "\t\t" + ret + stub + "(" + strings.Join(append([]string{"recv"}, args...), ", ") + ")\n"
		if ret == "" {
			s += "\t\treturn\n"
		}
		return s
	}
	var direct, linked []*topic
	for i, t := range fo.topics {
		if fo.sites[i].link {
			linked = append(linked, t)
		} else {
			direct = append(direct, t)
		}
	}
	g.p("// %sReceiver is what %s needs of its receiver.\ntype %sReceiver %s\n\n", fo.name, fo.name, fo.name, iface)
	g.p("// %s calls %s on recv through the topic of its dynamic type:\n", fo.name, fo.method.Name())
	for _, t := range fo.topics {
		g.p("// %s for *%s.%s,\n", t.t.Subject, t.pkg.Name, t.recv.Obj().Name())
	}
	g.p("// and directly for a receiver of any other type (a test fake, say).\n")
	g.p("func %s(%s) %s {\n", fo.name, strings.Join(append([]string{"recv " + fo.name + "Receiver"}, params...), ", "), results)
	if len(direct) > 0 {
		g.p("\tswitch recv.(type) {\n")
		for _, t := range direct {
			g.p("\tcase *%s:\n", g.typ(t.recv))
			g.p("%s", call(g.im.add(t.svc.path, t.svc.name)+"."+t.stub))
		}
		g.p("\t}\n")
	}
	if len(linked) > 0 {
		link := g.im.add(r.linkPath(), "link")
		for _, t := range linked {
			g.p("\tif %s.Serves(%q, recv) {\n", link, t.t.Subject)
			g.p("%s", call(t.localStub()))
			g.p("\t}\n")
		}
	}
	g.p("\t%srecv.%s(%s)\n}\n\n", ret, fo.method.Name(), strings.Join(args, ", "))
}

// usesLinkServes reports whether a live dispatcher asks link.Serves.
func (r *rewrite) usesLinkServes() bool {
	for _, fo := range r.fanouts {
		if !fo.live() {
			continue
		}
		for _, s := range fo.sites {
			if s.link {
				return true
			}
		}
	}
	return false
}

func sortFanout(ts []*topic, ss []*site) {
	idx := make([]int, len(ts))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return ts[idx[a]].t.Subject < ts[idx[b]].t.Subject })
	t2, s2 := make([]*topic, len(ts)), make([]*site, len(ss))
	for i, j := range idx {
		t2[i], s2[i] = ts[j], ss[j]
	}
	copy(ts, t2)
	copy(ss, s2)
}

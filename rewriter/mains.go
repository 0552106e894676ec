package rewriter

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/semver"
	"golang.org/x/tools/go/ast/astutil"
	"golang.org/x/tools/go/packages"
)

// generateMains writes one main per service: the monolith's own main
// (its flags and wiring, verbatim) with its server start routed through
// serve, plus the bus: open, register the service's handlers, say ready,
// drain on SIGINT/SIGTERM.
func (r *rewrite) generateMains() error {
	monolith := r.monolithMain()
	edge := ""
	for _, s := range r.plan.Services {
		if s.Edge {
			edge = s.Name
		}
	}
	if edge == "" && monolith != nil {
		edge = r.svcOf[monolith.PkgPath]
	}
	if monolith == nil {
		r.notes = append(r.notes, "no main package in the module: the service mains serve their topics only")
	}
	routes := r.httpRoutes(edge)
	grpcFwd, grpcOutside := r.grpcForwards(edge, monolith)
	var infos []*ServiceInfo
	for _, s := range r.plan.Services {
		dir := GenDir + "/cmd/" + s.Name
		info := &ServiceInfo{Name: s.Name, Main: "./" + dir, Edge: s.Name == edge, Serves: []string{}, Links: []string{}}
		svc := r.svcs[s.Name]
		if svc != nil {
			for _, t := range svc.topics {
				info.Serves = append(info.Serves, t.t.Subject)
			}
		}
		copied := false
		if monolith != nil {
			var err error
			copied, err = r.copyMain(monolith, dir, len(grpcFwd) > 0)
			if err != nil {
				return err
			}
		}
		for _, rt := range routes {
			if rt.service == s.Name {
				info.Routes = append(info.Routes, rt.RouteInfo)
			}
		}
		out, err := r.mainFile(s.Name, svc, info.Edge, copied, routes, grpcFwd, grpcOutside, monolith)
		if err != nil {
			return err
		}
		r.put(dir+"/main.go", out)
		r.links(info, monolith, svc)
		infos = append(infos, info)
	}
	r.services = infos
	app := r.plan.Prefix
	if app == "" {
		app = path.Base(r.module)
	}
	mono := ""
	if monolith != nil {
		mono = "./" + strings.TrimPrefix(strings.TrimPrefix(monolith.PkgPath, r.module), "/")
	}
	// A service's entry lists the unary gRPC methods the edge forwards to it.
	type serviceEntry struct {
		*ServiceInfo
		GRPC []string `json:"grpc,omitempty"`
	}
	var entries []serviceEntry
	for _, info := range infos {
		e := serviceEntry{ServiceInfo: info}
		for _, m := range grpcFwd {
			if m.service == info.Name {
				e.GRPC = append(e.GRPC, m.method)
			}
		}
		entries = append(entries, e)
	}
	doc := struct {
		Module   string         `json:"module"`
		App      string         `json:"app"`
		Monolith string         `json:"monolith,omitempty"` // the original program's main package
		Services []serviceEntry `json:"services"`
	}{r.module, app, mono, entries}
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	r.put(GenDir+"/services.json", append(data, '\n'))
	return nil
}

// monolithMain is the module's main package: the edge service's, else the
// first; among several, one that serves (its start-up path listens: a
// server beside its command-line client) comes first.
func (r *rewrite) monolithMain() *packages.Package {
	var mains []*packages.Package
	for _, p := range sortedKeys(r.byPath) {
		pkg := r.byPath[p]
		if pkg.Name == "main" && !strings.HasPrefix(p, r.module+"/"+GenDir+"/") {
			mains = append(mains, pkg)
		}
	}
	if len(mains) > 1 {
		listens := r.listeningPackages()
		var serving, other []*packages.Package
		for _, m := range mains {
			if r.reachesAny(m, listens) {
				serving = append(serving, m)
			} else {
				other = append(other, m)
			}
		}
		// Among several servers (ardanlabs/service: auth, metrics,
		// sales), the one whose program links most of the services'
		// packages: the others are left out of the split, and said so.
		reach := map[string]int{} // program → the services' packages it links
		for _, m := range serving {
			seen := map[string]bool{}
			r.importClosure(m.PkgPath, seen)
			for p := range seen {
				if _, ok := r.svcOf[p]; ok && r.byPath[p] != nil && r.byPath[p].Name != "main" {
					reach[m.PkgPath]++
				}
			}
		}
		sort.SliceStable(serving, func(i, j int) bool { return reach[serving[i].PkgPath] > reach[serving[j].PkgPath] })
		if len(serving) > 1 {
			var rest []string
			for _, m := range serving[1:] {
				rest = append(rest, strings.TrimPrefix(strings.TrimPrefix(m.PkgPath, r.module), "/"))
			}
			r.notes = append(r.notes, fmt.Sprintf("the module has %d programs that serve: every service main runs %s's start-up (it links most of the services' packages); %s run in no process of the split (split one program at a time)",
				len(serving), strings.TrimPrefix(strings.TrimPrefix(serving[0].PkgPath, r.module), "/"), strings.Join(rest, ", ")))
		}
		mains = append(serving, other...)
	}
	for _, m := range mains {
		for _, s := range r.plan.Services {
			if s.Edge && r.svcOf[m.PkgPath] == s.Name {
				return m
			}
		}
	}
	for _, m := range mains {
		if _, ok := r.svcOf[m.PkgPath]; ok {
			return m
		}
	}
	if len(mains) > 0 {
		return mains[0]
	}
	return nil
}

// grpcForwards returns the unary gRPC methods the edge forwards to the
// other services (grpcMethods), and notes what stays in the edge: the
// streaming methods, and every method when the monolith builds no gRPC
// server the service mains can give their interceptor. A server main
// builds gets it in the copies of main (copyMain); one built outside
// package main through the runtime, whose hooks the service mains set
// (hookGRPCServers; outside reports those).
func (r *rewrite) grpcForwards(edge string, monolith *packages.Package) (unary []grpcMethod, outside bool) {
	unary, streaming := r.grpcMethods(edge)
	if len(unary)+len(streaming) == 0 {
		return nil, false
	}
	why := r.grpcUnsupported()
	inMain := monolith != nil && r.buildsGRPCServer(monolith)
	if why == "" && monolith != nil {
		n, err := r.hookGRPCServers()
		switch {
		case err != nil:
			why = err.Error()
		case n == 0 && !inMain:
			why = "the monolith builds no gRPC server (grpc.NewServer) the service mains can give their forwarding interceptor"
		}
		outside = n > 0
	}
	if why != "" || monolith == nil {
		if why == "" {
			why = "the module has no main package"
		}
		r.notes = append(r.notes, fmt.Sprintf("the gRPC methods %s are served in the edge, in the process of %s: %s",
			grpcNames(append(unary, streaming...)), edge, why))
		return nil, false
	}
	if len(streaming) > 0 {
		r.notes = append(r.notes, fmt.Sprintf("the streaming gRPC methods %s are served in the edge, in the process of %s: the edge forwards unary calls only", grpcNames(streaming), edge))
	}
	return unary, outside
}

// grpcUnsupported says why the service mains cannot forward gRPC calls
// with the module's versions of gRPC and protobuf, "" if they can: their
// interceptor needs grpc.ChainUnaryInterceptor (gRPC v1.28.0) and the
// protobuf registry (google.golang.org/protobuf), which go.mod must
// require, directly or not.
func (r *rewrite) grpcUnsupported() string {
	mf, err := modfile.ParseLax("go.mod", r.gomod, nil)
	if err != nil {
		return "go.mod: " + err.Error()
	}
	versions := map[string]string{}
	for _, req := range mf.Require {
		versions[req.Mod.Path] = req.Mod.Version
	}
	if v := versions[grpcPath]; v != "" && semver.Compare(v, "v1.28.0") < 0 {
		return "the module's gRPC " + v + " has no grpc.ChainUnaryInterceptor (v1.28.0 on)"
	}
	if versions["google.golang.org/protobuf"] == "" {
		return "go.mod does not require google.golang.org/protobuf, whose registry the forwarding interceptor finds response types in"
	}
	return ""
}

// buildsGRPCServer reports whether a file of package main m calls
// grpc.NewServer.
func (r *rewrite) buildsGRPCServer(m *packages.Package) bool {
	found := false
	for _, f := range m.Syntax {
		ast.Inspect(f, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok && isGRPCNewServer(m.TypesInfo, call) {
				found = true
			}
			return !found
		})
	}
	return found
}

// hookGRPCServers rewrites, in the module's non-test code outside package
// main, every grpc.NewServer(opts...) into
// bus.GRPCServer(grpc.NewServer(bus.GRPCServerOptions(opts...)...)): the
// runtime gives the server the options and takes the server the generated
// main hands it (bus.SetGRPCServerHooks); in the monolith both leave the
// server alone. It returns the number of such calls, an earlier apply's
// included. The edits go on the files as the other rewrites left them.
func (r *rewrite) hookGRPCServers() (int, error) {
	n := 0
	for _, rel := range sortedKeys(r.files) {
		f := r.files[rel]
		if f.test || f.pkg == nil || f.pkg.Name == "main" || strings.HasPrefix(rel, GenDir+"/") {
			continue
		}
		info := f.pkg.TypesInfo
		var positions []token.Pos
		grpcName := ""
		ast.PreorderStack(f.ast, nil, func(node ast.Node, stack []ast.Node) bool {
			call, ok := node.(*ast.CallExpr)
			if !ok || !isGRPCNewServer(info, call) {
				return true
			}
			n++
			if inRuntimeCall(info, stack) {
				return true // an earlier apply's
			}
			sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
			id, _ := sel.X.(*ast.Ident)
			if !ok || id == nil || (grpcName != "" && id.Name != grpcName) {
				return true
			}
			grpcName = id.Name
			positions = append(positions, call.Pos())
			return true
		})
		if len(positions) == 0 {
			continue
		}
		bus, _ := r.importName(f, busPath, positions)
		src := r.changed[rel]
		if src == nil {
			src = f.src
		}
		out, err := hookGRPCSource(rel, src, grpcName, bus)
		if err != nil {
			return 0, fmt.Errorf("%s: hook its gRPC server: %v", rel, err)
		}
		r.put(rel, out)
	}
	return n, nil
}

// hookGRPCSource rewrites the calls grpc.NewServer(...) of src (grpc and
// bus the import names) that no bus.GRPCServer call holds, and imports the
// runtime as bus.
func hookGRPCSource(name string, src []byte, grpc, bus string) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	off := func(p token.Pos) int { return fset.Position(p).Offset }
	var edits []edit
	ast.PreorderStack(f, nil, func(node ast.Node, stack []ast.Node) bool {
		call, ok := node.(*ast.CallExpr)
		if !ok || !isSelector(call.Fun, grpc, "NewServer") {
			return true
		}
		for _, s := range stack {
			if c, ok := s.(*ast.CallExpr); ok && isSelector(c.Fun, bus, "GRPCServer") {
				return true
			}
		}
		edits = append(edits, edit{start: off(call.Pos()), end: off(call.Pos()), text: bus + ".GRPCServer("})
		if len(call.Args) == 0 {
			edits = append(edits, edit{start: off(call.Lparen) + 1, end: off(call.Lparen) + 1, text: bus + ".GRPCServerOptions[" + grpc + ".ServerOption]()..."})
		} else {
			edits = append(edits,
				edit{start: off(call.Lparen) + 1, end: off(call.Lparen) + 1, text: bus + ".GRPCServerOptions("},
				edit{start: off(call.Rparen), end: off(call.Rparen), text: ")..."})
		}
		edits = append(edits, edit{start: off(call.Rparen) + 1, end: off(call.Rparen) + 1, text: ")"})
		return true
	})
	if len(edits) == 0 {
		return src, nil
	}
	spliced, err := splice(src, edits)
	if err != nil {
		return nil, err
	}
	fset = token.NewFileSet()
	f, err = parser.ParseFile(fset, name, spliced, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	named := bus
	if bus == path.Base(busPath) {
		named = ""
	}
	astutil.AddNamedImport(fset, f, named, busPath)
	var b bytes.Buffer
	if err := format.Node(&b, fset, f); err != nil {
		return nil, err
	}
	return format.Source(b.Bytes())
}

// isSelector reports whether e is x.sel.
func isSelector(e ast.Expr, x, sel string) bool {
	s, ok := ast.Unparen(e).(*ast.SelectorExpr)
	if !ok || s.Sel.Name != sel {
		return false
	}
	id, ok := s.X.(*ast.Ident)
	return ok && id.Name == x
}

func isGRPCNewServer(info *types.Info, call *ast.CallExpr) bool {
	fn := calleeFunc(info, call)
	return fn != nil && fn.Pkg() != nil && fn.Pkg().Path() == grpcPath && fn.Name() == "NewServer"
}

const grpcPath = "google.golang.org/grpc"

// copyMain copies the monolith's main package files into dir, main renamed
// monolithMain and ListenAndServe routed through serve. With hookGRPC, a
// gRPC server main builds gets cleave's forwarding interceptor:
// grpc.NewServer(opts) becomes
// cleaveGRPCServer(grpc.NewServer(cleaveGRPCOptions(opts)...)) (see
// mainFile). It reports whether it found a main function.
func (r *rewrite) copyMain(m *packages.Package, dir string, hookGRPC bool) (bool, error) {
	found := false
	for _, name := range m.GoFiles {
		rel, err := filepath.Rel(r.dir, name)
		if err != nil {
			continue
		}
		rel = filepath.ToSlash(rel)
		src := r.changed[rel]
		if src == nil {
			src = r.files[rel].src
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, rel, src, parser.ParseComments)
		if err != nil {
			return false, fmt.Errorf("apply: %s: %w", rel, err)
		}
		var edits []edit
		off := func(p token.Pos) int { return fset.Position(p).Offset }
		importName := func(path, def string) string {
			for _, spec := range f.Imports {
				if spec.Path.Value == strconv.Quote(path) {
					if spec.Name != nil {
						return spec.Name.Name
					}
					return def
				}
			}
			return ""
		}
		httpName, netName, osName := importName("net/http", "http"), importName("net", "net"), importName("os", "os")
		grpcName := ""
		if hookGRPC {
			grpcName = importName(grpcPath, "grpc")
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncDecl:
				if n.Recv == nil && n.Name.Name == "main" {
					found = true
					edits = append(edits, edit{start: off(n.Name.Pos()), end: off(n.Name.End()), text: "monolithMain"})
				}
			case *ast.CallExpr:
				sel, ok := n.Fun.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				id, _ := sel.X.(*ast.Ident)
				switch {
				case id != nil && id.Name == netName && netName != "" && sel.Sel.Name == "Listen":
					edits = append(edits, edit{start: off(sel.Pos()), end: off(sel.End()), text: "cleaveListen"})
					return true
				case id != nil && id.Name == osName && osName != "" && sel.Sel.Name == "Exit":
					edits = append(edits, edit{start: off(sel.Pos()), end: off(sel.End()), text: "cleaveExit"})
					return true
				case id != nil && id.Name == grpcName && grpcName != "" && sel.Sel.Name == "NewServer":
					// Insertions only: the arguments keep their own edits.
					edits = append(edits,
						edit{start: off(n.Pos()), end: off(n.Pos()), text: "cleaveGRPCServer("},
						edit{start: off(n.Lparen) + 1, end: off(n.Lparen) + 1, text: "cleaveGRPCOptions("},
						edit{start: off(n.Rparen), end: off(n.Rparen), text: ")..."},
						edit{start: off(n.Rparen) + 1, end: off(n.Rparen) + 1, text: ")"})
					return true
				case sel.Sel.Name != "ListenAndServe":
					return true
				}
				if id != nil && id.Name == httpName && httpName != "" {
					edits = append(edits, edit{start: off(sel.Pos()), end: off(sel.End()), text: "cleaveServe"})
				} else if len(n.Args) == 0 {
					// &api whether api is an http.Server or a pointer to
					// one (cleaveServeServer takes both); a receiver that
					// is no variable is a pointer.
					open := "cleaveServeServer("
					if isVarChain(sel.X) {
						open += "&"
					}
					edits = append(edits, edit{start: off(sel.Pos()), end: off(sel.X.Pos()), text: open},
						edit{start: off(sel.X.End()), end: off(n.Rparen), text: ""})
				}
			}
			return true
		})
		spliced, err := splice(src, edits)
		if err != nil {
			return false, fmt.Errorf("apply: copy %s: %w", rel, err)
		}
		head := Header + "\n// Copied from " + rel + " by cleave apply: main is monolithMain; listening and exiting go\n// through cleaveListen, cleaveServe and cleaveExit (see main.go).\n\n"
		out, err := dropUnusedImports(append([]byte(head), spliced...), m.Imports)
		if err != nil {
			return false, fmt.Errorf("apply: copy %s: %w", rel, err)
		}
		base := path.Base(rel)
		if base == "main.go" || base == "cleave.go" {
			base = "monolith_" + base
		}
		r.put(dir+"/"+base, out)
	}
	// The files main embeds (//go:embed static) come along: the copies'
	// directives name them relative to the copies.
	if len(m.GoFiles) > 0 {
		pkgDir := filepath.Dir(m.GoFiles[0])
		for _, name := range m.EmbedFiles {
			rel, err := filepath.Rel(pkgDir, name)
			if err != nil || strings.HasPrefix(rel, "..") {
				continue
			}
			data, err := os.ReadFile(name)
			if err != nil {
				return false, fmt.Errorf("apply: copy %s: %w", name, err)
			}
			r.put(dir+"/"+filepath.ToSlash(rel), data)
		}
	}
	return found, nil
}

func (r *rewrite) mainFile(service string, svc *svcPkg, edge, copied bool, routes []route, grpcFwd []grpcMethod, grpcOutside bool, monolith *packages.Package) ([]byte, error) {
	g := newGoFile("main", r.module+"/"+GenDir+"/cmd/"+service)
	if copied && len(grpcFwd) > 0 {
		// The copies of the monolith's main share the package: imports
		// must not take the names they declare.
		for _, name := range monolith.Types.Scope().Names() {
			g.im.used[name] = true
		}
	}
	g.doc = fmt.Sprintf("// Command %[1]s runs the %[1]s service of %[2]s on the bus: it serves the\n"+
		"// service's topics, runs the monolith's own wiring", service, r.module)
	if edge {
		g.doc += " and its HTTP server"
	}
	if copied && slices.ContainsFunc(grpcFwd, func(m grpcMethod) bool { return m.service == service }) {
		g.doc += ",\n// serves the gRPC calls the edge forwards to it"
	}
	g.doc += fmt.Sprintf(",\n// prints \"cleave: ready %s\" when ready and drains on SIGINT or SIGTERM.\n", service)
	bus := g.im.add(busPath, "bus")
	ctxPkg := g.im.add("context", "context")
	fmtPkg := g.im.add("fmt", "fmt")
	os := g.im.add("os", "os")
	signal := g.im.add("os/signal", "signal")
	syscall := g.im.add("syscall", "syscall")
	g.p("// cleaveService is the service this command runs.\nconst cleaveService = %q\n\n", service)
	g.p("// cleaveEdge reports whether this service serves the monolith's HTTP API.\nconst cleaveEdge = %v\n\n", edge)
	g.p("var (\n\tcleaveCtx context.Context\n\tcleaveBus *%s.Bus\n)\n\n", bus)
	g.p("func main() {\n")
	g.p("\tif %s.Getenv(\"CLEAVE_SERVICE\") == \"\" {\n\t\t%s.Setenv(\"CLEAVE_SERVICE\", cleaveService)\n\t}\n", os, os)
	g.p("\tvar stop %s.CancelFunc\n", ctxPkg)
	g.p("\tcleaveCtx, stop = %s.NotifyContext(%s.Background(), %s.Interrupt, %s.SIGTERM)\n\tdefer stop()\n", signal, ctxPkg, os, syscall)
	g.p("\tvar err error\n\tcleaveBus, err = %s.Open(cleaveCtx, %s.ConfigFromEnv())\n", bus, bus)
	g.p("\tif err != nil {\n\t\t%s.Fprintf(%s.Stderr, \"%%s: %%v\\n\", cleaveService, err)\n\t\t%s.Exit(1)\n\t}\n", fmtPkg, os, os)
	g.p("\t%s.SetDefault(cleaveBus)\n", bus)
	// The monolith's packages listen and serve through the runtime
	// (redirectListens): the same edge/idle logic as in main.
	g.p("\t%s.SetListener(cleaveListen)\n\t%s.SetServer(cleaveServeOn)\n", bus, bus)
	if len(routes) > 0 {
		// The edge forwards these routes to their services, whose
		// processes serve them with their own copy of the router.
		g.p("\t%s.SetRoutes(%s)\n", bus, strings.ReplaceAll(routesSource(bus, routes), "\n", "\n\t"))
	}
	hookGRPC := copied && len(grpcFwd) > 0
	if hookGRPC {
		// The edge forwards the calls of these methods to their
		// services, whose processes serve them with their own copy of
		// the monolith's gRPC server (cleaveGRPCServer).
		g.p("\t%s.SetGRPCMethods(%s)\n", bus, strings.ReplaceAll(grpcSource(bus, grpcFwd), "\n", "\n\t"))
		if grpcOutside {
			// The servers the monolith builds outside package main.
			g.p("\t%s.SetGRPCServerHooks([]any{%s.ChainUnaryInterceptor(cleaveForwardGRPC)}, cleaveGRPCBuilt)\n", bus, g.im.add(grpcPath, "grpc"))
		}
	}
	if copied {
		g.p("\tmonolithMain()\n")
	}
	if hookGRPC {
		g.p("\tcleaveServeGRPC(true)\n")
	}
	// A monolith main that returned after a signal is on its way out: not ready.
	g.p("\tif cleaveCtx.Err() == nil {\n\t\tcleaveReady()\n\t}\n\t<-cleaveCtx.Done()\n\tcleaveExit(0)\n}\n\n")
	httpPkg := g.im.add("net/http", "http")
	net := g.im.add("net", "net")
	syncPkg := g.im.add("sync", "sync")
	timePkg := g.im.add("time", "time")
	serveGRPC, waitGRPC := "", ""
	if hookGRPC {
		serveGRPC = "\tcleaveServeGRPC(false)\n"
		waitGRPC = "\tif !cleaveGRPCReady() {\n\t\treturn\n\t}\n"
	}
	register := ""
	if len(r.svcs) > 0 {
		// Start-up is over: calls to other services go over the bus.
		register = fmt.Sprintf("\t\t%s.Start()\n", g.im.add(r.phasePath(), "phase"))
	}
	if svc != nil {
		q := g.im.add(svc.path, svc.name)
		register += fmt.Sprintf("\t\tif err := %s.Register(cleaveCtx, cleaveBus); err != nil {\n\t\t\t%s.Fprintf(%s.Stderr, \"%%s: %%v\\n\", cleaveService, err)\n\t\t\t%s.Exit(1)\n\t\t}\n", q, fmtPkg, os, os)
	}
	g.p(`var cleaveReadyOnce %[7]s.Once

// cleaveReady, once the monolith's wiring has run, serves the service's
// topics and prints the line cleave run waits for.
func cleaveReady() {
%[11]s	cleaveReadyOnce.Do(func() {
%[8]s		%[3]s.Printf("cleave: ready %%s\n", cleaveService)
	})
}

// cleaveListen stands in for net.Listen in the monolith's main: the edge
// service listens; the others get a listener that never accepts, so the
// monolith's wiring runs without serving HTTP. Either way the service is
// then ready.
func cleaveListen(network, addr string) (%[2]s.Listener, error) {
	if !cleaveEdge {
		cleaveReady()
		return newIdleListener(), nil
	}
	ln, err := %[2]s.Listen(network, addr)
	if err == nil {
		cleaveReady()
	}
	return ln, err
}

// cleaveServe stands in for http.ListenAndServe.
func cleaveServe(addr string, h %[1]s.Handler) error {
	return %[9]s.ListenAndServe(addr, h)
}

// cleaveServeServer stands in for srv.ListenAndServe: srv points to the
// monolith's server (api := http.Server{...}) or to its pointer.
func cleaveServeServer[S %[1]s.Server | *%[1]s.Server](srv *S) error {
	switch s := any(srv).(type) {
	case **%[1]s.Server:
		return %[9]s.ServeServer(*s)
	case *%[1]s.Server:
		return %[9]s.ServeServer(s)
	}
	return nil
}

// cleaveServeOn runs serve (a server on the listener cleaveListen gave)
// until SIGINT or SIGTERM, then shuts the server down and exits through
// cleaveExit. The runtime's serving functions, which the monolith's code
// calls, hand their server to it.
func cleaveServeOn(serve func() error, shutdown func(%[4]s.Context) error) error {
%[10]s	errc := make(chan error, 1)
	go func() { errc <- serve() }()
	select {
	case err := <-errc:
		return err
	case <-cleaveCtx.Done():
	}
	if shutdown != nil {
		ctx, cancel := %[4]s.WithTimeout(%[4]s.Background(), 10*%[5]s.Second)
		defer cancel()
		shutdown(ctx)
	}
	cleaveExit(0)
	return %[1]s.ErrServerClosed
}

// cleaveExit stands in for os.Exit: it stops taking work and drains the
// bus first.
func cleaveExit(code int) {
	if err := cleaveBus.Close(); err != nil {
		%[3]s.Fprintf(%[6]s.Stderr, "%%s: %%v\n", cleaveService, err)
		if code == 0 {
			code = 1
		}
	}
	%[6]s.Exit(code)
}

// idleListener accepts nothing until it is closed.
type idleListener struct {
	once   %[7]s.Once
	closed chan struct{}
}

func newIdleListener() *idleListener { return &idleListener{closed: make(chan struct{})} }

func (l *idleListener) Accept() (%[2]s.Conn, error) {
%[12]s	<-l.closed
	return nil, %[2]s.ErrClosed
}

func (l *idleListener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return nil
}

func (l *idleListener) Addr() %[2]s.Addr { return &%[2]s.TCPAddr{IP: %[2]s.IPv4(127, 0, 0, 1)} }
`, httpPkg, net, fmtPkg, ctxPkg, timePkg, os, syncPkg, register, bus, serveGRPC, waitGRPC, serveGRPC)
	if hookGRPC {
		owner := false
		for _, m := range grpcFwd {
			owner = owner || m.service == service
		}
		g.p("\n// cleaveGRPCOwner reports whether this service serves gRPC methods the edge\n// forwards.\nconst cleaveGRPCOwner = %v\n", owner)
		r.grpcGlue(g, bus, ctxPkg, fmtPkg, os, syncPkg, httpPkg)
		if grpcOutside {
			g.p(`
// cleaveGRPCBuilt records a gRPC server the monolith built outside package
// main (bus.GRPCServer).
func cleaveGRPCBuilt(s any) {
	if gs, ok := s.(*%s.Server); ok {
		cleaveGRPCServer(gs)
	}
}
`, g.im.add(grpcPath, "grpc"))
		}
	}
	return g.bytes(GenDir + "/cmd/" + service + "/main.go")
}

// grpcGlue writes the functions of a service main through which the
// monolith's gRPC server forwards and serves unary calls (bus.ForwardGRPC,
// bus.ServeGRPC): the runtime does not import gRPC, the main does.
func (r *rewrite) grpcGlue(g *gofile, bus, ctxPkg, fmtPkg, os, syncPkg, httpPkg string) {
	grpc := g.im.add(grpcPath, "grpc")
	codes := g.im.add(grpcPath+"/codes", "codes")
	status := g.im.add(grpcPath+"/status", "status")
	metadata := g.im.add(grpcPath+"/metadata", "metadata")
	peer := g.im.add(grpcPath+"/peer", "peer")
	proto := g.im.add("google.golang.org/protobuf/proto", "proto")
	protoreflect := g.im.add("google.golang.org/protobuf/reflect/protoreflect", "protoreflect")
	protoregistry := g.im.add("google.golang.org/protobuf/reflect/protoregistry", "protoregistry")
	stringsPkg := g.im.add("strings", "strings")
	g.p(`
var (
	cleaveGRPCMu      %[1]s.Mutex
	cleaveGRPCServers []*%[2]s.Server // the gRPC servers the monolith's main built
	cleaveGRPCServed  bool
)

// cleaveGRPCServer stands in for the monolith's grpc.NewServer(opts...)
// (with cleaveGRPCOptions): it records the server, which serves the calls
// of its services the edge forwards to this service once the monolith
// serves (cleaveServeGRPC).
func cleaveGRPCServer(s *%[2]s.Server) *%[2]s.Server {
	cleaveGRPCMu.Lock()
	defer cleaveGRPCMu.Unlock()
	cleaveGRPCServers = append(cleaveGRPCServers, s)
	return s
}

// cleaveGRPCHandler serves a forwarded call ("/pkg.Service/Method") with
// the monolith's server that registered its service, else its first.
func cleaveGRPCHandler(w %[15]s.ResponseWriter, r *%[15]s.Request) {
	service := %[12]s.TrimPrefix(r.URL.Path, "/")
	if i := %[12]s.LastIndex(service, "/"); i >= 0 {
		service = service[:i]
	}
	cleaveGRPCMu.Lock()
	servers := cleaveGRPCServers
	cleaveGRPCMu.Unlock()
	for _, s := range servers {
		if _, ok := s.GetServiceInfo()[service]; ok {
			s.ServeHTTP(w, r)
			return
		}
	}
	servers[0].ServeHTTP(w, r)
}

// cleaveServeGRPC makes the monolith's gRPC servers serve the unary calls
// the edge forwards to this service (bus.ServeGRPC), in process through
// the server's ServeHTTP, so its interceptors and handlers run as for a
// client. It runs when the monolith first serves (a serving function of
// the runtime, or a server accepting on the listener that accepts
// nothing: its services are registered by then), and last when its main
// returns. The service is ready once it serves them.
func cleaveServeGRPC(last bool) {
	cleaveGRPCMu.Lock()
	built := len(cleaveGRPCServers) > 0
	if cleaveGRPCServed || (!built && !last) {
		cleaveGRPCMu.Unlock()
		return
	}
	cleaveGRPCServed = true
	if cleaveGRPCOwner && built {
		err := %[3]s.ServeGRPC(cleaveBus, %[15]s.HandlerFunc(cleaveGRPCHandler))
		if err == nil {
			err = cleaveBus.Ready()
		}
		if err != nil {
			%[4]s.Fprintf(%[5]s.Stderr, "%%s: %%v\n", cleaveService, err)
			cleaveExit(1)
		}
	}
	cleaveGRPCMu.Unlock()
	if cleaveCtx.Err() == nil {
		cleaveReady()
	}
}

// cleaveGRPCReady reports whether the service may say it is ready: it
// serves no forwarded gRPC method, or serves them already.
func cleaveGRPCReady() bool {
	cleaveGRPCMu.Lock()
	defer cleaveGRPCMu.Unlock()
	return !cleaveGRPCOwner || cleaveGRPCServed
}

// cleaveGRPCOptions puts cleave's forwarding interceptor first among the
// options of the monolith's grpc.NewServer.
func cleaveGRPCOptions(opts ...%[2]s.ServerOption) []%[2]s.ServerOption {
	return append([]%[2]s.ServerOption{%[2]s.ChainUnaryInterceptor(cleaveForwardGRPC)}, opts...)
}

// cleaveForwardGRPC sends a unary call whose method another service serves
// (bus.GRPCForwardTo: in the edge) to that service's processes, as
// protobuf bytes with the call's metadata and deadline, and returns their
// answer: the response, header and trailer metadata, or the status. Other
// calls, and calls whose response type the protobuf registry does not
// know, are served here.
func cleaveForwardGRPC(ctx %[6]s.Context, req any, info *%[2]s.UnaryServerInfo, handler %[2]s.UnaryHandler) (any, error) {
	service, ok := %[3]s.GRPCForwardTo(cleaveBus, info.FullMethod)
	if !ok {
		return handler(ctx, req)
	}
	in, ok := req.(%[7]s.Message)
	out := cleaveGRPCResponse(info.FullMethod)
	if !ok || out == nil {
		return handler(ctx, req)
	}
	msg, err := %[7]s.Marshal(in)
	if err != nil {
		return nil, %[8]s.Errorf(%[9]s.Internal, "cleave: encode %%s for the %%s service: %%v", info.FullMethod, service, err)
	}
	call := &%[3]s.GRPCCall{Method: info.FullMethod, Message: msg}
	if md, ok := %[10]s.FromIncomingContext(ctx); ok {
		call.Metadata = md
		if a := md.Get(":authority"); len(a) > 0 {
			call.Authority = a[0]
		}
	}
	if p, ok := %[11]s.FromContext(ctx); ok && p.Addr != nil {
		call.Peer = p.Addr.String()
	}
	reply := %[3]s.ForwardGRPC(ctx, cleaveBus, service, call)
	if len(reply.Header) > 0 {
		%[2]s.SetHeader(ctx, %[10]s.MD(reply.Header))
	}
	if len(reply.Trailer) > 0 {
		%[2]s.SetTrailer(ctx, %[10]s.MD(reply.Trailer))
	}
	if reply.Code != 0 {
		st := %[8]s.New(%[9]s.Code(reply.Code), reply.Status)
		if len(reply.Details) > 0 {
			if p := st.Proto(); %[7]s.Unmarshal(reply.Details, p) == nil {
				st = %[8]s.FromProto(p)
			}
		}
		return nil, st.Err()
	}
	if err := %[7]s.Unmarshal(reply.Message, out); err != nil {
		return nil, %[8]s.Errorf(%[9]s.Internal, "cleave: decode the %%s service's answer to %%s: %%v", service, info.FullMethod, err)
	}
	return out, nil
}

// cleaveGRPCResponse returns a new response message of the unary method
// fullMethod ("/pkg.Service/Method") from the protobuf registry, nil if the
// registry does not know it.
func cleaveGRPCResponse(fullMethod string) %[7]s.Message {
	i := %[12]s.LastIndex(fullMethod, "/")
	if i <= 0 {
		return nil
	}
	d, err := %[13]s.GlobalFiles.FindDescriptorByName(%[14]s.FullName(fullMethod[1:i]))
	if err != nil {
		return nil
	}
	sd, ok := d.(%[14]s.ServiceDescriptor)
	if !ok {
		return nil
	}
	md := sd.Methods().ByName(%[14]s.Name(fullMethod[i+1:]))
	if md == nil || md.IsStreamingClient() || md.IsStreamingServer() {
		return nil
	}
	mt, err := %[13]s.GlobalTypes.FindMessageByName(md.Output().FullName())
	if err != nil {
		return nil
	}
	return mt.New().Interface()
}
`, syncPkg, grpc, bus, fmtPkg, os, ctxPkg, proto, status, codes, metadata, peer, stringsPkg, protoregistry, protoreflect, httpPkg)
}

// links fills in which other services' packages a service's program still
// links, and why.
func (r *rewrite) links(info *ServiceInfo, monolith *packages.Package, svc *svcPkg) {
	why := map[string]string{}
	var queue []string
	push := func(p, from string) {
		if _, ok := why[p]; ok || r.byPath[p] == nil {
			return
		}
		why[p] = from
		queue = append(queue, p)
	}
	if monolith != nil {
		for _, imp := range sortedKeys(monolith.Imports) {
			push(imp, "main")
		}
	}
	if svc != nil {
		for _, t := range svc.topics {
			push(t.pkg.PkgPath, svc.name)
		}
	}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, imp := range sortedKeys(r.byPath[p].Imports) {
			push(imp, p)
		}
	}
	info.Why = map[string]string{}
	for _, p := range sortedKeys(why) {
		if s, ok := r.svcOf[p]; ok && s != info.Name {
			info.Links = append(info.Links, p)
			info.Why[p] = "imported by " + why[p]
		}
	}
}

// dropUnusedImports removes the imports src no longer uses and formats it.
func dropUnusedImports(src []byte, imports map[string]*packages.Package) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	// An import is used when any identifier outside the imports is its
	// name: the package's own name, which the path need not end with
	// (github.com/go-ozzo/ozzo-dbx is package dbx).
	idents := map[string]bool{}
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.IMPORT {
			continue
		}
		ast.Inspect(d, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				idents[id.Name] = true
			}
			return true
		})
	}
	for _, spec := range append([]*ast.ImportSpec(nil), f.Imports...) {
		p, _ := strconv.Unquote(spec.Path.Value)
		if spec.Name != nil && (spec.Name.Name == "_" || spec.Name.Name == ".") {
			continue
		}
		name := ""
		if spec.Name != nil {
			name = spec.Name.Name
		}
		use := name
		if use == "" {
			imp := imports[p]
			if imp == nil || imp.Name == "" {
				continue // not known: keep it
			}
			use = imp.Name
		}
		if !idents[use] {
			astutil.DeleteNamedImport(fset, f, name, p)
		}
	}
	var b bytes.Buffer
	if err := format.Node(&b, fset, f); err != nil {
		return nil, err
	}
	return format.Source(b.Bytes())
}

// listeningPackages returns the module's packages whose non-test code
// calls a listening function of the standard library or a web
// framework's start (see listenCalls, frameworkCalls).
func (r *rewrite) listeningPackages() map[string]bool {
	out := map[string]bool{}
	for _, rel := range sortedKeys(r.files) {
		f := r.files[rel]
		if f.test || f.pkg == nil || out[f.pkg.PkgPath] {
			continue
		}
		info := f.pkg.TypesInfo
		ast.Inspect(f.ast, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || out[f.pkg.PkgPath] {
				return !out[f.pkg.PkgPath]
			}
			fn := calleeFunc(info, call)
			if fn == nil || fn.Pkg() == nil {
				return true
			}
			key := fn.Pkg().Path() + "." + fn.Name()
			if sig, _ := fn.Type().(*types.Signature); sig != nil && sig.Recv() != nil {
				key = "(" + types.TypeString(sig.Recv().Type(), nil) + ")." + fn.Name()
			}
			if _, ok := listenCalls[key]; ok || frameworkCalls[key] {
				out[f.pkg.PkgPath] = true
			}
			return true
		})
	}
	return out
}

// reachesAny reports whether m, or a package of the module it imports
// directly or not, is in set.
func (r *rewrite) reachesAny(m *packages.Package, set map[string]bool) bool {
	seen := map[string]bool{}
	var walk func(p *packages.Package) bool
	walk = func(p *packages.Package) bool {
		if seen[p.PkgPath] {
			return false
		}
		seen[p.PkgPath] = true
		if set[p.PkgPath] {
			return true
		}
		for path, q := range p.Imports {
			if (path == r.module || strings.HasPrefix(path, r.module+"/")) && walk(q) {
				return true
			}
		}
		return false
	}
	return walk(m)
}

// isVarChain reports whether e is a variable or a field of one (api,
// s.srv): addressable, whatever its type.
func isVarChain(e ast.Expr) bool {
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		return true
	case *ast.SelectorExpr:
		return isVarChain(x.X)
	}
	return false
}

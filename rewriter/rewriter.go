// Package rewriter turns a reviewed plan into code: every cross-service call
// the plan lists (each Topic's Sites) becomes a request (kind request) or a
// published event (kind event) on the bus of package
// github.com/cleave-go/cleave/runtime/bus.
//
// For each consumer service it generates a package cleavesvc/<service>svc
// with, per topic, a request (or event) message type, a reply type, a client
// stub with the callee's own parameters and a handler that decodes, calls the
// real function and encodes. Call sites change as little as possible: the
// function part of the call is replaced by the stub, arguments stay as they
// were written (inventory.Reserve(ctx, sku, n) becomes
// inventorysvc.Reserve(ctx, sku, n); s.inv.Reserve(ctx, sku, n) becomes
// inventorysvc.ServiceReserve(s.inv, ctx, sku, n)). It also writes one main per
// service (cleavesvc/cmd/<service>: the monolith's own main, its wiring
// reused; one per service even when the plan has no topic),
// cleavesvc/services.json and cleavesvc/asyncapi.yaml, and makes go.mod
// require the runtime module, github.com/cleave-go/cleave/runtime, replaced
// by its directory in cleave's source tree: the module gains the runtime's
// few requirements (nats.go, nats-server and theirs), none of cleave's
// tools, and its go directive is raised only when it is older than the
// runtime's (go 1.21). A module that an earlier cleave made require the
// whole cleave module loses that requirement and its replace directive. A
// module with requirements of its own gets the go.mod and go.sum go mod
// tidy makes in a copy of the rewritten module: an old go directive (before
// 1.17, which listed no indirect requirements) or old golang.org/x
// requirements then build. The result is type-checked with -mod=readonly,
// as a user's go build reads it. With Out, go.mod's replace directives
// naming a directory relative to the module are rewritten relative to the
// copy.
//
// A module that vendors its dependencies (vendor/modules.txt) is loaded and type-checked with -mod=vendor, never from the
// network, and stays vendored: go.mod, go.sum and vendor/ are what go mod
// tidy and go mod vendor make of the rewritten module in a copy where every
// vendored module is served from vendor/ itself; the runtime, its packages
// copied into vendor/ (the replace directive stays, unused by -mod=vendor
// builds), and the modules it adds come from the module cache, and only
// when one is missing there from GOPROXY; apply names the module when
// neither has it. vendor/ is replaced by a rename, and put back if writing
// the other files fails; Result.Vendor lists the modules it gains. The
// versions are those MVS selects with the vendored modules' own
// requirements unknown (vendor/ does not keep their go.mod files): a
// module's version is the higher of the module's and the runtime's.
//
// A stub calls the callee directly under the local transport and inside the
// callee's own service. In the monolith's own process (CLEAVE_SERVICE unset)
// under loopback or nats, the request crosses the bus and the handler,
// registered in-process on first use, calls the very receiver the caller
// holds (requests carry an instance id). In a split service's process the
// handler calls the instance the service's wiring made: constructor calls in
// the wiring are wrapped in the service package's Bind functions. A receiver
// of another dynamic type than the service's (a test fake) is called
// directly. Sentinel errors and the service's exported error types come back
// as themselves, so errors.Is and errors.As keep working.
//
// A method of an unexported type (an exported interface's implementation, as
// in type Service interface{...}; type service struct{...}), with a pointer
// or a value receiver, is rewritten too: the stub takes the interface value
// and asks a function generated in the callee's package (cleave_owns.go,
// CleaveOwns<Type>) whether the value is of that type; other values are
// called directly. Constructor calls of the callee's package in the wiring
// that return an interface the type implements are wrapped in the service
// package's generic Bind<Type> (Bind<Type>Err when they return it with an
// error; it binds only when the error is nil). Receiver types of one service
// that share a name (two packages each with type Service) are told apart by
// their package's name (BindAlbumService, BindAuthService). In the monolith's own process a request names
// the caller's receiver for the length of the call. Such calls through a stub
// local to the caller's package or a dispatcher, and events, are left alone.
//
// When a service package would import the caller's package (an observer the
// service implements), the call goes through a stub generated in the caller's
// package (cleave_stubs.go) and cleavesvc/link. A call through an interface
// whose dynamic callee may be the method of several topics (an observer
// several services implement) goes through a dispatcher generated in the
// caller's package (cleave_stubs.go): a receiver of one topic's type goes to
// that topic's stub (the service package's, or the local one asking
// cleavesvc/link), a receiver of any other type is called directly. Static
// calls of a topic's callee from another service that the plan does not list
// are rewritten too and reported.
//
// A pointer parameter of a request is copied in and out: the request carries
// the value it points to (null for a nil pointer), the handler calls the
// callee with a pointer to its decoded copy, the reply carries that copy's
// value after the call, and the stub copies it back into the caller's
// pointee, when the pointer was not nil, before it returns. So the writes
// the callee makes through the pointer during the call come back, as in the
// monolith, but only when it returns no error (like its results); a pointer
// the callee keeps after it returns no longer aliases the caller's value,
// and the pointers inside the pointee are the decoded copy's. Under the
// local transport and inside the callee's own service the call is direct
// and nothing is copied.
//
// Edits are text edits at exact spans; the rest of every file stays byte for
// byte. Before anything is written the whole result is type-checked; on any
// error nothing changes on disk. Applying the same plan twice changes nothing
// the second time.
//
// Limits: calls whose parameters or results cannot travel as JSON (channels,
// funcs, interfaces other than error, pointers to what cannot travel,
// pointers inside slices or variadic parameters, pointer parameters of
// events, slices a callee writes into, structs with
// unexported fields, types whose JSON does not round-trip),
// generic callees, calls through func values, methods of exported types with value receivers or
// of data types, callees that start goroutines, calls that may reach several
// topics when one of them cannot be served at the call (or from a test
// file), and constructors (wiring) are left alone, each with a reason in
// the Result. Results a callee returns together with a non-nil error
// (n, err) travel with the error when they are not all zero, except through
// local stubs (cleavesvc/link), which drop them. Background work the
// monolith's wiring starts runs in every service process.
package rewriter

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/mod/modfile"

	"github.com/cleave-go/cleave/analyzer"
	"github.com/cleave-go/cleave/planner"
)

// GenDir is the directory, inside the target module, that apply generates.
const GenDir = "cleavesvc"

// Header is the first line of every generated file.
const Header = "// Code generated by cleave. DO NOT EDIT."

// Options control Apply.
type Options struct {
	// DryRun computes and checks the result but writes nothing; the unified
	// diff is in Result.Diff.
	DryRun bool
	// Out, when set, receives a rewritten copy of the module; the module
	// itself is left alone. Out must not exist or be an empty directory.
	Out string
	// Only restricts the rewrite to the topics whose consumer is this service.
	Only string
	// Force applies even when the git tree is dirty.
	Force bool
	// Runtime is the directory of the runtime module
	// (github.com/cleave-go/cleave/runtime) the rewritten go.mod's replace
	// directive points to, or of a cleave source tree holding it under
	// runtime/. Empty: $CLEAVE_RUNTIME_DIR, else the source tree this
	// package was built from, when it is on this machine.
	Runtime string
	// Progress, when set, receives one line per step.
	Progress io.Writer
	// Strict refuses to write a split that would not run every crossing
	// as the plan says: a crossing left alone (blocked, or a shape that
	// cannot travel) or a plan blocker on no topic, which the split would
	// carry (state two services use, a call kept on a local copy).
	Strict bool
	// Graph, when set, is the module's analysis (cleave analyze): the HTTP
	// routes whose handlers it puts in a service other than the edge are
	// forwarded to that service (every main sets bus.SetRoutes; services.json
	// lists each service's routes). Nil: every route is served by the edge.
	Graph *analyzer.Graph
}

// Result says what Apply did (or would do, under DryRun).
type Result struct {
	Module    string         `json:"module"`
	Dir       string         `json:"dir"` // the module rewritten (Out when set)
	Topics    []*TopicResult `json:"topics"`
	Files     []*FileEdit    `json:"files"`     // edited files, by path
	Generated []string       `json:"generated"` // generated files, by path
	LeftAlone []*Skip        `json:"left_alone"`
	TestFiles []string       `json:"test_files,omitempty"` // test files edited
	Services  []*ServiceInfo `json:"services"`
	Bound     []*Skip        `json:"bound,omitempty"`  // constructor calls wrapped to bind service instances
	Extra     []*Skip        `json:"extra,omitempty"`  // calls rewritten that the plan does not list
	Notes     []string       `json:"notes,omitempty"`  // warnings that did not stop apply
	Vendor    []string       `json:"vendor,omitempty"` // module@version vendor/ gains (a vendored module)
	Diff      string         `json:"-"`
	Changed   bool           `json:"changed"` // false when the tree already matched the plan
	Wrote     bool           `json:"wrote"`
}

// TopicResult is the outcome for one topic.
type TopicResult struct {
	Subject   string `json:"subject"`
	Kind      string `json:"kind"`
	Function  string `json:"function"`
	Consumer  string `json:"consumer"`
	Stub      string `json:"stub,omitempty"` // package-qualified stub, e.g. inventorysvc.Reserve
	Rewritten int    `json:"rewritten"`
	Already   int    `json:"already,omitempty"` // sites rewritten by an earlier apply
	Extra     int    `json:"extra,omitempty"`   // of Rewritten, calls the plan does not list
	LeftAlone int    `json:"left_alone"`
}

// FileEdit lists the sites rewritten in one file.
type FileEdit struct {
	Path  string   `json:"path"` // relative to the module root
	Sites []string `json:"sites"`
	Test  bool     `json:"test,omitempty"`
}

// Skip is a call left as it was, and why.
type Skip struct {
	Site    string `json:"site"` // file:line:col
	Subject string `json:"subject,omitempty"`
	Reason  string `json:"reason"`
}

// ServiceInfo is one service's entry in services.json.
type ServiceInfo struct {
	Name   string   `json:"name"`
	Main   string   `json:"main"`
	Edge   bool     `json:"edge"`
	Serves []string `json:"serves"`
	Links  []string `json:"links"`
	// Why says, per linked package, which package of this service's
	// program imports it.
	Why map[string]string `json:"why,omitempty"`
	// Routes are the HTTP routes the service serves, forwarded by the edge
	// (see Options.Graph).
	Routes []RouteInfo `json:"routes,omitempty"`
}

// Apply rewrites the module in dir according to p.
func Apply(ctx context.Context, dir string, p *planner.Plan, opts Options) (*Result, error) {
	if p == nil {
		return nil, errors.New("apply: no plan")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("apply: %w", err)
	}
	if opts.Only != "" && serviceOf(p, opts.Only) == nil {
		return nil, fmt.Errorf("apply: --only %s: no such service in the plan", opts.Only)
	}
	var notes []string
	if opts.Out == "" && !opts.DryRun {
		if !inGit(ctx, abs) {
			notes = append(notes, abs+" is not in a git work tree: keep a copy to undo the rewrite")
		} else if !opts.Force {
			if err := checkClean(ctx, abs); err != nil {
				return nil, err
			}
		}
	}
	rt, err := runtimeDir(opts.Runtime)
	if err != nil {
		return nil, err
	}
	r := &rewrite{ctx: ctx, dir: abs, plan: p, opts: opts, runtime: rt, progress: opts.Progress, notes: notes}
	defer r.cleanup()
	if err := r.load(); err != nil {
		return nil, err
	}
	if err := r.resolve(); err != nil {
		return nil, err
	}
	if err := r.generate(); err != nil {
		return nil, err
	}
	if afterGenerate != nil {
		afterGenerate(r.changed)
	}
	res := r.result()
	if err := r.check(); err != nil {
		return res, err
	}
	if opts.Strict {
		if err := strict(res, p); err != nil {
			return res, err
		}
	}
	gomod := r.changed["go.mod"]
	if gomod == nil {
		gomod = r.gomod
	}
	vdiff, err := r.vendorDiff(gomod)
	if err != nil {
		return res, err
	}
	res.Diff = r.diff() + vdiff
	res.Changed = len(r.changed) > 0 || vdiff != ""
	if r.vend != nil && len(r.vend.added) > 0 {
		res.Vendor = r.vend.added
		res.Notes = append(res.Notes, fmt.Sprintf("vendor/ gains %d modules or versions for the runtime: %s", len(res.Vendor), strings.Join(res.Vendor, ", ")))
	}
	if opts.DryRun {
		return res, nil
	}
	target, files := abs, r.changed
	if opts.Out != "" {
		out, err := filepath.Abs(opts.Out)
		if err != nil {
			return res, fmt.Errorf("apply: %w", err)
		}
		if err := copyTree(abs, out); err != nil {
			return res, fmt.Errorf("apply: copy module to %s: %w", opts.Out, err)
		}
		target = out
		res.Dir = out
		// go.mod's replace directives that name a directory relative to
		// the module must name the same directory from the copy.
		moved, err := relocateReplaces(gomod, abs, out)
		if err != nil {
			return res, fmt.Errorf("apply: %w", err)
		}
		if !bytes.Equal(moved, gomod) {
			files = make(map[string][]byte, len(r.changed)+1)
			maps.Copy(files, r.changed)
			files["go.mod"] = moved
			gomod = moved
		}
	}
	if res.Wrote, err = r.write(target, files, gomod); err != nil {
		return res, fmt.Errorf("apply: %w", err)
	}
	return res, nil
}

// strict returns an error naming what the split would leave as it was:
// the crossings left alone and the plan's blockers on no topic.
func strict(res *Result, p *planner.Plan) error {
	var lines []string
	for _, s := range res.LeftAlone {
		lines = append(lines, fmt.Sprintf("%s: %s left alone: %s", s.Site, s.Subject, s.Reason))
	}
	for _, b := range p.Blockers {
		if b.Topic == "" {
			lines = append(lines, fmt.Sprintf("%s: the plan's %s blocker stays in the split: %s", b.Pos, b.Kind, b.Message))
		}
	}
	if len(lines) == 0 {
		return nil
	}
	return fmt.Errorf("apply: --strict: %d crossings or blockers the split would keep as they are; nothing was written:\n\t%s", len(lines), strings.Join(lines, "\n\t"))
}

// afterGenerate, set by tests, sees the new contents before the type-check.
var afterGenerate func(changed map[string][]byte)

// serviceOf returns the service of p named name, or nil.
func serviceOf(p *planner.Plan, name string) *planner.Service {
	for _, s := range p.Services {
		if s.Name == name {
			return s
		}
	}
	return nil
}

func (r *rewrite) logf(format string, args ...any) {
	if r.progress != nil {
		fmt.Fprintf(r.progress, format+"\n", args...)
	}
}

// runtimeDir finds the runtime module the generated code links: dir (or
// $CLEAVE_RUNTIME_DIR, or the source tree this package was built from) is
// either the runtime module's directory or a cleave source tree holding it
// under runtime/.
func runtimeDir(dir string) (string, error) {
	if dir == "" {
		dir = os.Getenv("CLEAVE_RUNTIME_DIR")
	}
	if dir == "" {
		dir = sourceModuleDir()
	}
	if dir == "" {
		return "", errors.New("apply: cannot find the cleave runtime's source; set CLEAVE_RUNTIME_DIR to the cleave source tree or to its runtime directory")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("apply: %w", err)
	}
	for _, d := range []string{abs, filepath.Join(abs, "runtime")} {
		if data, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil && modfile.ModulePath(data) == runtimeModule {
			return d, nil
		}
	}
	return "", fmt.Errorf("apply: %s is neither the cleave runtime module (%s) nor a cleave source tree holding it in runtime/ (CLEAVE_RUNTIME_DIR may name either)", abs, runtimeModule)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

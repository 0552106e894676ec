package planner

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cleave-go/cleave/analyzer"
)

// proposeDir loads the module under testdata/dir and proposes a split,
// returning the plan and a function that shortens import paths.
func proposeDir(t *testing.T, dir string, c Constraints) (*Plan, func(string) string) {
	t.Helper()
	g, err := analyzer.Load(context.Background(), filepath.Join("testdata", dir), []string{"./..."}, analyzer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := Propose(context.Background(), g, c)
	if err != nil {
		t.Fatal(err)
	}
	short := func(path string) string { return strings.TrimPrefix(strings.TrimPrefix(path, g.Module), "/") }
	return p, short
}

func shortList(paths []string, short func(string) string) []string {
	var out []string
	for _, p := range paths {
		out = append(out, short(p))
	}
	return out
}

// TestPkgLayoutStatefulLeaves plans testdata/pkglayout: every package
// lives under pkg/, the store (pkg/db, the largest package, a map behind
// a lock that Open builds) and the session table (pkg/auth, built by New)
// are leaves by the layout but hold the application's state. Neither is
// shared, and the API's calls into them are topics.
func TestPkgLayoutStatefulLeaves(t *testing.T) {
	p, short := proposeDir(t, "pkglayout", Constraints{})
	if got := shortList(p.Shared, short); len(got) != 0 {
		t.Errorf("shared = %v; want none", got)
	}
	var owners []string
	for _, s := range p.Services {
		owners = append(owners, shortList(s.Packages, short)...)
	}
	slices.Sort(owners)
	if want := []string{"cmd/app", "pkg/api", "pkg/auth", "pkg/db"}; !slices.Equal(owners, want) {
		t.Errorf("packages in services = %v; want %v", owners, want)
	}
	if len(p.Topics) == 0 {
		t.Errorf("no topics; want the API's calls into the store and the sessions")
	}
}

// TestGeneratedProtoIsData plans testdata/pbgen: proto/taskpb imitates
// protoc-gen-go output (a "Code generated" header, ProtoMessage methods,
// nil-safe getters). Its messages are data: the package is shared, and a
// getter called on a message the caller holds is never a topic; the
// crossings are the use case's methods.
func TestGeneratedProtoIsData(t *testing.T) {
	p, short := proposeDir(t, "pbgen", Constraints{})
	if got := shortList(p.Shared, short); !slices.Equal(got, []string{"proto/taskpb"}) {
		t.Errorf("shared = %v; want [proto/taskpb]", got)
	}
	for _, s := range p.Services {
		if slices.Contains(s.Packages, "example.com/pbgen/proto/taskpb") {
			t.Errorf("service %s holds the generated messages", s.Name)
		}
	}
	for _, tp := range p.Topics {
		if strings.Contains(tp.Function, "taskpb") {
			t.Errorf("topic %s calls into the generated messages", tp.Subject)
		}
	}
	if len(p.Topics) == 0 {
		t.Errorf("no topics; want the use case's Create and Get")
	}
}

// TestProtoGetterIsValue checks that a getter of a protobuf message (a
// pointer method of a type with a ProtoMessage method) called across
// services stays in-process with ReasonValue.
func TestProtoGetterIsValue(t *testing.T) {
	tg := newTestGraph()
	tg.fn("pb.Req.ProtoMessage")
	tg.fn("pb.Req.GetName", "string")
	tg.call("api.Handle", "pb.Req.GetName", 1)
	pg := newPkgGraph(tg.g)
	if got := pg.inproc[0]; got != ReasonValue {
		t.Errorf("reason of api.Handle → pb.Req.GetName = %q; want %q", got, ReasonValue)
	}
}

// TestSharedCallsService plans testdata/sharedcall with the counter pinned
// to a service of its own: internal/queue/v1 holds the counter behind an
// interface (contracts.Counter) and increments it. Were it shared, every
// process would increment its own copy; it is not shared, and its call
// is a site of the counter's topic like the web API's.
func TestSharedCallsService(t *testing.T) {
	p, short := proposeDir(t, "sharedcall", Constraints{Pin: []Pin{{Package: "example.com/sharedcall/internal/counter", Service: "counter"}}})
	if got := shortList(p.Shared, short); slices.Contains(got, "internal/queue/v1") {
		t.Errorf("shared = %v; want no internal/queue/v1", got)
	}
	var sites []string
	for _, tp := range p.Topics {
		if strings.HasSuffix(tp.Function, "counter.Counter).Inc") {
			sites = tp.Sites
		}
	}
	if !slices.ContainsFunc(sites, func(s string) bool { return strings.HasPrefix(s, "internal/queue/v1/v1.go:") }) {
		t.Errorf("sites of Counter.Inc = %v; want one in internal/queue/v1/v1.go", sites)
	}
}

// TestStartupConfigVar plans testdata/cfgvar: config.Opts is set once by
// config.Parse, which only main calls before serving, and read by three
// services; config.Logins is incremented by the sessions at request time
// and read by two other services. Opts blocks nothing (every process runs
// the same start-up); Logins is one blocker, not one per use.
func TestStartupConfigVar(t *testing.T) {
	p, _ := proposeDir(t, "cfgvar", Constraints{})
	var got []string
	for _, b := range p.Blockers {
		if b.Kind == analyzer.HazardSharedVar {
			got = append(got, b.Pos+" "+b.Message)
		}
	}
	if len(got) != 1 || !strings.Contains(got[0], "config.Logins") || !strings.Contains(got[0], "also used at") {
		t.Errorf("shared-var blockers = %q; want one for config.Logins listing its other uses", got)
	}
	if p.Scores.Split.Blockers != len(p.Blockers) {
		t.Errorf("scores count %d blockers; the plan lists %d", p.Scores.Split.Blockers, len(p.Blockers))
	}
}

// TestLayeredWiredState plans testdata/layered, a clean-architecture
// layout: main calls internal/app.Run, which builds a connection pool
// (pkg/pgx), the repository (internal/taskrepo, embedding the pool, its
// constructor returning the repo interface), the use case and the HTTP
// server (pkg/httpserver). The repository holds state the wiring builds
// and the use case calls at request time: not shared, nor is the use
// case that reaches it through an interface. The pool and the server
// wrapper, which only the wiring drives, stay shared libraries.
func TestLayeredWiredState(t *testing.T) {
	p, short := proposeDir(t, "layered", Constraints{})
	shared := shortList(p.Shared, short)
	for _, want := range []string{"pkg/httpserver", "pkg/pgx", "internal/repo"} {
		if !slices.Contains(shared, want) {
			t.Errorf("shared = %v; want %s among them", shared, want)
		}
	}
	for _, not := range []string{"internal/taskrepo", "internal/tasks"} {
		if slices.Contains(shared, not) {
			t.Errorf("shared = %v; want no %s", shared, not)
		}
	}
}

// TestSharedCallBlocker names internal/queue/v1 of testdata/sharedcall
// shared by hand: its call into the counter service cannot be rewritten
// and runs on each process's own counter, so it is a blocker.
func TestSharedCallBlocker(t *testing.T) {
	const m = "example.com/sharedcall"
	p, _ := proposeDir(t, "sharedcall", Constraints{
		Pin:    []Pin{{Package: m + "/internal/counter", Service: "counter"}},
		Shared: []string{m + "/internal/queue/v1"},
	})
	var got []string
	for _, b := range p.Blockers {
		if b.Kind == BlockerSharedCall {
			got = append(got, b.Pos)
		}
	}
	if want := []string{"internal/queue/v1/v1.go:13:9"}; !slices.Equal(got, want) {
		t.Errorf("shared-call blockers at %v; want %v", got, want)
	}
	if p.Scores.Split.Blockers != len(p.Blockers) {
		t.Errorf("scores count %d blockers; the plan lists %d", p.Scores.Split.Blockers, len(p.Blockers))
	}
}

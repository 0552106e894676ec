package planner

import (
	"testing"

	"github.com/cleave-go/cleave/analyzer"
)

// TestIdleGRPC: a service whose package holds a gRPC method's handler (an
// rpc entry with a full method name) is not idle: the edge forwards the
// method's calls to it. An rpc entry known by its method's name alone is
// no route.
func TestIdleGRPC(t *testing.T) {
	const m = "example.com/rpc/"
	g := &analyzer.Graph{
		Module: "example.com/rpc",
		Funcs: []*analyzer.Func{
			{ID: "(*" + m + "echo.Server).Say", Package: m + "echo"},
			{ID: "(*" + m + "bare.Server).Say", Package: m + "bare"},
		},
		Entries: []*analyzer.Entry{
			{Kind: analyzer.EntryRPC, Func: "(*" + m + "echo.Server).Say", Route: "/echo.Echo/Say"},
			{Kind: analyzer.EntryRPC, Func: "(*" + m + "bare.Server).Say", Route: "Say"},
		},
	}
	routed := routedPackages(g)
	if !routed[m+"echo"] || routed[m+"bare"] {
		t.Errorf("routedPackages = %v; want echo alone", routed)
	}
	p := &Plan{Services: []*Service{
		{Name: "web", Packages: []string{"example.com/rpc"}, Edge: true},
		{Name: "echo", Packages: []string{m + "echo"}},
		{Name: "bare", Packages: []string{m + "bare"}},
	}}
	idle := idleServices(g, p, nil, nil)
	if len(idle) != 1 || p.Services[idle[0]].Name != "bare" {
		t.Errorf("idleServices = %v; want bare alone", idle)
	}
}

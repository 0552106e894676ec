package rewriter_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cleave-go/cleave/analyzer"
	"github.com/cleave-go/cleave/rewriter"
)

// TestStartupConsumerGuarded: a goroutine main starts that sends messages
// (it follows a feed and raises alarms in another service, through the
// handler it was given) runs in the edge only, under bus.Default().Runs;
// the cache's janitor and the admin server, which send nothing, run in
// every process as before; the Redis subscription is kept to the edge's
// processes (see TestSubscriptions).
func TestStartupConsumerGuarded(t *testing.T) {
	dir := extract(t, filepath.Join("testdata", "consumer", "readings.txtar"))
	p := truthPlan(t, dir, filepath.Join(dir, "services.yaml"))
	g, err := analyzer.Load(context.Background(), dir, []string{"./..."}, analyzer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := rewriter.Apply(context.Background(), dir, p, rewriter.Options{DryRun: true, Graph: g})
	if err != nil {
		t.Fatal(err)
	}
	// The diff of cmd/plantd/main.go, the monolith's own main.
	var main strings.Builder
	in := false
	for _, line := range strings.Split(res.Diff, "\n") {
		if strings.HasPrefix(line, "--- ") {
			in = strings.HasSuffix(line, "cmd/plantd/main.go")
		}
		if in {
			main.WriteString(line + "\n")
		}
	}
	d := main.String()
	if !strings.Contains(d, "+\tif bus.Default().Runs(\"gateway\") {\n+\t\tgo func() {\n+\t\t\tif err := telemetry.Follow(") {
		t.Errorf("the feed's goroutine is not guarded to the edge:\n%s", d)
	}
	if strings.Count(d, "Runs(") != 1 {
		t.Errorf("want one guard (the feed), got %d:\n%s", strings.Count(d, "Runs("), d)
	}
	// The Redis subscription main makes is kept to the edge's processes.
	if want := "+\tsetpoints := rdb.Subscribe(ctx, subs.Channels(\"gateway\", \"plant.setpoints\")...)\n"; !strings.Contains(d, want) {
		t.Errorf("the set-points subscription is not kept to the edge:\n%s", d)
	}
	if notes := strings.Join(res.Notes, "\n"); strings.Contains(notes, "subscribes") {
		t.Errorf("a subscription apply keeps to the edge is noted:\n%s", notes)
	}
}

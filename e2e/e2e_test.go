// Package e2e proves a split end to end: a scripted day at the test shop
// (testdata/shop) runs against the monolith and against the services
// `cleave apply` made of it, each its own process on NATS, and the answers
// must be the same once generated ids and timestamps are normalised. It
// also runs the scenario with a service killed and restarted, with a NATS
// cluster node killed, and under 32 concurrent clients.
//
// The suite builds the shop, the cleave command and the split services
// once; every test starts its own processes and broker on loopback ports.
package e2e

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "cleave-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	work = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// customers is how many customer journeys the scenario has.
const customers = 5

// TestMonolith runs the scenario against the monolith: every request gets
// the status the scenario expects, and two runs give the same transcript.
func TestMonolith(t *testing.T) {
	base := startMonolith(t)
	first := runScenario(base, "R1", customers, false, nil)
	if len(first.errs) > 0 {
		t.Fatalf("scenario against the monolith:\n%s", strings.Join(first.errs, "\n"))
	}
	if n := len(first.lat); n < 200 {
		t.Errorf("scenario made %d requests; want at least 200", n)
	}
	t.Logf("scenario: %d requests, %d recorded", len(first.lat), len(first.entries))
	// A second run on the same shop (other products, other customers)
	// gives the same answers once ids and times are normalised, except
	// for the run's name.
	second := runScenario(base, "R2", customers, false, nil)
	if len(second.errs) > 0 {
		t.Fatalf("second run:\n%s", strings.Join(second.errs, "\n"))
	}
	rename := strings.NewReplacer("R2", "R1", "r2", "r1")
	for i := range second.entries {
		second.entries[i].Body = rename.Replace(second.entries[i].Body)
		second.entries[i].Request = rename.Replace(second.entries[i].Request)
	}
	if d := diffTranscripts(second.entries, first.entries); len(d) > 0 {
		t.Errorf("second run differs:\n%s", strings.Join(d, "\n"))
	}
}

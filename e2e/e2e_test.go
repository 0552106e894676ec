// Package e2e proves a split end to end: a scripted day at the test shop
// (testdata/shop) runs against the monolith and against the services
// `cleave apply` made of it, each its own process on NATS, and the answers
// must be the same once generated ids and timestamps are normalised. It
// also runs the scenario with a service killed and restarted, with a NATS
// cluster node killed, and under 32 concurrent clients.
//
// CLEAVE_E2E_KEEP=1 keeps the split tree and binaries for a look after the
// run.
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
	if os.Getenv("CLEAVE_E2E_KEEP") != "" {
		fmt.Fprintf(os.Stderr, "e2e: kept %s\n", dir)
	} else {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

// customers is how many customer journeys the scenario has.
const customers = 5

// TestMonolith runs the scenario against the monolith: every request gets
// the status the scenario expects, and two runs give the same transcript.
func TestMonolith(t *testing.T) {
	base := startMonolith(t)
	first := runScenario(base, "R1", options{customers: customers})
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
	second := runScenario(base, "R2", options{customers: customers})
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

var reference, referenceLite once[scenarioResult]

// monolithTranscript is the monolith's answers to the scenario (or to the
// lite one), run once.
func monolithTranscript(t testing.TB, lite bool) scenarioResult {
	ref := &reference
	if lite {
		ref = &referenceLite
	}
	return ref.get(t, func() (scenarioResult, string, error) {
		r := runScenario(startMonolith(t), "R1", options{customers: customers, lite: lite})
		if len(r.errs) > 0 {
			return r, "", fmt.Errorf("scenario against the monolith:\n%s", strings.Join(r.errs, "\n"))
		}
		return r, "", nil
	})
}

// compare fails t if got is not the monolith's transcript. from names the
// first journey compared (empty: all).
func compare(t testing.TB, got scenarioResult, from string, lite bool) {
	t.Helper()
	want := monolithTranscript(t, lite).entries
	if len(got.errs) > 0 {
		t.Errorf("scenario against the split: %d unexpected answers:\n%s", len(got.errs), strings.Join(got.errs, "\n"))
	}
	entries := got.entries
	if from != "" {
		entries = fromJourney(entries, from)
		want = fromJourney(want, from)
	}
	if d := diffTranscripts(entries, want); len(d) > 0 {
		t.Errorf("the split answers differently from the monolith:\n%s", strings.Join(d, "\n"))
	}
	t.Logf("%d requests; %d answers compared with the monolith's", len(got.lat), len(entries))
}

func fromJourney(es []entry, journey string) []entry {
	for i, e := range es {
		if e.Journey == journey {
			return es[i:]
		}
	}
	return nil
}

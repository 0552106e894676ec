package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/cleave-go/cleave/analyzer"
)

// TestSummaryPrefixUnknown: a route mounted under a prefix built at run
// time is printed with "…" before the path written at its registration,
// so that nobody reads it as the path the server serves.
func TestSummaryPrefixUnknown(t *testing.T) {
	g := &analyzer.Graph{Module: "example.com/m", Entries: []*analyzer.Entry{
		{Kind: analyzer.EntryHTTP, Func: "example.com/m/api.config", Method: "GET", Route: "/config", PrefixUnknown: true},
		{Kind: analyzer.EntryHTTP, Func: "example.com/m/api.health", Method: "GET", Route: "/health"},
	}}
	var b bytes.Buffer
	if err := writeSummary(&b, g); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"GET …/config", "GET /health"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
}

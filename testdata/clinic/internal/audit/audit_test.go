package audit

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"example.com/clinic/internal/clock"
)

func capture(t *testing.T) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	prev := Out
	Out = &buf
	t.Cleanup(func() { Out = prev })
	t.Cleanup(clock.Freeze(time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC)))
	return &buf
}

func TestRecord(t *testing.T) {
	buf := capture(t)
	Record("V01", "prescription.dispensed", "rx", "RX0001", "qty", 20, "controlled", true)
	Record("frontdesk", "patients.import")
	Record("frontdesk", "odd", "key")
	want := "2026-04-01T08:00:00Z V01 prescription.dispensed rx=RX0001 qty=20 controlled=true\n" +
		"2026-04-01T08:00:00Z frontdesk patients.import\n" +
		"2026-04-01T08:00:00Z frontdesk odd key=?\n"
	if got := buf.String(); got != want {
		t.Errorf("trail:\n%s\nwant:\n%s", got, want)
	}
}

func TestRecordConcurrent(t *testing.T) {
	buf := capture(t)
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			for range 20 {
				Record("worker", "invoice.issued", "n", 1)
			}
		})
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 200 {
		t.Fatalf("%d lines; want 200", len(lines))
	}
	for _, l := range lines {
		if l != "2026-04-01T08:00:00Z worker invoice.issued n=1" {
			t.Fatalf("interleaved line %q", l)
		}
	}
}

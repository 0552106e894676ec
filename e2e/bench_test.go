package e2e

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cleave-go/cleave/runtime/bus/bustest"
)

// BenchmarkScenario runs the scenario with 32 concurrent clients against
// the monolith and against the split (every service its own process on an
// embedded NATS server), each iteration one client's run with two customer
// journeys of the lite scenario (no repricing, cancellation or dispatch:
// those act on the whole shop, and the split along truth.yaml leaves some
// of their calls local). It reports requests per second and the p50 and p99 latency of
// single requests:
//
//	go test -run '^$' -bench Scenario -benchtime 64x ./e2e
func BenchmarkScenario(b *testing.B) {
	b.Run("monolith", func(b *testing.B) {
		benchScenario(b, startMonolith(b))
	})
	b.Run("split", func(b *testing.B) {
		s := shopSplitAsIs(b)
		srv := bustest.StartServer(b)
		addr := freeAddr(b)
		start(b, s.services([]string{srv.URL()}, addr), newLogSink(b))
		base := "http://" + addr
		waitHealthy(b, base)
		benchScenario(b, base)
	})
}

var benchRun atomic.Int64

func benchScenario(b *testing.B, base string) {
	var mu sync.Mutex
	var lat []time.Duration
	var errs int
	b.SetParallelism((loadClients + 1) / 2) // GOMAXPROCS × this goroutines; 32 on 2 cores
	b.ResetTimer()
	t0 := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r := runScenario(base, fmt.Sprintf("B%d", benchRun.Add(1)), options{customers: 2, shared: true, lite: true})
			mu.Lock()
			lat = append(lat, r.lat...)
			errs += len(r.errs)
			mu.Unlock()
		}
	})
	elapsed := time.Since(t0)
	b.StopTimer()
	if errs > 0 {
		b.Errorf("%d unexpected answers", errs)
	}
	b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(percentile(lat, 50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(percentile(lat, 99).Microseconds())/1000, "p99-ms")
}

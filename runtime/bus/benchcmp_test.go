package bus

// Benchmarks of the bus against its references, measured in the same run.
//
//	go test -run='^$' -bench=. ./runtime/bus           # raw numbers
//	CLEAVE_BENCH_TABLE=1 go test -run=TestBenchTable -v ./runtime/bus   # table of ratios

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nuid"
)

//go:noinline
func directEcho(ctx context.Context, r *echoReq) (*echoResp, error) { return benchResp, nil }

var benchResp = &echoResp{Text: "ok"}

// BenchmarkDirectCall is the floor of the local transport: a call through
// a func value.
func BenchmarkDirectCall(b *testing.B) {
	f := directEcho
	ctx, req := context.Background(), &echoReq{}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := f(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLocalCall(b *testing.B) {
	bb, err := Open(context.Background(), Config{Transport: Local})
	must(b, err)
	must(b, Handle(bb, "bench.Echo", directEcho))
	ctx, req := context.Background(), &echoReq{}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Call[echoReq, echoResp](ctx, bb, "bench.Echo", req); err != nil {
			b.Fatal(err)
		}
	}
}

var loopbackSizes = []int{16, 256, 4096, 65536}

func BenchmarkLoopbackCall(b *testing.B) {
	for _, n := range loopbackSizes {
		b.Run(fmt.Sprintf("bytes=%d", n), func(b *testing.B) { loopbackCall(b, n) })
	}
}

func loopbackCall(b *testing.B, n int) {
	bb, err := Open(context.Background(), Config{Transport: Loopback})
	must(b, err)
	must(b, Handle(bb, "bench.Echo", func(ctx context.Context, r *echoReq) (*echoResp, error) {
		return &echoResp{Text: r.Text}, nil
	}))
	ctx, req := context.Background(), &echoReq{Text: strings.Repeat("x", n)}
	b.SetBytes(int64(n))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Call[echoReq, echoResp](ctx, bb, "bench.Echo", req); err != nil {
			b.Fatal(err)
		}
	}
}

// benchEnv is one embedded server shared by the nats benchmarks of a run:
// inproc is a Bus connected to it in-process, tcp one connected over
// loopback TCP, and rawIn/rawTCP plain nats.go connections of each kind.
type benchEnvT struct {
	inproc, tcp   *Bus
	rawIn, rawTCP *nats.Conn
	sink          *Bus
	handled       atomic.Int64
}

var (
	benchOnce sync.Once
	benchEnv  *benchEnvT
	benchErr  error
)

const benchPayload = 64

func env(tb testing.TB) *benchEnvT {
	benchOnce.Do(func() { benchEnv, benchErr = newBenchEnv() })
	if benchErr != nil {
		tb.Fatal(benchErr)
	}
	return benchEnv
}

// TestMain closes the benchmarks' server and removes its store.
func TestMain(m *testing.M) {
	if url := os.Getenv("CLEAVE_BENCH_SERVE"); url != "" {
		os.Exit(serveBench(url))
	}
	code := m.Run()
	if benchEnv != nil {
		for _, b := range []*Bus{benchEnv.sink, benchEnv.tcp, benchEnv.inproc} {
			b.Close()
		}
		os.RemoveAll(benchEnv.inproc.cfg.StoreDir)
	}
	os.Exit(code)
}

func newBenchEnv() (*benchEnvT, error) {
	ctx := context.Background()
	e := &benchEnvT{}
	dir, err := os.MkdirTemp("", "cleave-bench-")
	if err != nil {
		return nil, err
	}
	// File storage, as under cleave run.
	if e.inproc, err = Open(ctx, Config{Transport: NATS, App: "bench", Service: "a", InProcess: true, StoreDir: dir}); err != nil {
		return nil, err
	}
	url := e.inproc.ClientURL()
	if e.tcp, err = Open(ctx, Config{Transport: NATS, App: "bench", Service: "b", URLs: []string{url}}); err != nil {
		return nil, err
	}
	if e.sink, err = Open(ctx, Config{Transport: NATS, App: "bench", Service: "sink", URLs: []string{url}, Concurrency: 64}); err != nil {
		return nil, err
	}
	if e.rawIn, err = nats.Connect("", nats.InProcessServer(e.inproc.srv)); err != nil {
		return nil, err
	}
	if e.rawTCP, err = nats.Connect(url); err != nil {
		return nil, err
	}
	echo := func(ctx context.Context, r *echoReq) (*echoResp, error) { return &echoResp{Text: r.Text}, nil }
	if err := Handle(e.inproc, "bench.inproc.Echo", echo); err != nil {
		return nil, err
	}
	if err := Handle(e.tcp, "bench.tcp.Echo", echo); err != nil {
		return nil, err
	}
	for _, nc := range []*nats.Conn{e.rawIn, e.rawTCP} {
		subject := "raw.inproc.Echo"
		if nc == e.rawTCP {
			subject = "raw.tcp.Echo"
		}
		if _, err := nc.Subscribe(subject, func(m *nats.Msg) { m.Respond(m.Data) }); err != nil {
			return nil, err
		}
		if err := nc.Flush(); err != nil {
			return nil, err
		}
	}
	if err := Subscribe(e.sink, "bench.e2e.Ev", func(ctx context.Context, ev *noted) error {
		e.handled.Add(1)
		return nil
	}); err != nil {
		return nil, err
	}
	for _, bb := range []*Bus{e.inproc, e.tcp, e.sink} {
		if err := bb.Ready(); err != nil {
			return nil, err
		}
	}
	return e, nil
}

func benchCall(b *testing.B, bb *Bus, subject string) {
	ctx := context.Background()
	req := &echoReq{Text: strings.Repeat("x", benchPayload-len(`{"text":"","n":0}`))}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Call[echoReq, echoResp](ctx, bb, subject, req); err != nil {
			b.Fatal(err)
		}
	}
}

func benchRaw(b *testing.B, nc *nats.Conn, subject string) {
	data := []byte(strings.Repeat("x", benchPayload))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := nc.Request(subject, data, 10*time.Second); err != nil {
			b.Fatal(err)
		}
	}
}

// Request/reply latency: the bus against raw nats.go Request with a
// payload of the same size, on the same server.
func BenchmarkRequest(b *testing.B) {
	b.Run("bus/inproc", func(b *testing.B) { benchCall(b, env(b).inproc, "bench.inproc.Echo") })
	b.Run("raw/inproc", func(b *testing.B) { benchRaw(b, env(b).rawIn, "raw.inproc.Echo") })
	b.Run("bus/tcp", func(b *testing.B) { benchCall(b, env(b).tcp, "bench.tcp.Echo") })
	b.Run("raw/tcp", func(b *testing.B) { benchRaw(b, env(b).rawTCP, "raw.tcp.Echo") })
}

// BenchmarkTCPPingPong is the floor of any request over loopback TCP: one
// 64-byte write and read each way between two goroutines.
func BenchmarkTCPPingPong(b *testing.B) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	must(b, err)
	defer l.Close()
	go func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		buf := make([]byte, benchPayload)
		for {
			if _, err := io.ReadFull(c, buf); err != nil {
				return
			}
			if _, err := c.Write(buf); err != nil {
				return
			}
		}
	}()
	c, err := net.Dial("tcp", l.Addr().String())
	must(b, err)
	defer c.Close()
	buf := make([]byte, benchPayload)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Write(buf); err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(c, buf); err != nil {
			b.Fatal(err)
		}
	}
}

// Event publish throughput over TCP: Publish from many goroutines (each
// waits for its ack, as it must to promise delivery) against raw
// jetstream PublishAsync from one goroutine, same payload size.
func BenchmarkPublish(b *testing.B) {
	b.Run("bus", func(b *testing.B) { publishBus(b, env(b)) })
	b.Run("raw", func(b *testing.B) { publishRaw(b, env(b)) })
}

func publishBus(b *testing.B, e *benchEnvT) {
	ev := &noted{ID: 1 << 40} // {"id":1099511627776}
	b.SetParallelism(64)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		for pb.Next() {
			if err := Publish(ctx, e.tcp, "bench.pub.Ev", ev); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

func publishRaw(b *testing.B, e *benchEnvT) {
	js, err := jetstream.New(e.rawTCP)
	must(b, err)
	data := []byte(`{"id":1099511627776}`)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := js.PublishAsync("bench.events.raw", data); err != nil {
			b.Fatal(err)
		}
	}
	select {
	case <-js.PublishAsyncComplete():
	case <-time.After(time.Minute):
		b.Fatal("PublishAsync did not complete")
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkEventsEndToEnd: events published (64 goroutines) until a
// subscriber of another Bus has handled them all.
func BenchmarkEventsEndToEnd(b *testing.B) {
	e := env(b)
	target := e.handled.Load() + int64(b.N)
	b.SetParallelism(32)
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		for pb.Next() {
			if err := Publish(ctx, e.tcp, "bench.e2e.Ev", &noted{ID: 1}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	deadline := time.Now().Add(time.Minute)
	for e.handled.Load() < target {
		if time.Now().After(deadline) {
			b.Fatalf("handled %d of %d", e.handled.Load(), target)
		}
		time.Sleep(time.Millisecond)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// TestBenchTable measures the bus against its references and prints a
// table of ratios. It runs only with CLEAVE_BENCH_TABLE=1:
//
//	CLEAVE_BENCH_TABLE=1 go test -run=TestBenchTable -v ./runtime/bus
//
// Pairs that cross the network are measured interleaved, round by round,
// and compared by their medians: on a shared machine the load changes
// faster than a benchmark runs.
func TestBenchTable(t *testing.T) {
	if os.Getenv("CLEAVE_BENCH_TABLE") == "" {
		t.Skip("set CLEAVE_BENCH_TABLE=1 to measure")
	}
	ns := func(r testing.BenchmarkResult) float64 { return float64(r.T.Nanoseconds()) / float64(r.N) }
	w := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	defer w.Flush()
	fmt.Fprintf(w, "measure\tbus\treference\tratio\tgoal\tCPU bus / reference\n")

	direct, local := testing.Benchmark(BenchmarkDirectCall), testing.Benchmark(BenchmarkLocalCall)
	fmt.Fprintf(w, "local Call vs direct func call\t%.1f ns, %d allocs\t%.1f ns\t+%.1f ns\t<100 ns, 0 allocs\n",
		ns(local), local.AllocsPerOp(), ns(direct), ns(local)-ns(direct))

	e := env(t)
	ctx := context.Background()
	req := &echoReq{Text: strings.Repeat("x", benchPayload-len(`{"text":"","n":0}`))}
	data := []byte(strings.Repeat("x", benchPayload))
	call := func(bb *Bus, subject string) func() {
		return func() {
			if _, err := Call[echoReq, echoResp](ctx, bb, subject, req); err != nil {
				t.Fatal(err)
			}
		}
	}
	raw := func(nc *nats.Conn, subject string) func() {
		return func() {
			if _, err := nc.Request(subject, data, 10*time.Second); err != nil {
				t.Fatal(err)
			}
		}
	}
	pp := pingPong(t)
	otherProcess(t, e.inproc.ClientURL())
	in, inCPU := interleave(15, 200, call(e.inproc, "bench.inproc.Echo"), raw(e.rawIn, "raw.inproc.Echo"))
	tcp, tcpCPU := interleave(15, 200, call(e.tcp, "bench.tcp.Echo"), raw(e.rawTCP, "raw.tcp.Echo"), pp)
	proc, procCPU := interleave(15, 200, call(e.tcp, "bench.proc.Echo"), raw(e.rawTCP, "raw.proc.Echo"))
	row := func(what string, bus, ref float64, goal string, cpu []float64) {
		fmt.Fprintf(w, "%s\t%.1f µs\t%.1f µs\t%.2f×\t%s\t", what, bus/1e3, ref/1e3, bus/ref, goal)
		if cpu != nil {
			fmt.Fprintf(w, "%.1f / %.1f µs = %.2f×", cpu[0]/1e3, cpu[1]/1e3, cpu[0]/cpu[1])
		}
		fmt.Fprintln(w)
	}
	row("request/reply in-process vs raw nats Request", in[0], in[1], "≤1.1×", inCPU)
	row("request/reply TCP loopback vs raw nats Request", tcp[0], tcp[1], "≤1.1×", tcpCPU)
	row("  TCP loopback ping-pong floor", tcp[0], tcp[2], "", nil)
	row("request/reply to another process (TCP) vs raw nats Request", proc[0], proc[1], "≤1.1×", procCPU)

	js, err := jetstream.New(e.rawTCP)
	must(t, err)
	const batch = 5000
	ev := &noted{ID: 1 << 40}
	evData := []byte(`{"id":1099511627776}`)
	pub, pubCPU := interleave(7, 1,
		func() {
			parallel(128, batch, func(int) {
				if err := Publish(ctx, e.tcp, "bench.pub.Ev", ev); err != nil {
					t.Error(err)
				}
			})
		},
		func() {
			for i := 0; i < batch; i++ {
				if _, err := js.PublishAsync("bench.events.raw", evData); err != nil {
					t.Fatal(err)
				}
			}
			<-js.PublishAsyncComplete()
		},
		func() {
			// What the bus sends: the event and its Nats-Msg-Id.
			for i := 0; i < batch; i++ {
				h := nats.Header{jetstream.MsgIDHeader: {eventID(Fingerprint[noted](), nuid.Next())}}
				if _, err := js.PublishMsgAsync(&nats.Msg{Subject: "bench.events.raw", Header: h, Data: evData}); err != nil {
					t.Fatal(err)
				}
			}
			<-js.PublishAsyncComplete()
		})
	rate := func(nsPerBatch float64) float64 { return batch / (nsPerBatch / 1e9) }
	perEvent := func(i int) float64 { return pubCPU[i] / batch / 1e3 }
	fmt.Fprintf(w, "event publish (128 goroutines) vs raw PublishAsync\t%.0f/s\t%.0f/s\t%.2f×\t≥0.9×\t%.1f / %.1f µs = %.2f×\n",
		rate(pub[0]), rate(pub[1]), pub[1]/pub[0], perEvent(0), perEvent(1), pubCPU[0]/pubCPU[1])
	fmt.Fprintf(w, "  same, raw PublishAsync carrying a Nats-Msg-Id as the bus does\t%.0f/s\t%.0f/s\t%.2f×\t\t%.1f / %.1f µs = %.2f×\n",
		rate(pub[0]), rate(pub[2]), pub[2]/pub[0], perEvent(0), perEvent(2), pubCPU[0]/pubCPU[2])
	// The ceiling for any publisher whose retries the stream deduplicates:
	// raw PublishAsync itself, once it carries a Nats-Msg-Id.
	fmt.Fprintf(w, "  raw PublishAsync with a Nats-Msg-Id vs without (the broker's deduplication)\t%.0f/s\t%.0f/s\t%.2f×\t\t%.1f / %.1f µs = %.2f×\n",
		rate(pub[2]), rate(pub[1]), pub[1]/pub[2], perEvent(2), perEvent(1), pubCPU[2]/pubCPU[1])
	e2e := testing.Benchmark(BenchmarkEventsEndToEnd)
	fmt.Fprintf(w, "events end to end through a handler\t%.0f/s\t\t\t\n", float64(e2e.N)/e2e.T.Seconds())
	for _, n := range loopbackSizes {
		lb := testing.Benchmark(func(b *testing.B) { loopbackCall(b, n) })
		fmt.Fprintf(w, "loopback Call, %d-byte string, vs local Call\t%.2f µs, %d allocs\t%.0f ns\t%.0f×\t\n",
			n, ns(lb)/1e3, lb.AllocsPerOp(), ns(local), ns(lb)/ns(local))
	}
}

// serveBench is the other process of the cross-process benchmarks: it
// serves bench.proc.Echo through a Bus and raw.proc.Echo through plain
// nats.go on the server at url until its standard input closes.
func serveBench(url string) int {
	b, err := Open(context.Background(), Config{Transport: NATS, App: "bench", Service: "proc", URLs: []string{url}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer b.Close()
	echo := func(ctx context.Context, r *echoReq) (*echoResp, error) { return &echoResp{Text: r.Text}, nil }
	if err := Handle(b, "bench.proc.Echo", echo); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	nc, err := nats.Connect(url)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer nc.Close()
	if _, err := nc.Subscribe("raw.proc.Echo", func(m *nats.Msg) { m.Respond(m.Data) }); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := b.Ready(); err != nil || nc.Flush() != nil {
		return 1
	}
	fmt.Println("ready")
	io.Copy(io.Discard, os.Stdin)
	return 0
}

// otherProcess starts serveBench in a child process and waits until it
// serves.
func otherProcess(t *testing.T, url string) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "CLEAVE_BENCH_SERVE="+url)
	stdin, err := cmd.StdinPipe()
	must(t, err)
	out, err := cmd.StdoutPipe()
	must(t, err)
	cmd.Stderr = os.Stderr
	must(t, cmd.Start())
	t.Cleanup(func() { stdin.Close(); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "ready\n" {
		t.Fatalf("bench server process: %q, %v", line, err)
	}
}

// interleave runs each f n times per round, the fs one after the other,
// for the given rounds, and returns the median per call of each: wall
// time and the CPU time of the whole process (caller, handler and the
// embedded server alike) in nanoseconds. CPU time shows the work done;
// wall time adds the waits, which the machine's load stretches.
func interleave(rounds, n int, fs ...func()) (wall, cpu []float64) {
	res := make([][]float64, len(fs))
	cpus := make([][]float64, len(fs))
	for j := 0; j < rounds; j++ {
		for i, f := range fs {
			c0 := processCPU()
			t0 := time.Now()
			for i := 0; i < n; i++ {
				f()
			}
			res[i] = append(res[i], float64(time.Since(t0).Nanoseconds())/float64(n))
			cpus[i] = append(cpus[i], float64(processCPU()-c0)/float64(n))
		}
	}
	median := func(r []float64) float64 {
		slices.Sort(r)
		return r[len(r)/2]
	}
	for i := range fs {
		wall = append(wall, median(res[i]))
		cpu = append(cpu, median(cpus[i]))
	}
	return wall, cpu
}

// processCPU returns the CPU time this process used so far, user and
// system, in nanoseconds.
func processCPU() int64 {
	var r syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &r); err != nil {
		return 0
	}
	return r.Utime.Nano() + r.Stime.Nano()
}

// parallel calls f(0..n-1) from the given number of goroutines.
func parallel(workers, n int, f func(int)) {
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		w := w
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				f(i)
			}
		}()
	}
	wg.Wait()
}

// pingPong returns one round trip of benchPayload bytes over loopback TCP.
func pingPong(t *testing.T) func() {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	t.Cleanup(func() { l.Close() })
	go func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		buf := make([]byte, benchPayload)
		for {
			if _, err := io.ReadFull(c, buf); err != nil {
				return
			}
			if _, err := c.Write(buf); err != nil {
				return
			}
		}
	}()
	c, err := net.Dial("tcp", l.Addr().String())
	must(t, err)
	t.Cleanup(func() { c.Close() })
	buf := make([]byte, benchPayload)
	return func() {
		if _, err := c.Write(buf); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(c, buf); err != nil {
			t.Fatal(err)
		}
	}
}

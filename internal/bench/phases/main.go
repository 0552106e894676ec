// Command phases runs analyzer.Load and prints, for every phase it
// reports, the elapsed time, the live heap and the peak RSS so far: where
// the time and the memory of cleave analyze go.
//
//	go run ./internal/bench/phases [-algo vta] [-tests] [-cpuprofile file] [dir]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/cleave-go/cleave/analyzer"
)

// phaseWriter prefixes each progress line with measurements.
type phaseWriter struct{ start time.Time }

func (p phaseWriter) Write(b []byte) (int, error) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(os.Stderr, "%7.2fs heap %5d MB  peak RSS %6s  %s", time.Since(p.start).Seconds(), ms.HeapInuse>>20, peakRSS(), b)
	return len(b), nil
}

// peakRSS reads the high-water mark of the resident set from /proc.
func peakRSS() string {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "?"
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			return f[1] + "k"
		}
	}
	return "?"
}

func main() {
	algo := flag.String("algo", "vta", "call graph `algorithm`")
	tests := flag.Bool("tests", false, "include tests")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile to `file`")
	flag.Parse()
	dir := "."
	if flag.NArg() > 0 {
		dir = flag.Arg(0)
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "phases:", err)
			os.Exit(1)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	p := phaseWriter{time.Now()}
	g, err := analyzer.Load(context.Background(), dir, nil, analyzer.Options{Algorithm: *algo, Tests: *tests, Progress: p})
	if err != nil {
		fmt.Fprintln(os.Stderr, "phases:", err)
		return
	}
	fmt.Fprintf(p, "done: %d packages, %d functions, %d calls, %d hazards\n", len(g.Packages), len(g.Funcs), len(g.Calls), len(g.Hazards))
}

package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/cleave-go/cleave/analyzer"
)

type pw struct{ start time.Time }

func rss() string {
	data, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, "VmHWM") || strings.HasPrefix(l, "VmRSS") {
			fmt.Fprint(os.Stderr, strings.Join(strings.Fields(l), " "), " ")
		}
	}
	return ""
}

func (p pw) Write(b []byte) (int, error) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(os.Stderr, "%6.2fs heap=%4dMB ", time.Since(p.start).Seconds(), ms.HeapInuse>>20)
	rss()
	os.Stderr.Write(b)
	return len(b), nil
}

func main() {
	p := pw{time.Now()}
	f, _ := os.Create("/tmp/cpu.prof")
	pprof.StartCPUProfile(f)
	defer pprof.StopCPUProfile()
	g, err := analyzer.Load(context.Background(), os.Args[1], nil, analyzer.Options{Algorithm: os.Getenv("ALGO"), Progress: p})
	if err != nil {
		fmt.Println(err)
		return
	}
	p.Write([]byte(fmt.Sprintf("done: %d funcs %d calls\n", len(g.Funcs), len(g.Calls))))
}

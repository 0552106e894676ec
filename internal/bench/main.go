// Command bench measures cleave analyze against the reference call graph
// tool and against the bare cost of loading the packages, in one run, on
// the same packages of one module:
//
//	go run ./internal/bench [-n runs] [-modcache module@version | -dir dir] [patterns]
//
// It builds cleave, golang.org/x/tools/cmd/callgraph (the version in
// go.mod) and the floor command into a temporary directory, then runs
//
//	floor               go/packages with full syntax and types (what callgraph loads)
//	floor -lean         the same, dependencies without function bodies (what cleave loads)
//	callgraph -algo=vta the reference
//	cleave analyze --json
//
// and prints wall time, CPU time and peak RSS of each (the best of -n
// rounds, each round running every command once), the
// ratios, and the share of the reference's in-module call edges that
// cleave also finds (caller → callee, closures folded into their
// function, instantiations into their origin).
//
// With -modcache, the module is copied out of the module cache into a
// temporary directory; its requirements are raised to what the cache
// holds when needed. Nothing is fetched: GOPROXY=off. Not run by tests.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"
)

func main() {
	n := flag.Int("n", 1, "runs of each command; the best is reported")
	dir := flag.String("dir", "", "module `directory` to analyze")
	modcache := flag.String("modcache", "github.com/nats-io/nats-server/v2@v2.15.2", "analyze a copy of this `module@version` from the module cache (when -dir is empty)")
	tests := flag.Bool("tests", false, "include tests (-test / --tests)")
	flag.Parse()
	patterns := flag.Args()
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}
	if err := run(*n, *dir, *modcache, *tests, patterns); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// env keeps the go command off the network and on the local toolchain.
var env = append(os.Environ(), "GOPROXY=off", "GOSUMDB=off", "GOTOOLCHAIN=local", "GOWORK=off", "GOFLAGS=-mod=mod")

func run(n int, dir, modcache string, tests bool, patterns []string) error {
	tmp, err := os.MkdirTemp("", "cleave-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if dir == "" {
		if dir, err = copyFromCache(modcache, tmp); err != nil {
			return err
		}
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return err
	}
	bin := func(name string) string { return filepath.Join(tmp, "bin", name) }
	fmt.Fprintln(os.Stderr, "bench: building cleave, callgraph and floor")
	for _, b := range [][2]string{
		{"cleave", "./cmd/cleave"},
		{"callgraph", "golang.org/x/tools/cmd/callgraph"},
		{"floor", "./internal/bench/floor"},
	} {
		cmd := exec.Command("go", "build", "-o", bin(b[0]), b[1])
		cmd.Stderr = os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("build %s: %w", b[1], err)
		}
	}
	lines, files := countLines(dir, tests)
	testFlag := func(f string) []string {
		if tests {
			return []string{f}
		}
		return nil
	}
	cgFormat := `{{.Caller}}	{{.Callee}}	{{.Line}}`
	type job struct {
		name string
		args []string
	}
	jobs := []job{
		{"floor (go/packages, full syntax)", append(append([]string{bin("floor")}, testFlag("-test")...), patterns...)},
		{"floor -lean (deps without bodies)", append(append([]string{bin("floor"), "-lean"}, testFlag("-test")...), patterns...)},
		{"callgraph -algo=vta (reference)", append(append([]string{bin("callgraph"), "-algo=vta", "-format=" + cgFormat}, testFlag("-test")...), patterns...)},
		{"cleave analyze --json", append(append([]string{bin("cleave"), "analyze", "--json"}, testFlag("--tests")...), patterns...)},
	}
	// Warm the go command's caches once.
	if _, err := measure(dir, jobs[0].args); err != nil {
		return err
	}
	// Round after round of every command, so that a busy machine slows
	// them all alike; the best of the rounds counts.
	results := make([]result, len(jobs))
	for r := 0; r < n; r++ {
		for i, j := range jobs {
			fmt.Fprintf(os.Stderr, "bench: %s (round %d of %d)\n", j.name, r+1, n)
			res, err := measure(dir, j.args)
			if err != nil {
				return fmt.Errorf("%s: %w", j.name, err)
			}
			best := &results[i]
			if r == 0 || res.wall < best.wall {
				best.wall = res.wall
				best.out = res.out
			}
			if r == 0 || res.cpu < best.cpu {
				best.cpu = res.cpu
			}
			if r == 0 || res.rss < best.rss {
				best.rss = res.rss
			}
		}
	}
	var g struct {
		Module string
		Calls  []struct{ Caller, Callee string }
	}
	if err := json.Unmarshal(results[3].out, &g); err != nil {
		return fmt.Errorf("read cleave's JSON: %w", err)
	}
	mine := make(map[[2]string]bool)
	for _, c := range g.Calls {
		mine[[2]string{normalize(c.Caller), normalize(c.Callee)}] = true
	}
	// The reference's in-module edges: all of them, and those with a
	// call site in the source (not the implicit calls of package
	// initializers and instantiation wrappers, which have no call
	// expression to rewrite).
	ref := make(map[[2]string]bool)
	refPos := make(map[[2]string]bool)
	sc := bufio.NewScanner(bytes.NewReader(results[2].out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if len(f) != 3 || !inModule(f[0], g.Module) || !inModule(f[1], g.Module) {
			continue
		}
		e := [2]string{normalize(f[0]), normalize(f[1])}
		ref[e] = true
		if f[2] != "0" {
			refPos[e] = true
		}
	}
	count := func(ref map[[2]string]bool) (found int, missing []string) {
		for e := range ref {
			if mine[e] {
				found++
			} else {
				missing = append(missing, e[0]+" -> "+e[1])
			}
		}
		sort.Strings(missing)
		return found, missing
	}
	found, _ := count(ref)
	foundPos, missing := count(refPos)
	extra := 0
	for e := range mine {
		if !ref[e] {
			extra++
		}
	}

	fmt.Printf("module %s (%s): %d lines in %d Go files, patterns %s, tests %v\n\n",
		g.Module, dir, lines, files, strings.Join(patterns, " "), tests)
	fmt.Printf("%-36s %8s %8s %11s   %-17s %-17s %-17s\n", "command", "wall", "cpu", "peak RSS",
		"÷ref wall/cpu/mem", "÷floor wall/cpu/mem", "")
	ratio := func(r, base result) string {
		return fmt.Sprintf("%.2f/%.2f/%.2f", r.wall.Seconds()/base.wall.Seconds(), r.cpu.Seconds()/base.cpu.Seconds(), float64(r.rss)/float64(base.rss))
	}
	for i, j := range jobs {
		r := results[i]
		fmt.Printf("%-36s %7.2fs %7.2fs %8.0f MB   %-17s %-17s\n", j.name, r.wall.Seconds(), r.cpu.Seconds(), float64(r.rss)/1024,
			ratio(r, results[2]), ratio(r, results[0]))
	}
	pct := func(n, d int) float64 {
		if d == 0 {
			return 100
		}
		return 100 * float64(n) / float64(d)
	}
	fmt.Printf("\nin-module call edges (caller -> callee pairs): reference %d, cleave %d (%d not in the reference)\n", len(ref), len(mine), extra)
	fmt.Printf("cleave finds %d of the reference's %d edges (%.2f%%)\n", found, len(ref), pct(found, len(ref)))
	fmt.Printf("cleave finds %d of the reference's %d edges with a call site in the source (%.2f%%)\n", foundPos, len(refPos), pct(foundPos, len(refPos)))
	for i, m := range missing {
		if i == 20 {
			fmt.Printf("  ... %d more\n", len(missing)-i)
			break
		}
		fmt.Println("  missing:", m)
	}
	return nil
}

type result struct {
	wall time.Duration
	cpu  time.Duration // user + system, the command's and its children's
	rss  int64         // KB
	out  []byte
}

// measure runs args in dir and returns its wall time, peak RSS and stdout.
func measure(dir string, args []string) (result, error) {
	var out, errb bytes.Buffer
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdout = &out
	cmd.Stderr = &errb
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return result{}, fmt.Errorf("%w\n%s", err, tail(errb.String()))
	}
	ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	res := result{wall: wall, out: out.Bytes()}
	if ru != nil {
		res.rss = ru.Maxrss
		res.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return res, nil
}

func tail(s string) string {
	if len(s) > 2000 {
		return "..." + s[len(s)-2000:]
	}
	return s
}

// copyFromCache copies module@version out of the module cache into a
// writable directory under tmp and tidies its requirements offline.
func copyFromCache(modver, tmp string) (string, error) {
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		return "", err
	}
	src := filepath.Join(strings.TrimSpace(string(out)), modver)
	dst := filepath.Join(tmp, "src")
	err = filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		t := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(t, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(t, data, 0o644)
	})
	if err != nil {
		return "", fmt.Errorf("copy %s: %w", modver, err)
	}
	// Raise requirements the cache does not hold to the versions this
	// module uses, then let the go command fill go.sum from the cache.
	cmd := exec.Command("go", "mod", "edit",
		"-require=github.com/nats-io/nats.go@v1.55.0", "-require=golang.org/x/sys@v0.50.0", "-toolchain=none")
	cmd.Dir, cmd.Env, cmd.Stderr = dst, env, os.Stderr
	if strings.HasPrefix(modver, "github.com/nats-io/nats-server/") {
		if err := cmd.Run(); err != nil {
			return "", fmt.Errorf("go mod edit: %w", err)
		}
	}
	cmd = exec.Command("go", "list", "-deps", "-test", "./...")
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = dst, env, nil, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("prepare %s: %w", modver, err)
	}
	return dst, nil
}

// countLines counts the lines of the module's Go files.
func countLines(dir string, tests bool) (lines, files int) {
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && (d.Name() == "testdata" || d.Name() == "vendor") {
			return filepath.SkipDir
		}
		if !strings.HasSuffix(p, ".go") || (!tests && strings.HasSuffix(p, "_test.go")) {
			return nil
		}
		data, err := os.ReadFile(p)
		if err == nil {
			files++
			lines += bytes.Count(data, []byte("\n"))
		}
		return nil
	})
	return lines, files
}

// inModule reports whether a function name printed by go/ssa belongs to
// the module.
func inModule(name, module string) bool {
	name = strings.TrimLeft(name, "(*")
	return strings.HasPrefix(name, module+"/") || strings.HasPrefix(name, module+".")
}

// normalize maps an SSA function name and a cleave Func.ID to the same
// key: type arguments, closure suffixes ($1), init numbers (#1) and
// receiver pointers dropped.
func normalize(name string) string {
	var b strings.Builder
	depth := 0
	for i := 0; i < len(name); i++ {
		switch c := name[i]; {
		case c == '[':
			depth++
		case c == ']':
			depth--
		case depth > 0:
		case c == '$' || c == '#':
			// Skip to the end of this suffix: digits or a word.
			j := i + 1
			for j < len(name) && name[j] != '[' && name[j] != '$' && name[j] != '#' && name[j] != ')' {
				j++
			}
			i = j - 1
		case c == '*':
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func init() {
	// Other tests of this package may define -update too.
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files")
	}
}

func updateGolden() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// cleaveCmd runs cleave in-process inside a testscript, in the script's
// current directory.
func cleaveCmd(ts *testscript.TestScript, neg bool, args []string) {
	args = append([]string(nil), args...)
	for i := 0; i+1 < len(args); i++ {
		if args[i] == "-C" || args[i] == "--dir" {
			args[i+1] = ts.MkAbs(args[i+1])
		}
	}
	if len(args) > 0 && args[0] == "analyze" {
		args = append([]string{"analyze", "-C", ts.MkAbs(".")}, args[1:]...)
	}
	code := run(args, ts.Stdout(), ts.Stderr())
	if code != 0 && !neg {
		ts.Fatalf("cleave %s: exit status %d", strings.Join(args, " "), code)
	}
	if code == 0 && neg {
		ts.Fatalf("cleave %s: unexpected success", strings.Join(args, " "))
	}
}

func TestAnalyzeScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:  "testdata/analyze_scripts",
		Cmds: map[string]func(*testscript.TestScript, bool, []string){"cleave": cleaveCmd},
	})
}

// TestAnalyzeGolden compares the summary and the JSON of the test
// monoliths with the files under testdata/analyze_golden. Run with
// -update to rewrite them.
func TestAnalyzeGolden(t *testing.T) {
	for _, name := range []string{"shop", "clinic"} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join("..", "..", "testdata", name)
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
				t.Skipf("no test monolith %s: %v", name, err)
			}
			for _, format := range []string{"txt", "json"} {
				var out bytes.Buffer
				o := analyzeOptions{dir: dir, algo: "vta", json: format == "json"}
				if err := runAnalyze(context.Background(), o, &out, nil); err != nil {
					t.Fatalf("analyze %s: %v", name, err)
				}
				golden := filepath.Join("testdata", "analyze_golden", name+"."+format)
				if updateGolden() {
					if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test -run TestAnalyzeGolden -update)", err)
				}
				if !bytes.Equal(out.Bytes(), want) {
					t.Errorf("analyze %s (%s) differs from %s; run go test -run TestAnalyzeGolden -update and review the diff\n%s",
						name, format, golden, firstDiff(out.String(), string(want)))
				}
			}
		})
	}
}

// firstDiff shows the first line where got and want differ.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d:\n got: %s\nwant: %s", i+1, gl, wl)
		}
	}
	return ""
}

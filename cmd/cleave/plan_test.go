package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func init() {
	// Other tests of this package may define -update too.
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files")
	}
}

// TestPlanGolden plans the test monoliths against their truth and compares
// the plan with testdata/plan_<name>.golden (go test -update rewrites it).
// The analyzer's wording of a blocker (message, fix) is left out of the
// comparison: it is the analyzer's to change. The score table is logged:
// go test -run TestPlanGolden -v shows it.
func TestPlanGolden(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the test monoliths")
	}
	for _, name := range []string{"shop", "clinic"} {
		dir := filepath.Join("..", "..", "testdata", name)
		var stdout, stderr bytes.Buffer
		o := planOptions{dir: dir, algo: "vta", truth: "truth.yaml"}
		if err := runPlan(context.Background(), o, &stdout, &stderr); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		t.Logf("%s:\n%s", name, stderr.String())
		golden := filepath.Join("testdata", "plan_"+name+".golden")
		got := withoutWording(stdout.Bytes())
		if f := flag.Lookup("update"); f != nil && f.Value.String() == "true" {
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: plan differs from %s (go test -update to accept)", name, golden)
		}
		if !strings.Contains(stderr.String(), "mojofm") {
			t.Errorf("%s: no mojofm in the score table:\n%s", name, stderr.String())
		}

		// The plan checks clean; a broken copy does not.
		file := filepath.Join(t.TempDir(), "plan.yaml")
		if err := os.WriteFile(file, stdout.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := runCheck(context.Background(), checkOptions{dir: dir, algo: "vta", file: file}, &out); err != nil {
			t.Errorf("%s: check of the proposed plan: %v\n%s", name, err, out.String())
		}
		bad := strings.Replace(stdout.String(), "version: 1", "version: 9", 1)
		if err := os.WriteFile(file, []byte(bad), 0o644); err != nil {
			t.Fatal(err)
		}
		out.Reset()
		err = runCheck(context.Background(), checkOptions{dir: dir, algo: "vta", file: file}, &out)
		if err == nil || !strings.Contains(out.String(), file+":") || !strings.Contains(out.String(), "unknown plan version 9") {
			t.Errorf("%s: check of a bad plan = %v, %q; want a version problem", name, err, out.String())
		}
	}
}

func TestPlanJSON(t *testing.T) {
	if testing.Short() {
		t.Skip("loads a test monolith")
	}
	var stdout, stderr bytes.Buffer
	o := planOptions{dir: filepath.Join("..", "..", "testdata", "shop"), algo: "vta", json: true, services: 4}
	if err := runPlan(context.Background(), o, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	var v struct {
		Plan struct {
			Services []struct{ Name string } `json:"services"`
			Scores   struct {
				Split struct{ ICP float64 } `json:"split"`
			} `json:"scores"`
		} `json:"plan"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &v); err != nil {
		t.Fatalf("plan --json: %v\n%s", err, stdout.String())
	}
	if len(v.Plan.Services) != 4 {
		t.Errorf("plan --json --services 4: %d services", len(v.Plan.Services))
	}
	if stderr.Len() > 0 {
		t.Errorf("plan --json wrote to stderr: %s", stderr.String())
	}
}

func TestPlanFlagsErrors(t *testing.T) {
	for _, args := range [][]string{
		{"plan", "--pin", "orders"},
		{"plan", "--services", "-2"},
		{"plan", "--update", "x.yaml", "--services", "3"},
	} {
		var out, errOut bytes.Buffer
		if code := run(args, &out, &errOut); code == 0 || !strings.HasPrefix(errOut.String(), "cleave: plan: ") {
			t.Errorf("cleave %v = %d, %q; want an error", args, code, errOut.String())
		}
	}
}

// withoutWording drops the message and fix lines of blockers from a plan.
func withoutWording(plan []byte) []byte {
	var out []string
	for _, l := range strings.SplitAfter(string(plan), "\n") {
		if strings.HasPrefix(l, "    message: ") || strings.HasPrefix(l, "    fix: ") {
			continue
		}
		out = append(out, l)
	}
	return []byte(strings.Join(out, ""))
}

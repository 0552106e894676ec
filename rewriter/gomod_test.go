package rewriter_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"

	"github.com/cleave-go/cleave/rewriter"
)

const (
	cleaveModule  = "github.com/cleave-go/cleave"
	runtimeModule = "github.com/cleave-go/cleave/runtime"
)

// TestOldModule applies a split to a module declaring go 1.20 and
// requiring cobra v1.5.0 (testdata/gomod/oldmod.txtar): the module gains
// the runtime module and its requirements only, so its go directive is
// raised to the runtime's, not to cleave's, cobra keeps its version, and
// the result builds, vets and passes its tests with go.mod as written.
func TestOldModule(t *testing.T) {
	dir := extract(t, filepath.Join("testdata", "gomod", "oldmod.txtar"))
	p := truthPlan(t, dir, filepath.Join(dir, "services.yaml"))
	out := filepath.Join(t.TempDir(), "out")
	res, err := rewriter.Apply(context.Background(), dir, p, rewriter.Options{Out: out})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Wrote || len(res.Generated) == 0 {
		t.Fatalf("Apply wrote %v, generated %q; want a split", res.Wrote, res.Generated)
	}
	before := readMod(t, dir)
	after := readMod(t, out)
	checkLinked(t, before, after)
	readonly(t, out, "build", "./...")
	readonly(t, out, "vet", "./...")
	readonly(t, out, "test", "-count=1", "./...")
}

// TestOldApplyMigrates applies again to a module an earlier cleave split,
// whose go.mod requires and replaces the whole cleave module: the second
// apply drops that requirement for the runtime module's, and the result
// builds as written.
func TestOldApplyMigrates(t *testing.T) {
	dir := extract(t, filepath.Join("testdata", "gomod", "oldmod.txtar"))
	p := truthPlan(t, dir, filepath.Join(dir, "services.yaml"))
	before := readMod(t, dir)
	if _, err := rewriter.Apply(context.Background(), dir, p, rewriter.Options{}); err != nil {
		t.Fatal(err)
	}
	// Make go.mod what an earlier cleave left: the whole cleave module
	// required and replaced by its source tree.
	mf := readMod(t, dir)
	if err := mf.DropRequire(runtimeModule); err != nil {
		t.Fatal(err)
	}
	if err := mf.DropReplace(runtimeModule, ""); err != nil {
		t.Fatal(err)
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if err := mf.AddRequire(cleaveModule, "v0.0.0-00010101000000-000000000000"); err != nil {
		t.Fatal(err)
	}
	if err := mf.AddReplace(cleaveModule, "", root, ""); err != nil {
		t.Fatal(err)
	}
	mf.Cleanup()
	data, err := mf.Format()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := rewriter.Apply(context.Background(), dir, p, rewriter.Options{})
	if err != nil {
		t.Fatalf("second Apply: %v", err)
	}
	already := 0
	for _, tr := range res.Topics {
		already += tr.Already
	}
	if already == 0 {
		t.Error("second apply saw no rewritten sites")
	}
	checkLinked(t, before, readMod(t, dir))
	readonly(t, dir, "build", "./...")
	readonly(t, dir, "vet", "./...")
}

// checkLinked checks that after, the go.mod apply wrote from before, links
// the runtime module and adds nothing but what the runtime requires.
func checkLinked(t *testing.T, before, after *modfile.File) {
	t.Helper()
	rt := readMod(t, filepath.Join("..", "runtime"))
	if after.Go == nil || after.Go.Version != rt.Go.Version {
		t.Errorf("go directive after apply = %v; want the runtime's, %s", after.Go, rt.Go.Version)
	}
	was := map[string]string{}
	for _, r := range before.Require {
		was[r.Mod.Path] = r.Mod.Version
	}
	// What the runtime module may bring in: its own requirements, at its
	// versions or newer ones the module already had.
	runtimeReqs := map[string]bool{}
	for _, r := range rt.Require {
		runtimeReqs[r.Mod.Path] = true
	}
	linked := false
	for _, r := range after.Require {
		switch {
		case r.Mod.Path == runtimeModule:
			linked = true
		case r.Mod.Path == cleaveModule:
			t.Errorf("go.mod still requires the whole cleave module: %s %s", r.Mod.Path, r.Mod.Version)
		case was[r.Mod.Path] != "":
			if r.Mod.Version != was[r.Mod.Path] {
				t.Errorf("apply changed the module's requirement %s %s to %s", r.Mod.Path, was[r.Mod.Path], r.Mod.Version)
			}
		case !runtimeReqs[r.Mod.Path]:
			t.Errorf("apply added %s %s, which the runtime module does not require", r.Mod.Path, r.Mod.Version)
		}
	}
	if !linked {
		t.Error("go.mod does not require the runtime module")
	}
	for _, r := range after.Replace {
		if r.Old.Path == cleaveModule {
			t.Errorf("go.mod still replaces the whole cleave module: => %s", r.New.Path)
		}
		if r.Old.Path == runtimeModule {
			if _, err := os.Stat(filepath.Join(r.New.Path, "bus")); err != nil {
				t.Errorf("go.mod replaces the runtime module with %s: %v", r.New.Path, err)
			}
		}
	}
}

func readMod(t *testing.T, dir string) *modfile.File {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	mf, err := modfile.Parse("go.mod", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	return mf
}

// readonly runs the go command in dir with go.mod and go.sum as they are.
func readonly(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

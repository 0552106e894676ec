// Package cleave_test holds the repository-wide tests: the test monoliths
// under testdata/ are modules of their own, so `go test ./...` at the root
// does not build them; this test runs their own tests.
package cleave_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestMonolithsOwnTests runs `go test ./...` in every test monolith: the
// yardstick every rewrite is measured against must itself pass.
func TestMonolithsOwnTests(t *testing.T) {
	mods, err := filepath.Glob(filepath.Join("testdata", "*", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	if len(mods) == 0 {
		t.Fatal("no test monoliths under testdata/")
	}
	for _, mod := range mods {
		dir := filepath.Dir(mod)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command("go", "test", "-count=1", "./...")
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("go test ./... in %s: %v\n%s", dir, err, out)
			}
		})
	}
}

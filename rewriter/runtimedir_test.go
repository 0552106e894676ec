package rewriter

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestRuntimeDir: CLEAVE_RUNTIME_DIR (or Options.Runtime) may name the
// cleave source tree or its runtime module's directory; anything else is
// refused with a message saying what it must be.
func TestRuntimeDir(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(root, "runtime")
	for _, dir := range []string{root, want} {
		got, err := runtimeDir(dir)
		if err != nil || got != want {
			t.Errorf("runtimeDir(%s) = %q, %v; want %q", dir, got, err, want)
		}
	}
	t.Setenv("CLEAVE_RUNTIME_DIR", root)
	if got, err := runtimeDir(""); err != nil || got != want {
		t.Errorf("runtimeDir(\"\") with CLEAVE_RUNTIME_DIR=%s = %q, %v; want %q", root, got, err, want)
	}
	other := t.TempDir()
	if _, err := runtimeDir(other); err == nil || !strings.Contains(err.Error(), "CLEAVE_RUNTIME_DIR may name either") {
		t.Errorf("runtimeDir(%s) = %v; want an error naming what CLEAVE_RUNTIME_DIR may name", other, err)
	}
}

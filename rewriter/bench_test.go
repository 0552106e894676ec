package rewriter_test

import (
	"context"
	"path/filepath"
	"testing"

	"golang.org/x/tools/go/packages"

	"github.com/cleave-go/cleave/rewriter"
)

// BenchmarkApply measures a dry-run apply of the shop's proposed plan
// (load, resolve, generate, type-check the result) beside its reference:
// loading the module with go/packages the way apply does, once.
//
//	go test ./rewriter -run '^$' -bench Apply -benchtime 3x
func BenchmarkApply(b *testing.B) {
	dir := filepath.Join("..", "testdata", "shop")
	p := proposedPlan(b, dir)
	b.Run("load", func(b *testing.B) {
		for b.Loop() {
			cfg := &packages.Config{Mode: packages.LoadAllSyntax &^ packages.NeedDeps, Dir: dir, Tests: true}
			if _, err := packages.Load(cfg, "./..."); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("apply", func(b *testing.B) {
		for b.Loop() {
			if _, err := rewriter.Apply(context.Background(), dir, p, rewriter.Options{DryRun: true}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

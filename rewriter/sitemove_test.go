package rewriter_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cleave-go/cleave/rewriter"
)

// TestSiteLineMoved: lines added above a call since the plan was made
// (an earlier apply's imports) move it down; the plan's line now holds a
// line shorter than the call's column. The site is still found, at the
// plan's column a few lines down (remark42's second apply failed with "no
// call of ... here").
func TestSiteLineMoved(t *testing.T) {
	dir, p := fixture(t, "nestedctor")
	web := filepath.Join(dir, "web", "web.go")
	src, err := os.ReadFile(web)
	if err != nil {
		t.Fatal(err)
	}
	moved := strings.Replace(string(src), "package web\n", "package web\n\n// Two lines more.\n", 1)
	if err := os.WriteFile(web, []byte(moved), 0o644); err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(moved, "\n"); len(lines) < 24 || len(lines[23]) >= 15 {
		t.Fatalf("web.go line 24 is %q; want a line shorter than the site's column 15", lines[23])
	}
	res, err := rewriter.Apply(context.Background(), dir, p, rewriter.Options{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Files {
		if f.Path == "web/web.go" && strings.Contains(strings.Join(f.Sites, " "), "web/web.go:26:15") {
			return
		}
	}
	t.Errorf("web/web.go:26:15 not rewritten; files: %+v", res.Files)
}

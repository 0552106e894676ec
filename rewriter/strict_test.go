package rewriter_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cleave-go/cleave/planner"
	"github.com/cleave-go/cleave/rewriter"
)

// TestStrict: under Strict, apply writes the split when every crossing
// is rewritten and no blocker stays, and refuses it, naming the place and
// writing nothing, when the plan carries a blocker on no topic or blocks
// a topic's calls.
func TestStrict(t *testing.T) {
	dir, p := fixture(t, "nestedctor")
	clean := filepath.Join(t.TempDir(), "clean")
	if _, err := rewriter.Apply(context.Background(), dir, p, rewriter.Options{Out: clean, Strict: true}); err != nil {
		t.Fatalf("strict apply of a plan without blockers: %v", err)
	}
	if len(p.Topics) == 0 {
		t.Fatal("fixture plan has no topics")
	}
	for _, tc := range []struct {
		name    string
		blocker *planner.Blocker
		want    string
	}{
		{"carried", &planner.Blocker{Kind: planner.BlockerLocalCopy, Pos: "web/web.go:24:16", Message: "(*billing.Service).Charge stays a direct call"},
			"web/web.go:24:16: the plan's local-copy blocker stays in the split"},
		{"topic", &planner.Blocker{Kind: planner.BlockerSharedCall, Pos: "web/web.go:24:16", Topic: p.Topics[0].Subject, Message: "blocked by hand"},
			p.Topics[0].Subject + " left alone: blocked"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := *p
			q.Blockers = append([]*planner.Blocker{tc.blocker}, p.Blockers...)
			out := filepath.Join(t.TempDir(), "out")
			_, err := rewriter.Apply(context.Background(), dir, &q, rewriter.Options{Out: out, Strict: true})
			if err == nil || !strings.Contains(err.Error(), "--strict") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Apply = %v; want a --strict error naming %q", err, tc.want)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("%s written under --strict: %v", out, err)
			}
		})
	}
}

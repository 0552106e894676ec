package rewriter_test

import "testing"

// TestSecondApplyListen: listening redirected through the runtime (net/http
// outside main, the frameworks' start calls) is not redirected again.
func TestSecondApplyListen(t *testing.T) {
	for _, name := range []string{"listen", "frameworks"} {
		t.Run(name, func(t *testing.T) { testSecondApply(t, name) })
	}
}

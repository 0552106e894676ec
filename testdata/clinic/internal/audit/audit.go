// Package audit keeps the clinic's audit trail: who did what to which
// record, one line per action. Regulators ask for it (controlled drugs,
// cancelled invoices), so every module records its writes here.
//
// The trail goes to Out, which is io.Discard until the clinic command points
// it at a file (-audit).
package audit

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"example.com/clinic/internal/clock"
)

// Out receives the trail. Set it before any module writes.
var Out io.Writer = io.Discard

var mu sync.Mutex

// Record writes one audit line: the time, the actor, the action, then the
// key/value pairs in kv. A key without a value is written as key=?.
func Record(actor, action string, kv ...any) {
	var b strings.Builder
	b.WriteString(clock.Now().UTC().Format(time.RFC3339))
	b.WriteString(" ")
	b.WriteString(actor)
	b.WriteString(" ")
	b.WriteString(action)
	for i := 0; i < len(kv); i += 2 {
		v := any("?")
		if i+1 < len(kv) {
			v = kv[i+1]
		}
		fmt.Fprintf(&b, " %v=%v", kv[i], v)
	}
	b.WriteString("\n")
	mu.Lock()
	defer mu.Unlock()
	io.WriteString(Out, b.String())
}

package launch

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
)

// palette holds the ANSI colours of the log prefixes, one per service in turn.
var palette = []string{"\x1b[36m", "\x1b[33m", "\x1b[32m", "\x1b[35m", "\x1b[34m", "\x1b[96m", "\x1b[93m", "\x1b[92m", "\x1b[95m", "\x1b[94m"}

const reset = "\x1b[0m"

// logger interleaves whole lines of several services on one writer.
type logger struct {
	mu    sync.Mutex
	w     io.Writer
	width int
	color bool
}

func (l *logger) print(name, color, line string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	pad := strings.Repeat(" ", max(0, l.width-len(name)))
	if l.color {
		fmt.Fprintf(l.w, "%s[%s]%s%s %s\n", color, name, reset, pad, line)
	} else {
		fmt.Fprintf(l.w, "[%s]%s %s\n", name, pad, line)
	}
}

// lineWriter splits what a process writes into lines.
type lineWriter struct {
	mu   sync.Mutex
	buf  []byte
	line func(string)
}

// maxLine bounds a line held back waiting for its newline.
const maxLine = 64 << 10

func (w *lineWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, b...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			break
		}
		w.line(strings.TrimRight(string(w.buf[:i]), "\r"))
		w.buf = w.buf[i+1:]
	}
	if len(w.buf) > maxLine {
		w.line(string(w.buf))
		w.buf = w.buf[:0]
	}
	return len(b), nil
}

// flush hands on a last line without a newline.
func (w *lineWriter) flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.buf) > 0 {
		w.line(string(w.buf))
		w.buf = nil
	}
}

// ring keeps the last n lines.
type ring struct {
	mu   sync.Mutex
	n    int
	buf  []string
	next int
	full bool
}

func newRing(n int) *ring { return &ring{n: n, buf: make([]string, n)} }

func (r *ring) add(l string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.buf[r.next] = l
	r.next = (r.next + 1) % r.n
	if r.next == 0 {
		r.full = true
	}
}

func (r *ring) lines() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.full {
		return append([]string(nil), r.buf[:r.next]...)
	}
	return append(append([]string(nil), r.buf[r.next:]...), r.buf[:r.next]...)
}

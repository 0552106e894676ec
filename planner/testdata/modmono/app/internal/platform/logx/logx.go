// Package logx is the module's logger, used by every module.
package logx

import "fmt"

// Logger prefixes lines with a name.
type Logger struct{ name string }

// New returns a logger for name.
func New(name string) *Logger { return &Logger{name: name} }

// Printf logs a line.
func (l *Logger) Printf(format string, args ...any) {
	fmt.Printf(l.name+": "+format+"\n", args...)
}

//go:build unix

package launch

import (
	"errors"
	"os"
	"os/exec"
	"syscall"
)

// sysProcAttr puts a service in its own process group, so a Ctrl-C at the
// terminal reaches only the supervisor, which then stops services in order.
func sysProcAttr() *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Setpgid: true}
	setDeathSignal(a)
	return a
}

func terminate(p *os.Process) error { return p.Signal(syscall.SIGTERM) }

func exeSuffix() string { return "" }

// terminated reports whether err says the process died of the SIGTERM it
// was sent (a program without a handler for it): a clean stop.
func terminated(err error) bool {
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return false
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGTERM
}

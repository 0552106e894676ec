//go:build unix

package launch

import (
	"os"
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

package launch

import "syscall"

// setDeathSignal has Linux send SIGTERM to a service whose supervisor died
// without stopping it.
func setDeathSignal(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGTERM }

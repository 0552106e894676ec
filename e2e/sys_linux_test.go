package e2e

import "syscall"

// dieWithParent has the processes a test starts itself get SIGTERM if the
// test binary dies (a timeout panic) before stopping them.
func dieWithParent() *syscall.SysProcAttr { return &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM} }

//go:build !unix

package launch

import (
	"os"
	"syscall"
)

func sysProcAttr() *syscall.SysProcAttr { return nil }

// terminate kills p: there is no SIGTERM to send here.
func terminate(p *os.Process) error { return p.Kill() }

func exeSuffix() string { return ".exe" }

func terminated(error) bool { return false }

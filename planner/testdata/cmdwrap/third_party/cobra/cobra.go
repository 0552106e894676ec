// Package cobra stands in for github.com/spf13/cobra: commands with a
// body the library runs when the program starts.
package cobra

import (
	"fmt"
	"os"
)

// Command is a command-line command.
type Command struct {
	Use  string
	RunE func(cmd *Command, args []string) error
	subs []*Command
}

// AddCommand adds sub-commands.
func (c *Command) AddCommand(cmds ...*Command) { c.subs = append(c.subs, cmds...) }

// Execute runs the sub-command the program's first argument names.
func (c *Command) Execute() error {
	args := os.Args[1:]
	for _, s := range c.subs {
		if len(args) > 0 && args[0] == s.Use {
			return s.RunE(s, args[1:])
		}
	}
	return fmt.Errorf("unknown command %v", args)
}

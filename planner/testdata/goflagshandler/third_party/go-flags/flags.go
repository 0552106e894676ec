// Package flags stands in for github.com/jessevdk/go-flags: commands are
// fields of the options struct tagged `command:"name"` (or added with
// AddCommand), and Parse runs the chosen one's Execute.
package flags

import (
	"fmt"
	"os"
	"reflect"
)

// Commander is a command Parse runs.
type Commander interface {
	Execute(args []string) error
}

// Options are the parser's behaviours.
type Options uint

// Default is the usual set of options.
const Default Options = 0

// Parser parses the command line into data.
type Parser struct {
	data     any
	commands map[string]Commander
	// CommandHandler, when set, runs the chosen command instead of its
	// Execute.
	CommandHandler func(command Commander, args []string) error
}

// NewParser returns a parser filling data.
func NewParser(data any, options Options) *Parser {
	p := &Parser{data: data, commands: map[string]Commander{}}
	v := reflect.ValueOf(data).Elem()
	for i := 0; i < v.NumField(); i++ {
		if name, ok := v.Type().Field(i).Tag.Lookup("command"); ok {
			if c, ok := v.Field(i).Addr().Interface().(Commander); ok {
				p.commands[name] = c
			}
		}
	}
	return p
}

// AddCommand adds a command named name; data is its Commander.
func (p *Parser) AddCommand(name, short, long string, data any) (*Parser, error) {
	c, ok := data.(Commander)
	if !ok {
		return nil, fmt.Errorf("%s: %T is no Commander", name, data)
	}
	p.commands[name] = c
	return p, nil
}

// Parse runs the command the program's first argument names.
func (p *Parser) Parse() ([]string, error) {
	args := os.Args[1:]
	if len(args) == 0 {
		return nil, fmt.Errorf("no command")
	}
	c, ok := p.commands[args[0]]
	if !ok {
		return nil, fmt.Errorf("unknown command %s", args[0])
	}
	if p.CommandHandler != nil {
		return nil, p.CommandHandler(c, args[1:])
	}
	return nil, c.Execute(args[1:])
}

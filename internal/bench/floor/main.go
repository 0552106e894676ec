// Command floor loads packages with go/packages and nothing else: the
// cost any call graph tool pays before it starts. It is the floor the
// bench command measures cleave against.
//
//	floor [-lean] [-test] [-C dir] [patterns]
//
// By default it loads every package with full syntax and types, as the
// reference callgraph tool does. With -lean, packages outside the module
// are parsed without function bodies, as cleave's analyzer does.
package main

import (
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/tools/go/packages"
)

func main() {
	lean := flag.Bool("lean", false, "parse packages outside the directory without function bodies")
	dir := flag.String("C", ".", "run in `dir`")
	tests := flag.Bool("test", false, "include tests")
	flag.Parse()
	patterns := flag.Args()
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}
	abs, err := filepath.Abs(*dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
	cfg := &packages.Config{Mode: packages.LoadAllSyntax, Dir: abs, Tests: *tests}
	if *lean {
		cfg.ParseFile = func(fset *token.FileSet, filename string, src []byte) (*ast.File, error) {
			if strings.HasPrefix(filename, abs+string(filepath.Separator)) {
				return parser.ParseFile(fset, filename, src, parser.AllErrors|parser.ParseComments|parser.SkipObjectResolution)
			}
			f, err := parser.ParseFile(fset, filename, src, parser.SkipObjectResolution)
			if f != nil {
				for _, d := range f.Decls {
					if fd, ok := d.(*ast.FuncDecl); ok {
						fd.Body = nil
					}
				}
			}
			return f, err
		}
	}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
	n := 0
	packages.Visit(pkgs, nil, func(*packages.Package) { n++ })
	fmt.Printf("%d root packages, %d packages in all\n", len(pkgs), n)
}

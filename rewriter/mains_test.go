package rewriter

import (
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

// TestDropUnusedImports: a copied main keeps the imports it uses, also
// those whose package name is not the last element of the path
// (github.com/go-ozzo/ozzo-dbx is package dbx, .../v2 is package routing),
// and drops the others.
func TestDropUnusedImports(t *testing.T) {
	src := `package main

import (
	"fmt"
	"os"

	"github.com/go-ozzo/ozzo-dbx"
	"github.com/go-ozzo/ozzo-routing/v2"
	_ "github.com/lib/pq"
	log2 "log"
)

func monolithMain() {
	db, _ := dbx.Open("postgres", "")
	r := routing.New()
	fmt.Println(db, r)
}
`
	imports := map[string]*packages.Package{
		"fmt":                                {Name: "fmt"},
		"os":                                 {Name: "os"},
		"log":                                {Name: "log"},
		"github.com/go-ozzo/ozzo-dbx":        {Name: "dbx"},
		"github.com/go-ozzo/ozzo-routing/v2": {Name: "routing"},
		"github.com/lib/pq":                  {Name: "pq"},
	}
	out, err := dropUnusedImports([]byte(src), imports)
	if err != nil {
		t.Fatal(err)
	}
	got := string(out)
	for _, keep := range []string{`"fmt"`, `"github.com/go-ozzo/ozzo-dbx"`, `"github.com/go-ozzo/ozzo-routing/v2"`, `_ "github.com/lib/pq"`} {
		if !strings.Contains(got, keep) {
			t.Errorf("dropUnusedImports dropped %s:\n%s", keep, got)
		}
	}
	for _, drop := range []string{`"os"`, `"log"`} {
		if strings.Contains(got, drop) {
			t.Errorf("dropUnusedImports kept %s:\n%s", drop, got)
		}
	}
}

package planner

import (
	"bytes"
	"strings"
	"testing"
)

func proposedYAML(t *testing.T) []byte {
	t.Helper()
	m := testModule + "/"
	p := &Plan{Version: PlanVersion, Module: testModule, Broker: "nats", Prefix: "m",
		Services: []*Service{
			{Name: "api", Packages: []string{m + "api", m + "cmd/shop"}, Edge: true},
			{Name: "billing", Packages: []string{m + "billing", m + "billing/ledger", m + "notify", m + "notify/mail"}},
			{Name: "orders", Packages: []string{m + "orders", m + "orders/store"}},
		},
		Shared: []string{m + "money"}}
	if err := Refresh(shopGraph(), p); err != nil {
		t.Fatal(err)
	}
	data, err := Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// lineOf returns the 1-based line of the first line of src containing s.
func lineOf(t *testing.T, src, s string) int {
	t.Helper()
	for i, l := range strings.Split(src, "\n") {
		if strings.Contains(l, s) {
			return i + 1
		}
	}
	t.Fatalf("%q not in:\n%s", s, src)
	return 0
}

func TestCheckClean(t *testing.T) {
	src := proposedYAML(t)
	if probs := Check(shopGraph(), nil, src); len(probs) > 0 {
		t.Errorf("Check(proposed plan) = %v; want none\n%s", probs, src)
	}
	p, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, src) {
		t.Errorf("Marshal(Parse(x)) != x:\n%s\n---\n%s", again, src)
	}
}

func TestCheckProblems(t *testing.T) {
	m := testModule + "/"
	base := string(proposedYAML(t))
	tests := []struct {
		name   string
		edit   func(string) string
		marker string // the line the problem is on contains this (after the edit)
		want   string // in the message
	}{
		{"invalid yaml", func(s string) string { return strings.Replace(s, "prefix: m", "prefix: m: x", 1) },
			"prefix: m: x", "mapping values are not allowed"},
		{"unknown version", func(s string) string { return strings.Replace(s, "version: 1", "version: 7", 1) },
			"version: 7", "unknown plan version 7"},
		{"unknown field", func(s string) string { return strings.Replace(s, "broker: nats", "broker: nats\nbrokr: x", 1) },
			"brokr: x", "field brokr not found"},
		{"package gone", func(s string) string {
			return strings.Replace(s, "- "+m+"orders/store", "- "+m+"orders/store\n      - "+m+"orders/gone", 1)
		}, "orders/gone", "does not exist"},
		{"package twice", func(s string) string {
			return strings.Replace(s, "- "+m+"orders/store", "- "+m+"orders/store\n      - "+m+"billing/ledger # dup", 1)
		}, "# dup", "is in service"},
		{"package in none", func(s string) string {
			return strings.Replace(s, "      - "+m+"notify/mail\n", "", 1)
		}, "services:", "notify/mail is in no service"},
		{"bad service name", func(s string) string { return strings.Replace(s, "name: billing", "name: Billing", 1) },
			"name: Billing", "not a lower-case Go identifier"},
		{"keyword service name", func(s string) string { return strings.Replace(s, "name: billing", "name: func", 1) },
			"name: func", "not a lower-case Go identifier"},
		{"duplicate subject", func(s string) string {
			return strings.Replace(s, "subject: m.billing.Invoice", "subject: m.billing.Charge # dup", 1)
		}, "# dup", "used by two topics"},
		{"topic no longer crosses", func(s string) string {
			// Move orders into billing: Charge no longer crosses.
			s = strings.Replace(s, "  - name: orders\n    packages:\n      - "+m+"orders\n      - "+m+"orders/store\n", "", 1)
			return strings.Replace(s, "      - "+m+"notify/mail\n", "      - "+m+"notify/mail\n      - "+m+"orders\n      - "+m+"orders/store\n", 1)
		}, "function: " + m + "billing.Charge", "no longer cross"},
		{"other module", func(s string) string {
			return strings.Replace(s, "module: "+testModule, "module: example.com/other", 1)
		},
			"module: example.com/other", "plan is for module"},
		{"constraint on a gone package", func(s string) string {
			return strings.Replace(s, "topics:", "constraints:\n  shared: ["+m+"gone]\ntopics:", 1)
		}, "constraints:", "does not exist"},
		{"crossing without topic", func(s string) string {
			i := strings.Index(s, "  - subject: m.billing.Send")
			j := strings.Index(s[i:], "  - subject: m.orders")
			return s[:i] + s[i+j:]
		}, "topics:", "have no topic"},
	}
	for _, tt := range tests {
		src := tt.edit(base)
		if src == base {
			t.Fatalf("%s: edit changed nothing", tt.name)
		}
		probs := Check(shopGraph(), nil, []byte(src))
		wantLine := lineOf(t, src, tt.marker)
		found := false
		for _, p := range probs {
			if p.Line == wantLine && strings.Contains(p.Msg, tt.want) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: Check = %v; want %q at line %d", tt.name, probs, tt.want, wantLine)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("version: 1\nservices:\n  - name: a\n    packages: [x]\n"))
	f.Add([]byte("version: 2\n"))
	f.Add([]byte("- a\n- b\n"))
	f.Add([]byte("version: 1\nservices: [null]\ntopics: [null, {subject: a}]\n"))
	f.Add([]byte("version: 1\nscores: {split: {mojofm: 1}}\n"))
	f.Add([]byte("{"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(data)
		if err != nil {
			if _, ok := err.(*ParseError); !ok {
				t.Fatalf("Parse error %T is not a *ParseError", err)
			}
			Check(shopGraph(), nil, data)
			return
		}
		Check(shopGraph(), p, data)
		if _, err := Marshal(p); err != nil {
			t.Fatalf("Marshal(Parse(%q)): %v", data, err)
		}
	})
}

func TestCheckNilGraph(t *testing.T) {
	p := &Plan{Version: PlanVersion, Services: []*Service{{Name: "Bad", Packages: []string{"x"}}, nil}}
	probs := Check(nil, p, nil)
	if len(probs) != 2 {
		t.Errorf("Check(nil graph) = %v; want the bad name and the empty service", probs)
	}
	if err := Refresh(shopGraph(), p); err != nil {
		t.Error(err)
	}
}

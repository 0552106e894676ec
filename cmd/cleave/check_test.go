package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckCommand breaks the golden shop plan in several ways and expects
// cleave check to name each problem as FILE:LINE: msg and fail.
func TestCheckCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("loads a test monolith")
	}
	base, err := os.ReadFile(filepath.Join("testdata", "plan_shop.golden"))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("..", "..", "testdata", "shop")
	tests := []struct {
		name, old, new, marker, want string
	}{
		{"package gone", "      - example.com/shop/cart\n", "      - example.com/shop/cart\n      - example.com/shop/gone\n",
			"example.com/shop/gone", "does not exist"},
		{"bad name", "name: cart", "name: Cart", "name: Cart", "not a lower-case Go identifier"},
		{"stale topic", "  - name: cart\n    packages:\n      - example.com/shop/cart\n", "",
			"services:", "example.com/shop/cart is in no service"},
	}
	for _, tt := range tests {
		src := strings.Replace(string(base), tt.old, tt.new, 1)
		if src == string(base) {
			t.Fatalf("%s: edit changed nothing", tt.name)
		}
		file := filepath.Join(t.TempDir(), "plan.yaml")
		if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		err := runCheck(context.Background(), checkOptions{dir: dir, algo: "vta", file: file}, &out)
		if err == nil {
			t.Errorf("%s: check succeeded; want a failure", tt.name)
		}
		line := 0
		for i, l := range strings.Split(src, "\n") {
			if strings.Contains(l, tt.marker) {
				line = i + 1
				break
			}
		}
		want := fmt.Sprintf("%s:%d: ", file, line)
		found := false
		for _, l := range strings.Split(out.String(), "\n") {
			if strings.HasPrefix(l, want) && strings.Contains(l, tt.want) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: check printed\n%s\nwant a line %q… %q", tt.name, out.String(), want, tt.want)
		}
	}
}

// TestCheckOK checks the golden shop plan as it is: one line says it is
// fine, with its counts.
func TestCheckOK(t *testing.T) {
	if testing.Short() {
		t.Skip("loads a test monolith")
	}
	src, err := os.ReadFile(filepath.Join("testdata", "plan_shop.golden"))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "plan.yaml")
	if err := os.WriteFile(file, src, 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := runCheck(context.Background(), checkOptions{dir: filepath.Join("..", "..", "testdata", "shop"), algo: "vta", file: file}, &out); err != nil {
		t.Fatalf("check: %v\n%s", err, out.String())
	}
	if want := file + ": ok (9 services, 45 topics, 0 blockers)\n"; out.String() != want {
		t.Errorf("check printed %q; want %q", out.String(), want)
	}
}

// TestPlanUpdate edits a plan by hand and re-derives it: the edits stay.
func TestPlanUpdate(t *testing.T) {
	if testing.Short() {
		t.Skip("loads a test monolith")
	}
	dir := filepath.Join("..", "..", "testdata", "shop")
	file := filepath.Join(t.TempDir(), "plan.yaml")
	var out, errOut bytes.Buffer
	if err := runPlan(context.Background(), planOptions{dir: dir, algo: "vta", out: file}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	// The person renames cart to basket and moves payments into orders.
	src := strings.Replace(string(data), "name: cart", "name: basket", 1)
	src = strings.Replace(src, "  - name: payments\n    packages:\n      - example.com/shop/payments\n", "", 1)
	src = strings.Replace(src, "      - example.com/shop/orders\n", "      - example.com/shop/orders\n      - example.com/shop/payments\n", 1)
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := runCheck(context.Background(), checkOptions{dir: dir, algo: "vta", file: file}, &out); err == nil {
		t.Errorf("check of the hand-edited plan passed; want stale topics reported")
	}
	out.Reset()
	if err := runPlan(context.Background(), planOptions{dir: dir, algo: "vta", update: file}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "- topic shop.") {
		t.Errorf("update output %q lists no removed topic", out.String())
	}
	data, err = os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	got := string(data)
	if !strings.Contains(got, "name: basket") || strings.Contains(got, "name: payments") || !strings.Contains(got, "shop.basket.") {
		t.Errorf("updated plan lost the edits:\n%s", got)
	}
	out.Reset()
	if err := runCheck(context.Background(), checkOptions{dir: dir, algo: "vta", file: file}, &out); err != nil {
		t.Errorf("check of the updated plan: %v\n%s", err, out.String())
	}
}

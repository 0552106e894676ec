package planner

import (
	"context"
	"testing"
)

func TestProposeShop(t *testing.T) {
	g := shopGraph()
	p, err := Propose(context.Background(), g, Constraints{})
	if err != nil {
		t.Fatal(err)
	}
	data, err := Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s\n%s", fmtServices(p), data)
}

package review

import (
	"slices"
	"testing"
)

func TestRingOrder(t *testing.T) {
	// A chain a–b–c–d–e–f laid on a ring must keep neighbours adjacent.
	v := &View{}
	for _, n := range []string{"a", "f", "c", "e", "b", "d"} {
		v.Services = append(v.Services, &ServiceView{Name: n, Edge: n == "a"})
	}
	w := map[[2]string]int{{"a", "b"}: 5, {"b", "c"}: 5, {"c", "d"}: 5, {"d", "e"}: 5, {"e", "f"}: 5}
	got := ringOrder(v, w)
	if got[0] != "a" {
		t.Fatalf("ringOrder = %v; want the edge service a first", got)
	}
	pos := map[string]int{}
	for i, s := range got {
		pos[s] = i
	}
	for pair := range w {
		d := pos[pair[0]] - pos[pair[1]]
		if d < 0 {
			d = -d
		}
		if min(d, len(got)-d) != 1 {
			t.Errorf("ringOrder = %v: %s and %s are not neighbours", got, pair[0], pair[1])
		}
	}
	// Every service appears once, for many services too.
	for _, n := range []int{1, 2, 3, 9, 12} {
		v := &View{}
		for i := range n {
			v.Services = append(v.Services, &ServiceView{Name: string(rune('a' + i))})
		}
		got := ringOrder(v, map[[2]string]int{{"a", "c"}: 1})
		sorted := slices.Sorted(slices.Values(got))
		if len(got) != n || len(slices.Compact(sorted)) != n {
			t.Errorf("ringOrder of %d services = %v", n, got)
		}
	}
}

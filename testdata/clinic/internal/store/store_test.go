package store

import (
	"errors"
	"fmt"
	"sync"
	"testing"
)

func TestInsertGet(t *testing.T) {
	tb := NewTable[string, int]()
	if !tb.Insert("a", 1) {
		t.Fatal("first Insert refused")
	}
	if tb.Insert("a", 2) {
		t.Error("second Insert of the same key accepted")
	}
	if v, ok := tb.Get("a"); !ok || v != 1 {
		t.Errorf("Get(a) = %v, %v; want 1, true", v, ok)
	}
	tb.Put("a", 3)
	if v, _ := tb.Get("a"); v != 3 {
		t.Errorf("Get after Put = %v; want 3", v)
	}
	tb.Delete("a")
	if _, ok := tb.Get("a"); ok || tb.Len() != 0 {
		t.Error("Delete left the row")
	}
}

func TestUpdate(t *testing.T) {
	tb := NewTable[int, string]()
	tb.Put(1, "one")
	boom := errors.New("boom")
	if err := tb.Update(1, func(s *string) error { *s = "changed"; return boom }); err != boom {
		t.Errorf("Update = %v; want boom", err)
	}
	if v, _ := tb.Get(1); v != "one" {
		t.Errorf("failed Update changed the row to %q", v)
	}
	if err := tb.Update(1, func(s *string) error { *s += "!"; return nil }); err != nil {
		t.Fatal(err)
	}
	if v, _ := tb.Get(1); v != "one!" {
		t.Errorf("Get = %q; want one!", v)
	}
	if err := tb.Update(2, func(*string) error { return nil }); !errors.Is(err, ErrNoRow) {
		t.Errorf("Update(absent) = %v; want ErrNoRow", err)
	}
}

func TestSelectOrder(t *testing.T) {
	tb := NewTable[string, int]()
	for i, k := range []string{"c", "a", "d", "b"} {
		tb.Put(k, i)
	}
	got := fmt.Sprint(tb.Select(nil))
	if got != "[1 3 0 2]" {
		t.Errorf("Select(nil) = %s; want [1 3 0 2]", got)
	}
	even := tb.Select(func(v int) bool { return v%2 == 0 })
	if fmt.Sprint(even) != "[0 2]" {
		t.Errorf("Select(even) = %v", even)
	}
	tb.Reset()
	if tb.Len() != 0 {
		t.Error("Reset left rows")
	}
}

func TestSeq(t *testing.T) {
	s := NewSeq("RX")
	if got := s.Next(); got != "RX0001" {
		t.Errorf("Next = %s", got)
	}
	s.Skip("RX0041")
	s.Skip("RX0007")
	s.Skip("A0100") // not ours
	if got := s.Next(); got != "RX0042" {
		t.Errorf("Next after Skip = %s; want RX0042", got)
	}
	s.Restart()
	if got := s.Next(); got != "RX0001" {
		t.Errorf("Next after Restart = %s", got)
	}
}

func TestConcurrentUse(t *testing.T) {
	tb := NewTable[int, int]()
	seq := NewSeq("X")
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 100 {
				tb.Put(w*100+i, i)
				seq.Next()
				_ = tb.Update(w*100+i, func(v *int) error { *v++; return nil })
				tb.Select(func(v int) bool { return v > 50 })
			}
		})
	}
	wg.Wait()
	if tb.Len() != 800 {
		t.Errorf("Len = %d; want 800", tb.Len())
	}
	if got := seq.Next(); got != "X0801" {
		t.Errorf("Next = %s; want X0801", got)
	}
}

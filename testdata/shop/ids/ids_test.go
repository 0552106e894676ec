package ids_test

import (
	"regexp"
	"sync"
	"testing"

	"example.com/shop/ids"
)

func TestSequence(t *testing.T) {
	s := ids.NewSequence()
	got := []string{s.New("ord"), s.New("ord"), s.New("usr"), s.New("ord")}
	want := []string{"ord_000001", "ord_000002", "usr_000001", "ord_000003"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("New #%d = %q; want %q", i, got[i], want[i])
		}
	}
}

func TestSequenceConcurrent(t *testing.T) {
	s := ids.NewSequence()
	var mu sync.Mutex
	seen := make(map[string]bool)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				id := s.New("x")
				mu.Lock()
				seen[id] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(seen) != 800 {
		t.Errorf("got %d distinct ids; want 800", len(seen))
	}
}

func TestRandom(t *testing.T) {
	re := regexp.MustCompile(`^pay_[0-9a-f]{24}$`)
	a, b := ids.Random{}.New("pay"), ids.Random{}.New("pay")
	if !re.MatchString(a) {
		t.Errorf("Random.New = %q; want pay_ and 24 hex digits", a)
	}
	if a == b {
		t.Errorf("two Random ids are equal: %q", a)
	}
}

package fastjson

import (
	"strings"
	"testing"
)

func TestPrefixes(t *testing.T) {
	for n := 0; n < 20; n++ {
		for pos := 0; pos < n; pos++ {
			for c := 0; c < 256; c++ {
				b := []byte(strings.Repeat("a", n))
				b[pos] = byte(c)
				s := string(b)

				got := plainPrefix(s)
				want := 0
				for want < len(s) && plain[s[want]] {
					want++
				}
				if got%8 != 0 || got > want || want-got >= 8 && got+8 <= len(s) {
					t.Fatalf("plainPrefix(%q) = %d; first special byte at %d", s, got, want)
				}

				got = quotedPrefix(b, 0)
				want = 0
				for want < len(b) && b[want] >= 0x20 && b[want] < 0x80 && b[want] != '"' && b[want] != '\\' {
					want++
				}
				if got%8 != 0 || got > want || want-got >= 8 && got+8 <= len(b) {
					t.Fatalf("quotedPrefix(%q) = %d; first special byte at %d", b, got, want)
				}
			}
		}
	}
}

package clock

import (
	"testing"
	"time"
)

func TestFreeze(t *testing.T) {
	at := time.Date(2026, 4, 1, 8, 30, 0, 0, time.UTC)
	restore := Freeze(at)
	if got := Now(); !got.Equal(at) {
		t.Errorf("Now() = %v; want %v", got, at)
	}
	if got, want := Today(), time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("Today() = %v; want %v", got, want)
	}
	restore()
	if got := Now(); got.Equal(at) {
		t.Error("Now still frozen after restore")
	}
}

func TestDay(t *testing.T) {
	cet := time.FixedZone("CET", 3600)
	got := Day(time.Date(2026, 4, 1, 0, 30, 0, 0, cet)) // 23:30 UTC the day before
	if want := time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("Day = %v; want %v", got, want)
	}
}

func TestParse(t *testing.T) {
	if d, err := ParseDate("2026-02-28"); err != nil || d.Day() != 28 {
		t.Errorf("ParseDate = %v, %v", d, err)
	}
	if _, err := ParseDate("28/02/2026"); err == nil {
		t.Error("ParseDate accepted 28/02/2026")
	}
	if m, err := ParseMinute("2026-02-28 09:45"); err != nil || m.Minute() != 45 {
		t.Errorf("ParseMinute = %v, %v", m, err)
	}
	if _, err := ParseMinute("2026-02-28"); err == nil {
		t.Error("ParseMinute accepted a bare date")
	}
}

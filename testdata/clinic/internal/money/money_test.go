package money

import (
	"encoding/json"
	"testing"
)

func TestString(t *testing.T) {
	for _, tt := range []struct {
		c    Cents
		want string
	}{
		{0, "0.00"}, {5, "0.05"}, {1234, "12.34"}, {-678, "-6.78"}, {100000, "1000.00"},
	} {
		if got := tt.c.String(); got != tt.want {
			t.Errorf("Cents(%d).String() = %q; want %q", int64(tt.c), got, tt.want)
		}
	}
}

func TestParse(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Cents
		ok   bool
	}{
		{"12", 1200, true}, {"12.5", 1250, true}, {"12.05", 1205, true}, {" 0.60 ", 60, true},
		{"-3.10", -310, true}, {"1.234", 0, false}, {"abc", 0, false}, {"", 0, false}, {".5", 0, false},
	} {
		got, err := Parse(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("Parse(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestPercent(t *testing.T) {
	for _, tt := range []struct {
		c    Cents
		bp   int
		want Cents
	}{
		{13550, 500, 678},   // 6.775 rounds up
		{12872, 1900, 2446}, // 24.4568
		{1000, 0, 0},
		{-13550, 500, -678},
	} {
		if got := tt.c.Percent(tt.bp); got != tt.want {
			t.Errorf("Cents(%d).Percent(%d) = %d; want %d", tt.c, tt.bp, got, tt.want)
		}
	}
}

func TestSum(t *testing.T) {
	type item struct {
		qty  int
		unit Cents
	}
	items := []item{{2, 150}, {1, 999}, {0, 5000}}
	got := Sum(items, func(i item) Cents { return i.unit.Times(i.qty) })
	if got != 1299 {
		t.Errorf("Sum = %v; want 12.99", got)
	}
	if got := Sum[item](nil, nil); got != 0 {
		t.Errorf("Sum(nil) = %v; want 0", got)
	}
}

func TestJSON(t *testing.T) {
	var v struct {
		A Cents `json:"a"`
		B Cents `json:"b"`
	}
	if err := json.Unmarshal([]byte(`{"a": "45.00", "b": 7}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.A != 4500 || v.B != 700 {
		t.Errorf("unmarshal = %+v; want a=4500 b=700", v)
	}
	if err := json.Unmarshal([]byte(`{"a": "4.555"}`), &v); err == nil {
		t.Error("unmarshal of three decimals succeeded")
	}
}

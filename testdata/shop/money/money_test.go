package money_test

import (
	"errors"
	"testing"

	"example.com/shop/money"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{
		{"12", 1200},
		{"12.5", 1250},
		{"12.50", 1250},
		{"0.07", 7},
		{" 3.99 ", 399},
		{"-4.20", -420},
	}
	for _, tt := range tests {
		got, err := money.Parse(tt.in, money.EUR)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if want := money.New(tt.want, money.EUR); got != want {
			t.Errorf("Parse(%q) = %v; want %v", tt.in, got, want)
		}
	}
}

func TestParseInvalid(t *testing.T) {
	for _, in := range []string{"", "abc", "1.234", "1.", ".5", "1.-5", "1,50"} {
		if got, err := money.Parse(in, money.EUR); !errors.Is(err, money.ErrInvalidAmount) {
			t.Errorf("Parse(%q) = %v, %v; want ErrInvalidAmount", in, got, err)
		}
	}
}

func TestArithmetic(t *testing.T) {
	a, b := money.New(1050, money.EUR), money.New(275, money.EUR)
	if got, want := a.Add(b), money.New(1325, money.EUR); got != want {
		t.Errorf("Add = %v; want %v", got, want)
	}
	if got, want := a.Sub(b), money.New(775, money.EUR); got != want {
		t.Errorf("Sub = %v; want %v", got, want)
	}
	if got, want := b.Mul(3), money.New(825, money.EUR); got != want {
		t.Errorf("Mul = %v; want %v", got, want)
	}
	if !b.Less(a) || a.Less(b) {
		t.Errorf("Less(%v, %v) wrong", b, a)
	}
	if got := (money.Money{}).Add(a); got != a {
		t.Errorf("zero.Add(%v) = %v; want the zero value to adopt the currency", a, got)
	}
}

func TestPercent(t *testing.T) {
	tests := []struct {
		amount int64
		pct    int
		want   int64
	}{
		{1000, 19, 190},
		{999, 10, 100}, // 99.9 rounds up
		{994, 10, 99},  // 99.4 rounds down
		{-999, 10, -100},
		{0, 50, 0},
	}
	for _, tt := range tests {
		got := money.New(tt.amount, money.EUR).Percent(tt.pct)
		if got.Amount != tt.want {
			t.Errorf("%d.Percent(%d) = %d; want %d", tt.amount, tt.pct, got.Amount, tt.want)
		}
	}
}

func TestSum(t *testing.T) {
	if got := money.Sum(); got != (money.Money{}) {
		t.Errorf("Sum() = %v; want zero", got)
	}
	got := money.Sum(money.New(100, money.EUR), money.New(250, money.EUR), money.New(1, money.EUR))
	if want := money.New(351, money.EUR); got != want {
		t.Errorf("Sum = %v; want %v", got, want)
	}
}

func TestString(t *testing.T) {
	tests := []struct {
		m    money.Money
		want string
	}{
		{money.New(1250, money.EUR), "12.50 EUR"},
		{money.New(5, money.USD), "0.05 USD"},
		{money.New(-1999, money.EUR), "-19.99 EUR"},
		{money.Money{Amount: 100}, "1.00"},
	}
	for _, tt := range tests {
		if got := tt.m.String(); got != tt.want {
			t.Errorf("%#v.String() = %q; want %q", tt.m, got, tt.want)
		}
	}
}

func TestCurrencyMismatchPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("adding EUR and USD did not panic")
		}
	}()
	money.New(1, money.EUR).Add(money.New(1, money.USD))
}

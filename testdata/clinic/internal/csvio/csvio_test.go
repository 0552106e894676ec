package csvio

import (
	"errors"
	"strings"
	"testing"
)

type pet struct {
	name string
	age  int
	line int
}

func parsePet(r Row) (pet, error) {
	age, err := r.Int("age", -1)
	if err != nil {
		return pet{}, err
	}
	if r.Str("name") == "" {
		return pet{}, errors.New("name: missing")
	}
	return pet{r.Str("name"), age, r.Line()}, nil
}

func TestDecode(t *testing.T) {
	in := "Name , Age\n" +
		"Rex, 7\n" +
		"# a comment line\n" +
		"Kiwi,two\n" +
		",3\n" +
		"Pip,\n"
	pets, rejected, err := Decode(strings.NewReader(in), []string{"name"}, parsePet)
	if err != nil {
		t.Fatal(err)
	}
	if len(pets) != 2 || pets[0] != (pet{"Rex", 7, 2}) || pets[1] != (pet{"Pip", -1, 6}) {
		t.Errorf("pets = %+v", pets)
	}
	if len(rejected) != 2 || rejected[0].Line != 4 || rejected[1].Line != 5 {
		t.Fatalf("rejected = %v", rejected)
	}
	if got := rejected[0].Error(); got != `line 4: age: "two" is not a number` {
		t.Errorf("rejected[0] = %q", got)
	}
}

func TestDecodeMissingColumn(t *testing.T) {
	_, _, err := Decode(strings.NewReader("name\nRex\n"), []string{"name", "age"}, parsePet)
	if !errors.Is(err, ErrMissingColumn) {
		t.Errorf("Decode = %v; want ErrMissingColumn", err)
	}
	_, _, err = Decode(strings.NewReader(""), nil, parsePet)
	if err == nil {
		t.Error("Decode of an empty file succeeded")
	}
}

func TestRowDates(t *testing.T) {
	in := "day,at\n2026-03-01,2026-03-01 09:15\n,bad\n"
	type rec struct{ ok bool }
	var errs []error
	_, _, err := Decode(strings.NewReader(in), nil, func(r Row) (rec, error) {
		d, err := r.Date("day")
		if err != nil {
			errs = append(errs, err)
		}
		m, err := r.Minute("at")
		if err != nil {
			errs = append(errs, err)
		} else if m.Sub(d).Minutes() != 555 {
			t.Errorf("line %d: at - day = %v", r.Line(), m.Sub(d))
		}
		return rec{}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(errs) != 1 {
		t.Errorf("errors = %v; want one, for the bad time", errs)
	}
}

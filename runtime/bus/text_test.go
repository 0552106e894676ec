package bus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// A value object as DDD-style Go code writes it: unexported state, checked
// by its constructor, written as text, with no UnmarshalText.
type personName struct{ value string }

func (n personName) MarshalText() ([]byte, error) { return []byte(n.value), nil }

var nameRE = regexp.MustCompile(`^[A-Za-z][A-Za-z' -]{2,19}$`)

func parsePersonName(s string) (personName, error) {
	if !nameRE.MatchString(s) {
		return personName{}, fmt.Errorf("invalid name %q", s)
	}
	return personName{s}, nil
}

// A second one no parser is registered for.
type unparsedName struct{ value string }

func (n unparsedName) MarshalText() ([]byte, error) { return []byte(n.value), nil }

type textAddress struct {
	Lines []string `json:"lines"`
}

type textMember struct {
	Name     personName            `json:"name"`
	Nick     *personName           `json:"nick,omitempty"`
	Aliases  []personName          `json:"aliases"`
	Pair     [2]personName         `json:"pair"`
	ByRole   map[string]personName `json:"by_role"`
	Unset    personName            `json:"unset"`
	Address  textAddress           `json:"address"`
	Age      int                   `json:"age"`
	internal int
}

type textTeam struct {
	Lead    *textMember  `json:"lead"`
	Members []textMember `json:"members"`
}

func init() { RegisterTextParser(parsePersonName) }

func TestTextParserRoundTrip(t *testing.T) {
	nick := personName{"Bobby Tables"}
	in := textTeam{
		Lead: &textMember{Name: personName{"Alice Smith"}, Nick: &nick, Age: 40,
			Aliases: []personName{{"Alf"}, {"Ally"}}, Pair: [2]personName{{"Ann"}, {"Bea"}},
			ByRole: map[string]personName{"owner": {"Carol"}}, Address: textAddress{Lines: []string{"1 Main St"}}},
		Members: []textMember{{Name: personName{"Dave O'Brien"}}},
	}
	for _, c := range []struct {
		name  string
		codec Codec
	}{{"bus codec", nil}, {"Codec JSON", JSON}} {
		t.Run(c.name, func(t *testing.T) {
			var data []byte
			var err error
			out := new(textTeam)
			if c.codec == nil {
				data, buf, merr := marshal(JSON, &in)
				if merr != nil {
					t.Fatal(merr)
				}
				err = unmarshal(JSON, data, out)
				release(buf)
			} else {
				if data, err = c.codec.Marshal(&in); err != nil {
					t.Fatal(err)
				}
				err = c.codec.Unmarshal(data, out)
			}
			if err != nil {
				t.Fatalf("decode %s: %v", data, err)
			}
			if !reflect.DeepEqual(out, &in) {
				t.Errorf("round trip changed the value:\n got %+v\nwant %+v", out, &in)
			}
		})
	}
}

func TestTextParserErrors(t *testing.T) {
	data, err := json.Marshal(textMember{Name: personName{"x"}})
	if err != nil {
		t.Fatal(err)
	}
	err = unmarshal(JSON, data, new(textMember))
	if err == nil || !strings.Contains(err.Error(), `invalid name "x"`) || !strings.Contains(err.Error(), "personName") {
		t.Errorf("a name the parser refuses: got %v, want the parser's error naming the type", err)
	}
	// Without a parser, the text cannot come back: the error encoding/json
	// gives, which the analyzer predicts for such a type.
	type unparsed struct {
		Name unparsedName `json:"name"`
	}
	data, _ = json.Marshal(unparsed{Name: unparsedName{"Alice"}})
	if err := unmarshal(JSON, data, new(unparsed)); err == nil {
		t.Error("a text type with no parser decoded without error")
	}
}

// Under loopback a request and a reply holding a value object cross the
// codec and come back equal; the handler sees the parsed value.
func TestTextParserLoopback(t *testing.T) {
	b := open(t, Loopback, Config{})
	must(t, Handle(b, "t.people.Rename", func(ctx context.Context, m *textMember) (*textMember, error) {
		if m.Name.value == "" {
			return nil, errors.New("name lost on the way")
		}
		m.Name = personName{m.Name.value + " Jr"}
		return m, nil
	}))
	got, err := Call[textMember, textMember](context.Background(), b, "t.people.Rename", &textMember{Name: personName{"Eve Stone"}})
	if err != nil {
		t.Fatal(err)
	}
	if got.Name.value != "Eve Stone Jr" {
		t.Errorf("reply name = %q, want %q", got.Name.value, "Eve Stone Jr")
	}
}

package fastjson

import (
	"encoding/json"
	"errors"
	"net/netip"
	"strings"
	"time"
)

// Types the tests and fuzz targets run through both packages.

type small struct {
	Text string `json:"text"`
	N    int    `json:"n"`
}

type line struct {
	SKU   string
	Qty   int
	Price int64
}

type order struct {
	ID       string
	Customer string
	Lines    []line
	Total    int64
	Meta     map[string]string `json:",omitempty"`
	Note     *string           `json:",omitempty"`
}

type node struct {
	Val  int     `json:"val"`
	Kids []node  `json:"kids,omitempty"`
	Next *node   `json:"next"`
	Tags [2]byte `json:"tags"`
}

// ptrMarshal has MarshalJSON on the pointer only: encoding/json calls it
// for addressable values only.
type ptrMarshal struct{ X int }

func (p *ptrMarshal) MarshalJSON() ([]byte, error) {
	return []byte(`{"ptr" : "<` + strings.Repeat("&", p.X%3) + `>\u2028` + "\u2028" + `"}`), nil
}

// valText has MarshalText and UnmarshalText.
type valText struct{ S string }

func (v valText) MarshalText() ([]byte, error) { return []byte("<" + v.S + ">"), nil }
func (v *valText) UnmarshalText(b []byte) error {
	if len(b) > 0 && b[0] == '!' {
		return errors.New("bang")
	}
	v.S = string(b)
	return nil
}

type zeroer struct{ A, B int }

func (z zeroer) IsZero() bool { return z.A == 0 }

type ptrZeroer struct{ A int }

func (z *ptrZeroer) IsZero() bool { return z.A == 1 }

type embedded struct {
	small
	Extra int
}

type quoted struct {
	N int    `json:",string"`
	S string `json:"s,string"`
}

type myString string
type myInt int16
type myBytes []byte

type kitchen struct {
	B        bool
	I        int
	I8       int8
	I16      int16
	I32      int32
	I64      int64
	U        uint
	U8       uint8
	U16      uint16
	U32      uint32
	U64      uint64
	UP       uintptr
	F32      float32
	F64      float64
	S        string
	MS       myString `json:"ms"`
	MI       myInt    `json:"mi,omitempty"`
	Bytes    []byte
	MB       myBytes
	Arr      [3]int
	BArr     [2]byte
	Ints     []int
	Smalls   []small
	PSmalls  []*small
	M        map[string]int
	MInt     map[int]string
	MU8      map[uint8]bool
	MMy      map[myString]*small
	P        *int
	PP       **string
	Any      any
	Anys     []any
	Raw      json.RawMessage
	Num      json.Number
	Time     time.Time
	PTime    *time.Time
	Addr     netip.Addr
	PM       ptrMarshal
	PPM      *ptrMarshal
	VT       valText
	VTs      []valText
	MVT      map[string]valText
	Z        zeroer    `json:",omitzero"`
	PZ       ptrZeroer `json:",omitzero"`
	TZ       time.Time `json:",omitzero"`
	OZ       []int     `json:",omitzero"`
	OE       []int     `json:",omitempty"`
	Flats    []flatS
	FArr     [2]flatS
	OEs      string   `json:",omitempty"`
	OEf      float64  `json:",omitempty"`
	OZf      float32  `json:",omitzero"`
	OEb      bool     `json:",omitempty"`
	OEu8     uint8    `json:",omitempty"`
	OZi      int      `json:",omitzero"`
	OEms     myString `json:",omitempty"`
	OEp      *int     `json:",omitempty"`
	OEa      [0]int   `json:",omitempty"`
	OEst     small    `json:",omitempty"`
	Emb      embedded `json:"emb"`
	Q        quoted   `json:"q"`
	Node     *node    `json:"node"`
	Punct    int      `json:"a-b.c<d>&e"`
	Skip     int      `json:"-"`
	Dash     int      `json:"-,"`
	Dom      int      `json:"Dominant"`
	Dominant int
	Fold     int `json:"fOLD"`
	FOld     int
	unexp    int
}

type unsupported struct {
	Ch   chan int   `json:",omitempty"`
	C128 complex128 `json:",omitempty"`
	F    func()     `json:"-"`
}

// Embedded structs, following encoding/json's rules for promoted fields.

type Base struct {
	ID     string
	Name   string `json:"name"`
	Shared int
	When   time.Time `json:",omitzero"`
}

type base2 struct {
	Shared int
	Other  string
	ID     string `json:"ID"`
}

type Inner struct {
	Deep   int
	Shared int
	PM     ptrMarshal
}

type base3 struct{ X int }

// BaseU has no tags: vet rejects a tag repeated through embedding.
type BaseU struct {
	ID     string
	Name   string
	Shared int
}

type Mid struct {
	BaseU
	MidOnly bool
}

type M1 struct{ BaseU }
type M2 struct{ BaseU }

type MyInt int
type myInt2 int

type Rec struct {
	*Rec
	V int
}

// embA: Shared conflicts at depth 1 (dropped), ID is won by base2's tag.
type embA struct {
	Base
	*Inner
	base2
	Own string
}

// embB embeds a pointer to an unexported struct: decoding X fails.
type embB struct {
	*base3
	Y int
}

// embC: Base's fields at depth 1 hide Mid.BaseU's at depth 2.
type embC struct {
	Base
	Mid
}

// embD: BaseU twice at depth 2: its fields are dropped.
type embD struct {
	M1
	M2
	Z int
}

// embE: a tagged embedded struct is a field; embedded named non-structs
// are fields if exported.
type embE struct {
	Base `json:"base"`
	MyInt
	myInt2
	*Rec
	S string `json:"s,string"`
}

type embF struct {
	*Inner `json:",omitempty"`
	Mid
	Q int `json:",omitempty,string"`
}

// flatS is a struct of scalars: slices and arrays of it are read from memory.
type flatS struct {
	I int8    `json:"i"`
	S string  `json:"s,omitempty"`
	B bool    `json:"b,omitempty"`
	F float64 `json:"f,omitzero"`
}

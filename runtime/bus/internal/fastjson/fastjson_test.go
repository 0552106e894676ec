package fastjson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"
)

// testTypes are decoded into by every input of the table and fuzz tests.
var testTypes = []reflect.Type{
	reflect.TypeOf((*small)(nil)).Elem(),
	reflect.TypeOf((*order)(nil)).Elem(),
	reflect.TypeOf((*node)(nil)).Elem(),
	reflect.TypeOf((*kitchen)(nil)).Elem(),
	reflect.TypeOf((**kitchen)(nil)).Elem(),
	dupFields,
	reflect.TypeOf((*any)(nil)).Elem(),
	reflect.TypeOf((*map[string]any)(nil)).Elem(),
	reflect.TypeOf((*map[string]small)(nil)).Elem(),
	reflect.TypeOf((*[]int)(nil)).Elem(),
	reflect.TypeOf((*[]byte)(nil)).Elem(),
	reflect.TypeOf((*[2]float32)(nil)).Elem(),
	reflect.TypeOf((*string)(nil)).Elem(),
	reflect.TypeOf((*float64)(nil)).Elem(),
	reflect.TypeOf((*int8)(nil)).Elem(),
	reflect.TypeOf((*uint64)(nil)).Elem(),
	reflect.TypeOf((*time.Time)(nil)).Elem(),
	reflect.TypeOf((*valText)(nil)).Elem(),
	reflect.TypeOf((*struct{ time.Time })(nil)).Elem(),
	reflect.TypeOf((*unsupported)(nil)).Elem(),
	reflect.TypeOf((*embA)(nil)).Elem(),
	reflect.TypeOf((*embB)(nil)).Elem(),
	reflect.TypeOf((*embC)(nil)).Elem(),
	reflect.TypeOf((*embD)(nil)).Elem(),
	reflect.TypeOf((*embE)(nil)).Elem(),
	reflect.TypeOf((*embF)(nil)).Elem(),
}

// dupFields has two fields named "dup" (built with reflect.StructOf
// because vet rejects duplicate tags in source) and a tagged field that
// dominates an untagged one.
var dupFields = reflect.StructOf([]reflect.StructField{
	{Name: "A", Type: reflect.TypeOf((*int)(nil)).Elem(), Tag: `json:"dup"`},
	{Name: "B", Type: reflect.TypeOf((*int)(nil)).Elem(), Tag: `json:"dup"`},
	{Name: "C", Type: reflect.TypeOf((*string)(nil)).Elem(), Tag: `json:"D"`},
	{Name: "D", Type: reflect.TypeOf((*string)(nil)).Elem()},
	{Name: "E", Type: reflect.TypeOf((*bool)(nil)).Elem(), Tag: `json:"e"`},
	{Name: "F", Type: reflect.TypeOf((*bool)(nil)).Elem(), Tag: `json:"E"`},
})

// decodeInputs exercise field matching, every kind, nulls, escapes,
// numbers at the limits and malformed input.
var decodeInputs = []string{
	`{"text":"hello","n":42}`,
	` {"TEXT" : "x\n\"y\\u00e9\u00e9\ud83d\ude00" , "N":-7 } `,
	`{"text":"a","text":"b"}`,
	`{"text":"a","Text":"b"}`,
	`{"n":1.5}`, `{"n":1e3}`, `{"n":"1"}`, `{"n":99999999999999999999}`, `{"n":-0}`, `{"n":01}`,
	`{"n":9223372036854775807}`, `{"n":-9223372036854775808}`, `{"n":9223372036854775808}`,
	`{"text":null,"n":null}`, `null`, `  `, ``, `{}`, `[]`, `"s"`, `1`, `true`,
	`{"text":"\ud800"}`, `{"text":"\ud800\u0041"}`, `{"text":"\udc00\ud800\udc00"}`, `{"text":"\ud83d\ude00x"}`,
	"{\"text\":\"\xff\xfe\xed\xa0\x80ok\"}", "{\"text\":\"a\x01\"}", `{"text":"\x"}`, `{"text":"\u12G4"}`,
	"{\"te\xffxt\":1}", `{"t\u0065xt":"esc"}`, `{"\u212aey":1}`, "{\"text\":\"a\"}\x00", `{"text":"a"} x`,
	`{"text":"a",}`, `{"text" "a"}`, `{"text":"a"`, `{"unknown":[1,{"a":[true,false,null]},"x"],"n":3}`,
	`{"unknown":[1,2,}`, `{"unknown":tru}`, `{"unknown":-}`, `{"unknown":1.}`, `{"unknown":1e}`, `{"unknown":"\q"}`,
	"{\"n\":1\f}", "{\"n\":1\u00a0}",
	`{"ID":"o-1","Customer":"ann","Lines":[{"SKU":"a","Qty":2,"Price":150},{"sku":"b","qty":1,"price":-5}],"Total":295,"Meta":{"k":"v","k":"w"},"Note":"hi"}`,
	`{"Lines":[],"Meta":{},"Note":null}`, `{"Meta":{"a":null,"b":"\u00e9","b":"x","c":1}}`, `{"Meta":{"a":"b",}}`, `{"Meta":{"a" : "b" , "c":null }}`, `{"Lines":null,"Meta":null}`, `{"Lines":{}}`, `{"Meta":[]}`, `{"Note":5}`,
	`{"val":1,"kids":[{"val":2,"next":{"val":3}},{"val":4,"tags":[1,2,3]}],"next":null,"tags":[7]}`,
	`{"val":1,"tags":[256]}`, `{"val":1,"tags":"AQI="}`, `{"next":{"next":{"next":{"val":9}}}}`,
	`{"B":true,"I":-1,"I8":127,"I16":-32768,"I32":2147483647,"I64":-1,"U":1,"U8":255,"U16":65535,"U32":4294967295,"U64":18446744073709551615,"UP":5}`,
	`{"I8":128}`, `{"U8":-1}`, `{"U":-0}`, `{"U8":256}`, `{"U64":18446744073709551616}`,
	`{"F32":3.4028235e38,"F64":-1.7976931348623157e308}`, `{"F32":3.5e38}`, `{"F64":1e400}`, `{"F64":1e-400}`, `{"F64":0.1,"F32":0.1}`,
	`{"S":"str","ms":"my","mi":12,"Bytes":"aGVsbG8=","MB":"AA==","Arr":[1,2,3,4],"BArr":[9],"Ints":[1,2]}`,
	`{"Bytes":"!!"}`, `{"Bytes":"aGVsbG8"}`, `{"Bytes":"aGVs\r\nbG8="}`, `{"Bytes":[1,2,300]}`, `{"Bytes":[1,2]}`, `{"MB":null}`, `{"Bytes":""}`,
	`{"Smalls":[{"text":"a"},{"n":2}],"PSmalls":[null,{"text":"b"}],"M":{"a":1,"b":2,"a":3},"MInt":{"1":"x","-2":"y","+3":"z"},"MU8":{"255":true}}`,
	`{"MInt":{"x":"y"}}`, `{"MU8":{"256":true}}`, `{"MU8":{"-1":true}}`, `{"MMy":{"k":{"text":"v"},"n":null}}`,
	`{"P":5,"PP":"pp"}`, `{"P":null,"PP":null}`, `{"PP":5}`,
	`{"Any":{"a":[1,"2",null,true,{"b":1.5e300}]},"Anys":[1,{},[]]}`, `{"Any":1e400}`,
	`{"Raw":{"a" : [1, 2]},"Num":12.5e3}`, `{"Num":"12"}`, `{"Num":"x"}`, `{"Raw":null}`,
	`{"Time":"2024-01-02T03:04:05.123456789Z","PTime":"2024-01-02T03:04:05+07:00"}`, `{"Time":"bad"}`, `{"Time":null,"PTime":null}`, `{"Time":5}`,
	`{"Addr":"10.0.0.1","VT":"text","VTs":["a","b"],"MVT":{"k":"v"}}`, `{"VT":"!x"}`, `{"VT":1}`, `{"VT":null}`, `{"Addr":"bad"}`,
	`{"emb":{"text":"t","n":1,"Extra":2}}`, `{"q":{"N":"12","s":"\"x\""}}`, `{"q":{"N":12}}`,
	`{"node":{"val":5,"kids":[{"val":6}]}}`,
	`{"ID":"id","name":"n","Shared":1,"Other":"o","Deep":2,"PM":{"X":3},"Own":"own","When":"2024-01-02T03:04:05Z"}`,
	`{"id":"a","NAME":"b","deep":null,"X":1,"Y":2,"MidOnly":true,"Z":3,"base":{"ID":"x"},"MyInt":4,"myInt2":5,"V":6,"Rec":{"V":7}}`,
	`{"X":null}`, `{"Y":1,"X":2}`, `{"s":"\"q\"","Q":"5"}`, `{"Deep":1,"Deep":2}`, `{"Inner":{"Deep":1}}`,
	`{"a-b.c<d>&e":1,"Skip":2,"-":3,"dup":4,"Dominant":5,"fold":6,"FOLD":7,"FOld":8,"unexp":9,"D":"d","E":true,"e":false}`,
	`{"Ch":null,"C128":null}`, `{"Ch":1}`, `{"C128":1}`,
	`[1,2,3]`, `[1,2,3,]`, `[[1]]`, `{"a":1}`, `"\u00e9\ud83d\ude00"`, `"2024-01-02T03:04:05Z"`, `1e2`, `-1`, `300`, `-129`,
	`{"text":"` + strings.Repeat("long text ", 50) + `"}`,
	strings.Repeat("[", 2000) + strings.Repeat("]", 2000),
	`{"Any":` + strings.Repeat("[", 1200) + strings.Repeat("]", 1200) + `}`,
}

func checkUnmarshal(t testing.TB, typ reflect.Type, data []byte) {
	t.Helper()
	got, want := reflect.New(typ), reflect.New(typ)
	gerr := Unmarshal(data, got.Interface())
	werr := json.Unmarshal(data, want.Interface())
	if fmt.Sprint(gerr) != fmt.Sprint(werr) {
		t.Fatalf("Unmarshal(%q) into %v: error %v; want %v", data, typ, gerr, werr)
	}
	if !reflect.DeepEqual(got.Interface(), want.Interface()) {
		t.Fatalf("Unmarshal(%q) into %v = %+v; want %+v", data, typ, got.Elem(), want.Elem())
	}
}

func TestUnmarshal(t *testing.T) {
	for _, in := range decodeInputs {
		for _, typ := range testTypes {
			checkUnmarshal(t, typ, []byte(in))
		}
	}
}

func TestUnmarshalNotPointer(t *testing.T) {
	var s any = small{}
	if got, want := fmt.Sprint(Unmarshal([]byte(`{}`), s)), fmt.Sprint(json.Unmarshal([]byte(`{}`), s)); got != want {
		t.Errorf("Unmarshal(non-pointer) = %s; want %s", got, want)
	}
	if got, want := fmt.Sprint(Unmarshal([]byte(`{}`), (*small)(nil))), fmt.Sprint(json.Unmarshal([]byte(`{}`), (*small)(nil))); got != want {
		t.Errorf("Unmarshal(nil) = %s; want %s", got, want)
	}
}

// TestFastPath makes sure the common shapes do not fall back.
func TestFastPath(t *testing.T) {
	for _, typ := range []reflect.Type{reflect.TypeOf((*small)(nil)).Elem(), reflect.TypeOf((*order)(nil)).Elem(), reflect.TypeOf((*node)(nil)).Elem(),
		reflect.TypeOf((*embA)(nil)).Elem(), reflect.TypeOf((*embB)(nil)).Elem(), reflect.TypeOf((*embC)(nil)).Elem(), reflect.TypeOf((*embD)(nil)).Elem()} {
		if topDecoder(reflect.PointerTo(typ)) == nil {
			t.Errorf("no decoder for %v", typ)
		}
		if _, ok := structFields(typ); !ok {
			t.Errorf("structFields(%v) not handled", typ)
		}
	}
	d := &decodeState{data: []byte(`{"ID":"1","Lines":[{"SKU":"a\u00e9","Qty":1}],"Meta":{"a":"b"},"Note":"n"}`)}
	if !d.top(topDecoder(reflect.TypeOf((**order)(nil)).Elem()), reflect.New(reflect.TypeOf((*order)(nil)).Elem()).Elem()) {
		t.Errorf("order fell back")
	}
}

func ptr[T any](v T) *T { return &v }

func kitchenValue() *kitchen {
	tm := time.Date(2024, 1, 2, 3, 4, 5, 6, time.UTC)
	pps := ptr("pp")
	return &kitchen{
		B: true, I: -1, I8: -128, I16: 300, I32: -5, I64: math.MinInt64,
		U: 1, U8: 255, U16: 65535, U32: 1 << 31, U64: math.MaxUint64, UP: 7,
		F32: 0.1, F64: 1e21, S: "a<b>&c\u2028\u2029\x00\x1f\x7f\"\\/\b\f\n\r\t\xff\xc3(é😀",
		MS: "my", MI: -3, Bytes: []byte("hello"), MB: myBytes{}, Arr: [3]int{1, 2, 3}, BArr: [2]byte{1, 2},
		Smalls: []small{{"x", 1}}, PSmalls: []*small{nil, {"y", 2}},
		M:    map[string]int{"b": 2, "a": 1, "<": 0, "é": 3},
		MInt: map[int]string{10: "ten", 9: "nine", -1: "m"}, MU8: map[uint8]bool{2: true, 10: false},
		MMy: map[myString]*small{"k": nil}, P: ptr(5), PP: &pps,
		Any:  map[string]any{"x": []any{1.5, "s", nil, true, map[string]any{}}, "t": tm, "pm": &ptrMarshal{1}, "vpm": ptrMarshal{2}},
		Anys: []any{valText{"v"}, &valText{"p"}, json.Number("12"), float32(1e-7), myInt(4)},
		Raw:  json.RawMessage(` { "a" : [ 1 , "<" ] } `), Num: "1e5",
		Time: tm, PTime: &tm, Addr: netip.MustParseAddr("::1"),
		PM: ptrMarshal{4}, PPM: &ptrMarshal{5}, VT: valText{"vt"}, VTs: []valText{{"a"}}, MVT: map[string]valText{"k": {"v"}},
		OEf: math.Copysign(0, -1), OZf: 0, OEb: true, OEu8: 0, OZi: -1, OEms: "x",
		Z: zeroer{0, 5}, PZ: ptrZeroer{1}, OZ: []int{}, OE: []int{}, OEst: small{},
		Emb: embedded{small{"e", 1}, 2}, Q: quoted{5, "q"},
		Node:  &node{Val: 1, Kids: []node{{Val: 2}}, Next: &node{Val: 3}},
		Punct: 1, Skip: 2, Dash: 3, Dom: 4, Dominant: 5, Fold: 6, FOld: 7, unexp: 8,
	}
}

func encodeValues() []any {
	k := kitchenValue()
	cyc := &node{Val: 1}
	cyc.Next = cyc
	deep := &node{}
	for n := deep; n != nil; n = n.Next {
		if n.Val < 1500 {
			n.Next = &node{Val: n.Val + 1}
		}
	}
	floats := []any{}
	for _, f := range []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 1e-6, 9.99e-7, 1e-7, 1e20, 1e21, 123456789e13, 5e-324, math.MaxFloat64, 1.5e-10} {
		floats = append(floats, f, float32(f))
	}
	return []any{
		nil, true, 1, "s", small{"hello", 3}, &small{"<&>", -1}, order{}, &order{ID: "1", Lines: []line{{"a", 1, 2}}, Meta: map[string]string{}, Note: ptr("n")},
		k, *k, []any{k}, map[string]any{"k": *k}, floats,
		math.NaN(), math.Inf(1), float32(math.Inf(-1)), []any{1, math.NaN()}, map[string]float64{"x": math.Inf(1)},
		cyc, deep, make(chan int), func() {}, complex(1, 2), []any{make(chan int)}, map[bool]int{true: 1}, unsupported{}, unsupported{C128: 1},
		ptrMarshal{1}, &ptrMarshal{2}, []ptrMarshal{{3}}, [1]ptrMarshal{{4}}, map[string]ptrMarshal{"k": {5}}, struct{ P ptrMarshal }{ptrMarshal{6}},
		[]flatS{{1, "a", true, -0.5}, {}}, &[2]flatS{{F: 1e-7}}, [2]flatS{{F: 1e21}}, []flatS{{F: math.NaN()}},
		&struct{ A [2]flatS }{}, struct{ A [2]flatS }{}, []struct{}{{}, {}}, [3]uint16{1, 2, 3}, &[3]float32{1.5, -0.0, 1e-7},
		&struct {
			P *int           `json:",omitempty"`
			S []int          `json:",omitempty"`
			M map[string]int `json:",omitempty"`
		}{M: map[string]int{}, S: []int{}},
		&struct {
			P *int           `json:",omitempty"`
			S []int          `json:",omitempty"`
			M map[string]int `json:",omitempty"`
		}{P: ptr(1), M: map[string]int{"a": 1}, S: []int{1}},
		map[string]string{"<": ">", "b": "\xff", "a": ""}, map[string]string(nil), map[myString]string{"b": "1", "a": "2"},
		valText{"t"}, map[valText]int{{"a"}: 1}, map[myInt]int{3: 1, 20: 2}, []byte(nil), []byte{}, myBytes("x"), [2]byte{},
		json.Number("bad"), json.RawMessage(`{bad`), (*ptrMarshal)(nil), (*time.Time)(nil), any(nil),
		struct{ time.Time }{time.Unix(0, 0).UTC()}, &struct{ time.Time }{time.Unix(0, 0).UTC()},
		reflect.New(dupFields).Elem().Interface(),
		embA{Base{ID: "b", Name: "n", Shared: 1}, &Inner{Deep: 2, PM: ptrMarshal{1}}, base2{3, "o", "id2"}, "own"},
		&embA{Base: Base{When: time.Unix(1, 0).UTC()}, Inner: &Inner{}},
		embA{}, &embB{&base3{1}, 2}, embB{}, embC{Base{ID: "1"}, Mid{BaseU{ID: "2", Name: "N"}, true}},
		&embD{M1{BaseU{ID: "1"}}, M2{BaseU{ID: "2"}}, 3}, embE{Base{ID: "e"}, 4, 5, &Rec{&Rec{nil, 1}, 2}, "s"},
		&embF{nil, Mid{}, 0}, embF{&Inner{Shared: 1}, Mid{MidOnly: true}, 7},
	}
}

func TestAppend(t *testing.T) {
	for i, v := range encodeValues() {
		checkAppend(t, fmt.Sprintf("value %d (%T)", i, v), v)
	}
}

func checkAppend(t testing.TB, name string, v any) {
	t.Helper()
	prefix := []byte("prefix:")
	got, gerr := Append(prefix[:len(prefix):len(prefix)], v)
	want, werr := json.Marshal(v)
	if fmt.Sprint(gerr) != fmt.Sprint(werr) {
		t.Fatalf("Append(%s): error %v; want %v", name, gerr, werr)
	}
	if werr != nil {
		if !bytes.Equal(got, prefix) {
			t.Fatalf("Append(%s) failed but changed dst to %q", name, got)
		}
		return
	}
	if !bytes.HasPrefix(got, prefix) || !bytes.Equal(got[len(prefix):], want) {
		t.Fatalf("Append(%s) =\n%s\nwant\n%s", name, got, want)
	}
}

// TestAppendFastPath makes sure encoding the test values does not fall
// back to json.Marshal as a whole.
func TestAppendFastPath(t *testing.T) {
	k := kitchenValue()
	embedded := &embA{Inner: &Inner{}}
	for _, v := range []any{k, *k, order{Lines: []line{{}}}, small{}, embedded, *embedded, &embC{}, embD{}} {
		rv := reflect.ValueOf(v)
		if _, ok := encoderFor(rv.Type()).fn(nil, rv, 0); !ok {
			t.Errorf("Append(%T) fell back", v)
		}
	}
}

// TestConcurrent compiles and runs codecs from several goroutines (run
// with -race).
func TestConcurrent(t *testing.T) {
	data, _ := json.Marshal(kitchenValue())
	done := make(chan bool)
	for i := 0; i < 4; i++ {
		go func() {
			defer func() { done <- true }()
			for i := 0; i < 20; i++ {
				for _, typ := range testTypes {
					v := reflect.New(typ).Interface()
					Unmarshal(data, v)
					Append(nil, v)
				}
			}
		}()
	}
	for i := 0; i < 4; i++ {
		<-done
	}
}

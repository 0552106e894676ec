package fastjson

import (
	"encoding/json"
	"math"
	"reflect"
	"testing"
)

// FuzzUnmarshal checks that Unmarshal leaves the same value and error as
// json.Unmarshal for any input.
func FuzzUnmarshal(f *testing.F) {
	for _, in := range decodeInputs {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, typ := range testTypes {
			checkUnmarshal(t, typ, data)
		}
	})
}

// FuzzAppend checks that Append produces json.Marshal's bytes for values
// built from the input: whatever json.Unmarshal makes of data, with
// strings and numbers from the other arguments.
func FuzzAppend(f *testing.F) {
	for _, in := range decodeInputs {
		f.Add([]byte(in), "a<é\u2028\xff", 1.5, int64(-3), uint32(0x3dcccccd))
	}
	f.Fuzz(func(t *testing.T, data []byte, s string, x float64, n int64, bits uint32) {
		var k kitchen
		json.Unmarshal(data, &k)
		k.S, k.MS, k.F64, k.F32, k.I64 = s, myString(s), x, math.Float32frombits(bits), n
		k.Bytes = []byte(s)
		k.Flats = append(k.Flats, flatS{int8(n), s, n&2 == 0, x})
		k.FArr[1].F = x
		k.OEf, k.OZf, k.OEb, k.OEu8, k.OZi, k.OEms = x, math.Float32frombits(bits), n&1 == 0, uint8(n), int(n>>1), myString(s)
		k.M = map[string]int{s: int(n), "b": 1}
		k.Anys = append(k.Anys, s, x, n)
		checkAppend(t, "kitchen", k)
		checkAppend(t, "*kitchen", &k)

		var a any
		json.Unmarshal(data, &a)
		checkAppend(t, "any", a)
		var o order
		json.Unmarshal(data, &o)
		checkAppend(t, "order", o)
		for _, v := range []any{new(embA), new(embC), new(embD), new(embE), new(embF)} {
			json.Unmarshal(data, v)
			checkAppend(t, "embedded", v)
			checkAppend(t, "embedded", reflect.ValueOf(v).Elem().Interface())
		}
		checkAppend(t, "string", s)
		checkAppend(t, "float64", x)
		checkAppend(t, "float32", math.Float32frombits(bits))
	})
}

package fastjson

import (
	"encoding/json"
	"testing"
)

// The benchmarks compare this package with encoding/json on a small
// request and an order; run with -benchmem and compare the pairs:
//
//	go test -run '^$' -bench . -benchmem -count 5 ./runtime/bus/internal/fastjson

var (
	smallValue = small{Text: "The quick brown fox jumps over the lazy dog 123", N: 42}
	orderValue = order{
		ID: "ord-000123", Customer: "cust-42",
		Lines: []line{{"SKU-1", 2, 1999}, {"SKU-22", 1, 500}, {"SKU-333", 10, 25}},
		Total: 4748,
	}
)

type codec struct {
	name      string
	marshal   func(any) ([]byte, error)
	unmarshal func([]byte, any) error
}

var codecs = []codec{
	{"std", json.Marshal, json.Unmarshal},
	{"fast", func(v any) ([]byte, error) { return Append(nil, v) }, Unmarshal},
}

func BenchmarkUnmarshal(b *testing.B) {
	smallData, _ := json.Marshal(smallValue)
	orderData, _ := json.Marshal(orderValue)
	for _, c := range codecs {
		b.Run("small/"+c.name, func(b *testing.B) {
			b.SetBytes(int64(len(smallData)))
			for b.Loop() {
				if err := c.unmarshal(smallData, new(small)); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("order/"+c.name, func(b *testing.B) {
			b.SetBytes(int64(len(orderData)))
			for b.Loop() {
				if err := c.unmarshal(orderData, new(order)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkAppend(b *testing.B) {
	for _, c := range codecs {
		for _, v := range []struct {
			name string
			v    any
		}{{"small", &smallValue}, {"order", &orderValue}} {
			b.Run(v.name+"/"+c.name, func(b *testing.B) {
				for b.Loop() {
					if _, err := c.marshal(v.v); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkAppendReuse appends to a reused buffer, as the bus does.
func BenchmarkAppendReuse(b *testing.B) {
	var buf []byte
	for _, v := range []struct {
		name string
		v    any
	}{{"small", &smallValue}, {"order", &orderValue}} {
		b.Run(v.name, func(b *testing.B) {
			for b.Loop() {
				var err error
				if buf, err = Append(buf[:0], v.v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

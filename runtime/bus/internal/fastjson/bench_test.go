package fastjson

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

// The benchmarks compare this package with encoding/json on a small
// request and an order; run with -benchmem and compare the pairs:
//
//	go test -run '^$' -bench . -benchmem -count 5 ./runtime/bus/internal/fastjson
//
// On a busy machine, BenchmarkSpeedup is the one to trust: it alternates
// the two packages in short batches and reports std-ns/op, fast-ns/op and
// their ratio (speedup) from the same run.

var (
	smallValue = small{Text: "The quick brown fox jumps over the lazy dog 123", N: 42}
	orderValue = order{
		ID: "ord-000123", Customer: "cust-42",
		Lines: []line{{"SKU-1", 2, 1999}, {"SKU-22", 1, 500}, {"SKU-333", 10, 25}},
		Total: 4748,
	}
	note      = "leave at the door"
	fullOrder = order{
		ID: "ord-000124", Customer: "cust-43",
		Lines: []line{{"SKU-1", 2, 1999}, {"SKU-22", 1, 500}},
		Total: 4498, Meta: map[string]string{"channel": "web", "coupon": "SPRING"}, Note: &note,
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
	fullData, _ := json.Marshal(fullOrder)
	for _, c := range codecs {
		b.Run("fullorder/"+c.name, func(b *testing.B) {
			b.SetBytes(int64(len(fullData)))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := c.unmarshal(fullData, new(order)); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("small/"+c.name, func(b *testing.B) {
			b.SetBytes(int64(len(smallData)))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := c.unmarshal(smallData, new(small)); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("order/"+c.name, func(b *testing.B) {
			b.SetBytes(int64(len(orderData)))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
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
		}{{"small", &smallValue}, {"order", &orderValue}, {"fullorder", &fullOrder}} {
			b.Run(v.name+"/"+c.name, func(b *testing.B) {
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
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
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				var err error
				if buf, err = Append(buf[:0], v.v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkSpeedup(b *testing.B) {
	smallData, _ := json.Marshal(smallValue)
	orderData, _ := json.Marshal(orderValue)
	fullData, _ := json.Marshal(fullOrder)
	var buf []byte
	var stdBuf bytes.Buffer
	cases := []struct {
		name      string
		std, fast func()
	}{
		{"Unmarshal/small",
			func() { json.Unmarshal(smallData, new(small)) },
			func() { Unmarshal(smallData, new(small)) }},
		{"Unmarshal/order",
			func() { json.Unmarshal(orderData, new(order)) },
			func() { Unmarshal(orderData, new(order)) }},
		{"Unmarshal/fullorder",
			func() { json.Unmarshal(fullData, new(order)) },
			func() { Unmarshal(fullData, new(order)) }},
		{"Append/small",
			func() { json.Marshal(&smallValue) },
			func() { Append(nil, &smallValue) }},
		{"Append/order",
			func() { json.Marshal(&orderValue) },
			func() { Append(nil, &orderValue) }},
		{"Append/fullorder",
			func() { json.Marshal(&fullOrder) },
			func() { Append(nil, &fullOrder) }},
		// Reused buffers on both sides, as the bus encodes today.
		{"AppendReuse/small",
			func() { stdBuf.Reset(); json.NewEncoder(&stdBuf).Encode(&smallValue) },
			func() { buf, _ = Append(buf[:0], &smallValue) }},
		{"AppendReuse/order",
			func() { stdBuf.Reset(); json.NewEncoder(&stdBuf).Encode(&orderValue) },
			func() { buf, _ = Append(buf[:0], &orderValue) }},
	}
	const batch = 100
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var std, fast time.Duration
			n := 0
			for ; n < b.N; n += batch {
				t0 := time.Now()
				for i := 0; i < batch; i++ {
					c.std()
				}
				t1 := time.Now()
				for i := 0; i < batch; i++ {
					c.fast()
				}
				std += t1.Sub(t0)
				fast += time.Since(t1)
			}
			b.ReportMetric(float64(std.Nanoseconds())/float64(n), "std-ns/op")
			b.ReportMetric(float64(fast.Nanoseconds())/float64(n), "fast-ns/op")
			b.ReportMetric(float64(std)/float64(fast), "speedup")
		})
	}
}

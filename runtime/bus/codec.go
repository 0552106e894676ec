package bus

import (
	"encoding/json"
	"sync"

	"github.com/cleave-go/cleave/runtime/bus/internal/fastjson"
)

// A Codec turns messages into bytes and back. It must be safe for
// concurrent use. Both ends of a subject must use the same codec; its Name
// travels in a header and a mismatch is an error.
type Codec interface {
	Name() string
	Marshal(v any) ([]byte, error)
	Unmarshal(data []byte, v any) error
}

// JSON is the default codec: the bytes and values of encoding/json. The
// bus itself encodes and decodes its messages with a compiled codec that
// gives exactly encoding/json's bytes, values and errors in a fraction of
// the time (falling back to encoding/json for what it does not cover).
var JSON Codec = jsonCodec{}

type jsonCodec struct{}

func (jsonCodec) Name() string                       { return "json" }
func (jsonCodec) Marshal(v any) ([]byte, error)      { return fastjson.Append(nil, v) }
func (jsonCodec) Unmarshal(data []byte, v any) error { return decodeText(data, v, json.Unmarshal) }

// buffer is a pooled encoding buffer.
type buffer struct{ b []byte }

var bufPool = sync.Pool{New: func() any { return new(buffer) }}

// marshal encodes v with c. The JSON codec encodes into a pooled buffer,
// returned too: release it once the data is no longer used.
func marshal(c Codec, v any) ([]byte, *buffer, error) {
	if _, ok := c.(jsonCodec); !ok {
		data, err := c.Marshal(v)
		return data, nil, err
	}
	buf := bufPool.Get().(*buffer)
	data, err := fastjson.Append(buf.b[:0], v)
	if err != nil {
		bufPool.Put(buf)
		return nil, nil, err
	}
	buf.b = data
	return data[:len(data):len(data)], buf, nil
}

// unmarshal decodes data into v, which points to a zero value.
func unmarshal(c Codec, data []byte, v any) error {
	if _, ok := c.(jsonCodec); ok {
		return decodeText(data, v, fastjson.Unmarshal)
	}
	return c.Unmarshal(data, v)
}

// release gives a buffer from marshal back to the pool; nil is ignored.
func release(buf *buffer) {
	if buf != nil && cap(buf.b) <= 64<<10 {
		bufPool.Put(buf)
	}
}

package bus

import (
	"bytes"
	"encoding/json"
	"sync"
)

// A Codec turns messages into bytes and back. It must be safe for
// concurrent use. Both ends of a subject must use the same codec; its Name
// travels in a header and a mismatch is an error.
type Codec interface {
	Name() string
	Marshal(v any) ([]byte, error)
	Unmarshal(data []byte, v any) error
}

// JSON is the default codec, encoding/json.
var JSON Codec = jsonCodec{}

type jsonCodec struct{}

func (jsonCodec) Name() string                       { return "json" }
func (jsonCodec) Marshal(v any) ([]byte, error)      { return json.Marshal(v) }
func (jsonCodec) Unmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// marshal encodes v with c. The JSON codec encodes into a pooled buffer,
// returned too: release it once the data is no longer used.
func marshal(c Codec, v any) ([]byte, *bytes.Buffer, error) {
	if _, ok := c.(jsonCodec); !ok {
		data, err := c.Marshal(v)
		return data, nil, err
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	if err := json.NewEncoder(buf).Encode(v); err != nil {
		bufPool.Put(buf)
		return nil, nil, err
	}
	data := buf.Bytes()
	return data[: len(data)-1 : len(data)-1], buf, nil // without Encode's newline
}

// release gives a buffer from marshal back to the pool; nil is ignored.
func release(buf *bytes.Buffer) {
	if buf != nil && buf.Cap() <= 64<<10 {
		bufPool.Put(buf)
	}
}

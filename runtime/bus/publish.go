package bus

import (
	"bytes"
	"encoding/json"
	"errors"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// publisher stores events in the stream and hands each Publish the
// stream's ack. All acks come back on one wildcard subscription, and the
// messages queued by concurrent Publish calls go out together from one
// goroutine, so the connection writes them in one go rather than one
// write per event.
type publisher struct {
	nc     *nats.Conn
	prefix string // "<inbox>.": an ack's subject is prefix + token

	mu       sync.Mutex
	sub      *nats.Subscription
	next     uint64
	waiting  map[uint64]*pubWait
	queue    []*pubWait
	spare    []*pubWait // the queue's other buffer
	running  bool       // the sender goroutine is draining the queue
	sweeping bool       // the sweeper goroutine runs
}

// pubWait is one publish waiting for its ack.
type pubWait struct {
	msg      nats.Msg
	token    uint64
	deadline int64      // unix nanoseconds: the ack is late after it
	res      chan error // capacity 1: the ack's outcome
}

// waitPool recycles the waits whose outcome was received: resolve and
// sweep send on a wait's channel once, and only while it is in waiting,
// so after that receive nothing else can reach it. A wait given up
// (cancel) is left to the collector: its send may still be under way.
var waitPool = sync.Pool{New: func() any { return &pubWait{res: make(chan error, 1)} }}

// recycle puts w back in the pool once its outcome was received.
func (w *pubWait) recycle() {
	w.msg = nats.Msg{}
	waitPool.Put(w)
}

// errAckTimeout: no ack within publishAckWait; the publish is retried.
var errAckTimeout = errors.New("no ack from the stream in time")

func newPublisher(nc *nats.Conn) *publisher {
	return &publisher{nc: nc, prefix: nc.NewInbox() + ".", waiting: map[uint64]*pubWait{}}
}

// start sends m (its Subject, Header and Data) to the stream and returns
// the wait to pass to wait.
func (p *publisher) start(m *nats.Msg) (*pubWait, error) {
	w := waitPool.Get().(*pubWait)
	w.msg = nats.Msg{Subject: m.Subject, Header: m.Header, Data: m.Data}
	w.deadline = time.Now().Add(publishAckWait).UnixNano()
	p.mu.Lock()
	if p.sub == nil {
		sub, err := p.nc.Subscribe(p.prefix+"*", p.onAck)
		if err != nil {
			p.mu.Unlock()
			return nil, err
		}
		p.sub = sub
	}
	p.next++
	w.token = p.next
	var reply [64]byte
	w.msg.Reply = string(strconv.AppendUint(append(reply[:0], p.prefix...), w.token, 36))
	p.waiting[w.token] = w
	p.queue = append(p.queue, w)
	if !p.sweeping {
		p.sweeping = true
		go p.sweep()
	}
	if !p.running {
		p.running = true
		go p.send()
	}
	p.mu.Unlock()
	return w, nil
}

// send publishes the queued messages until the queue is empty.
func (p *publisher) send() {
	for {
		// Let the publishers the last acks woke queue their events
		// first: more events per write.
		runtime.Gosched()
		p.mu.Lock()
		q := p.queue
		if len(q) == 0 {
			p.running = false
			p.mu.Unlock()
			return
		}
		p.queue, p.spare = p.spare[:0], nil
		p.mu.Unlock()
		for i, w := range q {
			if err := p.nc.PublishMsg(&w.msg); err != nil {
				p.resolve(w.token, err)
			}
			q[i] = nil
		}
		p.mu.Lock()
		if p.spare == nil {
			p.spare = q[:0]
		}
		p.mu.Unlock()
	}
}

// onAck resolves the publish an ack answers.
func (p *publisher) onAck(m *nats.Msg) {
	token, err := strconv.ParseUint(m.Subject[min(len(p.prefix), len(m.Subject)):], 36, 64)
	if err != nil {
		return
	}
	p.resolve(token, ackError(m))
}

// ackError returns nil for a stored event, the stream's error otherwise.
func ackError(m *nats.Msg) error {
	if len(m.Data) == 0 {
		if m.Header.Get("Status") == "503" {
			return jetstream.ErrNoStreamResponse
		}
		return jetstream.ErrInvalidJSAck
	}
	if bytes.Contains(m.Data, []byte(`"error"`)) {
		var r struct {
			Error *jetstream.APIError `json:"error"`
		}
		if err := json.Unmarshal(m.Data, &r); err != nil {
			return jetstream.ErrInvalidJSAck
		}
		if r.Error != nil {
			return r.Error
		}
	}
	if !bytes.Contains(m.Data, []byte(`"seq"`)) {
		return jetstream.ErrInvalidJSAck
	}
	return nil
}

func (p *publisher) resolve(token uint64, err error) {
	p.mu.Lock()
	w := p.waiting[token]
	delete(p.waiting, token)
	p.mu.Unlock()
	if w != nil {
		w.res <- err
	}
}

// sweep times out the publishes whose ack is late, while any wait.
func (p *publisher) sweep() {
	const every = 100 * time.Millisecond
	t := time.NewTicker(every)
	defer t.Stop()
	var late []*pubWait
	for now := range t.C {
		late = late[:0]
		p.mu.Lock()
		if len(p.waiting) == 0 {
			p.sweeping = false
			p.mu.Unlock()
			return
		}
		n := now.UnixNano()
		for token, w := range p.waiting {
			if n > w.deadline {
				delete(p.waiting, token)
				late = append(late, w)
			}
		}
		p.mu.Unlock()
		for _, w := range late {
			w.res <- errAckTimeout
		}
	}
}

// cancel forgets w; its ack, if any, is ignored. A message still queued
// is sent all the same: it may be stored, as a publish cancelled after
// its write could be.
func (p *publisher) cancel(w *pubWait) {
	p.mu.Lock()
	delete(p.waiting, w.token)
	p.mu.Unlock()
}

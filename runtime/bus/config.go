package bus

import (
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
)

// Transport names accepted in Config.Transport and CLEAVE_TRANSPORT.
const (
	Local    = "local"
	Loopback = "loopback"
	NATS     = "nats"
)

// Config says how a Bus carries messages. The zero value is a local bus.
type Config struct {
	// Transport is "local" (default), "loopback" or "nats".
	Transport string
	// URLs of existing NATS servers. Empty under "nats" starts an embedded
	// server in this process.
	URLs []string
	// App prefixes the JetStream stream and its subjects (default "cleave").
	App string
	// Service names this process: the queue group its request handlers
	// join and the owner of its durable event consumers (default "app").
	Service string
	// StoreDir is the embedded server's JetStream directory. Empty: events
	// are kept in memory and do not survive a restart. Otherwise, and on
	// servers given by URLs, the stream is on file storage, unless it
	// exists already: then it is joined as it is.
	StoreDir string

	// Listen is the embedded server's client address (default
	// "127.0.0.1:0", a random port; see Bus.ClientURL). "none" listens on
	// no port: only this process can reach the server.
	Listen string
	// InProcess connects this Bus to its embedded server without TCP.
	InProcess bool

	// Connection options for existing servers, passed through to nats.go.
	Token    string // CLEAVE_NATS_TOKEN
	Creds    string // CLEAVE_NATS_CREDS: a .creds file (JWT + nkey)
	TLSCA    string // CLEAVE_NATS_TLS_CA: root CA file
	TLSCert  string // CLEAVE_NATS_TLS_CERT: client certificate file
	TLSKey   string // CLEAVE_NATS_TLS_KEY: client key file
	Options  []nats.Option
	Replicas int // stream replicas, default 1 (CLEAVE_STREAM_REPLICAS)

	// Codec encodes messages under loopback and nats (default JSON).
	Codec Codec
	// RequestTimeout bounds a Call whose context has no deadline (default 30s).
	RequestTimeout time.Duration
	// AckWait is how long the broker waits for an event's ack before it
	// redelivers it (default 30s): after a crash, or for events a closing
	// Bus had received but not started. A handler still running keeps its
	// event (the Bus tells the broker so every AckWait/2).
	AckWait time.Duration
	// MaxDeliver is how many times an event is tried before it is dead-lettered
	// (default 5).
	MaxDeliver int
	// Backoff is the delay before the first redelivery after a handler error;
	// it doubles on each attempt, up to 30s (default 100ms).
	Backoff time.Duration
	// MaxMessageBytes refuses larger messages (default 1 MiB): Publish and
	// Call fail, a larger event received is dead-lettered.
	MaxMessageBytes int
	// Concurrency is how many events one subscription handles at once
	// (default 16). Requests are each handled in their own goroutine.
	Concurrency int
	// MaxAge is how long the stream keeps events (default 7 days).
	MaxAge time.Duration

	// EventsWait is a testing aid (CLEAVE_EVENTS_WAIT=1): under "nats",
	// Publish returns only after the subscribers registered on this same Bus
	// have handled the event (acked, or dead-lettered: then Publish returns
	// the reason), so a monolith's synchronous tests keep passing while
	// events still travel through JetStream. Do not use it in production.
	EventsWait bool
}

// ConfigFromEnv reads a Config from the environment. Unset variables leave
// their fields zero (so Service is "" outside a split service); Open fills
// in the defaults.
//
//	CLEAVE_TRANSPORT        local | loopback | nats (default local)
//	CLEAVE_NATS_URL         comma-separated server URLs; empty: embedded server
//	CLEAVE_APP              stream and subject prefix (default cleave)
//	CLEAVE_SERVICE          this service's name (default app)
//	CLEAVE_STORE_DIR        embedded server's JetStream directory
//	CLEAVE_NATS_LISTEN      embedded server's client address (default 127.0.0.1:0)
//	CLEAVE_NATS_TOKEN       auth token
//	CLEAVE_NATS_CREDS       credentials file
//	CLEAVE_NATS_TLS_CA, CLEAVE_NATS_TLS_CERT, CLEAVE_NATS_TLS_KEY  TLS files
//	CLEAVE_STREAM_REPLICAS  stream replicas on a cluster (default 1)
//	CLEAVE_REQUEST_TIMEOUT  default Call timeout, a Go duration (default 30s)
//	CLEAVE_ACK_WAIT         redelivery of unacked events, a Go duration (default 30s)
//	CLEAVE_MAX_DELIVER      attempts before an event is dead-lettered (default 5)
//	CLEAVE_EVENTS_WAIT      1: Publish waits for local subscribers (testing aid)
func ConfigFromEnv() Config {
	c := Config{
		Transport: os.Getenv("CLEAVE_TRANSPORT"),
		App:       os.Getenv("CLEAVE_APP"),
		Service:   os.Getenv("CLEAVE_SERVICE"),
		StoreDir:  os.Getenv("CLEAVE_STORE_DIR"),
		Listen:    os.Getenv("CLEAVE_NATS_LISTEN"),
		Token:     os.Getenv("CLEAVE_NATS_TOKEN"),
		Creds:     os.Getenv("CLEAVE_NATS_CREDS"),
		TLSCA:     os.Getenv("CLEAVE_NATS_TLS_CA"),
		TLSCert:   os.Getenv("CLEAVE_NATS_TLS_CERT"),
		TLSKey:    os.Getenv("CLEAVE_NATS_TLS_KEY"),
	}
	for _, u := range strings.Split(os.Getenv("CLEAVE_NATS_URL"), ",") {
		if u = strings.TrimSpace(u); u != "" {
			c.URLs = append(c.URLs, u)
		}
	}
	if n, err := strconv.Atoi(os.Getenv("CLEAVE_STREAM_REPLICAS")); err == nil {
		c.Replicas = n
	}
	if d, err := time.ParseDuration(os.Getenv("CLEAVE_REQUEST_TIMEOUT")); err == nil {
		c.RequestTimeout = d
	}
	if d, err := time.ParseDuration(os.Getenv("CLEAVE_ACK_WAIT")); err == nil {
		c.AckWait = d
	}
	if n, err := strconv.Atoi(os.Getenv("CLEAVE_MAX_DELIVER")); err == nil {
		c.MaxDeliver = n
	}
	c.EventsWait, _ = strconv.ParseBool(os.Getenv("CLEAVE_EVENTS_WAIT"))
	return c
}

func (c Config) withDefaults() Config {
	if c.Transport == "" {
		c.Transport = Local
	}
	if c.App == "" {
		c.App = "cleave"
	}
	if c.Service == "" {
		c.Service = "app"
	}
	if c.Listen == "" {
		c.Listen = "127.0.0.1:0"
	}
	if c.Replicas <= 0 {
		c.Replicas = 1
	}
	if c.Codec == nil {
		c.Codec = JSON
	}
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = 30 * time.Second
	}
	if c.AckWait <= 0 {
		c.AckWait = 30 * time.Second
	}
	if c.MaxDeliver <= 0 {
		c.MaxDeliver = 5
	}
	if c.Backoff <= 0 {
		c.Backoff = 100 * time.Millisecond
	}
	if c.MaxMessageBytes <= 0 {
		c.MaxMessageBytes = 1 << 20
	}
	if c.Concurrency <= 0 {
		c.Concurrency = 16
	}
	if c.MaxAge <= 0 {
		c.MaxAge = 7 * 24 * time.Hour
	}
	return c
}

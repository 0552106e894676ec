package bus

import (
	"errors"
	"fmt"
	"strings"
	"sync"
)

// Errors the bus itself reports. Each crosses the wire under its own code,
// so errors.Is works on the caller's side too.
var (
	// ErrNoHandler: nothing handles the subject (NATS "no responders").
	ErrNoHandler = errors.New("no handler for subject")
	// ErrSchemaMismatch: the two ends disagree on a message's Go type.
	ErrSchemaMismatch = errors.New("message schema mismatch")
	// ErrDecode: a message could not be decoded.
	ErrDecode = errors.New("cannot decode message")
	// ErrTooLarge: a message is larger than Config.MaxMessageBytes.
	ErrTooLarge = errors.New("message too large")
	// ErrPanic: the handler panicked; the panic was recovered and logged.
	ErrPanic = errors.New("handler panicked")
	// ErrClosed: the Bus is closed.
	ErrClosed = errors.New("bus closed")
)

func init() {
	RegisterError("cleave.no_handler", ErrNoHandler)
	RegisterError("cleave.schema", ErrSchemaMismatch)
	RegisterError("cleave.decode", ErrDecode)
	RegisterError("cleave.too_large", ErrTooLarge)
	RegisterError("cleave.panic", ErrPanic)
	RegisterError("cleave.closed", ErrClosed)
}

var registry struct {
	sync.RWMutex
	byCode map[string]error
	codes  []string // registration order: the first match wins
}

// RegisterError gives a sentinel error a code that crosses the wire. A
// handler error that errors.Is err travels as its code and message; the
// caller gets err itself back when the handler returned err unwrapped, and a
// *RemoteError that unwraps to err otherwise, so errors.Is(got, err) holds
// either way. Both sides must register the same code (generated code does
// this in an init function). Registering a code again replaces it.
func RegisterError(code string, err error) {
	if code == "" || err == nil {
		panic("bus: RegisterError needs a code and an error")
	}
	registry.Lock()
	defer registry.Unlock()
	if registry.byCode == nil {
		registry.byCode = make(map[string]error)
	}
	if _, ok := registry.byCode[code]; !ok {
		registry.codes = append(registry.codes, code)
	}
	registry.byCode[code] = err
}

// errorCode returns the codes of the registered sentinels err matches,
// comma-separated in registration order (an error may wrap several, as
// fmt.Errorf with two %w does), and whether err is the sentinel itself.
func errorCode(err error) (code string, exact bool) {
	registry.RLock()
	defer registry.RUnlock()
	var codes []string
	for _, c := range registry.codes {
		s := registry.byCode[c]
		if err == s {
			return c, true
		}
		if errors.Is(err, s) {
			codes = append(codes, c)
		}
	}
	return strings.Join(codes, ","), false
}

func sentinel(code string) error {
	registry.RLock()
	defer registry.RUnlock()
	return registry.byCode[code]
}

// A RemoteError is an error a handler returned on the other side of the
// wire. It unwraps to the registered sentinels it matched there, so
// errors.Is holds for each of them.
type RemoteError struct {
	Subject string   // the subject called
	Code    string   // first registered code matched, "" if none
	Codes   []string // every registered code matched, in registration order
	Message string   // the handler's err.Error()
}

func (e *RemoteError) Error() string { return e.Message }

// Unwrap returns the sentinels registered under e.Codes.
func (e *RemoteError) Unwrap() []error {
	codes := e.Codes
	if len(codes) == 0 && e.Code != "" {
		codes = []string{e.Code}
	}
	var errs []error
	for _, c := range codes {
		if s := sentinel(c); s != nil {
			errs = append(errs, s)
		}
	}
	return errs
}

// Error header names.
const (
	hdrErrCode  = "Cleave-Error-Code"
	hdrErrExact = "Cleave-Error-Exact"
	hdrErr      = "Cleave-Error"
)

// decodeError rebuilds an error from its wire form.
func decodeError(subject, code string, exact bool, msg string) error {
	if exact {
		if s := sentinel(code); s != nil {
			return s
		}
	}
	e := &RemoteError{Subject: subject, Message: msg}
	if code != "" {
		e.Codes = strings.Split(code, ",")
		e.Code = e.Codes[0]
	}
	return e
}

func noHandler(subject string) error {
	return fmt.Errorf("bus: call %s: %w (is the service running?)", subject, ErrNoHandler)
}

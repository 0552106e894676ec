package bus

import (
	"errors"
	"fmt"
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

// errorCode returns the code of the first registered sentinel err matches,
// and whether err is that sentinel itself.
func errorCode(err error) (code string, exact bool) {
	registry.RLock()
	defer registry.RUnlock()
	for _, c := range registry.codes {
		s := registry.byCode[c]
		if err == s {
			return c, true
		}
		if errors.Is(err, s) {
			return c, false
		}
	}
	return "", false
}

func sentinel(code string) error {
	registry.RLock()
	defer registry.RUnlock()
	return registry.byCode[code]
}

// A RemoteError is an error a handler returned on the other side of the
// wire. It unwraps to the registered sentinel named by Code, if any.
type RemoteError struct {
	Subject string // the subject called
	Code    string // registered code, "" if none matched
	Message string // the handler's err.Error()
}

func (e *RemoteError) Error() string { return e.Message }

// Unwrap returns the sentinel registered under e.Code, or nil.
func (e *RemoteError) Unwrap() error {
	if e.Code == "" {
		return nil
	}
	return sentinel(e.Code)
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
	return &RemoteError{Subject: subject, Code: code, Message: msg}
}

func noHandler(subject string) error {
	return fmt.Errorf("bus: call %s: %w (is the service running?)", subject, ErrNoHandler)
}

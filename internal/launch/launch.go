// Package launch supervises a group of service processes: it starts each as
// its own OS process, waits until every one has printed its ready line,
// interleaves their output prefixed with the service's name, reports a
// service that exits on its own (or restarts it), and stops them in order —
// edge services first, then the rest in reverse order — with SIGTERM and a
// grace period before SIGKILL.
//
// It knows nothing of what the processes do; `cleave run` gives it the
// generated service mains and the broker's address in their environment.
// Limits: readiness is a line on the process's output, not a health probe;
// signals other than SIGKILL are not delivered on Windows.
package launch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Service describes one process of the group.
type Service struct {
	Name string   // shown as the log prefix and in errors
	Path string   // the executable
	Args []string // its arguments (without the program name)
	Env  []string // added to the supervisor's own environment
	Dir  string   // working directory; empty: the supervisor's
	Edge bool     // edge services take outside traffic and are stopped first

	// ReadyLine is the exact output line that says the service is ready.
	// Empty means ReadyLine(Name); "-" means the service is ready as soon
	// as it has started.
	ReadyLine string
}

// ReadyLine is the line a cleave service prints when it is fully ready.
func ReadyLine(service string) string { return "cleave: ready " + service }

// Options tune a group's supervision.
type Options struct {
	ReadyTimeout time.Duration // per start of a service; default 60s
	Grace        time.Duration // between SIGTERM and SIGKILL on stop; default 10s
	Restart      bool          // restart a service that exits on its own instead of failing the group
	Logs         io.Writer     // receives every output line as "[name] line"; nil discards
	Color        bool          // colour the prefixes (for a terminal)
	Tail         int           // output lines kept per service for error reports; default 20
	Events       func(Event)   // called on every state change, from supervisor goroutines
	// FirstAlone starts the first service alone and waits until it is
	// ready before it starts the others, so that start-up work every
	// process repeats (a schema migration, seeding) runs once first, as
	// in the program the services were split from.
	FirstAlone bool
}

// EventKind says what happened to a service.
type EventKind int

const (
	Started    EventKind = iota // a process was started
	Ready                       // it printed its ready line
	Exited                      // it exited on its own
	Restarting                  // it is about to be started again
	Stopped                     // it was stopped by the supervisor
)

func (k EventKind) String() string {
	switch k {
	case Started:
		return "started"
	case Ready:
		return "ready"
	case Exited:
		return "exited"
	case Restarting:
		return "restarting"
	case Stopped:
		return "stopped"
	}
	return fmt.Sprintf("EventKind(%d)", int(k))
}

// Event is one state change of a service.
type Event struct {
	Kind    EventKind
	Service string
	Pid     int
	Err     error // Exited, Stopped: how the process ended (nil: status 0)
}

// State is a snapshot of one service.
type State struct {
	Name     string
	Pid      int  // current (or last) process
	Ready    bool // the current process printed its ready line and is running
	Restarts int
}

// ExitError reports a service that exited when nobody asked it to, or that
// did not become ready.
type ExitError struct {
	Service string
	Reason  string   // "exited", "not ready after 1m0s", ...
	Err     error    // the process's exit error, if any
	Tail    []string // its last output lines
}

func (e *ExitError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "service %s %s", e.Service, e.Reason)
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	if len(e.Tail) > 0 {
		fmt.Fprintf(&b, "; last output:")
		for _, l := range e.Tail {
			fmt.Fprintf(&b, "\n    [%s] %s", e.Service, l)
		}
	}
	return b.String()
}

func (e *ExitError) Unwrap() error { return e.Err }

// Group is a running set of supervised services.
type Group struct {
	opts     Options
	procs    []*proc
	byName   map[string]*proc
	logs     *logger
	stopping atomic.Bool
	crashed  chan *ExitError
	stopOnce sync.Once
	stopErr  error
	monitors sync.WaitGroup
}

// Start starts every service (see Options.FirstAlone) and waits until each
// is ready. If one fails to start or to become ready, the ones already
// started are stopped and the error names the service and shows its last
// output lines. Cancelling ctx
// while Start waits stops the group and returns ctx's error; after Start
// returns, ctx is not used (see Wait).
func Start(ctx context.Context, svcs []Service, opts Options) (*Group, error) {
	if opts.ReadyTimeout <= 0 {
		opts.ReadyTimeout = 60 * time.Second
	}
	if opts.Grace <= 0 {
		opts.Grace = 10 * time.Second
	}
	if opts.Tail <= 0 {
		opts.Tail = 20
	}
	if opts.Logs == nil {
		opts.Logs = io.Discard
	}
	g := &Group{
		opts:    opts,
		byName:  map[string]*proc{},
		crashed: make(chan *ExitError, len(svcs)),
	}
	width := 0
	for _, s := range svcs {
		if s.Name == "" {
			return nil, errors.New("start: service without a name")
		}
		if _, dup := g.byName[s.Name]; dup {
			return nil, fmt.Errorf("start: service %s listed twice", s.Name)
		}
		width = max(width, len(s.Name))
		p := &proc{g: g, svc: s, tail: newRing(opts.Tail)}
		if p.svc.ReadyLine == "" {
			p.svc.ReadyLine = ReadyLine(s.Name)
		}
		g.procs = append(g.procs, p)
		g.byName[s.Name] = p
	}
	g.logs = &logger{w: opts.Logs, width: width, color: opts.Color}
	for i, p := range g.procs {
		p.color = palette[i%len(palette)]
	}

	var runs []*incarnation
	// start starts procs at once and waits until each is ready, within
	// one ReadyTimeout.
	start := func(procs []*proc) error {
		first := len(runs)
		for _, p := range procs {
			r, err := p.start()
			if err != nil {
				return fmt.Errorf("start %s: %w", p.svc.Name, err)
			}
			runs = append(runs, r)
		}
		timer := time.NewTimer(opts.ReadyTimeout)
		defer timer.Stop()
		for i, p := range procs {
			if err := p.awaitReady(ctx, runs[first+i], timer.C); err != nil {
				return err
			}
		}
		return nil
	}
	phases := [][]*proc{g.procs}
	if opts.FirstAlone && len(g.procs) > 1 {
		phases = [][]*proc{g.procs[:1], g.procs[1:]}
	}
	for _, procs := range phases {
		if err := start(procs); err != nil {
			g.Stop()
			return nil, err
		}
	}
	for i, p := range g.procs {
		g.monitors.Add(1)
		go p.monitor(runs[i])
	}
	return g, nil
}

// Wait blocks until ctx is done or a service exits on its own (and is not
// to be restarted). Either way it stops the whole group in order; it
// returns the *ExitError of the service that ended the group, or else what
// went wrong while stopping.
func (g *Group) Wait(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return g.Stop()
	case e := <-g.crashed:
		g.Stop()
		return e
	}
}

// Crashed delivers a service that exited on its own (and is not restarted).
func (g *Group) Crashed() <-chan *ExitError { return g.crashed }

// Stop stops the group: edge services first, then the others in reverse
// order, each with SIGTERM, then SIGKILL after the grace period. It is safe
// to call more than once; later calls return the first one's result.
func (g *Group) Stop() error {
	g.stopOnce.Do(func() {
		g.stopping.Store(true)
		var order []*proc
		for _, p := range g.procs {
			if p.svc.Edge {
				order = append(order, p)
			}
		}
		for i := len(g.procs) - 1; i >= 0; i-- {
			if !g.procs[i].svc.Edge {
				order = append(order, g.procs[i])
			}
		}
		var errs []error
		for _, p := range order {
			if err := p.stop(); err != nil {
				errs = append(errs, err)
			}
		}
		g.monitors.Wait()
		g.stopErr = errors.Join(errs...)
	})
	return g.stopErr
}

// Kill sends SIGKILL to every running service at once, for a user who
// does not want to wait for Stop's grace periods.
func (g *Group) Kill() {
	g.stopping.Store(true)
	for _, p := range g.procs {
		p.mu.Lock()
		if p.cur != nil {
			p.cur.cmd.Process.Kill()
		}
		p.mu.Unlock()
	}
}

// States reports every service, in the order they were given.
func (g *Group) States() []State {
	var out []State
	for _, p := range g.procs {
		out = append(out, p.state())
	}
	return out
}

// State reports one service.
func (g *Group) State(name string) (State, bool) {
	p, ok := g.byName[name]
	if !ok {
		return State{}, false
	}
	return p.state(), true
}

// Signal sends sig to the current process of the named service (tests use
// it to kill one in the middle of a scenario).
func (g *Group) Signal(name string, sig os.Signal) error {
	p, ok := g.byName[name]
	if !ok {
		return fmt.Errorf("signal: no service %s", name)
	}
	p.mu.Lock()
	r := p.cur
	p.mu.Unlock()
	if r == nil {
		return fmt.Errorf("signal %s: not running", name)
	}
	return r.cmd.Process.Signal(sig)
}

// Tail returns the named service's last output lines.
func (g *Group) Tail(name string) []string {
	if p, ok := g.byName[name]; ok {
		return p.tail.lines()
	}
	return nil
}

func (g *Group) emit(e Event) {
	if g.opts.Events != nil {
		g.opts.Events(e)
	}
}

// proc is one supervised service across its restarts.
type proc struct {
	g     *Group
	svc   Service
	color string
	tail  *ring

	mu       sync.Mutex
	cur      *incarnation
	restarts int
}

// incarnation is one OS process of a service.
type incarnation struct {
	cmd       *exec.Cmd
	pidv      atomic.Int64
	ready     chan struct{} // closed on the ready line
	exited    chan struct{} // closed when the process has exited and its output is drained
	err       error         // set before exited is closed
	isReady   atomic.Bool
	startedAt time.Time
	out       *lineWriter
	errOut    *lineWriter
}

func (p *proc) state() State {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := State{Name: p.svc.Name, Restarts: p.restarts}
	if p.cur != nil {
		s.Pid = p.cur.pid()
		select {
		case <-p.cur.exited:
		default:
			s.Ready = p.cur.isReady.Load()
		}
	}
	return s
}

// start starts a new process of p and makes it current.
func (p *proc) start() (*incarnation, error) {
	cmd := exec.Command(p.svc.Path, p.svc.Args...)
	cmd.Dir = p.svc.Dir
	cmd.Env = append(os.Environ(), p.svc.Env...)
	cmd.SysProcAttr = sysProcAttr()
	cmd.WaitDelay = 2 * time.Second // a grandchild holding the pipes must not hang Wait
	r := &incarnation{cmd: cmd, ready: make(chan struct{}), exited: make(chan struct{})}
	gate := make(chan struct{}) // output waits for the Started event
	r.out = &lineWriter{line: func(l string) { <-gate; p.line(r, l) }}
	r.errOut = &lineWriter{line: func(l string) { <-gate; p.line(r, l) }}
	cmd.Stdout = r.out
	cmd.Stderr = r.errOut
	if p.svc.ReadyLine == "-" {
		r.isReady.Store(true)
		close(r.ready)
	}
	if err := cmd.Start(); err != nil {
		close(gate)
		return nil, err
	}
	r.pidv.Store(int64(cmd.Process.Pid))
	r.startedAt = time.Now()
	p.mu.Lock()
	p.cur = r
	p.mu.Unlock()
	go func() {
		err := cmd.Wait()
		r.out.flush()
		r.errOut.flush()
		r.err = err
		close(r.exited)
	}()
	p.g.emit(Event{Kind: Started, Service: p.svc.Name, Pid: r.pid()})
	if r.isReady.Load() {
		p.g.emit(Event{Kind: Ready, Service: p.svc.Name, Pid: r.pid()})
	}
	close(gate)
	return r, nil
}

// line handles one output line of r.
func (p *proc) line(r *incarnation, l string) {
	p.tail.add(l)
	p.g.logs.print(p.svc.Name, p.color, l)
	if strings.TrimSpace(l) == p.svc.ReadyLine && r.isReady.CompareAndSwap(false, true) {
		close(r.ready)
		p.g.emit(Event{Kind: Ready, Service: p.svc.Name, Pid: r.pid()})
	}
}

// awaitReady waits for r's ready line; expired fires at the deadline.
func (p *proc) awaitReady(ctx context.Context, r *incarnation, expired <-chan time.Time) error {
	select {
	case <-r.ready:
		return nil
	case <-r.exited:
		return &ExitError{Service: p.svc.Name, Reason: "exited before it was ready", Err: exitErr(r.err), Tail: p.tail.lines()}
	case <-expired:
		return &ExitError{Service: p.svc.Name, Reason: fmt.Sprintf("not ready after %v (no line %q)", p.g.opts.ReadyTimeout, p.svc.ReadyLine), Tail: p.tail.lines()}
	case <-ctx.Done():
		return ctx.Err()
	}
}

// monitor watches p's processes from r on: an exit nobody asked for is
// reported, or the service is started again with a growing delay.
func (p *proc) monitor(r *incarnation) {
	defer p.g.monitors.Done()
	delay := 100 * time.Millisecond
	for {
		<-r.exited
		if p.g.stopping.Load() {
			return
		}
		e := &ExitError{Service: p.svc.Name, Reason: "exited", Err: exitErr(r.err), Tail: p.tail.lines()}
		p.g.emit(Event{Kind: Exited, Service: p.svc.Name, Pid: r.pid(), Err: e.Err})
		if !p.g.opts.Restart {
			p.g.crashed <- e
			return
		}
		p.g.logs.print(p.svc.Name, p.color, fmt.Sprintf("cleave: %v; restarting", e.Err))
		if time.Since(r.startedAt) > 30*time.Second {
			delay = 100 * time.Millisecond
		}
		time.Sleep(delay)
		delay = min(2*delay, 5*time.Second)

		p.mu.Lock()
		if p.g.stopping.Load() {
			p.mu.Unlock()
			return
		}
		p.restarts++
		p.mu.Unlock()
		p.g.emit(Event{Kind: Restarting, Service: p.svc.Name})
		next, err := p.start()
		if err != nil {
			p.g.crashed <- &ExitError{Service: p.svc.Name, Reason: "could not be restarted", Err: err}
			return
		}
		timer := time.NewTimer(p.g.opts.ReadyTimeout)
		if err := p.awaitReady(context.Background(), next, timer.C); err != nil {
			p.g.logs.print(p.svc.Name, p.color, "cleave: "+firstLine(err.Error()))
			next.cmd.Process.Kill()
		}
		timer.Stop()
		r = next
	}
}

// stop ends p's current process: SIGTERM, then SIGKILL after the grace
// period. A non-zero exit status after SIGTERM is reported.
func (p *proc) stop() error {
	p.mu.Lock()
	r := p.cur
	p.mu.Unlock()
	if r == nil {
		return nil
	}
	select {
	case <-r.exited:
		return nil // already gone; reported by its monitor
	default:
	}
	if err := terminate(r.cmd.Process); err != nil {
		r.cmd.Process.Kill()
	}
	timer := time.NewTimer(p.g.opts.Grace)
	defer timer.Stop()
	select {
	case <-r.exited:
		p.g.emit(Event{Kind: Stopped, Service: p.svc.Name, Pid: r.pid(), Err: r.err})
		if r.err != nil && !terminated(r.err) {
			return fmt.Errorf("stop %s: %w", p.svc.Name, r.err)
		}
		return nil
	case <-timer.C:
		r.cmd.Process.Kill()
		<-r.exited
		p.g.emit(Event{Kind: Stopped, Service: p.svc.Name, Pid: r.pid(), Err: r.err})
		return fmt.Errorf("stop %s: still running %v after SIGTERM; killed", p.svc.Name, p.g.opts.Grace)
	}
}

func (r *incarnation) pid() int { return int(r.pidv.Load()) }

// exitErr returns the error of an exit with status 0 as a plain message.
func exitErr(err error) error {
	if err == nil {
		return errors.New("exit status 0")
	}
	return err
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

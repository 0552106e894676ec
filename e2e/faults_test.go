package e2e

import (
	"fmt"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"

	"github.com/cleave-go/cleave/internal/launch"
	"github.com/cleave-go/cleave/runtime/bus/bustest"
)

// victim picks the service to kill: the one that consumes the most events
// (so that events are published while it is down) and is not the edge.
func (s *split) victim(t testing.TB) (name string, events []string) {
	t.Helper()
	best := -1
	for _, ms := range s.manifest.Services {
		if ms.Edge {
			continue
		}
		var evs []string
		for _, subj := range ms.Serves {
			if s.isEvent(subj) {
				evs = append(evs, subj)
			}
		}
		if len(evs) > best {
			name, events, best = ms.Name, evs, len(evs)
		}
	}
	if best <= 0 {
		t.Fatalf("no service of the split consumes events: nothing to lose by killing one")
	}
	return name, events
}

func (s *split) isEvent(subject string) bool { return s.events[subject] }

// TestSplitServiceKilled SIGKILLs the service that consumes the most
// events between two customers' journeys, lets the next customer sign up
// and shop while it is down (the events it would handle are stored on the
// stream), starts it again once such an event has been stored, and
// expects every later answer — notifications included, so no event was
// lost — to be the monolith's.
func TestSplitServiceKilled(t *testing.T) {
	s := splitUnderTest(t)
	monolithTranscript(t, s.lite)
	name, events := s.victim(t)
	t.Logf("victim: %s, consumer of %s", name, strings.Join(events, ", "))

	srv := bustest.StartServer(t)
	urls := []string{srv.URL()}
	seen := watchSubjects(t, urls)
	addr := freeAddr(t)
	logs := newLogSink(t)
	var victim launch.Service
	var others []launch.Service
	for _, ls := range s.services(urls, addr) {
		if ls.Name == name {
			victim = ls
		} else {
			others = append(others, ls)
		}
	}
	vg := startUnsupervised(t, victim, logs)
	start(t, others, logs)
	base := "http://" + addr
	waitHealthy(t, base)

	const killBefore = "customer 2"
	var restarted chan struct{}
	checkpoint := func(at string) {
		if at != "before "+killBefore {
			return
		}
		stored := storedEvents(seen, s, events)
		if err := vg.get().Signal(name, syscall.SIGKILL); err != nil {
			t.Errorf("kill %s: %v", name, err)
			return
		}
		select {
		case e := <-vg.get().Crashed():
			t.Logf("killed: %v", firstLine(e.Error()))
		case <-time.After(time.Minute):
			t.Errorf("%s still running a minute after SIGKILL", name)
		}
		vg.get().Stop()
		// Start it again once an event it consumes was stored while it
		// was down; the journey goes on meanwhile.
		restarted = make(chan struct{})
		go func() {
			defer close(restarted)
			deadline := time.Now().Add(time.Minute)
			for storedEvents(seen, s, events) == stored {
				if time.Now().After(deadline) {
					t.Errorf("no event for %s published while it was down", name)
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
			vg.restart(t, victim, logs)
		}()
	}
	// An event handed to the killed process's pending pull is redelivered
	// after the runtime's ack wait (30s): wait longer than that.
	got := runScenario(base, "R1", options{customers: customers, lite: s.lite, checkpoint: checkpoint, patience: 75 * time.Second})
	if restarted == nil {
		t.Fatal("the scenario never reached the kill point")
	}
	<-restarted
	compare(t, got, killBefore, s.lite)
}

// storedEvents counts the events on subjects that reached the stream.
func storedEvents(seen *subjects, s *split, subjects []string) int {
	n := 0
	for _, subj := range subjects {
		n += seen.count(s.manifest.App + ".events." + subj)
	}
	return n
}

// group is a launch.Group that is replaced when restarted.
type group struct {
	mu sync.Mutex
	g  *launch.Group
}

func (g *group) get() *launch.Group {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.g
}

func startUnsupervised(t testing.TB, svc launch.Service, logs *logSink) *group {
	g := &group{}
	g.restart(t, svc, logs)
	t.Cleanup(func() { g.get().Stop() })
	return g
}

func (g *group) restart(t testing.TB, svc launch.Service, logs *logSink) {
	ng, err := launch.Start(t.Context(), []launch.Service{svc}, launch.Options{Logs: logs, ReadyTimeout: time.Minute, Grace: 15 * time.Second})
	if err != nil {
		t.Errorf("start %s: %v", svc.Name, err)
		return
	}
	g.mu.Lock()
	g.g = ng
	g.mu.Unlock()
}

// TestSplitClusterNodeKilled runs the split on a three-node NATS cluster
// (streams replicated three times) and shuts the node leading the event
// stream down in the middle of a customer's journey, right after orders
// were placed; once the services are connected to the two nodes left, the
// scenario goes on and every answer is still the monolith's.
func TestSplitClusterNodeKilled(t *testing.T) {
	s := splitUnderTest(t)
	monolithTranscript(t, s.lite)
	c := bustest.StartCluster(t, 3)
	urls := c.URLs()
	addr := freeAddr(t)
	logs := newLogSink(t)
	svcs := s.services(urls, addr, "CLEAVE_STREAM_REPLICAS=3")
	start(t, svcs, logs)
	seen := watchSubjects(t, urls)
	base := "http://" + addr
	waitHealthy(t, base)

	stream := streamName(s.manifest.App)
	killed := -1
	checkpoint := func(at string) {
		if at != "customer 2 placed" {
			return
		}
		killed = max(c.Leader(stream), 0)
		killedID := c.Nodes[killed].NATS().ID()
		t.Logf("killing node n%d (leader of stream %s: %v)", killed+1, stream, c.Leader(stream) == killed)
		c.Kill(killed)
		// Wait, bounded, until the stream has a leader again, every
		// service (and the monitor) is connected to a node left, and no
		// node left still routes to the killed one: until then a node
		// may send a request to the interest the killed node had, and
		// the request is lost like one in flight at the kill.
		deadline := time.Now().Add(time.Minute)
		for {
			conns, stale := 0, 0
			for i, n := range c.Nodes {
				srv := n.NATS()
				if i == killed || srv == nil {
					continue
				}
				if cz, err := srv.Connz(&server.ConnzOptions{}); err == nil {
					conns += cz.NumConns
				}
				rz, err := srv.Routez(&server.RoutezOptions{})
				if err != nil {
					stale++
					continue
				}
				for _, r := range rz.Routes {
					if r.RemoteID == killedID {
						stale++
					}
				}
			}
			if c.Leader(stream) >= 0 && conns >= len(svcs)+1 && stale == 0 {
				s.waitAnswering(t, c, killed, deadline)
				return
			}
			if time.Now().After(deadline) {
				t.Errorf("cluster not recovered a minute after node n%d was killed: leader %d, %d connections, %d routes to the killed node", killed+1, c.Leader(stream), conns, stale)
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	got := runScenario(base, "R1", options{customers: customers, lite: s.lite, checkpoint: checkpoint, patience: 75 * time.Second})
	if killed < 0 {
		t.Fatal("the scenario never reached the kill point")
	}
	compare(t, got, "", s.lite)
	checkTraffic(t, s, seen)
}

// waitAnswering waits, until deadline, for every service to answer a
// request sent through each node left: a node learns where the services
// reconnected, and where the replies go, from its routes, a moment after
// the clients are back. A probe is a request to one of the service's
// request subjects that no handler accepts (its body is no message): the
// error reply shows the way there and back works.
func (s *split) waitAnswering(t testing.TB, c *bustest.Cluster, killed int, deadline time.Time) {
	t.Helper()
	var subjects []string
	for _, ms := range s.manifest.Services {
		for _, subj := range ms.Serves {
			if !s.isEvent(subj) {
				subjects = append(subjects, subj)
				break
			}
		}
	}
	for i, n := range c.Nodes {
		if i == killed || n.NATS() == nil {
			continue
		}
		nc, err := nats.Connect(n.URL(), nats.NoReconnect())
		if err != nil {
			t.Errorf("probe node n%d: %v", i+1, err)
			continue
		}
		for _, subj := range subjects {
			for {
				_, err := nc.Request(subj, []byte("probe"), time.Second)
				if err == nil {
					break
				}
				if time.Now().After(deadline) {
					t.Errorf("%s does not answer through node n%d: %v", subj, i+1, err)
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
		nc.Close()
	}
}

// streamName is the runtime's name of an application's stream.
func streamName(app string) string {
	return strings.Map(func(r rune) rune {
		if r <= ' ' || r == '.' || r == '*' || r == '>' || r == '/' || r == '\\' || r > 126 {
			return '_'
		}
		return r
	}, app)
}

// loadClients is how many clients run the scenario at once under load.
const loadClients = 32

// TestSplitLoad has 32 clients run the scenario against the split at the
// same time, each with its own products and customers; every answer must
// have the status the scenario expects (with the dispatches of the others
// allowed to ship an order before its customer cancels it).
func TestSplitLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test skipped in -short mode")
	}
	s := splitUnderTest(t)
	srv := bustest.StartServer(t)
	urls := []string{srv.URL()}
	addr := freeAddr(t)
	start(t, s.services(urls, addr), newLogSink(t))
	base := "http://" + addr
	waitHealthy(t, base)

	res, elapsed := load(base, loadClients, 2, "L", s.lite)
	var errs []string
	var lat []time.Duration
	for _, r := range res {
		errs = append(errs, r.errs...)
		lat = append(lat, r.lat...)
	}
	if len(errs) > 0 {
		t.Errorf("%d unexpected answers under load:\n%s", len(errs), strings.Join(errs[:min(len(errs), 10)], "\n"))
	}
	t.Logf("%d clients, %d requests in %v: %.0f requests/s, p50 %v, p99 %v", loadClients, len(lat),
		elapsed.Round(time.Millisecond), float64(len(lat))/elapsed.Seconds(), percentile(lat, 50), percentile(lat, 99))
}

// load runs the scenario with n clients at once, each with customers
// customer journeys, and returns their results and the time it took.
func load(base string, n, customers int, prefix string, lite bool) ([]scenarioResult, time.Duration) {
	res := make([]scenarioResult, n)
	var wg sync.WaitGroup
	t0 := time.Now()
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res[i] = runScenario(base, fmt.Sprintf("%s%02d", prefix, i), options{customers: customers, shared: true, lite: lite})
		}()
	}
	wg.Wait()
	return res, time.Since(t0)
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

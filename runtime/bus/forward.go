package bus

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
)

// HTTP forwarding. In a modular monolith each module registers its own
// routes on the program's router, and every service process builds that
// whole router; only the edge service listens. Generated service mains set
// a route table (SetRoutes) naming the service that owns each route. The
// edge then sends a request whose route another service owns to that
// service over the bus (request/reply on HTTPSubject), and a service that
// owns routes serves the requests it is sent with its own copy of the
// router. Requests of routes the edge owns, of routes not in the table and
// requests that upgrade the connection (websockets) are served where they
// arrive, as in the monolith.
//
// The serving functions of listen.go (ListenAndServe, ServeServer, ServeOn,
// HTTPServe, ...) do both once SetRoutes was called: they serve the routes
// of the Default bus's service and wrap the server's handler with
// ForwardHandler.

// Route says which service serves an HTTP route.
type Route struct {
	// Method is the HTTP method ("GET"; several: "GET,POST"); empty for any.
	Method string `json:"method,omitempty"`
	// Pattern is the route's path as the router was given it: gin and echo
	// parameters :id and *rest, chi and net/http {id} and {rest...},
	// ozzo-routing <id> and <path:.*>, plain segments; a net/http pattern may begin with its method ("GET /x")
	// and end in / (a subtree).
	Pattern string `json:"route"`
	// Service is the service whose process serves the route.
	Service string `json:"service"`
}

// HTTPRequest is an HTTP request forwarded to the service that serves it.
type HTTPRequest struct {
	Method     string              `json:"method"`
	URL        string              `json:"url"` // the request URI: path and query
	Header     map[string][]string `json:"header,omitempty"`
	Body       []byte              `json:"body,omitempty"`
	RemoteAddr string              `json:"remote_addr,omitempty"`
	Host       string              `json:"host,omitempty"`
}

// HTTPResponse is the response to an HTTPRequest.
type HTTPResponse struct {
	Status int                 `json:"status"`
	Header map[string][]string `json:"header,omitempty"`
	Body   []byte              `json:"body,omitempty"`
}

// HTTPSubject is the subject the processes of service serve forwarded HTTP
// requests on: "<App>.http.<service>". A nil b means Default().
func (b *Bus) HTTPSubject(service string) string {
	if b == nil {
		b = Default()
	}
	return b.cfg.App + ".http." + service
}

// Segment kinds, in increasing specificity.
const (
	segWild  = iota // *rest, {rest...}, a trailing / (net/http subtree): the rest of the path, maybe empty
	segParam        // :id, {id}: one non-empty segment
	segLit          // a literal segment
)

type segment struct {
	kind int
	lit  string
}

type compiled struct {
	Route
	methods []string // empty: any
	segs    []segment
	end     bool // the pattern ends there: no more segments ({$} or no wildcard)
}

var (
	routesMu sync.RWMutex
	routes   []*compiled
)

// SetRoutes sets the process's route table (nil: none; every request is
// served where it arrives). Generated service mains call it before the
// monolith's code runs.
func SetRoutes(rs []Route) {
	var cs []*compiled
	for _, r := range rs {
		cs = append(cs, compileRoute(r))
	}
	routesMu.Lock()
	defer routesMu.Unlock()
	routes = cs
}

func compileRoute(r Route) *compiled {
	c := &compiled{Route: r}
	p := strings.TrimSpace(r.Pattern)
	method := r.Method
	if i := strings.IndexAny(p, " \t"); i >= 0 { // net/http: "GET /x"
		if method == "" {
			method = p[:i]
		}
		p = strings.TrimSpace(p[i+1:])
	}
	if i := strings.Index(p, "/"); i > 0 { // net/http: a host before the path
		p = p[i:]
	}
	for _, m := range strings.Split(method, ",") {
		if m = strings.ToUpper(strings.TrimSpace(m)); m != "" && m != "ANY" && m != "*" {
			c.methods = append(c.methods, m)
		}
	}
	p = strings.TrimPrefix(p, "/")
	c.end = true
	if p == "" {
		// "/": the root alone for gin and echo; for net/http every path,
		// the least specific route there is. It is kept as a subtree.
		c.end = false
		return c
	}
	parts := strings.Split(p, "/")
	for i, s := range parts {
		last := i == len(parts)-1
		switch {
		case s == "{$}" && last: // net/http: the path ends with a /
			c.segs = append(c.segs, segment{kind: segLit})
			return c
		case strings.HasPrefix(s, "*"), strings.HasPrefix(s, "{") && strings.HasSuffix(s, "...}"),
			strings.HasPrefix(s, "<") && strings.HasSuffix(s, ".*>"): // ozzo's <path:.*>
			c.end = false
			return c
		case s == "" && last: // a trailing /: a subtree
			c.end = false
			return c
		case strings.HasPrefix(s, ":"), strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}"),
			strings.HasPrefix(s, "<") && strings.HasSuffix(s, ">"): // ozzo's <id>, <id:\d+>
			c.segs = append(c.segs, segment{kind: segParam})
		default:
			c.segs = append(c.segs, segment{kind: segLit, lit: s})
		}
	}
	return c
}

// match reports whether c matches method and the path's segments.
func (c *compiled) match(method string, parts []string) bool {
	if len(c.methods) > 0 {
		ok := false
		for _, m := range c.methods {
			if m == method || (method == http.MethodHead && m == http.MethodGet) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	if len(parts) < len(c.segs) || (c.end && len(parts) != len(c.segs)) {
		return false
	}
	for i, s := range c.segs {
		switch s.kind {
		case segLit:
			if parts[i] != s.lit {
				return false
			}
		case segParam:
			if parts[i] == "" {
				return false
			}
		}
	}
	return true
}

// kinds is the pattern's segment kinds, a wildcard tail included.
func (c *compiled) kinds() []int {
	k := make([]int, 0, len(c.segs)+1)
	for _, s := range c.segs {
		k = append(k, s.kind)
	}
	if !c.end {
		k = append(k, segWild)
	}
	return k
}

// moreSpecific reports whether a is a more specific route than b: at the
// first segment where they differ in kind, a literal beats a parameter,
// which beats a wildcard; a longer pattern beats its prefix; a route of
// given methods beats one of any.
func moreSpecific(a, b *compiled) bool {
	ka, kb := a.kinds(), b.kinds()
	for i := 0; i < len(ka) && i < len(kb); i++ {
		if ka[i] != kb[i] {
			return ka[i] > kb[i]
		}
	}
	if len(ka) != len(kb) {
		return len(ka) > len(kb)
	}
	if a.end != b.end {
		return a.end
	}
	return len(a.methods) > 0 && len(b.methods) == 0
}

// LookupRoute returns the most specific route of the table SetRoutes set
// that matches method and path, and whether there is one.
func LookupRoute(method, path string) (Route, bool) {
	routesMu.RLock()
	rs := routes
	routesMu.RUnlock()
	if len(rs) == 0 {
		return Route{}, false
	}
	parts := strings.Split(strings.TrimPrefix(path, "/"), "/")
	if path == "/" || path == "" {
		parts = nil
	}
	var best *compiled
	for _, c := range rs {
		if c.match(method, parts) && (best == nil || moreSpecific(c, best)) {
			best = c
		}
	}
	if best == nil {
		return Route{}, false
	}
	return best.Route, true
}

// routesOf reports whether the table has a route of service.
func routesOf(service string) bool {
	routesMu.RLock()
	defer routesMu.RUnlock()
	for _, c := range routes {
		if c.Service == service {
			return true
		}
	}
	return false
}

func haveRoutes() bool {
	routesMu.RLock()
	defer routesMu.RUnlock()
	return len(routes) > 0
}

// ForwardHandler returns h, except that under nats a request whose route
// (see LookupRoute) another service than b's serves is sent to that
// service on the bus and its response written back. A nil b means
// Default().
func ForwardHandler(b *Bus, h http.Handler) http.Handler {
	if b == nil {
		b = Default()
	}
	if h == nil {
		h = http.DefaultServeMux
	}
	return &forwarder{b: b, h: h}
}

type forwarder struct {
	b *Bus
	h http.Handler
}

func (f *forwarder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if f.b.kind != tNATS || r.Header.Get("Upgrade") != "" {
		// One process (local, loopback) serves every route.
		f.h.ServeHTTP(w, r)
		return
	}
	route, ok := LookupRoute(r.Method, r.URL.Path)
	if !ok || route.Service == f.b.cfg.Service || route.Service == "" {
		f.h.ServeHTTP(w, r)
		return
	}
	subject := f.b.HTTPSubject(route.Service)
	var body []byte
	if r.Body != nil {
		var err error
		body, err = io.ReadAll(io.LimitReader(r.Body, int64(f.b.cfg.MaxMessageBytes)+1))
		if err != nil {
			http.Error(w, fmt.Sprintf("cleave: read the request for the %s service: %v", route.Service, err), http.StatusBadRequest)
			return
		}
		if len(body) > f.b.cfg.MaxMessageBytes {
			http.Error(w, fmt.Sprintf("cleave: the request body is larger than the bus carries to the %s service (%d bytes)", route.Service, f.b.cfg.MaxMessageBytes), http.StatusRequestEntityTooLarge)
			return
		}
	}
	req := &HTTPRequest{
		Method:     r.Method,
		URL:        r.URL.RequestURI(),
		Header:     r.Header,
		Body:       body,
		RemoteAddr: r.RemoteAddr,
		Host:       r.Host,
	}
	// The service's handler gets the request's deadline, else the bus's.
	ctx := r.Context()
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, f.b.cfg.RequestTimeout)
		defer cancel()
	}
	resp, err := Call[HTTPRequest, HTTPResponse](ctx, f.b, subject, req)
	switch {
	case err == nil && resp == nil:
		err = errors.New("empty reply")
	case err == nil:
	case errors.Is(err, ErrNoHandler):
		http.Error(w, fmt.Sprintf("cleave: no process of the %s service answers %s %s (%s): is it running?", route.Service, r.Method, r.URL.Path, subject), http.StatusBadGateway)
		return
	case errors.Is(err, context.DeadlineExceeded):
		http.Error(w, fmt.Sprintf("cleave: the %s service did not answer %s %s in time", route.Service, r.Method, r.URL.Path), http.StatusGatewayTimeout)
		return
	}
	if err != nil {
		http.Error(w, fmt.Sprintf("cleave: the %s service failed %s %s: %v", route.Service, r.Method, r.URL.Path, err), http.StatusBadGateway)
		return
	}
	for k, vs := range resp.Header {
		w.Header()[k] = vs
	}
	if resp.Status == 0 {
		resp.Status = http.StatusOK
	}
	w.WriteHeader(resp.Status)
	w.Write(resp.Body)
}

// ServeRoutes makes h serve the HTTP requests forwarded to b's service
// (Config.Service) on HTTPSubject. A nil b means Default(); a nil h,
// http.DefaultServeMux.
func ServeRoutes(b *Bus, h http.Handler) error {
	if b == nil {
		b = Default()
	}
	if h == nil {
		h = http.DefaultServeMux
	}
	return Handle(b, b.HTTPSubject(b.cfg.Service), func(ctx context.Context, in *HTTPRequest) (*HTTPResponse, error) {
		r, err := http.NewRequestWithContext(ctx, in.Method, in.URL, bytes.NewReader(in.Body))
		if err != nil {
			return nil, fmt.Errorf("forwarded request %s %s: %w", in.Method, in.URL, err)
		}
		r.Header = http.Header(in.Header)
		if r.Header == nil {
			r.Header = http.Header{}
		}
		r.RemoteAddr, r.Host, r.RequestURI = in.RemoteAddr, in.Host, in.URL
		rec := &recorder{header: http.Header{}}
		h.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		return &HTTPResponse{Status: rec.status, Header: rec.header, Body: rec.body.Bytes()}, nil
	})
}

// recorder is the ResponseWriter a forwarded request is served with.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *recorder) Header() http.Header { return w.header }

func (w *recorder) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *recorder) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
		if w.header.Get("Content-Type") == "" {
			w.header.Set("Content-Type", http.DetectContentType(p))
		}
	}
	return w.body.Write(p)
}

func (w *recorder) Flush() {}

// served records the buses whose service's routes a server's handler
// serves already: a process registers its first server's.
var (
	servedMu sync.Mutex
	served   = map[*Bus]bool{}
)

// prepareServer, once SetRoutes was called, makes srv's handler serve the
// routes of the Default bus's service (the process's first such server)
// and wraps it to forward the routes of other services. A nil handler is
// http.DefaultServeMux, unless nilMux is false (the caller sets the
// handler later: then the server is left alone).
func prepareServer(srv *http.Server, nilMux bool) {
	if !haveRoutes() || (srv.Handler == nil && !nilMux) {
		return
	}
	b := Default()
	if b.kind != tNATS {
		return
	}
	if _, ok := srv.Handler.(*forwarder); ok {
		return
	}
	h := srv.Handler
	if h == nil {
		h = http.DefaultServeMux
	}
	if routesOf(b.cfg.Service) {
		servedMu.Lock()
		if !served[b] {
			if err := ServeRoutes(b, h); err != nil {
				b.logger().Error("cleave: serve forwarded HTTP requests", "service", b.cfg.Service, "err", err)
			} else {
				served[b] = true
				b.Ready()
			}
		}
		servedMu.Unlock()
	}
	srv.Handler = ForwardHandler(b, h)
}

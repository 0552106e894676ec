// Package webkit is a tiny router standing in for a web framework the
// module depends on: handlers take its *Context, and the module's code
// never calls them by name.
package webkit

import "sort"

// Context is one request and its answer.
type Context struct {
	Method, Path string
	Status       int
	Body         string
	aborted      bool
}

// HandlerFunc handles a request.
type HandlerFunc func(*Context)

// Engine routes requests to handlers.
type Engine struct {
	routes map[string]HandlerFunc
	chain  []HandlerFunc
}

// New returns an empty engine.
func New() *Engine { return &Engine{routes: map[string]HandlerFunc{}} }

// Use adds a middleware run before every handler.
func (e *Engine) Use(h HandlerFunc) { e.chain = append(e.chain, h) }

// GET routes GET path to h.
func (e *Engine) GET(path string, h HandlerFunc) { e.routes["GET "+path] = h }

// POST routes POST path to h.
func (e *Engine) POST(path string, h HandlerFunc) { e.routes["POST "+path] = h }

// Routes lists the routes.
func (e *Engine) Routes() []string {
	var rs []string
	for r := range e.routes {
		rs = append(rs, r)
	}
	sort.Strings(rs)
	return rs
}

// Serve runs the middleware and the handler of method and path.
func (e *Engine) Serve(method, path string) *Context {
	c := &Context{Method: method, Path: path, Status: 200}
	for _, m := range e.chain {
		if m(c); c.aborted {
			return c
		}
	}
	h, ok := e.routes[method+" "+path]
	if !ok {
		c.Status = 404
		return c
	}
	h(c)
	return c
}

// Abort stops the chain.
func (c *Context) Abort(status int) { c.Status, c.aborted = status, true }

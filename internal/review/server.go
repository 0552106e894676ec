package review

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sync"
	"time"

	"github.com/cleave-go/cleave/analyzer"
	"github.com/cleave-go/cleave/planner"
)

// TokenHeader carries the per-run token on every request that changes
// something.
const TokenHeader = "X-Cleave-Token"

// A Replanner re-derives p's topics, blockers and scores from its
// services in place (planner.Refresh with the module's graph).
type Replanner func(p *planner.Plan) error

// Config is what a Server edits and how.
type Config struct {
	Path  string          // plan.yaml; Save writes it, keeping the previous version as Path+".bak"
	Plan  *planner.Plan   // as read from Path
	Graph *analyzer.Graph // the module's graph, for lines of code and known packages; may be nil
	// Refresh re-plans after every edit; nil leaves topics and scores as they are.
	Refresh Replanner
	// Marshal encodes the plan as Save writes it.
	Marshal func(*planner.Plan) ([]byte, error)
	// Check lists what is wrong with the encoded plan; Save refuses to
	// write a plan with problems. nil checks nothing.
	Check func(src []byte) []Problem
	// Token is the secret every change must carry; empty means a random one.
	Token string
}

// Server is the live editor of one plan: it serves the page and a small
// JSON API, re-plans after every edit and saves on request. Every method
// is safe for concurrent use.
type Server struct {
	cfg     Config
	known   func(string) bool
	main    func(string) bool // main packages, from the graph
	initial map[string]*float64

	mu      sync.Mutex
	cur     state
	undo    []state
	next    int // id of the next state
	savedID int // id of the state last written to (or read from) Path
	saved   string
	onDisk  []byte          // Path as read at the start or written by the last save; nil if absent
	hosts   map[string]bool // Host headers accepted; empty accepts any (tests)
	// colors keeps each service's colour across edits: a merge or a
	// delete must not repaint the services after it.
	colors map[string]int
}

type state struct {
	id   int
	plan *planner.Plan
}

const maxUndo = 200

// NewServer makes a Server for c. It re-plans c.Plan once so the page
// starts from scores of the same planner that scores the edits.
func NewServer(c Config) (*Server, error) {
	if c.Plan == nil {
		return nil, errors.New("review server: no plan")
	}
	if c.Marshal == nil {
		return nil, errors.New("review server: no plan encoder")
	}
	if c.Token == "" {
		b := make([]byte, 24)
		if _, err := rand.Read(b); err != nil {
			return nil, fmt.Errorf("review server: token: %w", err)
		}
		c.Token = base64.RawURLEncoding.EncodeToString(b)
	}
	s := &Server{cfg: c}
	pkgs, mains := map[string]bool{}, map[string]bool{}
	s.main = func(p string) bool { return mains[p] }
	if c.Graph != nil {
		for _, p := range c.Graph.Packages {
			pkgs[p.Path] = true
			mains[p.Path] = p.Main
		}
	} else {
		for _, sv := range c.Plan.Services {
			for _, p := range sv.Packages {
				pkgs[p] = true
			}
		}
		for _, p := range c.Plan.Shared {
			pkgs[p] = true
		}
	}
	s.known = func(p string) bool { return pkgs[p] }
	if c.Path != "" {
		data, err := os.ReadFile(c.Path)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("review server: %w", err)
		}
		s.onDisk = data
	}
	p := clone(c.Plan)
	if c.Refresh != nil {
		if err := c.Refresh(p); err != nil {
			return nil, fmt.Errorf("re-plan %s: %w", c.Path, err)
		}
	}
	s.cur = state{id: 0, plan: p}
	s.next = 1
	s.colors = map[string]int{}
	s.paint(p)
	s.initial = map[string]*float64{}
	for _, r := range scoreRows(p.Scores) {
		s.initial[r.Key] = r.Split
	}
	return s, nil
}

// Token is the secret the page sends with every change.
func (s *Server) Token() string { return s.cfg.Token }

// Plan is a copy of the plan as edited so far.
func (s *Server) Plan() *planner.Plan {
	s.mu.Lock()
	defer s.mu.Unlock()
	return clone(s.cur.plan)
}

// Serve serves the editor on ln until ctx is done. Only requests whose
// Host is ln's address (or localhost at its port) are answered, which
// keeps DNS-rebinding pages out.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	addr := ln.Addr().String()
	hosts := map[string]bool{addr: true}
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && tcp.IP.IsUnspecified() {
		hosts = nil // reachable under any name; the token still guards it
	} else if _, port, err := net.SplitHostPort(addr); err == nil {
		hosts["localhost:"+port] = true
		hosts["127.0.0.1:"+port] = true
		hosts["[::1]:"+port] = true
	}
	s.mu.Lock()
	s.hosts = hosts
	s.mu.Unlock()
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			srv.Shutdown(sctx)
		case <-done:
		}
	}()
	err := srv.Serve(ln)
	close(done)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// URL is the address to open for a server listening on addr.
func (s *Server) URL(addr string) string {
	return "http://" + addr + "/?token=" + s.cfg.Token
}

// ServeHTTP routes the page and the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", pageCSP+"; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	if !s.hostOK(r.Host) {
		http.Error(w, "unexpected Host header", http.StatusMisdirectedRequest)
		return
	}
	switch r.URL.Path {
	case "/":
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if !s.tokenOK(r.URL.Query().Get("token")) {
			http.Error(w, "forbidden: open the address cleave review printed; it carries the token", http.StatusForbidden)
			return
		}
		var buf bytes.Buffer
		if err := WriteHTML(&buf, s.view()); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		h.Set("Content-Type", "text/html; charset=utf-8")
		w.Write(buf.Bytes())
	case "/api/view":
		if r.Method != http.MethodGet {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if !s.tokenOK(r.Header.Get(TokenHeader)) {
			writeJSON(w, http.StatusForbidden, reply{Error: "forbidden: missing or wrong token"})
			return
		}
		writeJSON(w, http.StatusOK, reply{View: s.view()})
	case "/api/edit", "/api/undo", "/api/save":
		if msg, code := s.guard(r); msg != "" {
			writeJSON(w, code, reply{Error: msg})
			return
		}
		switch r.URL.Path {
		case "/api/edit":
			var e Edit
			dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&e); err != nil {
				writeJSON(w, http.StatusBadRequest, reply{Error: "bad edit: " + err.Error()})
				return
			}
			code, rep := s.Edit(e)
			writeJSON(w, code, rep)
		case "/api/undo":
			code, rep := s.Undo()
			writeJSON(w, code, rep)
		case "/api/save":
			code, rep := s.Save()
			writeJSON(w, code, rep)
		}
	default:
		http.NotFound(w, r)
	}
}

// reply is the API's answer: the view after the request, or why it was refused.
type reply struct {
	View     *View     `json:"view,omitempty"`
	Error    string    `json:"error,omitempty"`
	Message  string    `json:"message,omitempty"`
	Problems []Problem `json:"problems,omitempty"`
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func (s *Server) hostOK(host string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.hosts) == 0 || s.hosts[host]
}

func (s *Server) tokenOK(t string) bool {
	return t != "" && subtle.ConstantTimeCompare([]byte(t), []byte(s.cfg.Token)) == 1
}

// guard admits a change only from the page itself: a POST with a JSON
// body, the token in its header, and no sign of another origin.
func (s *Server) guard(r *http.Request) (string, int) {
	if r.Method != http.MethodPost {
		return "method not allowed", http.StatusMethodNotAllowed
	}
	if !s.tokenOK(r.Header.Get(TokenHeader)) {
		return "forbidden: missing or wrong token", http.StatusForbidden
	}
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" {
		return "forbidden: cross-site request", http.StatusForbidden
	}
	if o := r.Header.Get("Origin"); o != "" && o != "http://"+r.Host {
		return "forbidden: request from another origin", http.StatusForbidden
	}
	if ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || ct != "application/json" {
		return "the request body must be application/json", http.StatusUnsupportedMediaType
	}
	return "", 0
}

// view is the View of the current state; s.mu must not be held.
func (s *Server) view() *View {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.viewLocked()
}

func (s *Server) viewLocked() *View {
	v := build(s.cur.plan, s.cfg.Graph, s.colors)
	v.Live = true
	v.Dirty = s.cur.id != s.savedID
	v.Undo = len(s.undo)
	v.Saved = s.saved
	for i := range v.Scores {
		v.Scores[i].Initial = s.initial[v.Scores[i].Key]
	}
	if s.cfg.Check != nil {
		if data, err := s.cfg.Marshal(s.cur.plan); err != nil {
			v.Problems = []Problem{{Msg: "encode plan: " + err.Error()}}
		} else {
			v.Problems = s.cfg.Check(data)
		}
	}
	return v
}

// Edit applies e, re-plans and answers with the new view; a refused edit
// changes nothing.
func (s *Server) Edit(e Edit) (int, reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e.Op == OpShare && s.main(e.Package) {
		// A shared package is linked into services; a main package cannot be.
		return http.StatusBadRequest, reply{Error: fmt.Sprintf("package %q is a program (package main): no service can link it, so it cannot be shared", e.Package),
			View: s.viewLocked()}
	}
	next := clone(s.cur.plan)
	if err := Apply(next, e, s.known); err != nil {
		return http.StatusBadRequest, reply{Error: err.Error(), View: s.viewLocked()}
	}
	moveEdge(next, s.main)
	if sameEdits(next, s.cur.plan) {
		// Nothing changed (a rename to the same name): no undo step, and
		// the plan does not become unsaved.
		return http.StatusOK, reply{View: s.viewLocked()}
	}
	if s.cfg.Refresh != nil {
		if err := s.cfg.Refresh(next); err != nil {
			return http.StatusUnprocessableEntity, reply{Error: "re-plan: " + err.Error(), View: s.viewLocked()}
		}
	}
	s.undo = append(s.undo, s.cur)
	if len(s.undo) > maxUndo {
		s.undo = s.undo[1:]
	}
	s.cur = state{id: s.next, plan: next}
	s.next++
	if e.Op == OpRename {
		if c, ok := s.colors[e.Service]; ok {
			s.colors[e.To] = c
		}
	}
	s.paint(next)
	return http.StatusOK, reply{View: s.viewLocked()}
}

// paint gives every service of p that has no colour yet the colour of the
// palette fewest of p's services have (the lowest such). s.mu must be held
// or s not yet shared.
func (s *Server) paint(p *planner.Plan) {
	used := make([]int, paletteSize)
	for _, sv := range p.Services {
		if c, ok := s.colors[sv.Name]; ok {
			used[c%paletteSize]++
		}
	}
	first := len(s.colors) == 0 // the plan as read: colours in order
	for i, sv := range p.Services {
		if _, ok := s.colors[sv.Name]; ok {
			continue
		}
		c := i % paletteSize
		if !first {
			c = 0
			for k := range used {
				if used[k] < used[c] {
					c = k
				}
			}
		}
		s.colors[sv.Name] = c
		used[c]++
	}
}

// paletteSize is the number of service colours the page's style has.
const paletteSize = 10

// sameEdits reports whether a and b have the same services, shared
// packages and constraints: the parts of a plan an edit changes.
func sameEdits(a, b *planner.Plan) bool {
	return reflect.DeepEqual(a.Services, b.Services) && slices.Equal(a.Shared, b.Shared) &&
		reflect.DeepEqual(a.Constraints, b.Constraints)
}

// Undo goes back to the state before the last edit.
func (s *Server) Undo() (int, reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.undo) == 0 {
		return http.StatusConflict, reply{Error: "nothing to undo", View: s.viewLocked()}
	}
	s.cur = s.undo[len(s.undo)-1]
	s.undo = s.undo[:len(s.undo)-1]
	return http.StatusOK, reply{View: s.viewLocked(), Message: "Undid the last edit."}
}

// Save writes the current plan to Path atomically, after keeping the file
// there as Path.bak. A plan that does not pass Check is not written.
func (s *Server) Save() (int, reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	data, err := s.cfg.Marshal(s.cur.plan)
	if err != nil {
		return http.StatusInternalServerError, reply{Error: "encode plan: " + err.Error(), View: s.viewLocked()}
	}
	if s.cfg.Check != nil {
		if probs := s.cfg.Check(data); len(probs) > 0 {
			return http.StatusConflict, reply{Error: "not saved: the plan does not pass cleave check", Problems: probs, View: s.viewLocked()}
		}
	}
	// Someone may have edited the file since: do not overwrite their work.
	now, err := os.ReadFile(s.cfg.Path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return http.StatusInternalServerError, reply{Error: "save: " + err.Error(), View: s.viewLocked()}
	}
	if !bytes.Equal(now, s.onDisk) {
		return http.StatusConflict, reply{Error: fmt.Sprintf("not saved: %s changed on disk after the editor read it; "+
			"restart cleave review to edit the new version", filepath.Base(s.cfg.Path)), View: s.viewLocked()}
	}
	if err := saveWithBackup(s.cfg.Path, data); err != nil {
		return http.StatusInternalServerError, reply{Error: err.Error(), View: s.viewLocked()}
	}
	s.onDisk = data
	s.savedID = s.cur.id
	s.saved = s.cfg.Path
	msg := fmt.Sprintf("Saved %s (the previous version is %s.bak).", filepath.Base(s.cfg.Path), filepath.Base(s.cfg.Path))
	return http.StatusOK, reply{View: s.viewLocked(), Message: msg}
}

// saveWithBackup copies path to path.bak and then replaces path with
// data, each by writing a temporary file and renaming it, so a reader
// sees the old file or the new one, never a mix.
func saveWithBackup(path string, data []byte) error {
	old, err := os.ReadFile(path)
	switch {
	case err == nil:
		if bytes.Equal(old, data) {
			return nil
		}
		if err := writeAtomic(path+".bak", old); err != nil {
			return err
		}
	case !errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("save %s: %w", path, err)
	}
	return writeAtomic(path, data)
}

func writeAtomic(path string, data []byte) error {
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, mode)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("save %s: %w", path, err)
	}
	return nil
}

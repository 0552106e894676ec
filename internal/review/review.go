// Package review shows a plan to the person who has to live with it: as
// aligned text on a terminal, as one self-contained HTML page that can be
// attached to a pull request, and as a local editor (Server) in which
// packages move between services and the planner re-derives topics,
// blockers and scores after every change.
//
// The page draws the services on a ring the reader can zoom and pan (the
// wheel once the drawing has the focus, buttons, keys, dragging), with a
// filter that highlights a service, package or topic and dims the rest —
// what a plan of fifty services and a thousand topics needs. Beside the
// topics it lists the calls between services that stay direct calls
// (planner.InProcess), by calling and callee service, with the reason and
// each call site.
//
// Everything the page shows comes from a View, built from a plan and,
// when one is at hand, the analyzer's graph of the module (for lines of
// code and the set of known packages). Names from the code reach HTML only
// through html/template (as JSON) and the page's script only through
// textContent and setAttribute, so a hostile package path or identifier
// shows as text and never as markup.
package review

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"path"
	"slices"
	"strings"

	"github.com/cleave-go/cleave/analyzer"
	"github.com/cleave-go/cleave/planner"
)

// View is what every renderer shows: the plan's services, topics,
// blockers and scores, plus a drawing of the services and the topics
// between them. Its JSON form is the output of `cleave review --json` and
// what the live page fetches after each edit.
type View struct {
	Module   string         `json:"module"`
	Prefix   string         `json:"prefix"`
	Broker   string         `json:"broker"`
	Services []*ServiceView `json:"services"`
	Shared   []PackageView  `json:"shared"`
	Topics   []*TopicView   `json:"topics"`
	Blockers []BlockerView  `json:"blockers"`
	// InProcess are the calls between services that stay direct calls
	// (start-up wiring, constructors, methods of values), with the reason.
	InProcess []*InProcessView `json:"in_process"`
	Scores    []ScoreRow       `json:"scores"`
	Layout    *Layout          `json:"layout"`
	// Lines is the module's lines of code in services and shared packages;
	// 0 when no graph was at hand.
	Lines int `json:"lines"`

	// Set by the Server only.
	Live     bool      `json:"live,omitempty"`
	Dirty    bool      `json:"dirty,omitempty"`    // edits not yet saved
	Undo     int       `json:"undo,omitempty"`     // edits that can be undone
	Problems []Problem `json:"problems,omitempty"` // planner.Check on the current plan
	Saved    string    `json:"saved,omitempty"`    // path written by the last save
}

// ServiceView is one service with its packages.
type ServiceView struct {
	Name     string        `json:"name"`
	Edge     bool          `json:"edge,omitempty"`
	Color    int           `json:"color"` // index into the page's palette
	Packages []PackageView `json:"packages"`
	Lines    int           `json:"lines"`
	In       int           `json:"in"`  // topics it consumes
	Out      int           `json:"out"` // topics it produces
}

// PackageView is one package of a service.
type PackageView struct {
	Path  string `json:"path"`
	Short string `json:"short"` // path relative to the module
	Lines int    `json:"lines"`
	Main  bool   `json:"main,omitempty"`
}

// TopicView is one topic, with the number of crossing call sites.
type TopicView struct {
	Subject   string   `json:"subject"`
	Kind      string   `json:"kind"`
	Function  string   `json:"function"`
	Short     string   `json:"short"` // Function relative to the module
	Consumer  string   `json:"consumer"`
	Producers []string `json:"producers"`
	Sites     []string `json:"sites"`
	Blockers  int      `json:"blockers"`
	// Flipped is set when the kind was chosen by the person (constraints.kinds).
	Flipped bool `json:"flipped,omitempty"`
	// BySite counts the sites per producer, when the graph tells which
	// package each site's file is in.
	BySite map[string]int `json:"by_site,omitempty"`
}

// InProcessView is a function called across services that stays a direct
// call, with the services its call sites are in.
type InProcessView struct {
	planner.InProcess
	Short string `json:"short"` // Function relative to the module
	// Callers are the services whose code makes the calls, each with its
	// sites, sorted by service; a site in no known service's directory is
	// under the service "".
	Callers []CallerSites `json:"callers"`
}

// CallerSites are the sites of a call in one service.
type CallerSites struct {
	Service string   `json:"service"`
	Sites   []string `json:"sites"`
}

// BlockerView is a blocker with the service whose crossing it blocks.
type BlockerView struct {
	planner.Blocker
	Service string `json:"service,omitempty"` // consumer of Topic
}

// Problem is a finding of planner.Check on the plan as it would be saved.
type Problem struct {
	Line int    `json:"line,omitempty"`
	Msg  string `json:"msg"`
}

// ScoreRow is one score of the split beside the baselines. Values are nil
// where a baseline does not have that score.
type ScoreRow struct {
	Key     string   `json:"key"`
	Name    string   `json:"name"`
	Help    string   `json:"help"`
	Better  string   `json:"better"` // "lower" or "higher"
	Int     bool     `json:"int,omitempty"`
	Split   *float64 `json:"split"`
	Boulder *float64 `json:"boulder"`
	Grains  *float64 `json:"grains"`
	Random  *float64 `json:"random"`
	// Initial is the split's value when the editor started; set by the Server.
	Initial *float64 `json:"initial,omitempty"`
}

// Build makes the View of p. g may be nil; then lines of code are unknown.
// Services take the colours of the page's palette in their order.
func Build(p *planner.Plan, g *analyzer.Graph) *View { return build(p, g, nil) }

// build is Build with the services' colours taken from colors where it
// has them (the editor keeps a service's colour across edits).
func build(p *planner.Plan, g *analyzer.Graph, colors map[string]int) *View {
	pkgs := map[string]*analyzer.Package{}
	if g != nil {
		for _, pkg := range g.Packages {
			pkgs[pkg.Path] = pkg
		}
	}
	pv := func(path string) PackageView {
		v := PackageView{Path: path, Short: shortPkg(p.Module, path)}
		if pkg := pkgs[path]; pkg != nil {
			v.Lines, v.Main = pkg.Lines, pkg.Main
		}
		return v
	}
	v := &View{Module: p.Module, Prefix: p.Prefix, Broker: p.Broker,
		Services: []*ServiceView{}, Shared: []PackageView{}, Topics: []*TopicView{}, Blockers: []BlockerView{}}
	byName := map[string]*ServiceView{}
	dirService := map[string]string{} // package directory → service
	if g != nil {
		for _, s := range p.Services {
			for _, path := range s.Packages {
				if pkg := pkgs[path]; pkg != nil {
					dirService[strings.TrimPrefix(pkg.Dir, ".")] = s.Name
				}
			}
		}
	}
	for i, s := range p.Services {
		sv := &ServiceView{Name: s.Name, Edge: s.Edge, Color: i, Packages: []PackageView{}}
		if c, ok := colors[s.Name]; ok {
			sv.Color = c
		}
		for _, path := range s.Packages {
			pk := pv(path)
			sv.Packages = append(sv.Packages, pk)
			sv.Lines += pk.Lines
		}
		slices.SortFunc(sv.Packages, func(a, b PackageView) int { return cmp.Compare(a.Path, b.Path) })
		v.Services = append(v.Services, sv)
		v.Lines += sv.Lines
		byName[s.Name] = sv
	}
	for _, path := range p.Shared {
		pk := pv(path)
		v.Shared = append(v.Shared, pk)
		v.Lines += pk.Lines
	}
	slices.SortFunc(v.Shared, func(a, b PackageView) int { return cmp.Compare(a.Path, b.Path) })

	flipped := map[string]bool{}
	for _, k := range p.Constraints.Kinds {
		flipped[k.Function] = true
	}
	blocked := map[string]int{}
	consumer := map[string]string{}
	for _, t := range p.Topics {
		if t == nil {
			continue
		}
		tv := &TopicView{Subject: t.Subject, Kind: t.Kind, Function: t.Function,
			Short: shortFunc(p.Module, t.Function), Consumer: t.Consumer,
			Producers: nonNil(t.Producers), Sites: nonNil(t.Sites), Flipped: flipped[t.Function]}
		if g != nil {
			tv.BySite = map[string]int{}
			for _, site := range t.Sites {
				if svc, ok := dirService[siteDir(site)]; ok {
					tv.BySite[svc]++
				}
			}
		}
		v.Topics = append(v.Topics, tv)
		consumer[t.Subject] = t.Consumer
		if s := byName[t.Consumer]; s != nil {
			s.In++
		}
		for _, pr := range t.Producers {
			if s := byName[pr]; s != nil {
				s.Out++
			}
		}
	}
	for _, b := range p.Blockers {
		if b == nil {
			continue
		}
		v.Blockers = append(v.Blockers, BlockerView{Blocker: *b, Service: consumer[b.Topic]})
		blocked[b.Topic]++
	}
	for _, t := range v.Topics {
		t.Blockers = blocked[t.Subject]
	}
	v.InProcess = []*InProcessView{}
	siteService := inProcessDirs(p, pkgs)
	for _, ip := range p.InProcess {
		if ip == nil {
			continue
		}
		iv := &InProcessView{InProcess: *ip, Short: shortFunc(p.Module, ip.Function), Callers: []CallerSites{}}
		iv.Sites = nonNil(iv.Sites)
		by := map[string][]string{}
		for _, site := range iv.Sites {
			svc := siteService[siteDir(site)]
			by[svc] = append(by[svc], site)
		}
		for _, svc := range slices.Sorted(maps.Keys(by)) {
			iv.Callers = append(iv.Callers, CallerSites{Service: svc, Sites: by[svc]})
		}
		v.InProcess = append(v.InProcess, iv)
	}
	v.Scores = scoreRows(p.Scores)
	v.Layout = layout(v)
	return v
}

// inProcessDirs maps the directory of each package in a service, relative
// to the module root, to the service: from the graph where it has the
// package, else from the import path (a module's packages sit in the
// directories their paths name).
func inProcessDirs(p *planner.Plan, pkgs map[string]*analyzer.Package) map[string]string {
	dirs := map[string]string{}
	for _, s := range p.Services {
		for _, path := range s.Packages {
			var dir string
			switch pkg := pkgs[path]; {
			case pkg != nil:
				dir = strings.TrimPrefix(pkg.Dir, ".")
			case path == p.Module:
				dir = ""
			case p.Module != "" && strings.HasPrefix(path, p.Module+"/"):
				dir = strings.TrimPrefix(path, p.Module+"/")
			default:
				continue
			}
			dirs[dir] = s.Name
		}
	}
	return dirs
}

// siteDir is the directory of a file:line:col position.
func siteDir(site string) string {
	file, _, _ := strings.Cut(site, ":")
	d := path.Dir(file)
	if d == "." {
		return ""
	}
	return d
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// shortPkg is path relative to module; the module's own root package is
// shown by its last element.
func shortPkg(module, p string) string {
	if module != "" {
		if p == module {
			return path.Base(module)
		}
		if rest, ok := strings.CutPrefix(p, module+"/"); ok {
			return rest
		}
	}
	return p
}

// shortFunc drops the module prefix from a function ID as go/types prints
// it: "(*example.com/shop/orders.Service).Place" → "(*orders.Service).Place".
func shortFunc(module, id string) string {
	if module == "" {
		return id
	}
	return strings.ReplaceAll(id, module+"/", "")
}

var scoreDefs = []struct {
	key, name, help, better string
	isInt                   bool
	get                     func(*planner.Scores) *float64
}{
	{"icp", "ICP", "call weight that crosses services", "lower", false, func(s *planner.Scores) *float64 { return &s.ICP }},
	{"sm", "SM", "structural modularity", "higher", false, func(s *planner.Scores) *float64 { return &s.SM }},
	{"q", "Q", "Newman modularity", "higher", false, func(s *planner.Scores) *float64 { return &s.Q }},
	{"ifn", "IFN", "members called from outside, per service", "lower", false, func(s *planner.Scores) *float64 { return &s.IFN }},
	{"ned", "NED", "code in services of extreme size", "lower", false, func(s *planner.Scores) *float64 { return &s.NED }},
	{"cdp", "CDP", "service pairs calling both ways", "lower", false, func(s *planner.Scores) *float64 { return &s.CDP }},
	{"services", "Services", "services in the split", "", true, func(s *planner.Scores) *float64 { f := float64(s.Services); return &f }},
	{"topics", "Topics", "topics the split needs", "lower", true, func(s *planner.Scores) *float64 { f := float64(s.Topics); return &f }},
	{"blockers", "Blockers", "crossings not yet safe to cut", "lower", true, func(s *planner.Scores) *float64 { f := float64(s.Blockers); return &f }},
	{"mojofm", "MoJoFM", "agreement with the known split (0–100)", "higher", false, func(s *planner.Scores) *float64 { return s.MoJoFM }},
	{"precision", "Precision", "against the known split", "higher", false, func(s *planner.Scores) *float64 { return s.Precision }},
	{"recall", "Recall", "against the known split", "higher", false, func(s *planner.Scores) *float64 { return s.Recall }},
}

func scoreRows(r *planner.Report) []ScoreRow {
	rows := []ScoreRow{}
	if r == nil {
		return rows
	}
	val := func(s *planner.Scores, get func(*planner.Scores) *float64) *float64 {
		f := get(s)
		if f == nil || math.IsNaN(*f) || math.IsInf(*f, 0) {
			return nil
		}
		x := *f
		return &x
	}
	for _, d := range scoreDefs {
		row := ScoreRow{Key: d.key, Name: d.name, Help: d.help, Better: d.better, Int: d.isInt,
			Split: val(&r.Split, d.get), Boulder: val(&r.Boulder, d.get),
			Grains: val(&r.Grains, d.get), Random: val(&r.Random, d.get)}
		if row.Split == nil {
			continue // a score against a truth that was not given
		}
		rows = append(rows, row)
	}
	return rows
}

// formatScore prints a score the same way everywhere.
func formatScore(f *float64, isInt bool) string {
	switch {
	case f == nil:
		return "–"
	case isInt:
		return fmt.Sprintf("%d", int(math.Round(*f)))
	case math.Abs(*f) >= 10:
		return fmt.Sprintf("%.1f", *f)
	default:
		return fmt.Sprintf("%.2f", *f)
	}
}

// verdict compares the split with the random baseline: +1 when the split
// is better, -1 when worse, 0 when equal or not comparable.
func (r ScoreRow) verdict() int {
	if r.Split == nil || r.Random == nil || r.Better == "" {
		return 0
	}
	d := *r.Split - *r.Random
	if math.Abs(d) < 1e-9 {
		return 0
	}
	if (d < 0) == (r.Better == "lower") {
		return 1
	}
	return -1
}

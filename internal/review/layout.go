package review

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
)

// Layout is a drawing of the services (boxes) and the topics between them
// (one curved arrow per producer, consumer and kind). Coordinates are SVG
// user units; the page draws it as is.
type Layout struct {
	X      float64 `json:"x"` // the drawing's view box
	Y      float64 `json:"y"`
	Width  float64 `json:"width"`
	Height float64 `json:"height"`
	Nodes  []Node  `json:"nodes"`
	Links  []Link  `json:"links"`
	// Local are the calls that stay in-process, one straight line per
	// calling service and callee service; Topics holds the functions.
	Local []Link `json:"local"`
}

// Node is a service's box.
type Node struct {
	Service string  `json:"service"`
	Color   int     `json:"color"`
	X       float64 `json:"x"` // top left
	Y       float64 `json:"y"`
	W       float64 `json:"w"`
	H       float64 `json:"h"`
}

// Link is every topic of one kind from one producer to one consumer.
type Link struct {
	From   string   `json:"from"`
	To     string   `json:"to"`
	Kind   string   `json:"kind"`
	Color  int      `json:"color"` // the consumer's
	Topics []string `json:"topics"`
	Sites  int      `json:"sites"`
	Width  float64  `json:"width"` // stroke width, grows with Sites
	Path   string   `json:"path"`  // SVG path data, ends at the consumer
	LX     float64  `json:"lx"`    // label position
	LY     float64  `json:"ly"`
}

const (
	nodeW = 168.0
	nodeH = 58.0
)

// layout places the services on an ellipse, in an order that keeps
// services that talk to each other next to each other, and draws every
// link as a quadratic curve bent to its right, so the two directions
// between a pair never overlap.
func layout(v *View) *Layout {
	n := len(v.Services)
	l := &Layout{Width: 820, Height: 480, Nodes: []Node{}, Links: []Link{}, Local: []Link{}}
	if n == 0 {
		return l
	}
	if n > 5 {
		// The page gives a drawing of many services the full width.
		l.Width = 1100 + float64(max(n-9, 0))*60
		l.Height = 600 + float64(max(n-9, 0))*40
	}

	// Links, aggregated.
	type key struct{ from, to, kind string }
	agg := map[key]*Link{}
	color := map[string]int{}
	for _, s := range v.Services {
		color[s.Name] = s.Color
	}
	weight := map[[2]string]int{}
	for _, t := range v.Topics {
		for _, p := range t.Producers {
			if p == t.Consumer {
				continue
			}
			k := key{p, t.Consumer, t.Kind}
			lk := agg[k]
			if lk == nil {
				lk = &Link{From: p, To: t.Consumer, Kind: t.Kind, Color: color[t.Consumer]}
				agg[k] = lk
			}
			lk.Topics = append(lk.Topics, t.Subject)
			sites := sitesFrom(t, p)
			lk.Sites += sites
			a, b := min(p, t.Consumer), max(p, t.Consumer)
			weight[[2]string{a, b}] += max(sites, 1)
		}
	}

	order := ringOrder(v, weight)
	// Points on a circle, stretched so that they fill the drawing.
	unit := make([][2]float64, n)
	lo, hi := [2]float64{math.Inf(1), math.Inf(1)}, [2]float64{math.Inf(-1), math.Inf(-1)}
	for i := range order {
		a := -math.Pi/2 + 2*math.Pi*float64(i)/float64(n)
		if n == 2 {
			a = math.Pi * float64(i)
		}
		unit[i] = [2]float64{math.Cos(a), math.Sin(a)}
		for k := range 2 {
			lo[k], hi[k] = math.Min(lo[k], unit[i][k]), math.Max(hi[k], unit[i][k])
		}
	}
	margin := [2]float64{nodeW/2 + 40, nodeH/2 + 40}
	pos := map[string][2]float64{}
	for i, name := range order {
		var c [2]float64
		for k, size := range [2]float64{l.Width, l.Height} {
			if hi[k]-lo[k] < 1e-9 {
				c[k] = size / 2
			} else {
				c[k] = margin[k] + (unit[i][k]-lo[k])/(hi[k]-lo[k])*(size-2*margin[k])
			}
		}
		x, y := c[0], c[1]
		pos[name] = [2]float64{x, y}
		l.Nodes = append(l.Nodes, Node{Service: name, Color: color[name],
			X: round1(x - nodeW/2), Y: round1(y - nodeH/2), W: nodeW, H: nodeH})
	}

	keys := make([]key, 0, len(agg))
	for k := range agg {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b key) int {
		return cmp.Or(cmp.Compare(a.from, b.from), cmp.Compare(a.to, b.to), cmp.Compare(a.kind, b.kind))
	})
	var placed [][2]float64 // label centres
	for _, k := range keys {
		lk := agg[k]
		p0, ok0 := pos[lk.From]
		p2, ok2 := pos[lk.To]
		if !ok0 || !ok2 {
			continue
		}
		// Bend to the right of the direction of travel; events further out
		// than requests so both kinds between a pair stay apart.
		dx, dy := p2[0]-p0[0], p2[1]-p0[1]
		d := math.Hypot(dx, dy)
		bend := 34.0
		if lk.Kind != "request" {
			bend = 80
		}
		nx, ny := -dy/d, dx/d
		c := [2]float64{(p0[0]+p2[0])/2 + nx*bend, (p0[1]+p2[1])/2 + ny*bend}
		s := boxExit(p0, c, 3)
		e := boxExit(p2, c, 11) // room for the arrow head
		lk.Path = fmt.Sprintf("M%.1f,%.1f Q%.1f,%.1f %.1f,%.1f", s[0], s[1], c[0], c[1], e[0], e[1])
		// The label goes at the middle of the curve, or as near to it as
		// it can without covering a box or another label.
		at := func(t float64) [2]float64 {
			u := 1 - t
			return [2]float64{u*u*s[0] + 2*u*t*c[0] + t*t*e[0], u*u*s[1] + 2*u*t*c[1] + t*t*e[1]}
		}
		lp := at(0.5)
		for _, t := range []float64{0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74} {
			if q := at(t); !l.covered(q, placed) {
				lp = q
				break
			}
		}
		placed = append(placed, lp)
		lk.LX, lk.LY = round1(lp[0]), round1(lp[1])
		lk.Width = round1(math.Min(1.5+1.1*math.Sqrt(float64(lk.Sites)), 6.5))
		slices.Sort(lk.Topics)
		l.Links = append(l.Links, *lk)
	}
	l.local(v, pos)
	l.fit()
	return l
}

// local draws the in-process calls between services as straight lines
// from the calling service to the callee's, one per pair.
func (l *Layout) local(v *View, pos map[string][2]float64) {
	type key struct{ from, to string }
	agg := map[key]*Link{}
	for _, ip := range v.InProcess {
		for _, c := range ip.Callers {
			if c.Service == "" || c.Service == ip.Consumer {
				continue
			}
			k := key{c.Service, ip.Consumer}
			lk := agg[k]
			if lk == nil {
				lk = &Link{From: c.Service, To: ip.Consumer, Kind: "in-process"}
				agg[k] = lk
			}
			if !slices.Contains(lk.Topics, ip.Short) {
				lk.Topics = append(lk.Topics, ip.Short)
			}
			lk.Sites += len(c.Sites)
		}
	}
	keys := slices.SortedFunc(maps.Keys(agg), func(a, b key) int {
		return cmp.Or(cmp.Compare(a.from, b.from), cmp.Compare(a.to, b.to))
	})
	for _, k := range keys {
		lk := agg[k]
		p0, ok0 := pos[lk.From]
		p2, ok2 := pos[lk.To]
		if !ok0 || !ok2 {
			continue
		}
		s, e := boxExit(p0, p2, 3), boxExit(p2, p0, 5)
		lk.Path = fmt.Sprintf("M%.1f,%.1f L%.1f,%.1f", s[0], s[1], e[0], e[1])
		lk.LX, lk.LY = round1((s[0]+e[0])/2), round1((s[1]+e[1])/2)
		lk.Width = 2
		slices.Sort(lk.Topics)
		for _, n := range l.Nodes {
			if n.Service == lk.To {
				lk.Color = n.Color
			}
		}
		l.Local = append(l.Local, *lk)
	}
}

// covered reports whether a label centred at q would overlap a node box
// or one of the labels already placed.
func (l *Layout) covered(q [2]float64, placed [][2]float64) bool {
	const hw, hh = 14, 10 // half a label, with a little air
	for _, n := range l.Nodes {
		if q[0]+hw > n.X && q[0]-hw < n.X+n.W && q[1]+hh > n.Y && q[1]-hh < n.Y+n.H {
			return true
		}
	}
	for _, p := range placed {
		if math.Abs(p[0]-q[0]) < 2*hw && math.Abs(p[1]-q[1]) < 2*hh {
			return true
		}
	}
	return false
}

// fit shrinks the view box to the nodes and the curves' labels, with a
// margin, so the drawing uses the space it is given.
func (l *Layout) fit() {
	lo, hi := [2]float64{math.Inf(1), math.Inf(1)}, [2]float64{math.Inf(-1), math.Inf(-1)}
	grow := func(x, y float64) {
		lo[0], lo[1] = math.Min(lo[0], x), math.Min(lo[1], y)
		hi[0], hi[1] = math.Max(hi[0], x), math.Max(hi[1], y)
	}
	for _, n := range l.Nodes {
		grow(n.X, n.Y)
		grow(n.X+n.W, n.Y+n.H)
	}
	for _, lk := range l.Links {
		grow(lk.LX-16, lk.LY-12)
		grow(lk.LX+16, lk.LY+12)
	}
	if math.IsInf(lo[0], 1) {
		return
	}
	const pad = 16
	l.X, l.Y = round1(lo[0]-pad), round1(lo[1]-pad)
	l.Width, l.Height = round1(hi[0]-lo[0]+2*pad), round1(hi[1]-lo[1]+2*pad)
}

// sitesFrom counts the sites of t that belong to producer p: as counted
// from the graph when Build had one; otherwise all of them when t has one
// producer, and an even share when it has several.
func sitesFrom(t *TopicView, p string) int {
	if n, ok := t.BySite[p]; ok {
		return n
	}
	if len(t.Producers) <= 1 {
		return len(t.Sites)
	}
	return max(1, (len(t.Sites)+len(t.Producers)-1)/len(t.Producers))
}

// ringOrder orders the services around the ellipse: the edge service (or
// the first) on top, the rest in the order that keeps the services that
// call each other most close on the ring: it minimises Σ weight × ring
// distance, exactly for up to 9 services, by pairwise swaps beyond.
func ringOrder(v *View, weight map[[2]string]int) []string {
	w := func(a, b string) int { return weight[[2]string{min(a, b), max(a, b)}] }
	rest := []string{}
	first := ""
	for _, s := range v.Services {
		if s.Edge && first == "" {
			first = s.Name
		} else {
			rest = append(rest, s.Name)
		}
	}
	if first == "" {
		first, rest = rest[0], rest[1:]
	}
	slices.Sort(rest)
	names := append([]string{first}, rest...)
	n := len(names)
	// The search works on indices into names with the weights in a
	// matrix: a plan of fifty services is laid out after every edit.
	wm := make([]int, n*n)
	for i := range names {
		for j := range names {
			wm[i*n+j] = w(names[i], names[j])
		}
	}
	cost := func(o []int) int {
		c := 0
		for i := range o {
			row := wm[o[i]*n:]
			for j := i + 1; j < len(o); j++ {
				d := min(j-i, n-(j-i))
				c += row[o[j]] * d
			}
		}
		return c
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	named := func(o []int) []string {
		out := make([]string, len(o))
		for i, k := range o {
			out[i] = names[k]
		}
		return out
	}
	best, bestCost := slices.Clone(order), cost(order)
	if n <= 9 {
		// Heap's algorithm over the services after the first.
		a := slices.Clone(order)
		var permute func(k int)
		permute = func(k int) {
			if k == 1 {
				if c := cost(a); c < bestCost {
					best, bestCost = slices.Clone(a), c
				}
				return
			}
			permute(k - 1)
			for i := 0; i < k-1; i++ {
				if k%2 == 0 {
					a[1+i], a[k] = a[k], a[1+i]
				} else {
					a[1], a[k] = a[k], a[1]
				}
				permute(k - 1)
			}
		}
		if n > 2 {
			permute(n - 1)
		}
		return named(best)
	}
	for improved := true; improved; {
		improved = false
		for i := 1; i < n; i++ {
			for j := i + 1; j < n; j++ {
				best[i], best[j] = best[j], best[i]
				if c := cost(best); c < bestCost {
					bestCost, improved = c, true
				} else {
					best[i], best[j] = best[j], best[i]
				}
			}
		}
	}
	return named(best)
}

// boxExit is where the segment from the centre c of a node box towards
// the point t leaves the box, pushed out by gap.
func boxExit(c, t [2]float64, gap float64) [2]float64 {
	dx, dy := t[0]-c[0], t[1]-c[1]
	hw, hh := nodeW/2+gap, nodeH/2+gap
	s := math.Inf(1)
	if dx != 0 {
		s = math.Min(s, hw/math.Abs(dx))
	}
	if dy != 0 {
		s = math.Min(s, hh/math.Abs(dy))
	}
	if math.IsInf(s, 1) {
		return c
	}
	return [2]float64{c[0] + dx*s, c[1] + dy*s}
}

func round1(f float64) float64 { return math.Round(f*10) / 10 }

// describe is a short text of a link for tooltips and tests.
func (lk Link) describe() string {
	return fmt.Sprintf("%s → %s (%s): %s", lk.From, lk.To, lk.Kind, strings.Join(lk.Topics, ", "))
}

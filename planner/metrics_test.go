package planner

import (
	"context"
	"math"
	"testing"
)

// metricsGraph: a.F→b.G once, a.F→a.H once, b.G→c.K three times,
// c.K→b.G once, c.K→d.L once. With u = ln 2, pair weights are u, u, 2u, u, u.
func metricsGraph() *testGraph {
	t := newTestGraph()
	t.call("a.F", "b.G", 1)
	t.call("a.F", "a.H", 1)
	t.call("b.G", "c.K", 3)
	t.call("c.K", "b.G", 1)
	t.call("c.K", "d.L", 1)
	return t
}

func TestScores(t *testing.T) {
	m := testModule + "/"
	tests := []struct {
		name     string
		services [][]string
		shared   []string
		want     Scores
	}{
		{
			// ICP: cross b→c 2u + c→b u over 6u. SM: coh (1/4+1/4)/2,
			// cop (1+1)/(2·2·2) = 1/4. Q: weights a–b 1, b–c 3, c–d 1
			// (in u), m = 5: 2 × (1/5 − (5/10)²).
			name:     "two services",
			services: [][]string{{"a", "b"}, {"c", "d"}},
			want:     Scores{Services: 2, ICP: 0.5, SM: 0, Q: -0.1, IFN: 1, NED: 0, CDP: 1, Topics: 2},
		},
		{
			// ICP 5u/6u. SM: −(1 + 2 + 1)/2 ÷ 6. Q: −(1+16+16+1)/100.
			// IFN: b, c, d. CDP: {b,c} of 6 pairs.
			name:     "grains",
			services: [][]string{{"a"}, {"b"}, {"c"}, {"d"}},
			want:     Scores{Services: 4, ICP: 5.0 / 6, SM: -1.0 / 3, Q: -0.34, IFN: 0.75, NED: 0, CDP: 1.0 / 6, Topics: 3},
		},
		{
			name:     "boulder",
			services: [][]string{{"a", "b", "c", "d"}},
			// SM: 4 package edges in 16 pairs. NED band [1, 2]: extreme.
			want: Scores{Services: 1, ICP: 0, SM: 0.25, Q: 0, IFN: 0, NED: 1, CDP: 0},
		},
		{
			// d shared: c.K→d.L still counts in ICP's total, never crosses.
			// SM: (1/4 + 0)/2 − (1+1)/(2·2·1). Q on a–b 1, b–c 3, m = 4:
			// (1/4 − (5/8)²) + (0 − (3/8)²). NED band [1, 1]: {a,b} extreme.
			name:     "shared",
			services: [][]string{{"a", "b"}, {"c"}},
			shared:   []string{"d"},
			want:     Scores{Services: 2, ICP: 0.5, SM: -0.375, Q: -0.28125, IFN: 1, NED: 2.0 / 3, CDP: 1, Topics: 2},
		},
	}
	g := metricsGraph().done()
	for _, tt := range tests {
		p := &Plan{Prefix: "m"}
		for i, ss := range tt.services {
			s := &Service{Name: string(rune('p' + i))}
			for _, x := range ss {
				s.Packages = append(s.Packages, m+x)
			}
			p.Services = append(p.Services, s)
		}
		for _, x := range tt.shared {
			p.Shared = append(p.Shared, m+x)
		}
		got := evaluate(resolve(newPkgGraph(g), p), ScoreOptions{})
		if got.Services != tt.want.Services || got.Topics != tt.want.Topics || got.Blockers != tt.want.Blockers ||
			!near(got.ICP, tt.want.ICP) || !near(got.SM, tt.want.SM) || !near(got.Q, tt.want.Q) ||
			!near(got.IFN, tt.want.IFN) || !near(got.NED, tt.want.NED) || !near(got.CDP, tt.want.CDP) {
			t.Errorf("%s: scores = %+v; want %+v", tt.name, got, tt.want)
		}
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestNEDBand(t *testing.T) {
	g := metricsGraph().done()
	p := &Plan{Services: []*Service{{Name: "x", Packages: []string{testModule + "/a"}},
		{Name: "y", Packages: []string{testModule + "/b", testModule + "/c", testModule + "/d"}}}}
	s := resolve(newPkgGraph(g), p)
	if got := score(s.pg, s.pt, ScoreOptions{NEDMin: 2, NEDMax: 3}).NED; !near(got, 0.25) {
		t.Errorf("NED with band [2,3] = %v; want 0.25", got)
	}
}

func TestMNO(t *testing.T) {
	tests := []struct {
		a, b []int
		want int
	}{
		{[]int{0, 0, 1, 1}, []int{0, 0, 1, 1}, 0},
		{[]int{0, 1, 2, 3}, []int{0, 0, 0, 0}, 3},             // three joins
		{[]int{0, 0, 0, 0}, []int{0, 0, 1, 1}, 2},             // two moves
		{[]int{0, 0, 1, 1, 2}, []int{0, 0, 0, 1, 1}, 2},       // move one, join one
		{[]int{0, 1, 1, 2, 2, 2}, []int{0, 0, 0, 1, 1, 1}, 1}, // one join
	}
	for _, tt := range tests {
		if got := mno(tt.a, tt.b); got != tt.want {
			t.Errorf("mno(%v, %v) = %d; want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestMNOExhaustive checks mno against a breadth-first search over Move
// and Join operations, and maxMNO against every partition, for all
// partitions of up to five objects.
func TestMNOExhaustive(t *testing.T) {
	for n := 1; n <= 5; n++ {
		parts := allPartitions(n)
		dist := map[string]map[string]int{}
		for _, b := range parts {
			d := bfsMoJo(b, n)
			dist[key(b)] = d
		}
		for _, b := range parts {
			worst := 0
			for _, a := range parts {
				want := dist[key(b)][key(a)]
				if got := mno(a, b); got != want {
					t.Fatalf("mno(%v, %v) = %d; want %d", a, b, got, want)
				}
				worst = max(worst, want)
			}
			if got := maxMNO(b); got != worst {
				t.Fatalf("maxMNO(%v) = %d; want %d", b, got, worst)
			}
		}
	}
}

// bfsMoJo returns, for every partition a, the least number of Move and
// Join operations turning a into b, by searching backwards from b (a Move
// reversed is a Move; a Join reversed is a split).
func bfsMoJo(b []int, n int) map[string]int {
	// Forward search from each a would be simplest; search from every
	// partition instead, it is small.
	out := map[string]int{}
	for _, a := range allPartitions(n) {
		out[key(a)] = bfs(a, b)
	}
	return out
}

func bfs(a, b []int) int {
	target := key(canon(b))
	start := canon(a)
	seen := map[string]bool{key(start): true}
	frontier := [][]int{start}
	for d := 0; ; d++ {
		var next [][]int
		for _, p := range frontier {
			if key(p) == target {
				return d
			}
			k := maxOf(p) + 1
			for x := range p {
				for c := 0; c <= k; c++ { // move x to cluster c (k: a new one)
					q := append([]int(nil), p...)
					q[x] = c
					next = appendNew(next, seen, canon(q))
				}
			}
			for i := 0; i < k; i++ {
				for j := i + 1; j < k; j++ {
					q := append([]int(nil), p...)
					for x := range q {
						if q[x] == j {
							q[x] = i
						}
					}
					next = appendNew(next, seen, canon(q))
				}
			}
		}
		frontier = next
	}
}

func appendNew(list [][]int, seen map[string]bool, p []int) [][]int {
	if k := key(p); !seen[k] {
		seen[k] = true
		return append(list, p)
	}
	return list
}

func canon(p []int) []int { return compact(p) }

func key(p []int) string {
	b := make([]byte, len(p))
	for i, x := range canon(p) {
		b[i] = byte('a' + x)
	}
	return string(b)
}

// allPartitions returns every partition of n objects as restricted growth
// strings.
func allPartitions(n int) [][]int {
	var out [][]int
	var rec func(p []int, k int)
	rec = func(p []int, k int) {
		if len(p) == n {
			out = append(out, append([]int(nil), p...))
			return
		}
		for c := 0; c <= k; c++ {
			rec(append(p, c), max(k, c+1))
		}
	}
	rec(nil, 0)
	return out
}

func TestMoJoFMAndPrecisionRecall(t *testing.T) {
	b := []int{0, 0, 0, 1, 1, 1}
	if got := MoJoFM(b, b); got != 100 {
		t.Errorf("MoJoFM(b, b) = %v; want 100", got)
	}
	// a moves one object: mno 1; max mno for sizes (3,3): 6 − min(0+3, 1+3, 2+0) = 4.
	a := []int{0, 0, 1, 1, 1, 1}
	if got := MoJoFM(a, b); !near(got, 75) {
		t.Errorf("MoJoFM(%v, %v) = %v; want 75", a, b, got)
	}
	// a's cluster 0 {0,1} ⊂ b0: 2/2, 2/3; cluster 1 {2,3,4,5}: best b1 3/4, 3/3.
	p, r := PrecisionRecall(a, b)
	if !near(p, (1+0.75)/2) || !near(r, (2.0/3+1)/2) {
		t.Errorf("PrecisionRecall(%v, %v) = %v, %v; want %v, %v", a, b, p, r, 0.875, 5.0/6)
	}
}

func TestModularityMatchesGonum(t *testing.T) {
	g := shopGraph()
	pg := newPkgGraph(g)
	p, err := Propose(context.Background(), g, Constraints{})
	if err != nil {
		t.Fatal(err)
	}
	s := resolve(pg, p)
	if got, want := modularity(pg, s.pt), gonumQ(pg, s.pt); !near(got, want) {
		t.Errorf("modularity = %v; gonum community.Q = %v", got, want)
	}
}

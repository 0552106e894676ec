package planner

import (
	"bytes"
	"fmt"
	"os"
	"slices"

	"go.yaml.in/yaml/v3"
)

// Truth is a known split of a module — its developers' own modules — to
// score a proposal against. Its file form (truth.yaml):
//
//	services:
//	  orders: [example.com/shop/orders, example.com/shop/orders/store]
//	  billing: [example.com/shop/billing]
//	shared: [example.com/shop/money]
type Truth struct {
	Services map[string][]string `yaml:"services"`
	Shared   []string            `yaml:"shared,omitempty"`
}

// ReadTruth reads a truth.yaml file.
func ReadTruth(path string) (*Truth, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read truth: %w", err)
	}
	var t Truth
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&t); err != nil {
		return nil, fmt.Errorf("read truth %s: %w", path, err)
	}
	if len(t.Services) == 0 {
		return nil, fmt.Errorf("read truth %s: no services", path)
	}
	return &t, nil
}

// labels returns, for the packages of pg the truth puts in a service (and
// does not share), the truth's service of each and the proposal's, with
// packages the proposal leaves out of every service in one extra cluster.
func (t *Truth) labels(pg *pkgGraph, pt partition) (proposed, truth []int) {
	names := make([]string, 0, len(t.Services))
	for name := range t.Services {
		names = append(names, name)
	}
	slices.Sort(names)
	shared := map[string]bool{}
	for _, s := range t.Shared {
		shared[s] = true
	}
	seen := map[int]bool{}
	for k, name := range names {
		for _, path := range t.Services[name] {
			i, ok := pg.index[path]
			if !ok || shared[path] || seen[i] {
				continue
			}
			seen[i] = true
			c := pt.comm[i]
			if c < 0 {
				c = pt.k
			}
			proposed = append(proposed, c)
			truth = append(truth, k)
		}
	}
	return proposed, truth
}

// score sets the MoJoFM, precision and recall of pt against t.
func (t *Truth) score(s *Scores, pg *pkgGraph, pt partition) {
	a, b := t.labels(pg, pt)
	if len(a) == 0 {
		return
	}
	fm := MoJoFM(a, b)
	p, r := PrecisionRecall(a, b)
	s.MoJoFM, s.Precision, s.Recall = &fm, &p, &r
}

// MoJoFM returns (1 − mno(A, B) ÷ max_A' mno(A', B)) × 100 (Wen & Tzerpos,
// IWPC'04): how close partition a is to partition b, 100 meaning equal.
// a[i] and b[i] are the clusters of object i.
func MoJoFM(a, b []int) float64 {
	worst := maxMNO(b)
	if worst == 0 {
		return 100
	}
	return (1 - float64(mno(a, b))/float64(worst)) * 100
}

// mno is the minimum number of Move and Join operations that turn
// partition a into partition b — the optimal MoJo algorithm (Wen &
// Tzerpos, IWPC'03): tag each cluster A_i with a cluster of b it shares
// the most objects with (v_i of them); moves are n − Σ v_i, and joins
// are l − g, l being a's clusters and g the most distinct tags a choice of
// tags reaches, found as a maximum bipartite matching between a's clusters
// and their best b clusters.
func mno(a, b []int) int {
	ai, bi := compact(a), compact(b)
	l, m := maxOf(ai)+1, maxOf(bi)+1
	overlap := make([][]int, l)
	for i := range overlap {
		overlap[i] = make([]int, m)
	}
	for x := range ai {
		overlap[ai[x]][bi[x]]++
	}
	moves := len(a)
	best := make([][]int, l)
	for i, row := range overlap {
		v := slices.Max(row)
		moves -= v
		for j, c := range row {
			if c == v {
				best[i] = append(best[i], j)
			}
		}
	}
	return moves + l - matching(best, m)
}

// maxMNO is max over all partitions A' of mno(A', b): n − min over k of
// (k + |B_(k+1)|), clusters of b sorted by size descending, |B_(m+1)| = 0.
// A worst A' keeps at most one object of each cluster in a cluster (no
// object is in its tag's majority for free) while the tag matching stays
// small: every matching is covered by the k largest b clusters plus the
// clusters of A' holding the rest, and A' needs |B_(k+1)| of those.
// The unit tests check it against exhaustive search for small n.
func maxMNO(b []int) int {
	bi := compact(b)
	if len(bi) == 0 {
		return 0
	}
	sizes := make([]int, maxOf(bi)+1)
	for _, c := range bi {
		sizes[c]++
	}
	slices.Sort(sizes)
	slices.Reverse(sizes)
	bestH := len(b)
	for k := 0; k <= len(sizes); k++ {
		next := 0
		if k < len(sizes) {
			next = sizes[k]
		}
		bestH = min(bestH, k+next)
	}
	return len(b) - bestH
}

// matching returns the size of a maximum matching of the bipartite graph
// whose left node i is adjacent to adj[i] (right nodes in [0, m)), by
// augmenting paths (Kuhn).
func matching(adj [][]int, m int) int {
	match := make([]int, m)
	for i := range match {
		match[i] = -1
	}
	var try func(u int, seen []bool) bool
	try = func(u int, seen []bool) bool {
		for _, v := range adj[u] {
			if seen[v] {
				continue
			}
			seen[v] = true
			if match[v] < 0 || try(match[v], seen) {
				match[v] = u
				return true
			}
		}
		return false
	}
	n := 0
	for u := range adj {
		if try(u, make([]bool, m)) {
			n++
		}
	}
	return n
}

// PrecisionRecall matches each cluster of a to the cluster of b it shares
// the most objects with (MicroMiner, JSEP'23): precision is the mean of
// |∩| ÷ |A_i|, recall the mean of |∩| ÷ |B_match|.
func PrecisionRecall(a, b []int) (precision, recall float64) {
	ai, bi := compact(a), compact(b)
	if len(ai) == 0 {
		return 0, 0
	}
	l, m := maxOf(ai)+1, maxOf(bi)+1
	overlap := make([][]int, l)
	for i := range overlap {
		overlap[i] = make([]int, m)
	}
	sizeA, sizeB := make([]int, l), make([]int, m)
	for x := range ai {
		overlap[ai[x]][bi[x]]++
		sizeA[ai[x]]++
		sizeB[bi[x]]++
	}
	for i, row := range overlap {
		j := 0
		for k, c := range row {
			if c > row[j] || (c == row[j] && sizeB[k] < sizeB[j]) {
				j = k
			}
		}
		precision += float64(row[j]) / float64(sizeA[i])
		recall += float64(row[j]) / float64(sizeB[j])
	}
	return precision / float64(l), recall / float64(l)
}

// compact renumbers labels 0, 1, … in order of first appearance.
func compact(xs []int) []int {
	ids := map[int]int{}
	out := make([]int, len(xs))
	for i, x := range xs {
		id, ok := ids[x]
		if !ok {
			id = len(ids)
			ids[x] = id
		}
		out[i] = id
	}
	return out
}

func maxOf(xs []int) int {
	m := -1
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}

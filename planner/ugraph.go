package planner

import (
	"slices"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/iterator"
	"gonum.org/v1/gonum/graph/simple"
)

// uGraph is a small weighted undirected graph for gonum's community
// package. Unlike gonum's map-backed graphs it iterates nodes and
// neighbours in ID order, so Louvain with a seeded source is deterministic.
type uGraph struct {
	orig  []int             // local node ID → caller's index
	adj   []map[int]float64 // symmetric weights by local ID
	nbrs  [][]int           // sorted neighbours
	total float64
}

type node = simple.Node

// newUGraph returns the symmetrised call graph of the packages i with
// comm[i] >= 0.
func newUGraph(pg *pkgGraph, comm []int) *uGraph {
	local := make(map[int]int)
	var orig []int
	for i, c := range comm {
		if c >= 0 {
			local[i] = len(orig)
			orig = append(orig, i)
		}
	}
	adj := make([]map[int]float64, len(orig))
	for l := range adj {
		adj[l] = map[int]float64{}
	}
	for l, i := range orig {
		for j, w := range pg.out[i] {
			if m, ok := local[j]; ok && w > 0 && m != l {
				adj[l][m] += w
				adj[m][l] += w
			}
		}
	}
	return buildUGraph(orig, adj)
}

func buildUGraph(orig []int, adj []map[int]float64) *uGraph {
	ug := &uGraph{orig: orig, adj: adj, nbrs: make([][]int, len(adj))}
	for l, m := range adj {
		ug.nbrs[l] = sortedKeys(m)
		for _, w := range m {
			ug.total += w
		}
	}
	ug.total /= 2
	return ug
}

func (ug *uGraph) has(id int64) bool { return id >= 0 && id < int64(len(ug.adj)) }

func (ug *uGraph) Node(id int64) graph.Node {
	if !ug.has(id) {
		return nil
	}
	return node(id)
}

func (ug *uGraph) Nodes() graph.Nodes {
	ns := make([]graph.Node, len(ug.adj))
	for i := range ns {
		ns[i] = node(i)
	}
	return iterator.NewOrderedNodes(ns)
}

func (ug *uGraph) From(id int64) graph.Nodes {
	if !ug.has(id) {
		return graph.Empty
	}
	ns := make([]graph.Node, len(ug.nbrs[id]))
	for i, j := range ug.nbrs[id] {
		ns[i] = node(j)
	}
	return iterator.NewOrderedNodes(ns)
}

func (ug *uGraph) HasEdgeBetween(x, y int64) bool {
	if !ug.has(x) || !ug.has(y) {
		return false
	}
	_, ok := ug.adj[x][int(y)]
	return ok
}

func (ug *uGraph) Edge(u, v int64) graph.Edge { return ug.WeightedEdge(u, v) }

func (ug *uGraph) EdgeBetween(x, y int64) graph.Edge { return ug.WeightedEdge(x, y) }

func (ug *uGraph) WeightedEdgeBetween(x, y int64) graph.WeightedEdge { return ug.WeightedEdge(x, y) }

func (ug *uGraph) WeightedEdge(u, v int64) graph.WeightedEdge {
	if !ug.HasEdgeBetween(u, v) {
		return nil
	}
	return simple.WeightedEdge{F: node(u), T: node(v), W: ug.adj[u][int(v)]}
}

func (ug *uGraph) Weight(x, y int64) (float64, bool) {
	if x == y {
		return 0, true
	}
	if !ug.HasEdgeBetween(x, y) {
		return 0, false
	}
	return ug.adj[x][int(y)], true
}

var _ graph.WeightedUndirected = (*uGraph)(nil)

// sortNodes orders community members by ID.
func sortNodes(ns []graph.Node) {
	slices.SortFunc(ns, func(a, b graph.Node) int { return int(a.ID() - b.ID()) })
}

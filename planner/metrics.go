package planner

// This file computes the scores of METRICS.md. ICP is measured on function
// pairs; the others at package level: a member is a package, and an edge is
// an ordered pair of distinct packages with at least one call between them
// (static and call-graph-resolved calls alike), weighted Σ ln(1+count) over
// the caller→callee function pairs it aggregates. Shared packages belong to
// no service: calls into them never cross, and they are members of no
// service.

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/community"
)

// ScoreOptions tunes the scores whose definition has a free parameter.
type ScoreOptions struct {
	// NEDMin and NEDMax bound the non-extreme service size for NED, in
	// packages. The literature's band (5–20) is for classes; at package
	// level cleave counts a service of 1 to max(1, N/2) packages as
	// non-extreme (N = packages in services): only a service holding more
	// than half of the code is extreme. Zero means the default.
	NEDMin, NEDMax int
}

func (o ScoreOptions) band(n int) (lo, hi int) {
	lo, hi = o.NEDMin, o.NEDMax
	if lo <= 0 {
		lo = 1
	}
	if hi <= 0 {
		hi = max(1, n/2)
	}
	return lo, hi
}

// partition assigns every package of a pkgGraph (by index) to a service in
// [0, k), or to none (-1: shared or left out).
type partition struct {
	comm   []int
	k      int
	shared map[int]bool // of the packages with comm -1, those shared
}

// sizes returns the number of packages in each service.
func (pt partition) sizes() []int {
	n := make([]int, pt.k)
	for _, c := range pt.comm {
		if c >= 0 {
			n[c]++
		}
	}
	return n
}

// score computes the structural scores of pt on pg: ICP, SM, Q, IFN, NED
// and CDP. Topics and Blockers are filled in by the caller.
func score(pg *pkgGraph, pt partition, opt ScoreOptions) Scores {
	k := pt.k
	sizes := pt.sizes()
	s := Scores{Services: nonEmpty(sizes)}
	if s.Services == 0 {
		return s
	}

	// ICP — Kalia et al., Mono2Micro (FSE'21): Σ weight of crossing edges ÷
	// Σ weight of all edges, on caller→callee function pairs weighted
	// ln(1+count) (count: the pair's call sites). All pairs count, those
	// inside one package and those into shared packages (they stay
	// in-process) too; pairs touching a package in no service and not
	// shared are left out.
	var total, cross float64
	for _, fp := range pg.pairs {
		ca, cb := pt.comm[fp.from], pt.comm[fp.to]
		if ca < 0 && !pt.shared[fp.from] || cb < 0 && !pt.shared[fp.to] {
			continue
		}
		total += fp.w
		if ca >= 0 && cb >= 0 && ca != cb {
			cross += fp.w
		}
	}
	// SM — Jin et al., FoSCI (TSE'19), Bunch's basic MQ: μ_k and σ_ij count
	// ordered package pairs with a call (0/1 edges, so SM stays in [−1, 1]).
	mu := make([]float64, k)
	sigma := make(map[[2]int]float64)
	// σ weights for CDP — Wang, Bornais & Rubin (ASE'24).
	sigmaW := make(map[[2]int]float64)
	// IFN — Jin et al.: members called from another service.
	calledFromOutside := make([]bool, len(pt.comm))
	for a, out := range pg.out {
		ca := pt.comm[a]
		if ca < 0 {
			continue
		}
		for b, w := range out {
			cb := pt.comm[b]
			if cb < 0 || w <= 0 {
				continue
			}
			if ca == cb {
				mu[ca]++
				continue
			}
			sigma[[2]int{ca, cb}]++
			sigmaW[[2]int{ca, cb}] += w
			calledFromOutside[b] = true
		}
	}
	if total > 0 {
		s.ICP = cross / total
	}

	var coh float64
	for c := range k {
		if sizes[c] > 0 {
			coh += mu[c] / float64(sizes[c]*sizes[c])
		}
	}
	K := float64(s.Services)
	s.SM = coh / K
	if s.Services > 1 {
		var cop float64
		for pair, n := range sigma {
			i, j := pair[0], pair[1]
			cop += n / (2 * float64(sizes[i]*sizes[j]))
		}
		s.SM -= cop / (K * (K - 1) / 2)
	}

	// Newman Q (Newman 2006) on the undirected graph whose edge a–b weighs
	// w(a→b)+w(b→a), computed by gonum's community.Q at resolution 1.
	s.Q = modularity(pg, pt)

	var ifn int
	for b, yes := range calledFromOutside {
		if yes && pt.comm[b] >= 0 {
			ifn++
		}
	}
	s.IFN = float64(ifn) / K

	// NED — Mono2Micro: 1 − members in services of non-extreme size ÷ all
	// members; the band is ScoreOptions.band.
	var members, inBand int
	for _, n := range sizes {
		members += n
	}
	lo, hi := opt.band(members)
	for _, n := range sizes {
		if n > 0 && n >= lo && n <= hi {
			inBand += n
		}
	}
	s.NED = 1 - float64(inBand)/float64(members)

	// CDP — Wang, Bornais & Rubin (ASE'24): share of unordered service pairs
	// that call each other both ways.
	if s.Services > 1 {
		var cyclic int
		for pair := range sigmaW {
			if pair[0] < pair[1] && sigmaW[[2]int{pair[1], pair[0]}] > 0 {
				cyclic++
			}
		}
		s.CDP = float64(cyclic) / (K * (K - 1) / 2)
	}
	return s
}

func nonEmpty(sizes []int) int {
	n := 0
	for _, s := range sizes {
		if s > 0 {
			n++
		}
	}
	return n
}

// modularity returns Newman's Q of pt on the symmetrised call graph of the
// packages in services (edge a–b weighs w(a→b)+w(b→a)), or 0 when no call
// joins two of them: Q = Σ_c [L_c/m − (D_c/2m)²], L_c the weight inside
// service c, D_c the total degree of its packages, m the total weight. It
// equals gonum's community.Q at resolution 1 (a test checks it), computed
// here in one pass because baselines and refinement call it often.
func modularity(pg *pkgGraph, pt partition) float64 {
	var m float64
	inner := make([]float64, pt.k)
	degree := make([]float64, pt.k)
	for a, out := range pg.out {
		ca := pt.comm[a]
		if ca < 0 {
			continue
		}
		for b, w := range out {
			cb := pt.comm[b]
			if cb < 0 || w <= 0 {
				continue
			}
			m += w
			degree[ca] += w
			degree[cb] += w
			if ca == cb {
				inner[ca] += w
			}
		}
	}
	if m == 0 {
		return 0
	}
	var q float64
	for c := range pt.k {
		q += inner[c]/m - (degree[c]/(2*m))*(degree[c]/(2*m))
	}
	return q
}

// gonumQ is modularity computed by gonum, for tests.
func gonumQ(pg *pkgGraph, pt partition) float64 {
	ug := newUGraph(pg, pt.comm)
	if ug.total == 0 {
		return 0
	}
	comms := make([][]graph.Node, pt.k)
	for local, i := range ug.orig {
		c := pt.comm[i]
		comms[c] = append(comms[c], node(local))
	}
	comms = slices.DeleteFunc(comms, func(c []graph.Node) bool { return len(c) == 0 })
	return community.Q(ug, comms, 1)
}

// round4 rounds x to four decimals so plan files stay stable and readable.
func round4(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	r := math.Round(x*1e4) / 1e4
	if r == 0 {
		return 0 // not -0
	}
	return r
}

func (s Scores) rounded() Scores {
	s.ICP, s.SM, s.Q, s.IFN, s.NED, s.CDP = round4(s.ICP), round4(s.SM), round4(s.Q), round4(s.IFN), round4(s.NED), round4(s.CDP)
	for _, p := range []**float64{&s.MoJoFM, &s.Precision, &s.Recall} {
		if *p != nil {
			v := round4(**p)
			*p = &v
		}
	}
	return s
}

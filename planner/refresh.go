package planner

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/cleave-go/cleave/analyzer"
)

// randomSeeds is the number of random splits the Random baseline is the
// median of.
const randomSeeds = 21

// Refresh re-derives p's Topics, Blockers and Scores in place from its
// Services, Shared and Constraints on g. Names, the assignment of packages
// and kind overrides are kept; packages g does not have are ignored (Check
// reports them).
func Refresh(g *analyzer.Graph, p *Plan) error {
	if g == nil || p == nil {
		return fmt.Errorf("refresh: nil graph or plan")
	}
	pg := newPkgGraph(g)
	refresh(pg, p)
	return nil
}

func refresh(pg *pkgGraph, p *Plan) {
	pg.applyKinds(p.Constraints.Kinds)
	s := resolve(pg, p)
	p.Topics = s.topics()
	p.InProcess = s.inProcess()
	p.Blockers = s.blockers(p.Topics)
	p.Notes = s.idleNotes(p, p.Topics, p.InProcess)
	r := report(s, p.ScoreOptions, p.Truth)
	r.Split = r.Split.rounded()
	p.Scores = &r
}

// evaluate scores one partition, topics and blockers included.
func evaluate(s *split, opt ScoreOptions) Scores {
	sc := score(s.pg, s.pt, opt)
	sc.Topics, sc.Blockers = s.counts()
	return sc
}

// report scores s beside the three baselines on the same packages: one
// service for everything, one per package, and the median of random splits
// with the same service sizes.
func report(s *split, opt ScoreOptions, truth *Truth) Report {
	r := Report{Split: evaluate(s, opt)}
	if truth != nil {
		truth.score(&r.Split, s.pg, s.pt)
	}
	with := func(comm []int, k int) Scores {
		b := *s
		b.pt = partition{comm: comm, k: k, shared: s.shared}
		b.names = make([]string, k)
		for i := range b.names {
			b.names[i] = fmt.Sprintf("s%d", i)
		}
		sc := evaluate(&b, opt)
		if truth != nil {
			truth.score(&sc, s.pg, b.pt)
		}
		return sc.rounded()
	}

	var members []int
	for i, c := range s.pt.comm {
		if c >= 0 {
			members = append(members, i)
		}
	}
	n := len(s.pt.comm)
	boulder, grains := make([]int, n), make([]int, n)
	for i := range n {
		boulder[i], grains[i] = -1, -1
	}
	for k, i := range members {
		boulder[i] = 0
		grains[i] = k
	}
	r.Boulder = with(boulder, min(1, len(members)))
	r.Grains = with(grains, len(members))

	// Random: the same sizes, members shuffled; each score is the median
	// over the seeds on its own.
	sizes := s.pt.sizes()
	var runs []Scores
	for seed := range randomSeeds {
		rng := rand.New(rand.NewPCG(uint64(seed)+1, 0x636c65617665))
		perm := slices.Clone(members)
		rng.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		comm := make([]int, n)
		for i := range comm {
			comm[i] = -1
		}
		at := 0
		for k, size := range sizes {
			for range size {
				comm[perm[at]] = k
				at++
			}
		}
		runs = append(runs, with(comm, len(sizes)))
	}
	r.Random = median(runs)
	return r
}

// median returns the per-score median of runs.
func median(runs []Scores) Scores {
	if len(runs) == 0 {
		return Scores{}
	}
	mf := func(get func(Scores) float64) float64 {
		xs := make([]float64, len(runs))
		for i, r := range runs {
			xs[i] = get(r)
		}
		slices.Sort(xs)
		if len(xs)%2 == 1 {
			return xs[len(xs)/2]
		}
		return (xs[len(xs)/2-1] + xs[len(xs)/2]) / 2
	}
	mi := func(get func(Scores) int) int {
		return int(mf(func(s Scores) float64 { return float64(get(s)) }) + 0.5)
	}
	var fm, prec, rec *float64
	if runs[0].MoJoFM != nil {
		a := mf(func(s Scores) float64 { return *s.MoJoFM })
		b := mf(func(s Scores) float64 { return *s.Precision })
		c := mf(func(s Scores) float64 { return *s.Recall })
		fm, prec, rec = &a, &b, &c
	}
	return Scores{
		MoJoFM: fm, Precision: prec, Recall: rec,
		Services: runs[0].Services,
		ICP:      round4(mf(func(s Scores) float64 { return s.ICP })),
		SM:       round4(mf(func(s Scores) float64 { return s.SM })),
		Q:        round4(mf(func(s Scores) float64 { return s.Q })),
		IFN:      round4(mf(func(s Scores) float64 { return s.IFN })),
		NED:      round4(mf(func(s Scores) float64 { return s.NED })),
		CDP:      round4(mf(func(s Scores) float64 { return s.CDP })),
		Topics:   mi(func(s Scores) int { return s.Topics }),
		Blockers: mi(func(s Scores) int { return s.Blockers }),
	}
}

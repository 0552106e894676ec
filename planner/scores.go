package planner

// Scores are the metrics of one split (METRICS.md), computed on the static
// package call graph with edge weights ln(1+count).
type Scores struct {
	Services int     `yaml:"services" json:"services"`
	ICP      float64 `yaml:"icp" json:"icp"`       // share of call weight crossing services; lower is better
	SM       float64 `yaml:"sm" json:"sm"`         // structural modularity; higher is better
	Q        float64 `yaml:"q" json:"q"`           // Newman modularity; higher is better
	IFN      float64 `yaml:"ifn" json:"ifn"`       // mean members per service called from outside; lower is better
	NED      float64 `yaml:"ned" json:"ned"`       // share of members in extreme-size services; lower is better
	CDP      float64 `yaml:"cdp" json:"cdp"`       // share of service pairs depending both ways; lower is better
	Topics   int     `yaml:"topics" json:"topics"` // topics the split needs
	Blockers int     `yaml:"blockers" json:"blockers"`
	// Against a known split, when one was given.
	MoJoFM    *float64 `yaml:"mojofm,omitempty" json:"mojofm,omitempty"`
	Precision *float64 `yaml:"precision,omitempty" json:"precision,omitempty"`
	Recall    *float64 `yaml:"recall,omitempty" json:"recall,omitempty"`
}

// Report is the scores of a split beside the baselines on the same graph.
type Report struct {
	Split   Scores `yaml:"split" json:"split"`
	Boulder Scores `yaml:"boulder" json:"boulder"` // one service for everything
	Grains  Scores `yaml:"grains" json:"grains"`   // one service per package
	Random  Scores `yaml:"random" json:"random"`   // median of random splits of the same sizes
}

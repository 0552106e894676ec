package planner

// PlanVersion is the version of the plan.yaml format this package reads and writes.
const PlanVersion = 1

// Topic kinds.
const (
	KindRequest = "request" // the caller needs a result (including an error it checks)
	KindEvent   = "event"   // fire-and-forget: the callee returns nothing
)

// Plan is the contract between the machine and the person: the proposed
// services, the topics that cross them, what blocks a crossing, and the
// scores of the split. It is the in-memory form of plan.yaml.
type Plan struct {
	Version  int      `yaml:"version" json:"version"`
	Module   string   `yaml:"module" json:"module"`
	Patterns []string `yaml:"patterns,omitempty" json:"patterns,omitempty"`
	Broker   string   `yaml:"broker" json:"broker"` // "nats"
	Prefix   string   `yaml:"prefix" json:"prefix"` // subject prefix, e.g. "shop"

	Services []*Service `yaml:"services" json:"services"`
	// Shared packages are linked by every service that needs them and
	// never rewritten: models, error packages, small libraries.
	Shared []string `yaml:"shared,omitempty" json:"shared,omitempty"`

	Constraints Constraints `yaml:"constraints,omitempty" json:"constraints,omitempty"`

	Topics []*Topic `yaml:"topics" json:"topics"`
	// InProcess are the calls between services that stay direct calls:
	// start-up wiring every process runs on its own objects, and methods of
	// values. Derived, like Topics.
	InProcess []*InProcess `yaml:"in_process,omitempty" json:"in_process,omitempty"`
	Blockers  []*Blocker   `yaml:"blockers,omitempty" json:"blockers,omitempty"`
	Scores    *Report      `yaml:"scores,omitempty" json:"scores,omitempty"`

	// Notes say what the planner did beyond clustering (a service merged
	// into the one that calls it) and what looks wrong with the split (a
	// service whose process would run nothing). Derived; not part of
	// plan.yaml: cleave plan prints them.
	Notes []string `yaml:"-" json:"notes,omitempty"`

	// Truth, when set, is a known split Refresh scores the plan against
	// (MoJoFM, precision, recall). It is not part of plan.yaml.
	Truth *Truth `yaml:"-" json:"-"`
	// ScoreOptions tunes the scores Refresh computes. Not part of plan.yaml.
	ScoreOptions ScoreOptions `yaml:"-" json:"-"`

	pos *positions // line numbers, when the plan was parsed
}

// Service is a group of packages deployed as one process.
type Service struct {
	Name     string   `yaml:"name" json:"name"` // a Go identifier, lower case
	Packages []string `yaml:"packages" json:"packages"`
	// Edge marks the service that keeps the program's entry points (main,
	// the HTTP server).
	Edge bool `yaml:"edge,omitempty" json:"edge,omitempty"`
}

// Constraints are the person's wishes the planner must honour.
type Constraints struct {
	Services int        `yaml:"services,omitempty" json:"services,omitempty"` // target count, 0 = choose
	Pin      []Pin      `yaml:"pin,omitempty" json:"pin,omitempty"`
	Together [][]string `yaml:"together,omitempty" json:"together,omitempty"`
	Apart    [][]string `yaml:"apart,omitempty" json:"apart,omitempty"`
	Seed     int64      `yaml:"seed,omitempty" json:"seed,omitempty"`
	// Resolution of the community detection: higher splits finer, lower
	// merges more. 0 means DefaultResolution.
	Resolution float64      `yaml:"resolution,omitempty" json:"resolution,omitempty"`
	Kinds      []KindChoice `yaml:"kinds,omitempty" json:"kinds,omitempty"` // kind overrides by function
	// Shared packages the person named; the planner adds the ones it
	// detects (small leaf libraries many packages use).
	Shared []string `yaml:"shared,omitempty" json:"shared,omitempty"`
}

// Pin puts a package in a named service.
type Pin struct {
	Package string `yaml:"package" json:"package"`
	Service string `yaml:"service" json:"service"`
}

// KindChoice overrides the derived kind of the topic for Function.
type KindChoice struct {
	Function string `yaml:"function" json:"function"`
	Kind     string `yaml:"kind" json:"kind"`
}

// Topic is one cross-service callee: every call that crosses into it
// becomes a publish (event) or a request (request) on Subject.
type Topic struct {
	Subject   string   `yaml:"subject" json:"subject"` // <prefix>.<service>.<Func> e.g. "shop.inventory.Reserve"
	Kind      string   `yaml:"kind" json:"kind"`       // KindRequest or KindEvent
	Function  string   `yaml:"function" json:"function"`
	Consumer  string   `yaml:"consumer" json:"consumer"`   // service that owns Function
	Producers []string `yaml:"producers" json:"producers"` // services that call it, sorted
	Sites     []string `yaml:"sites" json:"sites"`         // file:line:col of each crossing call, sorted
}

// Blocker is a hazard on a crossing: the call cannot be rewritten safely
// until the person does what Fix says.
type Blocker struct {
	Topic   string `yaml:"topic,omitempty" json:"topic,omitempty"` // subject it blocks, if any
	Kind    string `yaml:"kind" json:"kind"`                       // analyzer hazard kind
	Pos     string `yaml:"pos" json:"pos"`                         // file:line:col
	Message string `yaml:"message" json:"message"`
	Fix     string `yaml:"fix" json:"fix"`
}

// Package planner groups a module's packages into services, derives the
// topics that would cross them, and scores the split. Its output is a Plan,
// whose file form is plan.yaml.
//
// # Proposing a split
//
// Propose works on the package graph of an analyzer.Graph. Shared packages
// (named by the person, or detected: small leaf libraries that call nothing
// in the module and that many packages use, like money or error packages)
// belong to no service. Entry-point packages (main packages, and HTTP
// handler packages only entry points call) form the edge service. The rest
// is clustered by Louvain community detection (gonum's graph/community,
// seeded, so the same graph and constraints give the same plan) on a graph
// whose edge weights are call weights (Σ ln(1+count) over caller→callee
// function pairs, static and dynamic calls alike), plus smaller weights for
// type references and package-variable uses. Packages that share a mutable
// package variable are never separated. The communities are repaired to
// honour pins and apart constraints, merged or split to reach the target
// service count, and refined by local moves that improve SM − ICP.
// Services are named after their dominant package.
//
// # Topics and blockers
//
// Every function called from another service becomes a topic: subject
// <prefix>.<service>.<Func> (methods <prefix>.<service>.<Type>.<Method>;
// when two callees of one service would share a subject each is qualified
// by its package name), kind event when the callee returns nothing and
// request otherwise (overridable per function), with the calling services
// and the call sites. Calls into shared packages never cross. A hazard the
// analyzer found on a crossing callee, or a mutable variable used from two
// services, is a Blocker.
//
// # Scores
//
// Scores are computed at package level (see metrics.go for each definition
// and its source) beside three baselines: one service (boulder), one service
// per package (grains) and the median of 21 random splits with the same
// sizes. Against a known split (Truth) MoJoFM, precision and recall are
// added.
//
// # plan.yaml, version 1
//
// A commented YAML mapping. Top-level keys, in order:
//
//	version      1
//	module       the module path
//	patterns     package patterns the graph was loaded from (optional)
//	broker       nats
//	prefix       first token of every subject (the module's last path element)
//	services     list of {name, packages, edge}: name a lower-case Go identifier,
//	             packages import paths; edge: true on the entry-point service
//	shared       import paths linked into every service, never rewritten
//	constraints  {services, pin: [{package, service}], together: [[pkg...]],
//	             apart: [[pkg...]], seed, kinds: [{function, kind}], shared}
//	topics       list of {subject, kind, function, consumer, producers, sites}
//	blockers     list of {topic, kind, pos, message, fix}
//	scores       {split, boulder, grains, random}: each {services, icp, sm, q,
//	             ifn, ned, cdp, topics, blockers, mojofm, precision, recall}
//
// A person edits services, shared and constraints; topics, blockers and
// scores are derived (Refresh) and Check reports any that went stale. Parse
// rejects unknown keys and versions with the line at fault; Marshal writes
// the same bytes for the same plan; WriteFile replaces the file atomically.
package planner

// Package planner groups a module's packages into services, derives the
// topics that would cross them, and scores the split. Its output is a Plan,
// whose file form is plan.yaml.
//
// # Proposing a split
//
// Propose works on the package graph of an analyzer.Graph. Its steps:
//
//   - Shared packages belong to no service: those the person names, and the
//     leaf libraries of the module — packages that call nothing but other
//     shared packages, by name or through an interface (a package calling a
//     service's object through an interface would call its own process's
//     copy of it; running a caller's callback, a func value or the next web
//     handler, does not count) — used by at least three packages and a
//     fifth of the module and smaller than the median package; any such
//     leaf under pkg/ or under an internal/ directory that a package other
//     than main uses (money, clock, ids, config, middleware), unless it is
//     the largest package or the program's wiring builds a stateful object
//     of it (a type holding a lock, a map, a channel or a connection handle,
//     or such a type of the module: a store, a session table, a repository);
//     and any leaf package of generated protobuf messages (data). A leaf
//     under internal/ only main uses is a module main wires up
//     (internal/modules/orders), and a package with web handlers no code of
//     the module calls (a router does) serves requests: neither is shared.
//     A package nothing in the module imports (a test kit, dead code) is
//     shared.
//   - The edge service keeps the entry points: main packages, wiring
//     packages (only main calls them, and they call the New… constructors
//     of three or more packages) and HTTP handler packages only edge
//     packages call by name.
//   - The rest is grouped into units that never separate: together groups,
//     packages pinned to one service, a subpackage only its parent calls
//     (orders/store), a helper (a package one other package makes two
//     thirds of the calls into and that is less than half its size), and a
//     package whose mutable variable exactly one other package uses.
//   - A unit with no weight to any other unit joins the largest community,
//     unless an edge package calls it (a module main wires up): that is a
//     service of its own.
//   - Units are clustered by Louvain community detection (gonum's
//     graph/community, seeded from Constraints.Seed, over a graph iterated
//     in a fixed order, so the same graph and constraints give the same
//     plan) at Constraints.Resolution, DefaultResolution (8) unless set.
//     Edge weights are call weights (Σ ln(1+count) over caller→callee
//     function pairs, static and dynamic calls alike) plus 0.25·ln(1+n)
//     for n type references and ln(1+n) for n package-variable uses. The
//     high default resolution merges only strongly coupled packages: a Go
//     package is already a module.
//   - Pins and apart constraints are repaired; with a target service count
//     communities are merged by greatest modularity gain (Newman's greedy
//     agglomeration) or split (Louvain on the community alone), then
//     refined by moving units while SM − ICP improves (up to 400 packages).
//   - A service other than the edge that would serve no topic and start no
//     background work, and that other services call only while the program
//     starts (constructors, the wiring that mounts its HTTP handlers on
//     main's router, as go-kit's MakeHandler transports), would run nothing
//     in its own process: its code runs where it is called. It is merged
//     into the service that calls it most, or the edge, and Plan.Notes says
//     so — unless a pin names it, an apart constraint forbids the merge or
//     the constraints ask for a number of services; then, as for a service
//     called at run time only in-process (its callee's results cannot
//     travel), Plan.Notes warns.
//   - Services are named after their dominant package: the one other
//     services call most, then the largest; pins name their service.
//
// # Topics and blockers
//
// Every function called from another service becomes a topic: subject
// <prefix>.<service>.<Func> (methods <prefix>.<service>.<Type>.<Method>;
// when two callees of one service would share a subject each is qualified
// by its package name), kind event when the callee returns nothing and
// request otherwise (overridable per function), with the calling services
// and the call sites. Calls into shared packages never cross. Some calls
// between services stay direct calls and are listed under in_process
// instead (see InProcess): constructors (returning a pointer to a type of
// their package, or New… returning any type of their package, such as its
// interface), start-up wiring of a server (what main and init reach before
// any handler runs — every service process runs it on its own objects;
// but start-up calls that start background work of another service, such
// as a worker's Start and Stop, are made only in that service's processes),
// methods of values the caller holds that only compute on the value
// (protobuf messages' getters among them), and every call `cleave apply`
// would leave alone, with why: the analyzer records those shapes with the
// predicate apply uses (analyzer.CalleeStays, analyzer.SiteStays) — value
// receivers of exported types (value), methods of data types, structs all
// of whose fields travel (data), parameters or results that cannot travel
// (payload), generic, unexported or main-package callees (callee), callees
// starting goroutines (goroutines), calls through a func value or on a
// receiver held by value (site) — so that every topic is a call apply turns
// into a message (judged for the topic's kind, a constraints.kinds choice
// included). A program is a server
// when it registers HTTP handlers or has request handlers a library calls:
// functions taking an http.ResponseWriter or *http.Request, a web
// framework's request context (a type named Context or Ctx outside the
// standard library and the module), or a gRPC server interceptor or
// stream. A hazard the analyzer found on a crossing callee is a Blocker; so
// is a mutable variable used from two services — one per variable, at its
// first use, naming the others — unless only start-up code writes it (a
// configuration main parses: each process sets its copy the same way). A
// call from a shared package into a service's code (by name or through an
// interface; not a callback) is a blocker too: shared code runs in every
// process, on that process's own copy of the service's objects.
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
//	in_process   list of {function, consumer, reason, why, sites}: calls between
//	             services that stay direct calls; why details the reasons apply
//	             judges from the types (data, payload, callee, goroutines, site)
//	blockers     list of {topic, kind, pos, message, fix}
//	scores       {split, boulder, grains, random}: each {services, icp, sm, q,
//	             ifn, ned, cdp, topics, blockers, mojofm, precision, recall}
//
// A person edits services, shared and constraints; topics, blockers and
// scores are derived (Refresh) and Check reports any that went stale. Parse
// rejects unknown keys and versions with the line at fault; Marshal writes
// the same bytes for the same plan; WriteFile replaces the file atomically.
package planner

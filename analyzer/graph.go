package analyzer

import "strconv"

// SchemaVersion is the version of the JSON form of Graph. It changes when a
// field is renamed or removed, not when one is added.
const SchemaVersion = 1

// Graph is what the analyzer learned about a module: its packages, its
// functions, the calls between them and what would make a cut unsafe.
// Only the module's own code is kept. Every slice is sorted, so the same
// tree always gives the same Graph (and byte-identical JSON).
type Graph struct {
	Version   int        `json:"version"`
	Module    string     `json:"module"`    // module path, from go.mod
	Dir       string     `json:"-"`         // absolute module root; positions are relative to it
	Algorithm string     `json:"algorithm"` // vta, cha, rta or static
	Packages  []*Package `json:"packages"`  // by Path
	Funcs     []*Func    `json:"functions"` // by ID
	Calls     []*Call    `json:"calls"`     // by Site (file, offset), then Callee
	Deps      []*Dep     `json:"dependencies"`
	Entries   []*Entry   `json:"entries"`
	Hazards   []*Hazard  `json:"hazards"`
}

// Package is one package of the module.
type Package struct {
	Path    string   `json:"path"`
	Name    string   `json:"name"`
	Dir     string   `json:"dir"`     // relative to the module root, slash-separated
	Files   []string `json:"files"`   // non-test Go files, relative to the module root
	Lines   int      `json:"lines"`   // lines of non-test Go code
	Funcs   int      `json:"funcs"`   // functions and methods declared
	Imports []string `json:"imports"` // in-module packages it imports
	FanIn   int      `json:"fan_in"`  // in-module packages that call into it
	FanOut  int      `json:"fan_out"` // in-module packages it calls into
	Main    bool     `json:"main,omitempty"`
}

// Func is a function or method declared in the module. Instantiations of a
// generic function are folded into their origin.
type Func struct {
	// ID is the function's full name as go/types prints it:
	// "example.com/shop/orders.Place", "(*example.com/shop/orders.Service).Place".
	ID       string   `json:"id"`
	Package  string   `json:"package"`
	Name     string   `json:"name"`
	Recv     string   `json:"recv,omitempty"` // receiver type without package: "*Service", "Store"
	Pos      Pos      `json:"pos"`
	Exported bool     `json:"exported"`
	Params   []Param  `json:"params,omitempty"`
	Results  []string `json:"results,omitempty"` // result types, package-qualified
	Variadic bool     `json:"variadic,omitempty"`
	Generic  bool     `json:"generic,omitempty"`
	// Stays says why a call of the function from another service stays a
	// direct call (CalleeStays), as a request topic and then as an event
	// topic too; nil when such a call can become a message. StaysEvent,
	// set only when Stays is nil, says why it stays as an event topic.
	Stays      *Stay `json:"stays,omitempty"`
	StaysEvent *Stay `json:"stays_event,omitempty"`
	// Makes lists the values of other module packages' types the
	// function builds itself (&T{...}, new(T)).
	Makes []Make `json:"makes,omitempty"`
	// RecvMemory reports that the method's receiver, a pointer, keeps
	// state in memory: a map, slice or channel field (in the struct or a
	// struct field of it). Every process of a split builds its own such
	// object, so a call left in-process runs on the caller's copy.
	RecvMemory bool `json:"recv_memory,omitempty"`
	// Returns lists the module struct types, "<package path>.<Type>", of
	// the values the function builds and returns, whatever its declared
	// results (a factory returning an interface names the type behind it).
	Returns []string `json:"returns,omitempty"`
}

// Param is a named parameter of a Func.
type Param struct {
	Name string `json:"name"`
	Type string `json:"type"` // package-qualified type string
}

// Pos is a position in the module, relative to its root.
type Pos struct {
	File   string `json:"file"` // slash-separated, relative to the module root
	Line   int    `json:"line"`
	Col    int    `json:"col"`    // 1-based, in bytes
	Offset int    `json:"offset"` // byte offset in File
}

// Span is a range of source text: the whole call expression for a call.
type Span struct {
	Pos
	EndLine   int `json:"end_line"`
	EndCol    int `json:"end_col"`
	EndOffset int `json:"end_offset"` // exclusive
}

// String formats p as file:line:col.
func (p Pos) String() string { return posString(p.File, p.Line, p.Col) }

// Call kinds: how the callee is reached at a site.
const (
	ViaStatic    = "static"    // a direct call of a function or concrete method
	ViaInterface = "interface" // an interface method call, resolved by the call graph
	ViaFuncValue = "funcvalue" // a call of a func value, resolved by the call graph
)

// Call modes: how the call is made.
const (
	ModeCall  = "call"
	ModeGo    = "go"
	ModeDefer = "defer"
)

// Call is one call site and one callee it may reach. A dynamic site that
// may reach several callees appears once per callee.
type Call struct {
	Caller string `json:"caller"` // Func.ID
	Callee string `json:"callee"` // Func.ID
	Site   Span   `json:"site"`   // the call expression
	Via    string `json:"via"`    // ViaStatic, ViaInterface or ViaFuncValue
	Mode   string `json:"mode"`   // ModeCall, ModeGo or ModeDefer
	// Method is the interface method name for ViaInterface calls.
	Method string `json:"method,omitempty"`
	// InClosure reports that the call is made inside a function literal,
	// which Caller stands for.
	InClosure bool `json:"in_closure,omitempty"`
	// ToClosure reports that the callee is a function literal declared in
	// Callee (a closure Callee returned or stored), which Callee stands
	// for: the call runs that literal, not Callee's own statements.
	ToClosure bool `json:"to_closure,omitempty"`
	// InCommand reports that the function literal the call is made in is
	// a command-line command's body (cobra's Run, urfave/cli's Action),
	// which runs once at start-up, not later like a handler's.
	InCommand bool `json:"in_command,omitempty"`
	// Closure names the function literal an InClosure call is made in,
	// and CalleeClosure the literal a ToClosure call runs, as SSA names
	// them within their function ("newServe$1").
	Closure       string `json:"closure,omitempty"`
	CalleeClosure string `json:"callee_closure,omitempty"`
	// RecvVar is the package variable a method call's receiver is read
	// from, "<package path>.<Name>" (config.Opts in
	// config.Opts.BaseURL(), or a field or element of it), when Caller
	// and Callee are in different packages.
	RecvVar string `json:"recv_var,omitempty"`
	// Stays says why the call, when Caller and Callee are in different
	// packages, stays a direct call whatever the callee (SiteStays): a
	// call through a func value, on a receiver held by value.
	Stays *Stay `json:"stays,omitempty"`
}

// Later reports whether the call may run after the function that made
// it returned: it is made inside a function literal (a handler, a
// callback) that is not a command's body.
func (c *Call) Later() bool { return c.InClosure && !c.InCommand }

// Dynamic reports whether the callee was resolved by the call graph rather
// than named at the site.
func (c *Call) Dynamic() bool { return c.Via != ViaStatic }

// Dep is the package-level aggregate of the calls and references from one
// in-module package to another.
type Dep struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Sites int    `json:"sites"` // call sites from From into To
	// Weight is Σ ln(1+count) over caller→callee function pairs, count being
	// that pair's number of call sites (METRICS.md).
	Weight float64 `json:"weight"`
	Refs   int     `json:"refs"` // references to To's types, constants and variables
	Vars   int     `json:"vars"` // uses of To's package-level variables
}

// Entry kinds.
const (
	EntryMain      = "main"
	EntryInit      = "init"
	EntryHTTP      = "http"      // a function registered as an HTTP handler
	EntryGoroutine = "goroutine" // a function started with go
	EntryRPC       = "rpc"       // a method of a gRPC service implementation
	// EntryCommand is a command-line command the CLI library runs once at
	// start-up, as main would (go-flags' Execute([]string) error).
	EntryCommand = "command"
)

// Entry is a place where control enters the module's code.
type Entry struct {
	Kind string `json:"kind"`
	Func string `json:"func"` // Func.ID
	Pos  Pos    `json:"pos"`
	// Method and Route are an http entry's HTTP method ("GET", "GET,POST";
	// empty for any) and path as registered, when they are constants. The
	// path includes the prefixes of the groups the router was made from
	// when the analysis can follow them; otherwise it is the path written
	// at the registration. An rpc entry's Route is the gRPC full method
	// name ("/pkg.Service/Method") when the generated code gives it, else
	// the method's name. A method of a connect-go or twirp service is an
	// http entry routed at the path it is served at
	// ("/pkg.Service/Method", "/twirp/pkg.Service/Method").
	Method string `json:"method,omitempty"`
	Route  string `json:"route,omitempty"`
	// Middleware are the module functions an http entry's registration
	// names besides its handler, which run around it for this route only
	// (gin's GET(path, auth.Required(), h.get): auth.Required), in the
	// order given; a function literal folds into its function as in
	// Func. Middleware of groups and Use is not listed.
	Middleware []string `json:"middleware,omitempty"`
	// PrefixUnknown marks an http entry whose Route is the path as written
	// at the registration because the router it was registered on is
	// reached through something the analysis does not follow (a group
	// whose path is not a constant, a router parameter no module code
	// passes): the route may lack a prefix.
	PrefixUnknown bool `json:"prefix_unknown,omitempty"`
}

// Hazard kinds: what makes a crossing unsafe.
const (
	HazardSharedVar      = "shared-var"      // package variable used from several packages
	HazardPointerWrite   = "pointer-write"   // callee writes through a pointer argument
	HazardUnserializable = "unserializable"  // chan, func, unsafe.Pointer parameter or result
	HazardInterfaceParam = "interface-param" // interface parameter with no known concrete types
	HazardUnexported     = "unexported"      // struct with unexported fields crosses
	HazardTx             = "tx"              // call inside a *sql.Tx scope
	HazardSentinel       = "sentinel"        // caller compares the callee's error with errors.Is
	HazardDroppedField   = "dropped-field"   // a field tagged json:"-" crosses: its value is lost
	HazardProto          = "proto"           // a protobuf message crosses: it needs a proto codec
	HazardReceiver       = "receiver"        // the method's receiver holds request-scoped state
	HazardContextValue   = "context-value"   // callee reads values from the caller's context
)

// Hazard is a positioned finding that makes a crossing unsafe to cut.
type Hazard struct {
	Kind    string `json:"kind"`
	Pos     Pos    `json:"pos"`
	Package string `json:"package"`          // package the hazard lives in
	Func    string `json:"func,omitempty"`   // the callee it concerns (Func.ID)
	Object  string `json:"object,omitempty"` // the variable, parameter or type it concerns
	Message string `json:"message"`          // short reason
	Fix     string `json:"fix"`              // what to do about it
}

func posString(file string, line, col int) string {
	return file + ":" + strconv.Itoa(line) + ":" + strconv.Itoa(col)
}

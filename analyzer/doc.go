// Package analyzer finds what calls what in a Go module, and what would
// make a call between two of its packages unsafe to turn into a message.
//
// [Load] loads the packages matching some patterns with go/packages,
// builds their SSA form (instantiating generics) and a call graph,
// and returns a [Graph]: the module's packages, its declared functions,
// one [Call] per call site and callee, the package-level [Dep]endencies,
// the [Entry] points and the [Hazard]s.
//
// # What is analysed
//
// Only the packages matching the patterns, and only the module's own
// code: calls into dependencies and the standard library are left out.
// Dependencies are type-checked without their function bodies (their
// types are all the analysis needs), and SSA code is built for the
// module's packages only. Closures fold into the function that declares
// them, instantiations of generic functions into their origin, method
// wrappers into the method they wrap.
//
// # Call graph
//
// The default algorithm is VTA (golang.org/x/tools/go/callgraph/vta) over
// the module's functions, with CHA as its initial graph (vta computes it
// lazily when given none). Because dependencies' bodies are not analysed,
// values that travel through their code are invisible to VTA; an interface
// call whose receiver comes out of a dependency (a result of its function,
// a callback's parameter, and what the module's own calls and returns pass
// on from there) is therefore also resolved to every module type that was
// converted to an interface and implements the method. "cha", "rta" (roots:
// main and init functions, or every exported function of a library) and
// "static" are available too. Like the algorithms it builds on, the graph
// does not follow reflection or unsafe.
//
// Calls without a call expression (package initializers calling each
// other, the iterator call of a range-over-func loop) are not recorded:
// there is no source to point at.
//
// # Entry points
//
// main and init functions, functions started with go, HTTP handlers and
// gRPC methods. A handler is found where it is registered: net/http's
// Handle and HandleFunc (and any router's methods of those names), and
// the routing methods of gin, echo, chi, gorilla/mux, ozzo-routing and
// fiber, recognised by the router package's import path (any major
// version) and the method's name (r.GET, e.POST, r.Get, app.Get,
// r.HandleFunc(...).Methods, rg.Put, ...). The handler argument is
// resolved to the function it denotes: a function, a method value, a func
// literal (which folds into its enclosing function), a type with
// ServeHTTP, a handler wrapped by middleware, or the module function that
// returned a func literal (a handler factory). The entry records the HTTP
// method and the path when they are constants; the path includes the
// prefixes of the groups the router was made from (gin's, echo's, ozzo's
// and fiber's Group, chi's Route and Group scopes, fiber's Route,
// gorilla's PathPrefix(...).Subrouter()), followed through the function's
// callers when all of them pass the same group. A sub-router
// mounted with chi's Mount keeps the paths it was given.
//
// The http.Handler handed to the server is an entry for every path (no
// route): the value of http.Server's Handler field, or the http.Handler
// argument of a function named ListenAndServe[TLS] or Serve[TLS]
// (net/http's or another package's) or of httptest's New[TLS|Unstarted]Server.
// It resolves to the ServeHTTP methods of module types (a middleware
// type's too) and the handler funcs a HandlerFunc converts, followed
// through variables, parameters, middleware calls and the module
// functions that return it.
//
// The implementation handed to a generated Register<Service>Server (a
// grpc.ServiceRegistrar or *grpc.Server, and the <Service>Server
// interface) serves that interface's methods: each method of the
// implementation's own (not an embedded Unimplemented…Server's stub) is
// an rpc entry whose route is the full method name,
// "/<package>.<Service>/<Method>", from the generated FullMethodName
// constants or the service descriptor, else the method's name.
//
// connect-go and twirp services are HTTP: the implementation handed to a
// generated connect New<Service>Handler (returning the path and the
// http.Handler) or twirp New<Service>Server (a TwirpServer) serves that
// interface's methods, each an http entry whose route is the path the
// method is served at, "/<package>.<Service>/<Method>" (connect's
// Procedure constants) or "/twirp/<package>.<Service>/<Method>" (twirp's
// PathPrefix constant, or the prefix WithServerPathPrefix names), with the
// method POST (connect: GET,POST for a method without side effects). The
// handler is followed to where it is mounted (a router's registration,
// http.StripPrefix, middleware, module functions returning it or given
// it) and the route gains that router's prefix; where the prefix cannot
// be told the entry is marked PrefixUnknown. The generated handler, and
// the registration that mounts it, make no entry of their own.
//
// # Hazards
//
// Hazards are reported only about crossings: calls and uses from one
// package into another, since only those may become service boundaries.
//
//	shared-var       a package variable used from another package (at the use)
//	pointer-write    the callee stores through a pointer or slice parameter (*p = v, p.f = v, p[i] = v)
//	unserializable   a parameter or result is, or holds in a field the codec encodes, a chan, a func or an unsafe.Pointer
//	interface-param  an interface parameter (not error, context.Context) gets a value of no known concrete type
//	unexported       a parameter or result is or holds a struct with unexported fields the JSON codec would drop,
//	                 or an object (a named type with methods whose unexported fields hold references or locks)
//	                 (types with MarshalJSON or MarshalText are fine)
//	dropped-field    a parameter or result holds fields tagged json:"-": the other side gets zero values
//	proto            a parameter or result is or holds a protobuf message: it needs a proto codec (protojson),
//	                 not encoding/json; its unexported fields are the protobuf runtime's and are not reported
//	receiver         a field of the method's receiver holds the caller's request (an *http.Request,
//	                 http.ResponseWriter, a web framework's request context) or transaction; a receiver
//	                 holding the callee's own resources (*sql.DB, mutexes, channels, funcs, a lifetime
//	                 context) is fine, since a method runs on the callee's instance after the split
//	tx               the call is made by a function that receives or holds a transaction
//	                 (*database/sql.Tx, or a pointer to any type named Tx with Commit and Rollback)
//	sentinel         an error variable of another package compared with errors.Is, == or != or a switch
//
// Messages about parameters and results name the parameter, its type and
// the callee, then the path to what does not travel:
// "param u *url.URL of fetch.Get: field User *url.Userinfo has unexported
// fields (username, password, passwordSet) the JSON codec drops" (slice
// elements are written [], map values [key]).
//
// Call hazards are positioned at the call expression, use hazards at the
// use. Error variables are reported as sentinel, never as shared-var.
//
// # Calls that stay direct calls
//
// Some shapes cleave apply cannot turn into a message whatever the split;
// the Graph records them so that the planner does not propose them as
// topics: Func.Stays (and Func.StaysEvent for an event) for the callee —
// generic, unexported or in package main, a method with a value receiver,
// a method of a data type (a struct all of whose fields travel: it runs
// where the data is), a parameter or result that cannot travel as JSON, a
// callee that starts goroutines — and Call.Stays for the call — through a
// func value or a method expression, on a receiver held by value, through
// an embedded interface. [CalleeStays] and [SiteStays] are the predicate;
// apply uses the same functions on its own type information.
//
// # JSON
//
// A Graph marshals with encoding/json as documented on its fields; this
// is what "cleave analyze --json" prints. The top level:
//
//	{
//	  "version": 1,                    SchemaVersion: bumped when a field is renamed or removed
//	  "module": "example.com/shop",
//	  "algorithm": "vta",
//	  "packages": [Package],           sorted by path
//	  "functions": [Func],             sorted by id
//	  "calls": [Call],                 sorted by site (file, offset), then callee
//	  "dependencies": [Dep],           sorted by from, to
//	  "entries": [Entry],              sorted by kind, func, position
//	  "hazards": [Hazard]              sorted by position, kind
//	}
//
// Positions ("pos", "site") are objects {file, line, col, offset}, spans
// add {end_line, end_col, end_offset}; files are slash-separated and
// relative to the module root, columns and offsets count bytes, lines and
// columns start at 1. A function id is its full name as go/types prints
// it: "example.com/shop/orders.Place", "(*example.com/shop/orders.Service).Place",
// "(*example.com/shop/coll.Stack[T]).Push"; "<package>.init" stands for
// the package's init functions and variable initializers together. Every
// list is present (empty rather than null) and sorted, so the same tree
// gives byte-identical output. Dependency weights are rounded to six
// decimals.
//
// # Errors
//
// Code that does not load gives a [LoadError], a list of [Diagnostic]s
// printed one "file:line:col: message" per line, files relative to the
// directory given to Load; so does a pattern that matches no package.
package analyzer

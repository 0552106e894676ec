// Command cleave takes a Go monolith apart into event-driven services.
//
// A user walks through its verbs in order:
//
//	cleave analyze ./...            what calls what: packages, functions, call edges, hazards
//	cleave plan ./... -o plan.yaml  proposed services, the topics that cross them, scores
//	cleave review plan.yaml         look at the split, move packages, watch the scores
//	cleave apply plan.yaml          rewrite cross-service calls into publishes and requests
//	cleave run                      start the split services on NATS
//
// Errors print as "cleave: <what failed>: <why>" and the exit status is non-zero.
package main

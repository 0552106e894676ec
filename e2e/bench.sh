#!/bin/sh
# bench.sh runs the scenario benchmark (32 concurrent clients) against the
# monolith and the split in the same run and prints their figures side by
# side with the split's ratio to the monolith.
#
#	e2e/bench.sh [-count N] [-benchtime 64x]
set -eu
cd "$(dirname "$0")/.."
go test -run '^$' -bench 'Scenario' -benchtime 64x "$@" ./e2e | tee /dev/stderr | awk '
/^BenchmarkScenario\// {
	split($1, name, "/"); sub(/-[0-9]+$/, "", name[2]); v = name[2]
	for (i = 3; i < NF; i += 2) { sum[v, $(i+1)] += $i; }
	n[v]++
}
END {
	if (!n["monolith"] || !n["split"]) { print "bench.sh: need both monolith and split results" > "/dev/stderr"; exit 1 }
	printf "\n%-10s %12s %12s %12s\n", "", "req/s", "p50 ms", "p99 ms"
	for (k = 0; k < 2; k++) {
		v = k ? "split" : "monolith"
		printf "%-10s %12.1f %12.2f %12.1f\n", v, sum[v, "req/s"]/n[v], sum[v, "p50-ms"]/n[v], sum[v, "p99-ms"]/n[v]
	}
	printf "%-10s %12.2fx %11.2fx %11.2fx\n", "split/mono",
		(sum["split", "req/s"]/n["split"]) / (sum["monolith", "req/s"]/n["monolith"]),
		(sum["split", "p50-ms"]/n["split"]) / (sum["monolith", "p50-ms"]/n["monolith"]),
		(sum["split", "p99-ms"]/n["split"]) / (sum["monolith", "p99-ms"]/n["monolith"])
}'

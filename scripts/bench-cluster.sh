#!/usr/bin/env bash
# The cost of cross-process exchange: the keyed running count (the
# keyed-count workload of sluice-bench) as 1x1, 1x2 and 2x1 processes x
# workers, in the same run. 2x1 is a cluster of two members in one OS process
# (spawnCluster), exchanging keyed items over real TCP on 127.0.0.1 with the
# binary item codec; 1x2 is two workers that hand arrays to each other.
# Prints, on stdout:
#   BENCH cluster keyed-count processes=<p> workers=<w> items=<N> items_per_s=<x>   (one per layout)
#   BENCH cluster cross-process-cost 2x1/1x2 ratio=<items/s of 2x1 / items/s of 1x2>
# scripts/bench.sh runs it; it also runs alone: `bash scripts/bench-cluster.sh`.
#
# Environment:
#   CLUSTER_ITEMS  items per run (default 3,000,000)
#   BENCH_REPEAT   runs per layout, best one kept (default 3)
#   BENCH_RUN_TIMEOUT  seconds allowed per run (default 240)
#   SLUICE_BENCH   the sluice-bench binary (default: built here in release mode)
#   SLUICE_SCRATCH optional --scratch-path for `swift build`
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
ITEMS="${CLUSTER_ITEMS:-3000000}"
REPEAT="${BENCH_REPEAT:-3}"
RUN_TIMEOUT="${BENCH_RUN_TIMEOUT:-240}"
log() { echo "bench-cluster: $*" >&2; }

# shellcheck source=scripts/bench-lib.sh
source "$ROOT/scripts/bench-lib.sh"
SLUICE_BENCH="${SLUICE_BENCH:-$(build_sluice_bench)}"

# One run of `processes` x `workers`; prints its items/s.
once() {
  items_per_s "$SLUICE_BENCH" --workload keyed-count --items "$ITEMS" --workers "$2" --processes "$1"
}

declare -A RATE
for layout in 1x1 1x2 2x1; do
  processes="${layout%x*}" workers="${layout#*x}"
  log "running keyed-count processes=$processes workers=$workers"
  best="$(best_of once "$processes" "$workers")"
  RATE[$layout]="$best"
  echo "BENCH cluster keyed-count processes=$processes workers=$workers items=$ITEMS items_per_s=$best"
done
echo "BENCH cluster cross-process-cost 2x1/1x2 ratio=$(awk -v a="${RATE[2x1]}" -v b="${RATE[1x2]}" \
  'BEGIN { if (b > 0) printf "%.2f", a / b; else print "inf" }')"

#!/usr/bin/env bash
# Sluice vs Bytewax 0.21.1, measured in the same run on the same machine.
#
# Workloads (identical on both sides, see Benchmarks/SluiceBench/main.swift and
# Benchmarks/bytewax/bench_bytewax.py): map-filter (1 worker) and keyed-count
# (1 and 2 workers). Prints, on stdout:
#   BENCH <workload> workers=<n> sluice=<items/s> bytewax=<items/s> ratio=<sluice/bytewax>
#   BENCH keyed-count scaling workers=2/1 ratio=<sluice 2-worker / 1-worker>
#   BENCH window-count-stream workers=<n> sluice=<items/s> per_key_clock=<window-count items/s> ratio=<stream/per-key>
#   BENCH recovery-overhead workers=<n> with=<items/s> without=<items/s> ratio=<with/without>
#   BENCH recovery-snapshots workers=<n> snapshots=<writes> mean_write_ms=<x> max_write_ms=<x> store_bytes=<n>
#   BENCH metrics-overhead workers=1 on=<items/s> off=<items/s> ratio=<on/off>
#   BENCH cluster keyed-count processes=<p> workers=<w> items=<N> items_per_s=<x>   (1x1, 1x2, 2x1)
#   BENCH cluster cross-process-cost 2x1/1x2 ratio=<x>   (scripts/bench-cluster.sh)
# (keyed-count with 1 s epochs, with and without a SQLite recovery store
# snapshotting every epoch, in the same run; target ratio >= 0.8)
#
# Environment:
#   SLUICE_ITEMS   items per Sluice run (default 10,000,000)
#   RECOVERY_ITEMS items per recovery-overhead run (default 30,000,000: several snapshots)
#   CLUSTER_ITEMS  items per cluster-layout run (default 3,000,000)
#   WINDOW_SLUICE_ITEMS / WINDOW_BYTEWAX_ITEMS  events per window-count run
#                  (defaults 10,000,000, the issue's figure, / 300,000: Bytewax
#                  needs about 10 s per 300,000 events; its items/s is what is
#                  compared, and the BENCH line names both event counts)
#   BYTEWAX_ITEMS  items per Bytewax run (default 1,000,000). Bytewax is much
#                  slower, so it runs a smaller N to keep the whole script well
#                  under 10 minutes; that is fair because items/s (throughput),
#                  not total time, is what is compared.
#   BYTEWAX_VENV   venv location (default .build/bytewax-venv)
#   SLUICE_SCRATCH optional --scratch-path for `swift build` (default: .build)
#   BENCH_RUN_TIMEOUT  seconds allowed per single benchmark run (default 240)
#   BENCH_REPEAT   runs per measurement, best one kept (default 3). This VM is
#                  noisy (identical runs differ by up to 1.5x); the best of a
#                  few runs is the least disturbed one, for both systems alike.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

SLUICE_ITEMS="${SLUICE_ITEMS:-10000000}"
RECOVERY_ITEMS="${RECOVERY_ITEMS:-30000000}"
WINDOW_SLUICE_ITEMS="${WINDOW_SLUICE_ITEMS:-10000000}"
WINDOW_BYTEWAX_ITEMS="${WINDOW_BYTEWAX_ITEMS:-300000}"
BYTEWAX_ITEMS="${BYTEWAX_ITEMS:-1000000}"
export BYTEWAX_VENV="${BYTEWAX_VENV:-$ROOT/.build/bytewax-venv}"
RUN_TIMEOUT="${BENCH_RUN_TIMEOUT:-240}"
REPEAT="${BENCH_REPEAT:-3}"

log() { echo "bench: $*" >&2; }
# shellcheck source=scripts/bench-lib.sh
source "$ROOT/scripts/bench-lib.sh"

log "setting up Bytewax venv ($BYTEWAX_VENV)"
"$ROOT/Benchmarks/bytewax/setup_venv.sh"

SLUICE_BIN="$(build_sluice_bench)"

sluice_once()  { items_per_s "$SLUICE_BIN" --workload "$1" --items "$SLUICE_ITEMS" --workers "$2"; }
bytewax_once() { items_per_s "$BYTEWAX_VENV/bin/python" "$ROOT/Benchmarks/bytewax/bench_bytewax.py" \
              --workload "$1" --items "$BYTEWAX_ITEMS" --workers "$2"; }
ratio()   { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "inf" }'; }

LINES=()
declare -A SLUICE_RATE
compare() {
  local workload="$1" workers="$2" note="${3:-}" s b
  log "running $workload workers=$workers"
  s="$(best_of sluice_once "$workload" "$workers")"
  b="$(best_of bytewax_once "$workload" "$workers")"
  LINES+=("BENCH $workload workers=$workers sluice=$s bytewax=$b ratio=$(ratio "$s" "$b")$note")
  SLUICE_RATE["$workload/$workers"]="$s"
}

compare map-filter 1
compare keyed-count 1
compare keyed-count 2
# Bytewax runs fewer events than Sluice (see WINDOW_BYTEWAX_ITEMS); the rates are compared.
WINDOW_NOTE=" (items/s compared: sluice_events=$WINDOW_SLUICE_ITEMS bytewax_events=$WINDOW_BYTEWAX_ITEMS)"
SLUICE_ITEMS="$WINDOW_SLUICE_ITEMS" BYTEWAX_ITEMS="$WINDOW_BYTEWAX_ITEMS" compare window-count 1 "$WINDOW_NOTE"
SLUICE_ITEMS="$WINDOW_SLUICE_ITEMS" BYTEWAX_ITEMS="$WINDOW_BYTEWAX_ITEMS" compare window-count 2 "$WINDOW_NOTE"
# Windows on the stream's watermark (per partition, merged over workers): Sluice only, against window-count.
for workers in 1 2; do
  log "running window-count-stream workers=$workers"
  stream_rate="$(SLUICE_ITEMS="$WINDOW_SLUICE_ITEMS" best_of sluice_once window-count-stream "$workers")"
  LINES+=("BENCH window-count-stream workers=$workers sluice=$stream_rate per_key_clock=${SLUICE_RATE["window-count/$workers"]} ratio=$(ratio "$stream_rate" "${SLUICE_RATE["window-count/$workers"]}")")
done

RECOVERY_DIR="$(mktemp -d)"
trap 'rm -rf "$RECOVERY_DIR"' EXIT
SNAPSHOT_LINE=""
recovery_once() {
  local args=(--workload keyed-count --items "$RECOVERY_ITEMS" --workers "$1" --epoch-interval 1) out line
  if [[ "$2" == with ]]; then
    rm -rf "$RECOVERY_DIR/store"
    args+=(--recovery-dir "$RECOVERY_DIR/store")
  fi
  out="$(timeout "$RUN_TIMEOUT" "$SLUICE_BIN" "${args[@]}")" || { log "FAILED: recovery $*"; exit 1; }
  line="$(grep '^RESULT ' <<<"$out" | tail -n 1)"
  echo "$line" >&2
  if [[ "$2" == with ]]; then
    echo "${line#RESULT }" | sed -E 's/.*(snapshots=.*)/\1/' >"$RECOVERY_DIR/last-snapshot-stats"
  fi
  sed -E 's/.* items_per_s=([0-9]+).*/\1/' <<<"$line"
}
for workers in 1 2; do
  log "running recovery-overhead workers=$workers"
  with="$(best_of recovery_once "$workers" with)"
  SNAPSHOT_LINE="$(cat "$RECOVERY_DIR/last-snapshot-stats")"
  without="$(best_of recovery_once "$workers" without)"
  LINES+=("BENCH recovery-overhead workers=$workers with=$with without=$without ratio=$(awk -v a="$with" -v b="$without" 'BEGIN { printf "%.2f", a / b }')")
  LINES+=("BENCH recovery-snapshots workers=$workers $SNAPSHOT_LINE")
done

# The cost of metrics: keyed-count with a Prometheus-like backend bootstrapped
# (every Sluice metric recorded) against none (swift-metrics' no-op), the two
# runs interleaved so that both see the same machine load; target ratio >= 0.97.
metrics_once() { items_per_s "$SLUICE_BIN" --workload keyed-count --items "$SLUICE_ITEMS" --workers 1 --metrics "$1"; }
log "running metrics-overhead (keyed-count, metrics on vs off)"
metrics_on=0
metrics_off=0
for ((i = 0; i < REPEAT; i++)); do
  rate="$(metrics_once off)" || exit 1
  if ((rate > metrics_off)); then metrics_off="$rate"; fi
  rate="$(metrics_once on)" || exit 1
  if ((rate > metrics_on)); then metrics_on="$rate"; fi
done
LINES+=("BENCH metrics-overhead workers=1 on=$metrics_on off=$metrics_off ratio=$(awk -v a="$metrics_on" -v b="$metrics_off" 'BEGIN { printf "%.2f", a / b }')")

log "running cluster layouts (keyed-count as 1x1, 1x2, 2x1 processes x workers)"
CLUSTER_OUT="$(SLUICE_BENCH="$SLUICE_BIN" BENCH_REPEAT="$REPEAT" BENCH_RUN_TIMEOUT="$RUN_TIMEOUT" \
  "$ROOT/scripts/bench-cluster.sh")" || { log "FAILED: cluster layouts"; exit 1; }
while IFS= read -r line; do LINES+=("$line"); done <<<"$CLUSTER_OUT"

log "running kafka-upper (embedded broker via sluice dev-broker)"
SCRATCH_ARGS=()
if [[ -n "${SLUICE_SCRATCH:-}" ]]; then SCRATCH_ARGS=(--scratch-path "$SLUICE_SCRATCH"); fi
swift build -c release "${SCRATCH_ARGS[@]}" --product sluice >&2
swift build -c release "${SCRATCH_ARGS[@]}" --product sluice-kafka-bench >&2
BIN_DIR="$(swift build -c release "${SCRATCH_ARGS[@]}" --show-bin-path)"
KAFKA_LINE="$(KAFKA_BROKER_CMD="$BIN_DIR/sluice dev-broker --brokers 1" \
  SLUICE_KAFKA_CMD="$BIN_DIR/sluice-kafka-bench" \
  KAFKA_BENCH_REPEAT="$REPEAT" BENCH_RUN_TIMEOUT="$RUN_TIMEOUT" \
  "$ROOT/Benchmarks/kafka/bench_kafka.sh" | grep '^BENCH kafka-upper')"
LINES+=("$KAFKA_LINE")

printf '%s\n' "${LINES[@]}"
echo "BENCH keyed-count scaling workers=2/1 ratio=$(ratio "${SLUICE_RATE[keyed-count/2]}" "${SLUICE_RATE[keyed-count/1]}")"

#!/usr/bin/env bash
# kafka-upper: Kafka -> uppercase -> Kafka, Sluice vs a raw librdkafka loop vs
# Bytewax 0.21.1, measured in the same run against the same broker.
#
# Workload: N (default 1,000,000) messages of 100 ASCII bytes, key null,
# pre-produced round-robin into a 32-partition input topic (not timed). Each
# system consumes the input from the beginning up to the end offsets seen at
# start, uppercases every value and produces it to a 32-partition output topic,
# including a final flush. Every system gets a fresh input/output topic pair,
# and every output topic must afterwards hold exactly N messages (sum of high
# watermarks = N, every low watermark 0: nothing dropped by the broker).
#
#   raw      Benchmarks/kafka/raw_upper.c, librdkafka only, consumer prefetch
#            queued.min.messages=1000000 (the tuned raw loop)
#   bytewax  Benchmarks/bytewax/bench_bytewax_kafka.py (KafkaSource/KafkaSink)
#   sluice   $SLUICE_KAFKA_CMD --brokers B --input-topic T --output-topic U,
#            which must print a RESULT line with msgs_per_s= (or items_per_s=)
#
# Prints on stdout:
#   BENCH kafka-upper sluice=<msg/s> raw=<msg/s> bytewax=<msg/s> ratio_raw=<sluice/raw> ratio_bytewax=<sluice/bytewax>
# (sluice=skipped and ratios n/a when SLUICE_KAFKA_CMD is unset).
#
# Broker (one of):
#   BROKER=host:port     a running broker. Topics are created with the Admin
#                        API; a mock broker (librdkafka mock cluster, `sluice
#                        dev-broker`) has no CreateTopics, so there the topics
#                        must exist already: set KAFKA_TOPIC_PREFIX and start
#                        the broker with the --topic options that
#                        `bench_kafka.sh --print-topics` prints.
#   KAFKA_BROKER_CMD     command starting a dev broker, e.g.
#                        "/path/sluice dev-broker --brokers 1". The script
#                        appends --topic NAME:32 for every topic it needs, reads
#                        `bootstrap=HOST:PORT` from its first output line and
#                        stops it (SIGTERM) at the end.
# Other environment:
#   SLUICE_KAFKA_CMD     Sluice command (optional; Sluice is skipped if unset)
#   KAFKA_MESSAGES       messages per run (default 1000000). With a mock broker
#                        keep it <= ~1.4M: it keeps only 5 MiB per partition.
#   KAFKA_BENCH_REPEAT   runs of raw and Sluice, best kept (default: BENCH_REPEAT
#                        or 3); Bytewax (~15 s per run) runs once.
#   KAFKA_TOPIC_PREFIX   topic name prefix (default kafka-upper when the script
#                        starts the broker, kafka-upper-<epoch seconds> otherwise)
#   BYTEWAX_VENV         venv location (default .build/bytewax-venv)
#   BENCH_RUN_TIMEOUT    seconds allowed per single run (default 240)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

MESSAGES="${KAFKA_MESSAGES:-1000000}"
PARTITIONS=32
REPEAT="${KAFKA_BENCH_REPEAT:-${BENCH_REPEAT:-3}}"
RUN_TIMEOUT="${BENCH_RUN_TIMEOUT:-240}"
export BYTEWAX_VENV="${BYTEWAX_VENV:-$ROOT/.build/bytewax-venv}"
if [[ -n "${BROKER:-}" ]]; then
  PREFIX="${KAFKA_TOPIC_PREFIX:-kafka-upper-$(date +%s)}"
else
  PREFIX="${KAFKA_TOPIC_PREFIX:-kafka-upper}"
fi

log() { echo "bench-kafka: $*" >&2; }
die() { log "$*"; exit 1; }

# Topic pairs: raw1..rawR, bytewax1, sluice1..sluiceR.
RUNS=()
for ((i = 1; i <= REPEAT; i++)); do RUNS+=("raw$i"); done
RUNS+=("bytewax1")
if [[ -n "${SLUICE_KAFKA_CMD:-}" ]]; then
  for ((i = 1; i <= REPEAT; i++)); do RUNS+=("sluice$i"); done
fi
in_topic()  { echo "$PREFIX-$1-in"; }
out_topic() { echo "$PREFIX-$1-out"; }
TOPIC_ARGS=()
for r in "${RUNS[@]}"; do
  TOPIC_ARGS+=(--topic "$(in_topic "$r"):$PARTITIONS" --topic "$(out_topic "$r"):$PARTITIONS")
done

if [[ "${1:-}" == "--print-topics" ]]; then
  echo "${TOPIC_ARGS[@]}"
  exit 0
fi

# --- C helpers (rebuilt only when a source is newer than its binary) --------
BIN_DIR="$ROOT/.build/kafka-bench"
mkdir -p "$BIN_DIR"
for prog in raw_upper produce_input; do
  src="$ROOT/Benchmarks/kafka/$prog.c"
  if [[ ! -x "$BIN_DIR/$prog" || "$src" -nt "$BIN_DIR/$prog" ]]; then
    log "compiling $prog"
    cc -O2 -Wall -o "$BIN_DIR/$prog.tmp" "$src" -lrdkafka
    mv "$BIN_DIR/$prog.tmp" "$BIN_DIR/$prog"
  fi
done
PRODUCE="$BIN_DIR/produce_input"
RAW="$BIN_DIR/raw_upper"

log "setting up Bytewax venv ($BYTEWAX_VENV)"
"$ROOT/Benchmarks/bytewax/setup_venv.sh"

# --- broker -----------------------------------------------------------------
WORK="$(mktemp -d)"
BROKER_PID=""
cleanup() {
  if [[ -n "$BROKER_PID" ]]; then
    kill -TERM "$BROKER_PID" 2>/dev/null || true
    wait "$BROKER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

if [[ -z "${BROKER:-}" ]]; then
  [[ -n "${KAFKA_BROKER_CMD:-}" ]] || die "set BROKER=host:port or KAFKA_BROKER_CMD (e.g. 'sluice dev-broker --brokers 1')"
  read -ra BROKER_ARGV <<<"$KAFKA_BROKER_CMD"
  log "starting broker: ${BROKER_ARGV[*]} (+${#RUNS[@]} topic pairs)"
  : >"$WORK/broker.out"  # exists before the background job opens it
  "${BROKER_ARGV[@]}" "${TOPIC_ARGS[@]}" >"$WORK/broker.out" 2>"$WORK/broker.err" &
  BROKER_PID=$!
  for ((t = 0; t < 600; t++)); do  # up to 60 s: a mock cluster creates topics slowly
    BROKER="$(sed -n '1s/^bootstrap=//p' "$WORK/broker.out")"
    [[ -n "$BROKER" ]] && break
    kill -0 "$BROKER_PID" 2>/dev/null || { cat "$WORK/broker.err" >&2; die "broker exited"; }
    sleep 0.1
  done
  [[ -n "$BROKER" ]] || die "broker printed no bootstrap= line within 60 s"
fi
log "broker $BROKER, topic prefix $PREFIX, $MESSAGES messages per run"

# Create (or check) every topic up front: all empty, $PARTITIONS partitions.
CREATE_ARGS=()
for r in "${RUNS[@]}"; do CREATE_ARGS+=(--create "$(in_topic "$r")" --create "$(out_topic "$r")"); done
"$PRODUCE" --brokers "$BROKER" --partitions "$PARTITIONS" "${CREATE_ARGS[@]}" \
  || die "topics not usable (see above); on a mock broker pre-create them: ${TOPIC_ARGS[*]}"

# --- runs -------------------------------------------------------------------
produce_input() {
  "$PRODUCE" --brokers "$BROKER" --topic "$(in_topic "$1")" --messages "$MESSAGES" \
    --partitions "$PARTITIONS" || die "producing input for $1 failed"
}

check_output() {
  local line
  line="$("$PRODUCE" --brokers "$BROKER" --count "$(out_topic "$1")")" || die "cannot count $(out_topic "$1")"
  log "$line"
  [[ "$line" == *" high_sum=$MESSAGES low_max=0" ]] \
    || die "$1: output topic does not hold exactly $MESSAGES messages: $line"
}

# Runs one command, echoes its RESULT line to stderr, prints the integer rate.
rate_of() {
  local out line
  out="$(timeout "$RUN_TIMEOUT" "$@")" || die "FAILED: $*"
  line="$(grep '^RESULT ' <<<"$out" | tail -n 1)"
  [[ -n "$line" ]] || die "no RESULT line from: $*"
  echo "$line" >&2
  grep -qE "(msgs|items)_per_s=[0-9]" <<<"$line" || die "no msgs_per_s= in: $line"
  sed -E 's/.*(msgs|items)_per_s=([0-9]+).*/\2/' <<<"$line"
}

run_raw() {
  rate_of "$RAW" --brokers "$BROKER" --input "$(in_topic "$1")" --output "$(out_topic "$1")" \
    --queued-min-messages 1000000
}
run_bytewax() {
  rate_of "$BYTEWAX_VENV/bin/python" "$ROOT/Benchmarks/bytewax/bench_bytewax_kafka.py" \
    --brokers "$BROKER" --input "$(in_topic "$1")" --output "$(out_topic "$1")" --expect "$MESSAGES"
}
run_sluice() {
  local argv
  read -ra argv <<<"$SLUICE_KAFKA_CMD"
  rate_of "${argv[@]}" --brokers "$BROKER" --input-topic "$(in_topic "$1")" --output-topic "$(out_topic "$1")"
}

declare -A BEST=([raw]=0 [bytewax]=0 [sluice]=0)
for r in "${RUNS[@]}"; do
  system="${r%%[0-9]*}"
  log "run $r"
  produce_input "$r"
  rate="$("run_$system" "$r")"
  check_output "$r"
  if ((rate > BEST[$system])); then BEST[$system]="$rate"; fi
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "inf" }'; }
if [[ -n "${SLUICE_KAFKA_CMD:-}" ]]; then
  echo "BENCH kafka-upper sluice=${BEST[sluice]} raw=${BEST[raw]} bytewax=${BEST[bytewax]}" \
       "ratio_raw=$(ratio "${BEST[sluice]}" "${BEST[raw]}") ratio_bytewax=$(ratio "${BEST[sluice]}" "${BEST[bytewax]}")"
else
  log "SLUICE_KAFKA_CMD unset: Sluice skipped"
  echo "BENCH kafka-upper sluice=skipped raw=${BEST[raw]} bytewax=${BEST[bytewax]} ratio_raw=n/a ratio_bytewax=n/a"
fi

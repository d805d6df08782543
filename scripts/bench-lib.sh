# Helpers shared by scripts/bench.sh and scripts/bench-cluster.sh (sourced).
# The caller sets RUN_TIMEOUT and REPEAT and defines `log`.

# Builds sluice-bench in release mode (once) and prints its path.
build_sluice_bench() {
  local scratch_args=()
  if [[ -n "${SLUICE_SCRATCH:-}" ]]; then scratch_args=(--scratch-path "$SLUICE_SCRATCH"); fi
  log "building sluice-bench (release)"
  swift build -c release "${scratch_args[@]}" --product sluice-bench >&2
  echo "$(swift build -c release "${scratch_args[@]}" --show-bin-path)/sluice-bench"
}

# Runs one benchmark command and prints its items_per_s (the RESULT line goes to stderr,
# and is appended to the file $RESULT_LOG when that is set).
items_per_s() {
  local out line
  out="$(timeout "$RUN_TIMEOUT" "$@")" || { log "FAILED: $*"; exit 1; }
  line="$(grep '^RESULT ' <<<"$out" | tail -n 1)"
  [[ -n "$line" ]] || { log "no RESULT line from: $*"; exit 1; }
  echo "$line" >&2
  if [[ -n "${RESULT_LOG:-}" ]]; then echo "$line" >>"$RESULT_LOG"; fi
  sed -E 's/.* items_per_s=([0-9]+).*/\1/' <<<"$line"
}

# Runs a measurement REPEAT times and prints the best items/s. Fails if a run
# fails (`set -e` does not reach into command substitutions by itself).
best_of() {
  local best=0 rate i
  for ((i = 0; i < REPEAT; i++)); do
    rate="$("$@")" || exit 1
    if ((rate > best)); then best="$rate"; fi
  done
  echo "$best"
}

# Prints the largest max_rss_kb of the RESULT lines in a file, in MB (1 decimal), or n/a.
peak_rss_mb() {
  sed -nE 's/.* max_rss_kb=([0-9]+).*/\1/p' "$1" |
    awk 'BEGIN { m = -1 } { if ($1 > m) m = $1 } END { if (m < 0) print "n/a"; else printf "%.1f\n", m / 1024 }'
}

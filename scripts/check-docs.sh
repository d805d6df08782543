#!/usr/bin/env bash
# Builds the DocC documentation of the public products (swift-docc-plugin)
# into .build/docs/<Target>.doccarchive, and fails when DocC reports a
# warning: a symbol or article link that does not resolve, a catalog page
# that names no symbol, a malformed Topics group. `make docs` and `make test`
# run it; it needs no network (the plugin comes from the package mirror).
#
#   bash scripts/check-docs.sh                 # every documented target
#   bash scripts/check-docs.sh SluiceCore      # only the named ones
set -euo pipefail
cd "$(dirname "$0")/.."

SWIFT=${SWIFT:-swift}
OUTPUT=.build/docs
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(SluiceCore Sluice SluiceKafka SluiceTesting SluiceService)
fi

args=()
for target in "${targets[@]}"; do
    args+=(--target "$target")
done

# With several targets the plugin puts each archive in a folder of its own
# under --output-path; with one it makes --output-path the archive itself.
output_path=$OUTPUT
if [ ${#targets[@]} -eq 1 ]; then
    output_path="$OUTPUT/${targets[0]}.doccarchive"
fi

mkdir -p "$OUTPUT"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
started=$SECONDS
if ! "$SWIFT" package --disable-sandbox --allow-writing-to-directory "$OUTPUT" \
    generate-documentation "${args[@]}" --output-path "$output_path" --warnings-as-errors 2>&1 | tee "$log"; then
    echo "check-docs: generating the documentation failed (warnings count as errors; see above)" >&2
    exit 1
fi
# Belt and braces: DocC prints its diagnostics as "warning: …" at the start
# of a line (the compiler's carry a file:line: prefix); should a DocC version
# print them without failing, they still fail here.
if grep -E '^warning:' "$log" >/dev/null; then
    echo "check-docs: DocC reported warnings:" >&2
    grep -E '^warning:' "$log" >&2
    exit 1
fi
echo "check-docs: documentation of ${targets[*]} built in $((SECONDS - started)) s into $OUTPUT"

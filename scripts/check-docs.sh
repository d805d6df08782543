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
    targets=(SluiceCore Sluice SluiceKafka SluiceTesting SluiceService SluiceRecovery SluiceCluster SluiceMonitor
        SluiceKafkaTesting)
fi

# SluiceCore re-exports SluiceEngine (`@_exported import`), whose public
# types (RunConfiguration, StopSignal, the source and sink protocols…) are
# part of its API. The plugin's symbol graph leaves re-exported symbols out,
# so SluiceCore's graph is extracted here with them included and converted
# with docc directly; every other target goes through the plugin.
plugin_targets=()
core=false
for target in "${targets[@]}"; do
    if [ "$target" = SluiceCore ]; then core=true; else plugin_targets+=("$target"); fi
done

mkdir -p "$OUTPUT"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
started=$SECONDS

if [ ${#plugin_targets[@]} -gt 0 ]; then
    args=()
    for target in "${plugin_targets[@]}"; do
        args+=(--target "$target")
    done
    # With several targets the plugin puts each archive in a folder of its own
    # under --output-path; with one it makes --output-path the archive itself.
    output_path=$OUTPUT
    if [ ${#plugin_targets[@]} -eq 1 ]; then
        output_path="$OUTPUT/${plugin_targets[0]}.doccarchive"
    fi
    if ! "$SWIFT" package --disable-sandbox --allow-writing-to-directory "$OUTPUT" \
        generate-documentation "${args[@]}" --output-path "$output_path" --warnings-as-errors 2>&1 | tee "$log"; then
        echo "check-docs: generating the documentation failed (warnings count as errors; see above)" >&2
        exit 1
    fi
fi

if $core; then
    if ! built=$("$SWIFT" build --target SluiceCore 2>&1); then
        echo "$built" >&2
        echo "check-docs: building SluiceCore failed" >&2
        exit 1
    fi
    bin=$("$SWIFT" build --show-bin-path)
    triple=$("$SWIFT" -print-target-info | sed -n 's/.*"triple": "\(.*\)".*/\1/p' | head -n 1)
    graphs=.build/docs-symbol-graphs/SluiceCore
    rm -rf "$graphs" "$OUTPUT/SluiceCore.doccarchive"
    mkdir -p "$graphs"
    if ! "$SWIFT" symbolgraph-extract -module-name SluiceCore -target "$triple" -I "$bin/Modules" \
        -minimum-access-level public -emit-extension-block-symbols \
        -experimental-allowed-reexported-modules=SluiceEngine -output-dir "$graphs" 2>&1 | tee -a "$log"; then
        echo "check-docs: extracting SluiceCore's symbol graph failed (see above)" >&2
        exit 1
    fi
    docc=$(dirname "$(command -v "$SWIFT")")/docc
    [ -x "$docc" ] || docc=docc
    if ! "$docc" convert Sources/SluiceCore/SluiceCore.docc --additional-symbol-graph-dir "$graphs" \
        --fallback-display-name SluiceCore --fallback-bundle-identifier SluiceCore \
        --transform-for-static-hosting --output-path "$OUTPUT/SluiceCore.doccarchive" \
        --warnings-as-errors 2>&1 | tee -a "$log"; then
        echo "check-docs: converting SluiceCore's documentation failed (warnings count as errors; see above)" >&2
        exit 1
    fi
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

#!/usr/bin/env bash
# Builds the light products alone (SluiceCore; SluiceKafka and SluiceKafkaTesting, which depend on
# it) in their own build folder and fails if that compiled any of SwiftNIO,
# swift-crypto, SQLite or ArgumentParser: an in-process dataflow must not pay
# for clusters, recovery or command-line parsing it does not use.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SWIFT=${SWIFT:-swift}
SCRATCH=.build-core
FORBIDDEN='^(NIO[A-Za-z]*|_NIO[A-Za-z]*|Crypto|_CryptoExtras|CCryptoBoringSSL[A-Za-z]*|CryptoBoringWrapper|CSQLite|SluiceRecovery|SluiceBackup|SluiceCluster|ArgumentParser[A-Za-z]*)$'

# Only what these targets need may be built: start without earlier build
# products (the package checkouts are kept, so nothing is fetched again).
if [[ -d "$SCRATCH" ]]; then
    find "$SCRATCH" -mindepth 1 -maxdepth 1 ! -name checkouts ! -name repositories ! -name workspace-state.json \
        -exec rm -rf {} +
fi
# Library products are automatic (`--product` would build everything):
# build the targets, which builds exactly their dependencies.
for target in SluiceCore SluiceKafka SluiceKafkaTesting; do
    if ! output=$("$SWIFT" build --scratch-path "$SCRATCH" --target "$target" 2>&1); then
        echo "$output" >&2
        echo "check-core-product: building $target failed" >&2
        exit 1
    fi
done

# Every module the light builds compiled leaves a .swiftmodule (Swift) or an
# object folder named after it (C targets, e.g. CSQLite.build).
modules=$(
    { find "$SCRATCH/debug/Modules" -maxdepth 1 -name '*.swiftmodule' -printf '%f\n' 2>/dev/null | sed 's/\.swiftmodule$//'
      find "$SCRATCH/debug" -maxdepth 1 -type d -name '*.build' -printf '%f\n' | sed 's/\.build$//'; } | sort -u
)
bad=$(grep -E "$FORBIDDEN" <<<"$modules" || true)
if [[ -n "$bad" ]]; then
    echo "check-core-product: building SluiceCore and SluiceKafka compiled modules they must not need:" >&2
    echo "$bad" | sed 's/^/  /' >&2
    exit 1
fi
if ! grep -qx SluiceCore <<<"$modules"; then
    echo "check-core-product: found no SluiceCore module in $SCRATCH: the check looked in the wrong place" >&2
    exit 1
fi
echo "check-core-product: ok: SluiceCore, SluiceKafka and SluiceKafkaTesting build without NIO, Crypto, SQLite or ArgumentParser (built: $(tr '\n' ' ' <<<"$modules"))"

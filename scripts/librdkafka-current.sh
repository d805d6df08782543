#!/usr/bin/env bash
# Runs the Kafka test suites against a current librdkafka instead of the
# system's (Debian 12: 2.0.2), swapped in at run time with LD_LIBRARY_PATH:
# PyPI's confluent-kafka wheel carries librdkafka.so.1 (same soname, renamed
# by auditwheel to librdkafka-<hash>.so.1, needing only glibc). The tests
# must already be built (`swift build --build-tests`); the build links the
# system library, the test process loads the current one.
#
#   bash scripts/librdkafka-current.sh            # what `make test-librdkafka-current` runs
#   KAFKA_LANE_FILTER=KafkaTransactionMarkerTests bash scripts/librdkafka-current.sh
#
# The wheel comes from the confluent-kafka Python package when it is
# installed at the pinned version, otherwise from `pip download` (no
# dependencies, binary only) into .build/librdkafka-current/wheel.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The pinned wheel; its librdkafka version is read from the library itself.
CONFLUENT_KAFKA_VERSION="${CONFLUENT_KAFKA_VERSION:-2.16.1}"
SWIFT="${SWIFT:-swift}"
LANE_DIR=.build/librdkafka-current
# The Kafka suites: unit, integration (cluster, crash and namespace tests
# included: ~4 minutes in all) and the Kafka examples' tests.
DEFAULT_FILTER='SluiceKafkaTests\.|SluiceKafkaIntegrationTests\.|ExamplesTests\.(KafkaWordCount|SensorWindows|OrdersService)ExampleTests'
FILTER="${KAFKA_LANE_FILTER:-$DEFAULT_FILTER}"

mkdir -p "$LANE_DIR/lib"

# 1. The library file: from an installed confluent-kafka at the pinned version…
library=""
installed=$(python3 -c 'import confluent_kafka; print(confluent_kafka.version()[0])' 2>/dev/null || true)
if [[ "$installed" == "$CONFLUENT_KAFKA_VERSION" ]]; then
    libs_dir=$(python3 -c 'import confluent_kafka, os; print(os.path.join(os.path.dirname(os.path.dirname(confluent_kafka.__file__)), "confluent_kafka.libs"))')
    library=$(ls "$libs_dir"/librdkafka*.so.1 2>/dev/null | head -n 1 || true)
fi
# …or from the wheel, downloaded once and unpacked.
if [[ -z "$library" ]]; then
    wheel_dir="$LANE_DIR/wheel-$CONFLUENT_KAFKA_VERSION"
    if ! ls "$wheel_dir"/confluent_kafka.libs/librdkafka*.so.1 >/dev/null 2>&1; then
        echo "librdkafka-current: downloading confluent-kafka $CONFLUENT_KAFKA_VERSION (wheel) with pip"
        python3 -m pip --version >/dev/null 2>&1 || { echo "librdkafka-current: needs pip (apt-get install python3-pip)" >&2; exit 1; }
        rm -rf "$wheel_dir" && mkdir -p "$wheel_dir"
        python3 -m pip download --quiet --no-deps --only-binary=:all: --dest "$wheel_dir" \
            "confluent-kafka==$CONFLUENT_KAFKA_VERSION"
        python3 -c 'import sys, zipfile, glob; [zipfile.ZipFile(w).extractall(sys.argv[1]) for w in glob.glob(sys.argv[1] + "/*.whl")]' "$wheel_dir"
    fi
    library=$(ls "$wheel_dir"/confluent_kafka.libs/librdkafka*.so.1 | head -n 1)
fi
ln -sf "$(realpath "$library")" "$LANE_DIR/lib/librdkafka.so.1"

# 2. Every library it needs must resolve (the wheel bundles all but glibc).
if LD_LIBRARY_PATH="$LANE_DIR/lib" ldd "$LANE_DIR/lib/librdkafka.so.1" | grep -q 'not found'; then
    echo "librdkafka-current: $library needs libraries this system lacks:" >&2
    LD_LIBRARY_PATH="$LANE_DIR/lib" ldd "$LANE_DIR/lib/librdkafka.so.1" | grep 'not found' >&2
    exit 1
fi

# 3. Its version, from the library itself (rd_kafka_version_str), which the
# lane test checks the test process really loaded.
version=$(python3 -c 'import ctypes, sys; lib = ctypes.CDLL(sys.argv[1]); lib.rd_kafka_version_str.restype = ctypes.c_char_p; print(lib.rd_kafka_version_str().decode())' "$LANE_DIR/lib/librdkafka.so.1")
echo "librdkafka-current: librdkafka $version from $library (system: $(pkg-config --modversion rdkafka 2>/dev/null || echo unknown))"

# 4. The Kafka suites with it (the built tests; no rebuild).
SLUICE_EXPECT_LIBRDKAFKA="$version" LD_LIBRARY_PATH="$PWD/$LANE_DIR/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
    "$SWIFT" test --skip-build --filter "$FILTER"

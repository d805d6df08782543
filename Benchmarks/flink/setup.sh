#!/usr/bin/env bash
# Installs (idempotently) Flink's jars from PyPI's apache-flink and compiles the Java
# programs of this directory against them, for the Flink side of `make bench`.
# Maven Central is not reachable from these machines; the apache-flink wheel (its
# apache-flink-libraries dependency) ships Flink's lib/ and opt/ jars, so pip is the way in.
# Only the two Flink wheels are installed (--no-deps: PyFlink's Python dependencies are
# not needed to run Java), into $FLINK_HOME_PY (default <repo>/.build/flink-py).
# Prints the class path to run FlinkBench with on stdout; exits non-zero with the
# reason on stderr if pip or javac cannot do their part (bench.sh then skips Flink).
set -euo pipefail

FLINK_VERSION="2.3.0"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TARGET="${FLINK_HOME_PY:-$REPO_ROOT/.build/flink-py}"
CLASSES="$REPO_ROOT/.build/flink-classes"
SOURCES="$REPO_ROOT/Benchmarks/flink"
PY="${PYTHON:-python3}"
LIB="$TARGET/pyflink/lib"

command -v javac >/dev/null || { echo "flink setup: javac not found (Java 17 is needed)" >&2; exit 1; }
command -v java >/dev/null || { echo "flink setup: java not found" >&2; exit 1; }

if [[ ! -f "$LIB/flink-dist-$FLINK_VERSION.jar" ]]; then
  echo "flink setup: pip install apache-flink==$FLINK_VERSION (jars only) into $TARGET" >&2
  if ! "$PY" -m pip install -q --disable-pip-version-check --no-deps --upgrade --target "$TARGET" \
      "apache-flink==$FLINK_VERSION" "apache-flink-libraries==$FLINK_VERSION" >&2; then
    echo "flink setup: pip could not install apache-flink==$FLINK_VERSION" >&2
    exit 1
  fi
  [[ -f "$LIB/flink-dist-$FLINK_VERSION.jar" ]] || { echo "flink setup: no flink-dist jar in $LIB" >&2; exit 1; }
fi

# Compile when a source is newer than the classes (or there are none yet).
STAMP="$CLASSES/.compiled"
if [[ ! -f "$STAMP" ]] || [[ -n "$(find "$SOURCES" -name '*.java' -newer "$STAMP")" ]]; then
  echo "flink setup: javac Benchmarks/flink/*.java" >&2
  rm -rf "$CLASSES"
  mkdir -p "$CLASSES"
  javac -nowarn -d "$CLASSES" -cp "$LIB/*" "$SOURCES"/*.java >&2 || { echo "flink setup: javac failed" >&2; exit 1; }
  touch "$STAMP"
fi
echo "$CLASSES:$LIB/*"

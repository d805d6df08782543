#!/usr/bin/env bash
# Create (idempotently) a Python venv with bytewax 0.21.1 for the comparison benchmark,
# including its Kafka connector (bytewax[kafka]: confluent-kafka, whose wheel bundles
# its own librdkafka; plus fastavro and requests).
# Location: $BYTEWAX_VENV, default <repo root>/.build/bytewax-venv
set -euo pipefail

BYTEWAX_VERSION="0.21.1"
# bytewax[kafka] 0.21.1 only asks for confluent-kafka>=2.0.2; pin what pip's
# resolver picked when this was written, so benchmark runs stay comparable.
CONFLUENT_KAFKA_VERSION="2.16.1"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${BYTEWAX_VENV:-$REPO_ROOT/.build/bytewax-venv}"
PY="${PYTHON:-python3}"

# Fast path: already installed at the right version.
if [[ -x "$VENV/bin/python" ]] && \
   "$VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('bytewax') != '$BYTEWAX_VERSION' or m.version('confluent-kafka') != '$CONFLUENT_KAFKA_VERSION')" 2>/dev/null; then
  exit 0
fi

# `python3 -m venv` needs ensurepip (Debian/Ubuntu ship it in python3-venv).
if ! "$PY" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "setup_venv: installing python3-venv via apt-get" >&2
    SUDO=""; [[ "$(id -u)" -ne 0 ]] && SUDO="sudo"
    $SUDO apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
  else
    echo "setup_venv: '$PY -m venv' unavailable and apt-get not found" >&2
    exit 1
  fi
fi

if [[ ! -x "$VENV/bin/python" ]]; then
  mkdir -p "$(dirname "$VENV")"
  "$PY" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --disable-pip-version-check \
  "bytewax[kafka]==$BYTEWAX_VERSION" "confluent-kafka==$CONFLUENT_KAFKA_VERSION"

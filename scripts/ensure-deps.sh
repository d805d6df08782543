#!/usr/bin/env bash
# Installs the system packages the Swift package links against, when missing.
#
#   librdkafka-dev   CRdKafka (pkg-config rdkafka, rdkafka_mock.h)
#   libsqlite3-dev   CSQLite
#   pkg-config       lets SwiftPM find both
#   iproute2         `ip netns` for the multi-host cluster test
#   python3-yaml     checks the Kubernetes files in deploy/ (scripts/check-deploy.py)
#   chromium         headless browser for the dashboard test (DashboardBrowserTests;
#                    about 80 s to install, skipped with a reason where it is missing)
#   moto[server]     (PyPI, with pip) the local S3 server of the backup tests
#                    (SluiceBackupTests; skipped with a reason where it is missing)
#
# Quiet when everything is present. Prints what it installs otherwise. Runs
# `apt-get update` at most once, and only when something is missing. When not
# root and something is missing, prints the command to run and exits 1.
set -euo pipefail

# moto_server (PyPI moto[server]): a local S3-compatible server for the backup tests.
ensure_moto() {
    if command -v moto_server >/dev/null 2>&1; then
        return 0
    fi
    if ! command -v python3 >/dev/null 2>&1; then
        echo "ensure-deps: moto_server is missing and there is no python3 to install it (the backup tests will be skipped)" >&2
        return 0
    fi
    echo "ensure-deps: installing moto[server] with pip"
    if ! python3 -m pip install --quiet 'moto[server]'; then
        echo "ensure-deps: pip could not install moto[server] (the backup tests will be skipped)" >&2
    fi
}
ensure_moto

packages=(librdkafka-dev libsqlite3-dev pkg-config iproute2 python3-yaml chromium)

if ! command -v dpkg-query >/dev/null 2>&1; then
    # Not a Debian-family system (e.g. macOS): nothing we can check or install.
    echo "ensure-deps: no dpkg here; make sure librdkafka, sqlite3 and pkg-config are installed" \
         "(macOS: brew install librdkafka sqlite pkg-config)." >&2
    exit 0
fi

is_installed() {
    # `dpkg -s` also succeeds for removed-but-not-purged packages, so check the status line.
    dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed$'
}

missing=()
for pkg in "${packages[@]}"; do
    is_installed "$pkg" || missing+=("$pkg")
done

if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi

install_cmd="apt-get install -y --no-install-recommends ${missing[*]}"

if [ "$(id -u)" -ne 0 ]; then
    echo "ensure-deps: missing system packages: ${missing[*]}" >&2
    echo "ensure-deps: install them as root, then retry:" >&2
    echo "    sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive $install_cmd" >&2
    exit 1
fi

echo "ensure-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq -o Dpkg::Use-Pty=0 --no-install-recommends "${missing[@]}"

for pkg in "${missing[@]}"; do
    if ! is_installed "$pkg"; then
        echo "ensure-deps: $pkg is still not installed after apt-get" >&2
        exit 1
    fi
done
echo "ensure-deps: installed ${missing[*]}"

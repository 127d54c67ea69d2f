#!/usr/bin/env bash
# Runs the fleet throughput benchmark (benches/fleet_throughput.rs), which
# compares the fleet with wrk and with a Python urllib client on the same
# emulator endpoint. Installs wrk from Debian's packages when it is missing;
# python3 must be there already.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian's package)"
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  if ! $sudo apt-get install -y -qq wrk >/dev/null 2>&1; then
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq wrk >/dev/null
  fi
fi
if ! command -v python3 >/dev/null; then
  echo "fleet_throughput needs python3 for its peer-style client" >&2
  exit 1
fi
wrk --version 2>&1 | head -1 || true
python3 --version

exec cargo bench --locked -p tests-integration --bench fleet_throughput

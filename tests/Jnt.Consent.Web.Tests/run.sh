#!/usr/bin/env bash
# Runs the web console's end-to-end tests: headless Chromium (Debian's package, installed when
# missing) driven by playwright-core, against a gateway built in $CONFIGURATION (default Release).
#
#   run.sh [TAP_FILE]    prints the spec report; writes a TAP report to TAP_FILE for counting
set -euo pipefail
cd "$(dirname "$0")"
tap="${1:-}"

as_root() { if [[ "$(id -u)" == 0 ]]; then "$@"; else sudo "$@"; fi; }

if [[ -z "${CHROMIUM_PATH:-}" ]] && ! command -v chromium >/dev/null 2>&1; then
  echo "installing chromium (Debian package)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium >/dev/null
fi
if ! command -v node >/dev/null 2>&1; then
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq nodejs npm >/dev/null
fi
# Exactly the locked versions; playwright-core downloads no browser.
npm ci --no-audit --no-fund --loglevel=error

reporters=(--test-reporter=spec --test-reporter-destination=stdout)
if [[ -n "$tap" ]]; then
  reporters+=(--test-reporter=tap "--test-reporter-destination=$tap")
fi
# One file at a time: each starts its own gateway, and the machine is small.
exec node --test --test-concurrency=1 "${reporters[@]}" tests/

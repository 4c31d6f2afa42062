#!/usr/bin/env bash
# The test command: builds the solution, runs every test project, and ends with one line
# "N passed, N failed, N skipped" summed over all of them. Exit code 0 only if all passed.
set -uo pipefail
cd "$(dirname "$0")/.."

# --fast: the quick tier for a developer's loop (domain, in-process server and cache contract tests:
# no gateway processes, no browser), under 2 minutes on 2 cores once built.
fast=false
if [[ "${1:-}" == "--fast" ]]; then
  fast=true
fi

configuration="${CONFIGURATION:-Release}"
results="$(mktemp -d -t jnt-consent-tests.XXXXXX)"
services="$(mktemp -d -t jnt-consent-services.XXXXXX)"
cleanup() {
  bash scripts/test-services.sh stop "$services" || true
  rm -rf "$results" "$services"
}
trap cleanup EXIT

if $fast; then
  projects=(tests/Jnt.Consent.Domain.Tests/Jnt.Consent.Domain.Tests.csproj
            tests/Jnt.Consent.Suppression.Tests/Jnt.Consent.Suppression.Tests.csproj
            tests/Jnt.Consent.Server.InProcess.Tests/Jnt.Consent.Server.InProcess.Tests.csproj)
else
  projects=(tests/*/*.csproj)
fi
build_targets=("${projects[@]}")
$fast || build_targets=(Jnt.Consent.sln)
build_failed=false
for target in "${build_targets[@]}"; do
  dotnet build "$target" -c "$configuration" -nologo -v quiet || build_failed=true
done
if $build_failed; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

# Real PostgreSQL and Redis for the integration tests; stopped by the trap, also when tests fail.
if ! bash scripts/test-services.sh start "$services"; then
  echo "could not start the test services"
  echo "0 passed, 1 failed"
  exit 1
fi
# shellcheck disable=SC1091
source "$services/env"

status=0
for project in "${projects[@]}"; do
  name="$(basename "$project" .csproj)"
  echo "== $name"
  if ! dotnet test "$project" -c "$configuration" --no-build -nologo \
      --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" \
      --results-directory "$results"; then
    status=1
  fi
done

# The web console's end-to-end tests (node's test runner, headless Chromium): counted from TAP.
if ! $fast; then
  echo "== Jnt.Consent.Web.Tests"
  if ! CONFIGURATION="$configuration" bash tests/Jnt.Consent.Web.Tests/run.sh "$results/web.tap"; then
    status=1
  fi
fi

passed=0; failed=0; skipped=0
for project in "${projects[@]}"; do
  name="$(basename "$project" .csproj)"
  trx="$results/$name.trx"
  if [[ ! -f "$trx" ]]; then
    # The runner died before writing results: count the project as one failure.
    echo "no results from $name"
    failed=$((failed + 1)); status=1
    continue
  fi
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
  count() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
  p="$(count passed)"; f="$(count failed)"; e="$(count error)"; t="$(count timeout)"; n="$(count notExecuted)"
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0} + ${t:-0}))
  skipped=$((skipped + ${n:-0}))
done
web_count() { sed -n "s/^# $1 \([0-9]*\)$/\1/p" "$results/web.tap" | tail -n 1; }
if $fast; then
  :
elif [[ -f "$results/web.tap" ]] && [[ -n "$(web_count pass)" ]]; then
  passed=$((passed + $(web_count pass)))
  failed=$((failed + $(web_count fail) + $(web_count cancelled)))
  skipped=$((skipped + $(web_count skipped) + $(web_count todo)))
else
  echo "no results from Jnt.Consent.Web.Tests"
  failed=$((failed + 1)); status=1
fi
if (( failed > 0 )); then status=1; fi
echo "$passed passed, $failed failed, $skipped skipped"
exit $status

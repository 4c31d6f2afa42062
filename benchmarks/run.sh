#!/usr/bin/env bash
# End-to-end benchmark of the gateway: one production silo (PostgreSQL + Redis), then the embedded
# profile (SQLite + in-process cache), driven over gRPC by benchmarks/Jnt.Consent.LoadTest.
# Writes benchmarks/results/<date>-e2e-<N>.md. See benchmarks/README.md ("End-to-end benchmark").
#
#   benchmarks/run.sh [--customers N] [--embedded-customers M] [--duration S] [--concurrency C]
#                     [--seed-concurrency C] [--write-concurrency C] [--tally-customers N] [--output FILE] [--keep]
#                     [--api-seed-customers N]
set -euo pipefail

command_line="benchmarks/run.sh${*:+ $*}"
customers=1000000
tally_customers=""
embedded_customers=""
duration=20
warmup=5
concurrency=64
seed_concurrency=256
write_concurrency=8
# The production population: the first N customers through the API (that measures the seed rate and
# the silo's memory per customer), the rest loaded straight into grain storage with COPY.
api_seed_customers=20000
output=""
keep=0
while (($#)); do
  case "$1" in
    --customers) customers="$2"; shift 2 ;;
    --tally-customers) tally_customers="$2"; shift 2 ;;
    --embedded-customers) embedded_customers="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --concurrency) concurrency="$2"; shift 2 ;;
    --seed-concurrency) seed_concurrency="$2"; shift 2 ;;
    --write-concurrency) write_concurrency="$2"; shift 2 ;;
    --api-seed-customers) api_seed_customers="$2"; shift 2 ;;
    --output) output="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done
# Seeding SQLite through the API runs at a few hundred customers/s here: a smaller population keeps
# the 100k run within its time budget.
tally_customers="${tally_customers:-$customers}"
embedded_customers="${embedded_customers:-$((customers < 10000 ? customers : 10000))}"
scrub_count=$((customers * 10 < 1000000 ? customers * 10 : 1000000))
embedded_scrub_count=$((embedded_customers * 10 < 1000000 ? embedded_customers * 10 : 1000000))

repo="$(cd "$(dirname "$0")/.." && pwd)"
output="${output:-$repo/benchmarks/results/$(date +%Y-%m-%d)-e2e-$customers.md}"
server="$repo/src/Jnt.Consent.Server/bin/Release/net10.0/Jnt.Consent.Server.dll"
floor_server="$repo/benchmarks/Jnt.Consent.TransportFloor/bin/Release/net10.0/Jnt.Consent.TransportFloor.dll"
loadtest="$repo/benchmarks/Jnt.Consent.LoadTest/bin/Release/net10.0/Jnt.Consent.LoadTest.dll"
work="$(mktemp -d /tmp/jnt-e2e.XXXXXX)"
chmod 755 "$work"   # PostgreSQL runs as the postgres user when this runs as root
report="$work/report"
mkdir -p "$report"
gateway_pid=""
failures=0

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

stop_gateway() {
  if [[ -n "$gateway_pid" ]] && kill -0 "$gateway_pid" 2>/dev/null; then
    kill -TERM "$gateway_pid" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$gateway_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$gateway_pid" 2>/dev/null || true
    wait "$gateway_pid" 2>/dev/null || true
  fi
  gateway_pid=""
}

cleanup() {
  local status=$?
  stop_gateway
  [[ -z "${floor_pid:-}" ]] || kill -TERM "$floor_pid" 2>/dev/null || true
  bash "$repo/scripts/test-services.sh" stop "$work/services" >/dev/null 2>&1 || true
  if ((status == 0 && keep == 0 && failures == 0)); then rm -rf "$work"; else log "logs and data kept in $work"; fi
}
trap cleanup EXIT

free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  echo "no free port found" >&2; return 1
}

# The other engineer's edits can leave src/ briefly unbuildable: retry a few times.
build() {
  for attempt in 1 2 3 4 5; do
    if dotnet build -c Release -nologo -v quiet "$repo/$1" >"$work/build.log" 2>&1; then return; fi
    log "build of $1 failed (attempt $attempt); retrying in 60 s"; tail -n 5 "$work/build.log" >&2
    sleep 60
  done
  echo "cannot build $1" >&2; exit 1
}

# start_gateway NAME DIR ARGS...: starts the gateway in DIR and waits for its ready line.
start_gateway() {
  local name="$1" dir="$2"; shift 2
  local port; port="$(free_port)"
  gateway_url="http://127.0.0.1:$port"
  gateway_log="$work/gateway-$name.log"
  mkdir -p "$dir"
  (cd "$dir" && exec dotnet "$server" "$@" \
    "--Kestrel:Endpoints:Grpc:Url=$gateway_url" "--Gateway:SiloPort=$(free_port)" \
    --Logging:LogLevel:Default=Warning --Logging:LogLevel:Microsoft.Hosting.Lifetime=Warning \
    --Logging:LogLevel:Jnt.Consent.Server.Hosting.ReadyAnnouncer=Information) >"$gateway_log" 2>&1 &
  gateway_pid=$!
  local deadline=$((SECONDS + 180))
  until grep -q "gateway ready on" "$gateway_log"; do
    if ! kill -0 "$gateway_pid" 2>/dev/null; then
      echo "the $name gateway exited before it was ready:" >&2; tail -n 30 "$gateway_log" >&2; exit 1
    fi
    if ((SECONDS >= deadline)); then echo "the $name gateway was not ready within 180 s" >&2; exit 1; fi
    sleep 0.2
  done
  log "$name gateway ready on $gateway_url (pid $gateway_pid)"
}

# A failed scenario (errors, an incomplete scrub) is reported, not fatal: the rest still runs.
# create_keys: a "service" key (customer writes) and a "campaign" key (checks, scrubs).
create_keys() {
  service_key="$(dotnet "$loadtest" create-key --address "$gateway_url" --api-key "$admin_key" --name bench-service --role service)"
  campaign_key="$(dotnet "$loadtest" create-key --address "$gateway_url" --api-key "$admin_key" --name bench-campaign --role campaign)"
  monitoring_key="$(dotnet "$loadtest" create-key --address "$gateway_url" --api-key "$admin_key" --name bench-monitoring --role monitoring)"
}

# gateway_metrics: the running gateway's /metrics page (Prometheus text), read with the monitoring key.
gateway_metrics() { curl -s --http2-prior-knowledge -H "Authorization: ApiKey $monitoring_key" "$gateway_url/metrics"; }

# gc_counters NAME: the gateway's GC so far (collections per generation, pause time, bytes allocated),
# from the runtime's own counters; two of them bracket a run.
gc_counters() {
  gateway_metrics | awk -v n="$1" '
    /^dotnet_gc_collections_total\{/ { match($0, /gen[0-9]/); g[substr($0, RSTART, RLENGTH)] = $NF }
    /^dotnet_gc_pause_time_seconds_total\{/ { pause = $NF }
    /^dotnet_gc_heap_total_allocated_bytes_total\{/ { alloc = $NF }
    END { printf "%s.gc.gen0=%d\n%s.gc.gen1=%d\n%s.gc.gen2=%d\n%s.gc.pause_s=%s\n%s.gc.allocated=%s\n", n, g["gen0"], n, g["gen1"], n, g["gen2"], n, pause + 0, n, alloc + 0 }' >>"$report/values"
}

lt() {
  local status=0
  dotnet "$loadtest" "$@" --report-dir "$report" || status=$?
  if ((status != 0)); then
    failures=$((failures + 1))
    log "load generator exited with $status: $1"
    echo "- a \`$1\` run exited with status $status: see its rows and the notes above." >>"$report/notes"
  fi
}

fmt() { awk -v v="$1" 'BEGIN { s = sprintf("%.0f", v); n = ""; while (length(s) > 3) { n = "," substr(s, length(s) - 2) n; s = substr(s, 1, length(s) - 3) } print s n }'; }

value() { { grep -E "^$1=" "$report/values" 2>/dev/null || true; } | tail -n 1 | cut -d= -f2; }

# What else is using the CPU right now: top's second sample (the first averages since boot).
machine_load() {
  top -b -n 2 -d 1 -w 200 | awk '/^top -/ { frame++ } frame == 2' | awk '
    NR == 1 { sub(/.*load average: /, ""); printf "load average %s; ", $0 }
    /^%Cpu/ { printf "%s; busiest: ", $0 }
    NR > 7 && NR <= 12 { printf "%s (pid %s) %s %%, ", $12, $1, $9 }'
}

# Resident memory of a process in bytes (VmRSS). With a server GC this includes heap not yet
# collected, so memory per customer derived from it is an upper bound.
rss() { awk '/^VmRSS:/ { print $2 * 1024 }' "/proc/$1/status"; }

# silo_memory PROFILE BEFORE AFTER CUSTOMERS: one row of the silo memory table.
silo_memory() {
  local per; per="$(awk -v a="$3" -v b="$2" -v n="$4" 'BEGIN { printf "%.0f", (n > 0 ? (a - b) / n : 0) }')"
  [[ -f "$report/silo-memory.rows" ]] || printf '%s\n%s\n' "| profile | gateway RSS before seed | gateway RSS after seed | customers seeded | bytes/customer (RSS growth) |" "| --- | --- | --- | --- | --- |" >"$report/silo-memory.rows"
  echo "| $1 | $(fmt "$2") | $(fmt "$3") | $(fmt "$4") | $(fmt "$per") |" >>"$report/silo-memory.rows"
  echo "$1.silo.bytes_per_customer=$per" >>"$report/values"
}

# activations PROFILE: customer grains created, destroyed and active on the running silo, from
# Orleans' own counters on /metrics.
activations() {
  local metrics
  metrics="$(gateway_metrics)"
  metric() { { grep -E "^$1\{[^}]*grain_type=\"customer\"[^}]*\}" <<<"$metrics" || true; } | awk '{ s += $NF } END { printf "%d", s }'; }
  echo "$1.activations.created=$(metric orleans_catalog_activation_created_total)" >>"$report/values"
  echo "$1.activations.destroyed=$(metric orleans_catalog_activation_destroyed_total)" >>"$report/values"
  echo "$1.activations.active=$(metric orleans_catalog_activations)" >>"$report/values"
  echo "$1.rss=$(rss "$gateway_pid")" >>"$report/values"
}

# Tallies (TallyService): the scenario writes a generated population straight into the grain storage
# table with COPY (seeding a million customers through the API would take most of an hour here), so it
# gets a database and a gateway of its own; the gateway's projector counts them, then the queries and
# the write path with the tally trigger on and off are measured. The embedded profile's run is
# run_tallies_embedded.
run_tallies_scenario() {
  log "tallies: $(fmt "$tally_customers") generated customers in a database of their own; queries; write cost with and without"
  psql -h 127.0.0.1 -p "$pg_port" -U jnt -d postgres -q -c "CREATE DATABASE jnt_tallies" >/dev/null
  local connection="Host=127.0.0.1;Port=$pg_port;Username=jnt;Database=jnt_tallies"
  local tallies=(--Gateway:Profile=Production "--ConnectionStrings:Postgres=$connection" "--ConnectionStrings:Redis=$redis"
    "--Gateway:PseudonymisationKey=$key" "--Gateway:KeyEncryptionKeys:b1=$kek" --Gateway:CurrentKeyEncryptionKey=b1 --Gateway:CacheKeyPrefix=jt:)
  dotnet "$server" migrate "${tallies[@]}" >&2
  start_gateway production-tallies "$work/tallies" "${tallies[@]}" "${security[@]}" --Gateway:AdvertisedAddress=127.0.0.1 --Gateway:ClusterId=bench-tallies
  local analyst_key tally_service_key
  analyst_key="$(dotnet "$loadtest" create-key --address "$gateway_url" --api-key "$admin_key" --name bench-analyst --role analyst)"
  tally_service_key="$(dotnet "$loadtest" create-key --address "$gateway_url" --api-key "$admin_key" --name bench-tally-writer --role service)"
  lt tallies --api-key "$analyst_key" --service-key "$tally_service_key" --label production --address "$gateway_url" \
    --postgres "$connection" --customers "$tally_customers" --writers "$write_concurrency" --write-seconds "$write_seconds"
  stop_gateway
}

# Tallies on the embedded profile: the same scenario with a gateway (SQLite, in-process cache) of its
# own; the population ($embedded_customers, as the embedded seed) is inserted into its SQLite file in
# one transaction while the gateway runs, and its projector counts them.
run_tallies_embedded() {
  log "tallies (embedded): $(fmt "$embedded_customers") generated customers in a SQLite database of their own; queries; write cost with and without"
  start_gateway embedded-tallies "$work/tallies-embedded" "${security[@]}" --Gateway:Profile=Embedded --Gateway:DataDirectory=data --Gateway:ClusterId=bench-tallies-embedded
  local analyst_key tally_service_key
  analyst_key="$(dotnet "$loadtest" create-key --address "$gateway_url" --api-key "$admin_key" --name bench-analyst --role analyst)"
  tally_service_key="$(dotnet "$loadtest" create-key --address "$gateway_url" --api-key "$admin_key" --name bench-tally-writer --role service)"
  lt tallies --api-key "$analyst_key" --service-key "$tally_service_key" --label embedded --address "$gateway_url" \
    --sqlite "$work/tallies-embedded/data/jnt-consent.db" --customers "$embedded_customers" --writers "$write_concurrency" --write-seconds "$write_seconds"
  stop_gateway
}

started=$SECONDS
load_before="$(machine_load)"

log "building the gateway and the load generator (Release)"
build src/Jnt.Consent.Server
build benchmarks/Jnt.Consent.LoadTest
build src/Jnt.Consent.Cli
build benchmarks/Jnt.Consent.TransportFloor
cli="$repo/src/Jnt.Consent.Cli/bin/Release/net10.0/jnt-consent.dll"
# What was measured: src/ changes under other people's hands, so name the commit the build saw.
source_rev="commit $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if ! git -C "$repo" diff --quiet HEAD -- src 2>/dev/null; then source_rev+=", with uncommitted changes in src/"; fi

log "starting PostgreSQL and Redis"
bash "$repo/scripts/test-services.sh" start "$work/services" >&2
pg_port="$(cat "$work/services/postgres.port")"
redis_port="$(cat "$work/services/redis.port")"
redis="127.0.0.1:$redis_port"
psql -h 127.0.0.1 -p "$pg_port" -U jnt -d postgres -q -c "CREATE DATABASE jnt_bench" >/dev/null
redis_pid="$(cat "$work/services/redis/redis.pid")"
pg_pid="$(head -n 1 "$work/services/postgres/data/postmaster.pid")"
key="$(openssl rand -base64 32)"
kek="$(openssl rand -base64 32)"
# The gateway is never open: this admin key is installed at first start; it creates the others.
admin_key="jnt_$(openssl rand -hex 6)_$(openssl rand -hex 24)"
# Per-credential rate limit (default 5,000/s) lifted: the benchmark measures capacity, not the policy.
security=("--Auth:BootstrapAdminKey=$admin_key" --Auth:RequestsPerSecond=100000000)
production=(--Gateway:Profile=Production
  "--ConnectionStrings:Postgres=Host=127.0.0.1;Port=$pg_port;Username=jnt;Database=jnt_bench"
  "--ConnectionStrings:Redis=$redis"
  "--Gateway:PseudonymisationKey=$key"
  "--Gateway:KeyEncryptionKeys:b1=$kek" --Gateway:CurrentKeyEncryptionKey=b1)

if ((keep)); then   # for poking at a kept run by hand; the folder is private to root
  (umask 077 && printf 'key=%q\nkek=%q\nadmin_key=%q\n' "$key" "$kek" "$admin_key" >"$work/keys.env")
fi

# used_memory of the empty server: the baseline of the cache's bytes per customer.
lt redis-memory --label empty --redis "$redis"

log "migrating the schema"
dotnet "$server" migrate "${production[@]}" >&2

# ---------------------------------------------------------------- production profile
start_gateway production "$work/production" "${production[@]}" "${security[@]}" --Gateway:AdvertisedAddress=127.0.0.1 --Gateway:ClusterId=bench
create_keys
watch="gateway=$gateway_pid,redis=$redis_pid,postgres=$pg_pid"
contacts="$work/contacts.csv"

# Seeding: the first $api_customers through the API, the rest bulk-loaded (COPY) as the grain states the API
# would have stored, continuing the same generator (same seed and "now"): unique ids and contact points,
# one contacts file for the whole population. The rebuild below fills the cache from all of them.
api_customers=$((customers < api_seed_customers ? customers : api_seed_customers))
bulk_customers=$((customers - api_customers))
generator_now="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
log "seed: $api_customers customers through the API at concurrency $seed_concurrency, then $bulk_customers bulk-loaded with COPY"
rss_before="$(rss "$gateway_pid")"
lt seed --api-key "$service_key" --address "$gateway_url" --customers "$api_customers" --concurrency "$seed_concurrency" --contacts-out "$contacts" --generator-now "$generator_now" --watch "$watch"
silo_memory production "$rss_before" "$(rss "$gateway_pid")" "$api_customers"
if ((bulk_customers > 0)); then
  lt bulk-seed --postgres "Host=127.0.0.1;Port=$pg_port;Username=jnt;Database=jnt_bench" --key-base64 "$key" \
    --customers "$bulk_customers" --skip "$api_customers" --contacts-out "$contacts" --append true --generator-now "$generator_now" --watch "$watch"
fi
log "rebuild of the whole cache (the gateway clears it first)"
lt rebuild --api-key "$admin_key" --address "$gateway_url" --redis "$redis" --watch "$watch"
lt redis-memory --redis "$redis" --baseline "$(value empty.redis.used_memory)" --customers "$(value production.rebuild.customers)"

probe=(--redis "$redis" --prefix "js:")
log "unary no-op and check alternating, closed loop at $concurrency in flight, ${duration} s each"
lt unary --api-key "$campaign_key" --address "$gateway_url" --target noop,check --rounds 2 --contacts "$contacts" --concurrency "$concurrency" --duration "$((duration / 2))" --warmup "$warmup" --watch "$watch" "${probe[@]}"
# Open loop at half the closed-loop throughput (the target), and at a quarter (how latency falls with load).
for share in 2 4; do
  rate="$(awk -v r="$(value production.check.closed.rps)" -v s="$share" 'BEGIN { printf "%d", r / s }')"
  log "unary check, open loop at $rate/s (1/$share of the closed-loop throughput)"
  gc_counters "production.half$share.before"
  lt unary --api-key "$campaign_key" --label "production$( ((share == 4)) && echo -quarter)" --address "$gateway_url" --target check --contacts "$contacts" --rate "$rate" --concurrency "$concurrency" --duration "$duration" --warmup "$warmup" --watch "$watch" "${probe[@]}"
  gc_counters "production.half$share.after"
  # The no-op RPC at the same rate: the latency floor of this machine, client and server sharing its cores.
  if ((share == 2)); then
    lt unary --api-key "$campaign_key" --label production --address "$gateway_url" --target noop --rate "$rate" --concurrency "$concurrency" --duration "$((duration / 2))" --warmup "$warmup" --watch "$watch"
  fi
done
log "scrub of $scrub_count contacts, then the raw Redis baselines"
# The scrub figure: items packed 1,024 per message (CheckItems), as the CLI sends them.
lt scrub --api-key "$campaign_key" --address "$gateway_url" --contacts "$contacts" --count "$scrub_count" --watch "$watch" "${probe[@]}"
# Diagnostic: the same list one item per message, as older campaign tools send it.
lt scrub --api-key "$campaign_key" --address "$gateway_url" --contacts "$contacts" --count "$scrub_count" --packed false --watch "$watch" "${probe[@]}"
# Diagnostic: the same list split over 4 calls at once. If that is much faster, one call leaves the gateway idle.
lt scrub --api-key "$campaign_key" --address "$gateway_url" --contacts "$contacts" --count "$scrub_count" --calls 4 --watch "$watch" "${probe[@]}"
lt redis-raw --redis "$redis" --prefix "js:" --contacts "$contacts" --count "$scrub_count" --key-base64 "$key" --watch "$watch"

# The transport floor (benchmarks/Jnt.Consent.TransportFloor): the same contracts and runtime settings,
# every check answered with a constant and nothing else done. The same client drives it as it drove the
# gateway, so these rows are what Kestrel, HTTP/2, protobuf and the client cost here before any work of
# the gateway's: its no-op and check closed loop, its check at the gateway's half-load rate, its scrub.
floor_port="$(free_port)"
floor_url="http://127.0.0.1:$floor_port"
(cd "$work" && exec dotnet "$floor_server" --urls "$floor_url") >"$work/floor.log" 2>&1 &
floor_pid=$!
floor_deadline=$((SECONDS + 60))
until grep -q "transport floor ready on" "$work/floor.log"; do
  if ! kill -0 "$floor_pid" 2>/dev/null || ((SECONDS >= floor_deadline)); then echo "the transport floor did not start:" >&2; cat "$work/floor.log" >&2; exit 1; fi
  sleep 0.2
done
log "transport floor on $floor_url: no-op and check closed loop, check open loop at the gateway's half-load rate, scrub"
floor_watch="gateway=$floor_pid,redis=$redis_pid,postgres=$pg_pid"
lt unary --api-key "$campaign_key" --label floor --address "$floor_url" --target noop,check --rounds 2 --contacts "$contacts" --concurrency "$concurrency" --duration "$((duration / 2))" --warmup "$warmup" --watch "$floor_watch"
lt unary --api-key "$campaign_key" --label floor --address "$floor_url" --target check --contacts "$contacts" --rate "$(value production.check.open.rps | awk '{ printf "%d", $1 }')" --concurrency "$concurrency" --duration "$((duration / 2))" --warmup "$warmup" --watch "$floor_watch"
# And at half its own closed-loop throughput, as the target is put to the gateway: if even a server that
# does nothing misses 2 ms there, no server meets that target on these two cores with the client beside it.
lt unary --api-key "$campaign_key" --label floor-half --address "$floor_url" --target check --contacts "$contacts" --rate "$(value floor.check.closed.rps | awk '{ printf "%d", $1 / 2 }')" --concurrency "$concurrency" --duration "$duration" --warmup "$warmup" --watch "$floor_watch"
lt scrub --api-key "$campaign_key" --label floor --address "$floor_url" --contacts "$contacts" --count "$scrub_count" --watch "$floor_watch"
kill -TERM "$floor_pid" 2>/dev/null || true
wait "$floor_pid" 2>/dev/null || true

# The national prohibition lists, as an operator has them loaded: a Robinson phone list (every 10th
# register phone plus customers/5 numbers of non-customers) and a bounce list (every 20th register
# email plus customers/20 others), imported with the CLI as an operator would. The erased-person lists
# of the seed are already there. Every check tests each contact point of the customers it reaches
# against the lists of its kind, so lists cost the check path: the single check and the scrub again.
lists_dir="$work/lists"; mkdir -p "$lists_dir"
others=$((customers / 5))
{ echo phone; awk -F, 'NR > 1 && NR % 10 == 0 { print $3 }' "$contacts"; seq 1 "$others" | awk '{ printf "+35850%07d\n", $1 }'; } >"$lists_dir/robinson-phone.csv"
{ echo email; awk -F, 'NR > 1 && NR % 20 == 0 { print $2 }' "$contacts"; seq 1 "$((others / 4))" | awk '{ printf "bounce%d@example.org\n", $1 }'; } >"$lists_dir/bounces.csv"
list_entries=$(( $(wc -l <"$lists_dir/robinson-phone.csv") + $(wc -l <"$lists_dir/bounces.csv") - 2 ))
log "importing the national lists ($list_entries entries) with the CLI, then the single check and the scrub again"
list_started="$(date +%s.%N)"
if dotnet "$cli" import list "$lists_dir/robinson-phone.csv" --name robinson-phone --kind phone --channels phone,automated-call --address "$gateway_url" --api-key "$admin_key" >"$work/import.log" 2>&1 \
  && dotnet "$cli" import list "$lists_dir/bounces.csv" --name bounces --kind email --channels email --address "$gateway_url" --api-key "$admin_key" >>"$work/import.log" 2>&1; then
  echo "production.lists.entries=$list_entries" >>"$report/values"
  echo "production.lists.seconds=$(awk -v a="$list_started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')" >>"$report/values"
  lt unary --api-key "$campaign_key" --label production-lists --address "$gateway_url" --target noop,check --rounds 2 --contacts "$contacts" --concurrency "$concurrency" --duration "$((duration / 2))" --warmup "$warmup" --watch "$watch" "${probe[@]}"
  lt scrub --api-key "$campaign_key" --label production-lists --address "$gateway_url" --contacts "$contacts" --count "$scrub_count" --watch "$watch" "${probe[@]}"
else
  failures=$((failures + 1)); log "list import failed: see $work/import.log"
  echo "- the national list import failed; the rows with the lists are missing." >>"$report/notes"
fi
write_seconds=$((duration / 4 > 3 ? duration / 4 : 3))
# Durable writes go to the customers seeded through the API, whose grains this silo holds, as it holds a
# customer's while customer service works on them; the bulk-loaded ones would first be activated (a
# storage read), which is the activation-budget scenario's measurement below.
active_contacts="$work/contacts-active.csv"
head -n $((api_customers + 1)) "$contacts" >"$active_contacts"
log "durable writes vs a raw single-row PostgreSQL upsert, $write_concurrency clients, to the $api_customers customers seeded through the API"
lt writes --api-key "$service_key" --address "$gateway_url" --contacts "$active_contacts" --target consent,objection,pg-raw \
  --postgres "Host=127.0.0.1;Port=$pg_port;Username=jnt;Database=jnt_bench" --concurrency "$write_concurrency" --rounds 2 \
  --duration "$write_seconds" --warmup 3 --watch "$watch"
stop_gateway

# The activation budget: a restarted silo has no grain in memory, and its GC heap is capped
# (DOTNET_GCHeapHardLimit) with Orleans' memory-based shedding on (Activations:MemoryLimitPercent), so
# the population cannot all be active at once. Every write to a random customer activates its grain
# first (a storage read) while the silo deactivates others to stay within the budget.
budget_heap_mb=256
DOTNET_GCHeapHardLimit="$(printf '0x%x' $((budget_heap_mb * 1024 * 1024)))" start_gateway production-budget "$work/production" "${production[@]}" "${security[@]}" \
  --Gateway:AdvertisedAddress=127.0.0.1 --Gateway:ClusterId=bench --Activations:MemoryLimitPercent=60 --Activations:MemoryTargetPercent=40
watch="gateway=$gateway_pid,redis=$redis_pid,postgres=$pg_pid"
log "activation budget: $write_concurrency clients on 256 customers (active after the warm-up; this also warms up the code) vs random customers (cold grains, a ${budget_heap_mb} MB heap)"
lt writes --api-key "$service_key" --label production-cold --address "$gateway_url" --contacts "$contacts" --target consent-hot,consent \
  --concurrency "$write_concurrency" --duration "$((write_seconds * 2))" --warmup 3 --watch "$watch"
activations production-budget
stop_gateway
run_tallies_scenario

# ---------------------------------------------------------------- embedded profile
start_gateway embedded "$work/embedded" "${security[@]}" --Gateway:Profile=Embedded --Gateway:DataDirectory=data --Gateway:ClusterId=bench-embedded
create_keys
watch="gateway=$gateway_pid"
embedded_contacts="$work/contacts-embedded.csv"
log "embedded: seed $embedded_customers, no-op, check, scrub of $embedded_scrub_count"
rss_before="$(rss "$gateway_pid")"
lt seed --api-key "$service_key" --label embedded --address "$gateway_url" --customers "$embedded_customers" --concurrency "$seed_concurrency" --contacts-out "$embedded_contacts" --watch "$watch"
silo_memory embedded "$rss_before" "$(rss "$gateway_pid")" "$embedded_customers"
lt unary --api-key "$campaign_key" --label embedded --address "$gateway_url" --target noop,check --rounds 2 --contacts "$embedded_contacts" --concurrency "$concurrency" --duration "$((duration / 2))" --warmup "$warmup" --watch "$watch"
for share in 2 4; do
  rate="$(awk -v r="$(value embedded.check.closed.rps)" -v s="$share" 'BEGIN { printf "%d", r / s }')"
  gc_counters "embedded.half$share.before"
  lt unary --api-key "$campaign_key" --label "embedded$( ((share == 4)) && echo -quarter)" --address "$gateway_url" --target check --contacts "$embedded_contacts" --rate "$rate" --concurrency "$concurrency" --duration "$duration" --warmup "$warmup" --watch "$watch"
  gc_counters "embedded.half$share.after"
  if ((share == 2)); then
    lt unary --api-key "$campaign_key" --label embedded --address "$gateway_url" --target noop --rate "$rate" --concurrency "$concurrency" --duration "$((duration / 2))" --warmup "$warmup" --watch "$watch"
  fi
done
lt scrub --api-key "$campaign_key" --label embedded --address "$gateway_url" --contacts "$embedded_contacts" --count "$embedded_scrub_count" --watch "$watch"
log "embedded: durable writes vs a raw single-row SQLite upsert, $write_concurrency clients"
lt writes --api-key "$service_key" --label embedded --address "$gateway_url" --contacts "$embedded_contacts" --target consent,objection,sqlite-raw \
  --sqlite "$work/raw-upsert.db" --concurrency "$write_concurrency" --rounds 2 --duration "$write_seconds" --warmup 3 --watch "$watch"
stop_gateway
run_tallies_embedded

# ---------------------------------------------------------------- report
wall=$((SECONDS - started))
load_after="$(machine_load)"

# row SCENARIO RESULT BASELINE RATIO TARGET MET
summary=""
row() { summary+="| $1 | $2 | $3 | $4 | $5 | $6 |"$'\n'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
yes_if() { awk "BEGIN { exit !($1) }" && echo yes || echo "**no**"; }
misses=""

for profile in production embedded; do
  noop="$(value $profile.noop.closed.rps)"; check="$(value $profile.check.closed.rps)"
  r="$(ratio "$check" "$noop")"; met="$(yes_if "$r >= 0.60")"
  row "$profile: single check, closed loop, $concurrency in flight" "$(fmt "$check") checks/s" "$(fmt "$noop") no-op RPCs/s" "$r" "≥ 0.60" "$met"
  [[ "$met" == yes ]] || misses+="- $profile single check: $(fmt "$check")/s is $r × the no-op RPC's $(fmt "$noop")/s (target ≥ 0.60)."$'\n'
  p99="$(value $profile.check.open.p99_ms)"; rate="$(value $profile.check.open.rps)"
  met="$(yes_if "$p99 < 2")"
  row "$profile: check p99 at half load (open loop, $(fmt "$rate")/s)" "$(awk -v v="$p99" 'BEGIN { printf "%.2f ms", v }')" "p50 $(awk -v v="$(value $profile.check.open.p50_ms)" 'BEGIN { printf "%.2f ms", v }')" "-" "< 2 ms" "$met"
  [[ "$met" == yes ]] || misses+="- $profile check p99 at half load: $(awk -v v="$p99" 'BEGIN { printf "%.2f", v }') ms (target < 2 ms)."$'\n'
  noop_p99="$(value $profile.noop.open.p99_ms)"
  row "$profile: no-op RPC p99 at the same rate (open loop, $(fmt "$(value $profile.noop.open.rps)")/s): the gateway's own floor" "$(awk -v v="$noop_p99" 'BEGIN { printf "%.2f ms", v }')" "p50 $(awk -v v="$(value $profile.noop.open.p50_ms)" 'BEGIN { printf "%.2f ms", v }')" "-" "(baseline)" "-"
  [[ "$met" == yes ]] || misses+="  The no-op RPC, which does no work at all, had p99 $(awk -v v="$noop_p99" 'BEGIN { printf "%.2f", v }') ms at the same rate on the same machine."$'\n'
  floor_p99="$(value floor.check.open.p99_ms)"
  if [[ "$profile" == production && -n "$floor_p99" ]]; then
    row "transport floor (a gRPC server that answers every check with a constant): check p99 at the same rate (open loop, $(fmt "$(value floor.check.open.rps)")/s)" "$(awk -v v="$floor_p99" 'BEGIN { printf "%.2f ms", v }')" "p50 $(awk -v v="$(value floor.check.open.p50_ms)" 'BEGIN { printf "%.2f ms", v }')" "-" "(baseline)" "-"
    [[ "$met" == yes ]] || misses+="  A server that answers every check with a constant (the transport floor) had p99 $(awk -v v="$floor_p99" 'BEGIN { printf "%.2f", v }') ms at the same rate."$'\n'
    floor_half_p99="$(value floor-half.check.open.p99_ms)"
    if [[ -n "$floor_half_p99" ]]; then
      row "transport floor: check p99 at its own half load (open loop, $(fmt "$(value floor-half.check.open.rps)")/s)" "$(awk -v v="$floor_half_p99" 'BEGIN { printf "%.2f ms", v }')" "p50 $(awk -v v="$(value floor-half.check.open.p50_ms)" 'BEGIN { printf "%.2f ms", v }')" "-" "(the target, put to a server that does nothing)" "$(yes_if "$floor_half_p99 < 2")"
      [[ "$met" == yes ]] || misses+="  At half its own throughput, as the target is put, the transport floor had p99 $(awk -v v="$floor_half_p99" 'BEGIN { printf "%.2f", v }') ms."$'\n'
    fi
    floor_check="$(value floor.check.closed.rps)"
    row "transport floor: check and no-op RPC, closed loop, $concurrency in flight" "$(fmt "$floor_check") checks/s" "$(fmt "$(value floor.noop.closed.rps)") no-op RPCs/s" "$(ratio "$floor_check" "$(value floor.noop.closed.rps)")" "(baseline)" "-"
    row "production: single check vs the transport floor's check" "$(fmt "$check") checks/s" "$(fmt "$floor_check") checks/s" "$(ratio "$check" "$floor_check")" "(diagnostic)" "-"
  fi
  gc_row() {   # gc_row PROFILE SHARE: the gateway's GC during that open-loop run (warm-up included)
    local b="$1.half$2.before" a="$1.half$2.after"
    [[ -n "$(value "$a.gc.gen0")" ]] || return 0
    local n0=$(( $(value "$a.gc.gen0") - $(value "$b.gc.gen0") )) n1=$(( $(value "$a.gc.gen1") - $(value "$b.gc.gen1") )) n2=$(( $(value "$a.gc.gen2") - $(value "$b.gc.gen2") ))
    local pause_ms; pause_ms="$(awk -v a="$(value "$a.gc.pause_s")" -v b="$(value "$b.gc.pause_s")" 'BEGIN { printf "%.0f", (a - b) * 1000 }')"
    local per_request; per_request="$(awk -v a="$(value "$a.gc.allocated")" -v b="$(value "$b.gc.allocated")" -v r="$3" -v s="$((duration + warmup))" 'BEGIN { printf "%.1f", (a - b) / (r * s) / 1024 }')"
    local each; each="$(awk -v p="$pause_ms" -v n="$((n0 + n1 + n2))" 'BEGIN { printf "%.1f", (n > 0 ? p / n : 0) }')"
    row "$1: gateway GC during the $( (($2 == 2)) && echo half || echo quarter)-load check run ($((duration + warmup)) s)" "$((n0 + n1 + n2)) collections (gen0 $n0, gen1 $n1, gen2 $n2), $pause_ms ms paused, $each ms each on average" "$per_request KB allocated per check" "-" "(diagnostic)" "-"
  }
  gc_row "$profile" 2 "$rate"
  gc_row "$profile" 4 "$(value $profile-quarter.check.open.rps)"
  row "$profile: check p99 at quarter load (open loop, $(fmt "$(value $profile-quarter.check.open.rps)")/s)" "$(awk -v v="$(value $profile-quarter.check.open.p99_ms)" 'BEGIN { printf "%.2f ms", v }')" "p50 $(awk -v v="$(value $profile-quarter.check.open.p50_ms)" 'BEGIN { printf "%.2f ms", v }')" "-" "(diagnostic)" "-"
  scrub="$(value $profile.scrub.rate)"
  met="$(yes_if "$scrub >= 300000")"
  if [[ "$profile" == production ]]; then
    hget="$(value production.raw.hget.rate)"; smis="$(value production.raw.smismember.rate)"; script="$(value production.raw.script.rate)"
    row "production: bulk scrub ($(fmt "$scrub_count") contacts, one CheckBatch, packed)" "$(fmt "$scrub") contacts/s" "-" "-" "≥ 300,000/s" "$met"
    [[ "$met" == yes ]] || misses+="- production bulk scrub: $(fmt "$scrub") contacts/s (target ≥ 300,000/s)."$'\n'
    r="$(ratio "$scrub" "$hget")"; met="$(yes_if "$r >= 1/3")"
    row "production: bulk scrub vs raw pipelined HGETs of the same keys" "$(fmt "$scrub") contacts/s" "$(fmt "$hget") lookups/s" "$r" "≥ 0.33" "$met"
    [[ "$met" == yes ]] || misses+="- production bulk scrub is $r × the raw pipelined HGET rate of $(fmt "$hget")/s (target ≥ 1/3)."$'\n'
    r="$(ratio "$scrub" "$smis")"; met="$(yes_if "$r >= 1/3")"
    row "production: bulk scrub vs raw pipelined SMISMEMBER (the issue's reference)" "$(fmt "$scrub") contacts/s" "$(fmt "$smis") lookups/s" "$r" "≥ 0.33" "$met"
    [[ "$met" == yes ]] || misses+="- production bulk scrub is $r × the raw SMISMEMBER rate of $(fmt "$smis")/s (target ≥ 1/3)."$'\n'
    floor_scrub="$(value floor.scrub.rate)"
    [[ -z "$floor_scrub" ]] || row "production: bulk scrub vs the transport floor's scrub (same client, constant answers)" "$(fmt "$scrub") contacts/s" "$(fmt "$floor_scrub") contacts/s" "$(ratio "$scrub" "$floor_scrub")" "(diagnostic)" "-"
    row "production: bulk scrub vs the gateway's own Lua read script called directly, one call at a time" "$(fmt "$scrub") contacts/s" "$(fmt "$script") lookups/s" "$(ratio "$scrub" "$script")" "(diagnostic)" "-"
    single="$(value production.scrub_single.rate)"
    row "production: the same scrub one item per message (the older form)" "$(fmt "$single") contacts/s" "$(fmt "$scrub") (packed)" "$(ratio "$single" "$scrub")" "(diagnostic)" "-"
    calls4="$(value production.scrub_calls4.rate)"
    row "production: the same scrub split over 4 CheckBatch calls at once" "$(fmt "$calls4") contacts/s" "$(fmt "$scrub") (one call)" "$(ratio "$calls4" "$scrub")" "(diagnostic)" "-"
    lists_check="$(value production-lists.check.closed.rps)"; lists_noop="$(value production-lists.noop.closed.rps)"
    if [[ -n "$lists_check" ]]; then
      row "production: national lists imported with the CLI (Robinson phone and bounces)" "$(fmt "$(value production.lists.entries)") entries in $(value production.lists.seconds) s" "$(fmt "$(awk -v n="$(value production.lists.entries)" -v s="$(value production.lists.seconds)" 'BEGIN { printf "%.0f", n / s }')") entries/s, process start included" "-" "(diagnostic)" "-"
      r="$(ratio "$lists_check" "$lists_noop")"
      row "production, with the national lists: single check, closed loop, $concurrency in flight" "$(fmt "$lists_check") checks/s" "$(fmt "$lists_noop") no-op RPCs/s" "$r" "(diagnostic; ≥ 0.60)" "-"
      row "production, with the national lists: bulk scrub ($(fmt "$scrub_count") contacts, packed)" "$(fmt "$(value production-lists.scrub.rate)") contacts/s" "$(fmt "$scrub") without them" "$(ratio "$(value production-lists.scrub.rate)" "$scrub")" "(diagnostic)" "-"
    fi
    parallel="$(value production.raw.script_parallel.rate)"
    row "production: bulk scrub vs the same script with 16 calls in flight (one Redis kept busy)" "$(fmt "$scrub") contacts/s" "$(fmt "$parallel") lookups/s" "$(ratio "$scrub" "$parallel")" "(diagnostic)" "-"
  else
    row "embedded: bulk scrub ($(fmt "$embedded_scrub_count") contacts, one CheckBatch, packed)" "$(fmt "$scrub") contacts/s" "-" "-" "≥ 300,000/s" "$met"
    [[ "$met" == yes ]] || misses+="- embedded bulk scrub: $(fmt "$scrub") contacts/s (target ≥ 300,000/s)."$'\n'
  fi
done
# Durable writes against the raw single-row upsert at the same concurrency (targets: ≥ 0.25 of raw, p99 < 20 ms).
for profile in production embedded; do
  raw_target=pg-raw; raw_name="raw Npgsql upserts"
  [[ "$profile" == embedded ]] && { raw_target=sqlite-raw; raw_name="raw SQLite upserts"; }
  raw="$(value $profile.write.$raw_target.rps)"
  for write in consent objection; do
    rps="$(value $profile.write.$write.rps)"; p99="$(value $profile.write.$write.p99_ms)"
    [[ -n "$rps" ]] || continue
    r="$(ratio "$rps" "$raw")"; met="$(yes_if "$r >= 0.25 && $p99 < 20")"
    row "$profile: durable $write writes, $write_concurrency clients" "$(fmt "$rps") writes/s, p99 $(awk -v v="$p99" 'BEGIN { printf "%.1f", v }') ms" "$(fmt "$raw") $raw_name/s, p99 $(awk -v v="$(value $profile.write.$raw_target.p99_ms)" 'BEGIN { printf "%.1f", v }') ms" "$r" "≥ 0.25 and p99 < 20 ms" "$met"
    [[ "$met" == yes ]] || misses+="- $profile durable $write writes: $(fmt "$rps")/s is $r × the $raw_name' $(fmt "$raw")/s, p99 $(awk -v v="$p99" 'BEGIN { printf "%.1f", v }') ms (target ≥ 0.25 and p99 < 20 ms)."$'\n'
  done
done
cold="$(value production-cold.write.consent.rps)"; hot="$(value production-cold.write.consent-hot.rps)"
if [[ -n "$cold" ]]; then
  row "production, activation budget (${budget_heap_mb} MB heap, shedding at 60 %): consent writes to random customers (grains not in memory)" "$(fmt "$cold") writes/s, p99 $(awk -v v="$(value production-cold.write.consent.p99_ms)" 'BEGIN { printf "%.1f", v }') ms" "$(fmt "$hot") writes/s to 256 active customers, p99 $(awk -v v="$(value production-cold.write.consent-hot.p99_ms)" 'BEGIN { printf "%.1f", v }') ms" "$(ratio "$cold" "$hot")" "(diagnostic)" "-"
  row "production, activation budget: customer grains activated / deactivated to stay within it / active at the end" "$(fmt "$(value production-budget.activations.created)") / $(fmt "$(value production-budget.activations.destroyed)") / $(fmt "$(value production-budget.activations.active)")" "$(fmt "$customers") customers; silo RSS $(awk -v v="$(value production-budget.rss)" 'BEGIN { printf "%.0f MB", v / 1048576 }')" "-" "(diagnostic)" "-"
fi
for profile in production embedded; do
  per="$(value $profile.silo.bytes_per_customer)"
  [[ -n "$per" ]] && row "$profile: gateway memory per seeded customer (RSS growth over the API seed)" "$(fmt "$per") bytes/customer" "RSS before the seed" "-" "-" "-"
done
tally_p99="$(value production.tallies.p99_ms)"
if [[ -n "$tally_p99" ]]; then
  met="$(yes_if "$tally_p99 < 50")"
  row "production: TallyService queries over $(fmt "$tally_customers") customers (5 kinds round-robin, one at a time)" "p99 $(awk -v v="$tally_p99" 'BEGIN { printf "%.1f ms", v }')" "$(fmt "$(value production.tallies.queries_per_second)") queries/s; with 4 in flight p99 $(awk -v v="$(value production.tallies.p99_ms_c4)" 'BEGIN { printf "%.1f ms", v }')" "-" "p99 < 50 ms" "$met"
  [[ "$met" == yes ]] || misses+="- production tallies: p99 $(awk -v v="$tally_p99" 'BEGIN { printf "%.1f", v }') ms over $(fmt "$tally_customers") customers (target < 50 ms)."$'\n'
  row "production: tallies counted by the projector (population written with COPY)" "$(fmt "$(value production.tallies.counted_per_second)") customers/s" "-" "-" "-" "-"
  row "production: consent/objection writes with tallies maintained, vs the tally trigger off" "ratio of writes/s" "trigger off" "$(awk -v v="$(value production.tallies.write_ratio)" 'BEGIN { printf "%.2f", v }')" "(reported)" "-"
fi
tally_p99="$(value embedded.tallies.p99_ms)"
if [[ -n "$tally_p99" ]]; then
  met="$(yes_if "$tally_p99 < 50")"
  row "embedded: TallyService queries over $(fmt "$embedded_customers") customers (5 kinds round-robin, one at a time)" "p99 $(awk -v v="$tally_p99" 'BEGIN { printf "%.1f ms", v }')" "$(fmt "$(value embedded.tallies.queries_per_second)") queries/s; with 4 in flight p99 $(awk -v v="$(value embedded.tallies.p99_ms_c4)" 'BEGIN { printf "%.1f ms", v }')" "-" "p99 < 50 ms" "$met"
  [[ "$met" == yes ]] || misses+="- embedded tallies: p99 $(awk -v v="$tally_p99" 'BEGIN { printf "%.1f", v }') ms over $(fmt "$embedded_customers") customers (target < 50 ms)."$'\n'
  row "embedded: tallies counted by the projector (population inserted in one SQLite transaction)" "$(fmt "$(value embedded.tallies.counted_per_second)") customers/s" "-" "-" "-" "-"
  row "embedded: consent/objection writes with tallies maintained, vs the tally triggers dropped" "ratio of writes/s" "triggers dropped" "$(awk -v v="$(value embedded.tallies.write_ratio)" 'BEGIN { printf "%.2f", v }')" "(reported)" "-"
fi
row "production: seed through the API (the first $(fmt "$api_customers") customers)" "$(fmt "$(value production.seed.customers_per_second)") customers/s ($(fmt "$(value production.seed.writes_per_second)") writes/s)" "-" "-" "-" "-"
if ((bulk_customers > 0)); then
  row "production: bulk load (COPY) of the other $(fmt "$bulk_customers") customers into grain storage" "$(fmt "$(value production.bulk_seed.customers_per_second)") customers/s ($(awk -v v="$(value production.bulk_seed.seconds)" 'BEGIN { printf "%.1f", v }') s)" "-" "-" "-" "-"
fi
row "production: cache rebuild from empty (RebuildCache)" "$(fmt "$(value production.rebuild.customers_per_second)") customers/s ($(awk -v v="$(value production.rebuild.seconds)" 'BEGIN { printf "%.1f", v }') s)" "-" "-" "-" "-"
row "production: Redis memory after the rebuild" "$(fmt "$(value production.redis.bytes_per_customer)") bytes/customer" "used_memory of the empty server" "-" "-" "-"
row "embedded: seed through the API" "$(fmt "$(value embedded.seed.customers_per_second)") customers/s ($(fmt "$(value embedded.seed.writes_per_second)") writes/s)" "-" "-" "-" "-"

# How much of the machine other people's work took while this one measured ("everything else").
contention="$(cat "$report"/cpu-*.rows | awk -F'|' '$2 !~ /scenario|---/ { v = $(NF - 2) + 0; sum += v; n++; if (v > max) max = v }
  END { if (n) printf "%.2f cores on average, %.2f at most", sum / n, max }')"
# Orleans' own watchdog reports when the silo's threads were not scheduled: CPU starvation, seen from inside.
stalls="$({ grep -h 'stalled for' "$work"/gateway-*.log || true; } | { grep -v 'Complaints:' || true; } | { grep -oE 'stalled for [0-9:.]+' || true; } | awk '
  { v = $3; n++; if (v ~ /:/) { split(v, t, ":"); v = t[1] * 3600 + t[2] * 60 + t[3] } if (v + 0 > max) max = v + 0 }
  END { if (n) printf "%d times, the longest for %.1f s", n, max; else printf "never" }')"
seed_rate="$(value production.seed.customers_per_second)"
extrapolation="$(awk -v r="$seed_rate" 'BEGIN { printf "%.0f", 1000000 / r / 60 }')"

mkdir -p "$(dirname "$output")"
{
  echo "# End-to-end benchmark, $(date +%Y-%m-%d), $(fmt "$customers") customers"
  echo
  echo "## Machine"
  echo
  echo "| | |"
  echo "|---|---|"
  echo "| CPU | $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) cores (\`nproc\`) |"
  echo "| Memory | $(free -g | awk '/^Mem:/ { print $2 }') GB (\`free -g\`) |"
  echo "| OS | $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r) |"
  echo "| .NET | SDK $(dotnet --version) |"
  echo "| Gateway source | $source_rev (built in Release at the start of the run) |"
  echo "| Packages | $(pkg() { grep -oE "<$1>[^<]+|Include=\"$1\" Version=\"[^\"]+" "$repo/Directory.Packages.props" | head -n 1 | grep -oE '[0-9][0-9.]*[0-9]$'; }
    echo "Orleans $(pkg OrleansVersion), Grpc.AspNetCore $(pkg GrpcVersion), StackExchange.Redis $(pkg StackExchange.Redis), Npgsql $(pkg Npgsql), Microsoft.Data.Sqlite $(pkg Microsoft.Data.Sqlite)") |"
  echo "| Gateway runtime settings | $(grep -oE '"System.GC.[A-Za-z]+": [a-z]+' "$(dirname "$server")/Jnt.Consent.Server.runtimeconfig.json" | tr -d '"' | paste -sd, - | sed 's/,/, /g') (runtimeconfig.json) |"
  echo "| PostgreSQL | $("$(dirname "$(readlink -f "$(command -v initdb)")")/postgres" --version | sed 's/^postgres //') (fsync and synchronous_commit on, as \`scripts/test-services.sh\` starts it) |"
  echo "| Redis | $(redis-server --version | awk '{ print $3 }' | sed 's/v=//') (no persistence) |"
  echo "| Load before | $load_before |"
  echo "| Load after | $load_after |"
  echo
  echo "## Command"
  echo
  echo '```sh'
  echo "$command_line"
  echo '```'
  echo
  echo "Wall time: $((wall / 60)) min $((wall % 60)) s, builds included. Production: $(fmt "$customers") customers, scrub of"
  echo "$(fmt "$scrub_count"); embedded: $(fmt "$embedded_customers") customers, scrub of $(fmt "$embedded_scrub_count"). Unary runs: ${warmup} s warm-up,"
  echo "${duration} s measured per target (closed loop: no-op and check alternate in 2 rounds of $((duration / 2)) s)."
  echo "Client, gateway, PostgreSQL and Redis share the machine's $(nproc) cores. Processes outside this benchmark"
  echo "(other builds and test runs on the machine) used $contention of them during the measurements"
  echo "(the \"everything else\" column of the CPU tables)."
  echo "The gateways' Orleans watchdog logged a stalled runtime or thread pool (threads not scheduled) $stalls."
  echo
  echo "## Summary"
  echo
  echo "| scenario | result | baseline | ratio | target | met? |"
  echo "|---|---|---|---|---|---|"
  printf "%s" "$summary"
  echo
  if [[ -n "$misses" ]]; then
    echo "Targets missed:"
    echo
    printf "%s" "$misses"
    echo
    echo "See the CPU table for where the cores went during each of these runs."
    echo
  fi
  echo "Production population: $(fmt "$api_customers") customers seeded through the API, $(fmt "$bulk_customers") bulk-loaded into grain storage with"
  echo "COPY as the states the API would have stored (\`bulk-seed\`, see benchmarks/README.md), then the cache rebuilt from all of them."
  echo "The gateway memory per customer is the RSS growth over the API seed only. A 1,000,000-customer seed through the API"
  echo "would take about $extrapolation min (extrapolated from this run's $(fmt "$seed_rate") customers/s, not measured)."
  echo
  for table in seed bulk-seed rebuild memory silo-memory unary scrub writes tallies-population tallies-queries tallies-write-cost cpu-production cpu-floor cpu-embedded; do
    [[ -f "$report/$table.rows" ]] || continue
    case "$table" in
      seed) echo "## Seeding through the API" ;;
      bulk-seed) echo "## Bulk load (COPY into grain storage; the generator continues after the API-seeded customers)" ;;
      rebuild) echo "## Cache rebuild" ;;
      memory) echo "## Redis memory" ;;
      silo-memory) echo "## Gateway memory (the silo's resident memory before and after the seed)" ;;
      writes) echo "## Durable writes and their baselines" ;;
      tallies-population) echo "## Tallies: the population, counted by the projector" ;;
      tallies-queries) echo "## Tallies: TallyService query latency" ;;
      tallies-write-cost) echo "## Tallies: the cost of maintaining them on the write path" ;;
      unary) echo "## Unary RPCs" ;;
      scrub) echo "## Bulk scrub and its baselines" ;;
      cpu-production) echo "## CPU during each measurement, production (cores = CPU seconds per second)" ;;
      cpu-floor) echo "## CPU during each measurement, transport floor (its server in the gateway column)" ;;
      cpu-embedded) echo "## CPU during each measurement, embedded" ;;
    esac
    echo
    cat "$report/$table.rows"
    echo
  done
  if [[ -f "$report/notes" ]]; then
    echo "## Notes from the run"
    echo
    cat "$report/notes"
    echo
  fi
} >"$output"
log "report written to $output (wall time $((wall / 60)) min $((wall % 60)) s)"

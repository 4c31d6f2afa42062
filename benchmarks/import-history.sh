#!/usr/bin/env bash
# The register import and a long history, on an embedded gateway (SQLite, no other services):
#   1. `import customers` of N business customers, then `import history` of 2 past events each, twice
#      (the second run finds every event and adds nothing);
#   2. one customer with 10,000 imported events beside one with 10: the first page of GetHistory
#      (HTTP/JSON, 100 events) and single objections, 30 each, timed with curl.
# Usage: benchmarks/import-history.sh [N]   (default 5000; build first: dotnet build -c Release)
set -euo pipefail
cd "$(dirname "$0")/.."
customers="${1:-5000}"
server=src/Jnt.Consent.Server/bin/Release/net10.0/Jnt.Consent.Server.dll
cli=src/Jnt.Consent.Cli/bin/Release/net10.0/jnt-consent.dll
[[ -f "$server" && -f "$cli" ]] || { echo "build first: dotnet build -c Release" >&2; exit 1; }
work="$(mktemp -d -t jnt-import-bench.XXXXXX)"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
grpc_port=$(free_port); web_port=$(free_port)
dotnet "$server" "--Gateway:DataDirectory=$work/data" "--Kestrel:Endpoints:Grpc:Url=http://127.0.0.1:$grpc_port" \
  "--Kestrel:Endpoints:Web:Url=http://127.0.0.1:$web_port" --Kestrel:Endpoints:Web:Protocols=Http1 >"$work/gateway.log" 2>&1 &
gateway=$!
trap 'kill $gateway 2>/dev/null; wait $gateway 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 240); do grep -q "ready on" "$work/gateway.log" && break; sleep 0.5; done
export JNT_CONSENT_ADDRESS="http://127.0.0.1:$grpc_port"
export JNT_CONSENT_API_KEY="$(grep -o 'jnt_[A-Za-z0-9_.-]*' "$work/gateway.log" | head -1)"
jnt() { dotnet "$cli" "$@"; }
service="$(jnt keys create --name bench-service --role service)"

python3 - "$customers" "$work" <<'PY'
import sys, datetime
n, work = int(sys.argv[1]), sys.argv[2]
with open(f"{work}/customers.csv", "w") as f:
    f.write("customer_id,group,family_name,emails\n")
    for i in range(n):
        f.write(f"imp{i:07d},business,Yritys {i} Oy,info{i}@yritys{i}.example.fi\n")
    f.write("long1,business,Pitka Historia Oy,info@pitka.example.fi\nshort1,business,Lyhyt Oy,info@lyhyt.example.fi\n")
with open(f"{work}/history.csv", "w") as f:
    f.write("customer_id,kind,purposes,channels,occurred_at,source,actor,evidence\n")
    for i in range(n):
        f.write(f"imp{i:07d},objection,distance-selling,phone,2019-03-{1 + i % 28:02d},customer-request,old-crm,letter {i}\n")
        f.write(f"imp{i:07d},consent,direct-advertising,email,2021-06-{1 + i % 28:02d},web-form,old-crm,form KL-2021\n")
with open(f"{work}/long.csv", "w") as f:
    f.write("customer_id,kind,purposes,channels,occurred_at,source,actor,evidence\n")
    start = datetime.datetime(2010, 1, 1)
    for id, count in (("long1", 10000), ("short1", 10)):
        for i in range(count):
            kind = "objection" if i % 2 else "consent"
            f.write(f"{id},{kind},direct-advertising,email,{(start + datetime.timedelta(hours=i)).isoformat()}Z,web-form,old-crm,form {i}\n")
PY

timed() { local label="$1"; shift; local t0; t0=$(date +%s.%N); "$@" >/dev/null 2>&1; awk -v l="$label" -v t0="$t0" -v t1="$(date +%s.%N)" 'BEGIN { printf "%s: %.1f s\n", l, t1 - t0 }'; }
timed "import customers ($customers + 2)" env JNT_CONSENT_API_KEY="$service" dotnet "$cli" import customers "$work/customers.csv" --quiet
timed "import history ($((customers * 2)) events), first run" jnt import history "$work/history.csv" --quiet
timed "import history, second run (adds nothing)" jnt import history "$work/history.csv" --quiet
timed "import history (10,010 events, 2 customers)" jnt import history "$work/long.csv" --quiet

for id in long1 short1; do
  for _ in $(seq 1 10); do
    curl -s -o /dev/null -w "%{time_total}\n" -H "x-api-key: $service" \
      "http://127.0.0.1:$web_port/v1/customers/$id/history?access_reason=benchmark&page_size=100"
  done | tail -n 9 | sort -n | awk -v id="$id" '{ a[NR] = $1 } END { printf "GetHistory first page, %s: median %.1f ms, max %.1f ms (9 warm calls)\n", id, a[5] * 1000, a[NR] * 1000 }'
  for _ in $(seq 1 30); do
    curl -s -o /dev/null -w "%{time_total}\n" -H "x-api-key: $service" -H "content-type: application/json" \
      -d '{"scope": {"purposes": ["PURPOSE_MARKET_RESEARCH"], "channels": ["CHANNEL_PHONE"]}, "provenance": {"source": "CONSENT_SOURCE_CUSTOMER_SERVICE", "actor": "bench"}}' \
      "http://127.0.0.1:$web_port/v1/customers/$id/objections"
  done | sort -n | awk -v id="$id" '{ a[NR] = $1 } END { printf "RecordObjection, %s: median %.1f ms, p90 %.1f ms (30 calls)\n", id, a[15] * 1000, a[27] * 1000 }'
done

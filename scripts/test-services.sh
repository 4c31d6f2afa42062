#!/usr/bin/env bash
# Throwaway PostgreSQL and Redis servers for the test suites, on loopback ports of their own.
#
#   test-services.sh start DIR        start both; writes DIR/env (export lines for the tests)
#   test-services.sh stop DIR         stop both (safe to call twice)
#   test-services.sh postgres-stop DIR [fast|immediate] | postgres-start DIR | redis-stop DIR | redis-start DIR
#
# postgres-stop is pg_ctl's fast shutdown (sessions are told, transactions roll back) unless
# "immediate" is given: the server processes are killed, as in a crash or a power cut.
# PostgreSQL refuses to run as root, so as root its files belong to the postgres user and its
# commands run through runuser. Redis is installed with apt when missing.
set -euo pipefail

command="${1:?usage: test-services.sh start|stop|postgres-stop|postgres-start|redis-stop|redis-start DIR}"
dir="${2:?state directory}"

pg_bin() {
  local initdb
  initdb="$(command -v initdb || true)"
  if [[ -n "$initdb" ]]; then dirname "$(readlink -f "$initdb")"; return; fi
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

as_postgres() {
  if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  echo "no free port found" >&2; return 1
}

wait_for() { # wait_for SECONDS COMMAND...: polls a readiness probe of an external server
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    if (( SECONDS >= deadline )); then return 1; fi
    sleep 0.1
  done
}

postgres_start() {
  local bin port
  bin="$(pg_bin)"; port="$(cat "$dir/postgres.port")"
  as_postgres "$bin/pg_ctl" -D "$dir/postgres/data" -l "$dir/postgres/log" -w -t 60 \
    -o "-p $port -k $dir/postgres -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=on -c synchronous_commit=on" start >/dev/null
}

postgres_stop() {
  local bin mode="${1:-fast}"
  case "$mode" in fast|immediate) ;; *) echo "unknown shutdown mode $mode" >&2; return 2 ;; esac
  bin="$(pg_bin)"
  if [[ -f "$dir/postgres/data/postmaster.pid" ]]; then
    as_postgres "$bin/pg_ctl" -D "$dir/postgres/data" -m "$mode" -w -t 60 stop >/dev/null || true
  fi
}

redis_start() {
  local port
  port="$(cat "$dir/redis.port")"
  redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --pidfile "$dir/redis/redis.pid" \
    --logfile "$dir/redis/redis.log" --dir "$dir/redis" --save '' --appendonly no --hash-max-listpack-value 128 >/dev/null
  wait_for 30 redis-cli -h 127.0.0.1 -p "$port" ping
}

redis_stop() {
  if [[ -f "$dir/redis.port" ]] && command -v redis-cli >/dev/null; then
    redis-cli -h 127.0.0.1 -p "$(cat "$dir/redis.port")" shutdown nosave >/dev/null 2>&1 || true
  fi
}

case "$command" in
  start)
    mkdir -p "$dir/postgres" "$dir/redis"
    chmod 755 "$dir"
    if ! command -v redis-server >/dev/null; then
      if [[ "$(id -u)" == 0 ]]; then
        echo "installing redis-server with apt"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
        # The package starts a system-wide server on 6379; the tests use their own.
        service redis-server stop >/dev/null 2>&1 || true
      else
        echo "redis-server is missing and this is not root: install it (apt-get install redis-server)" >&2
        exit 1
      fi
    fi
    bin="$(pg_bin)"
    [[ -x "$bin/initdb" ]] || { echo "PostgreSQL binaries (initdb, pg_ctl) not found" >&2; exit 1; }
    if [[ "$(id -u)" == 0 ]]; then chown -R postgres "$dir/postgres"; fi
    as_postgres "$bin/initdb" -D "$dir/postgres/data" -A trust -U jnt -E UTF8 --no-sync >/dev/null
    free_port > "$dir/postgres.port"
    free_port > "$dir/redis.port"
    postgres_start
    redis_start
    cat > "$dir/env" <<ENV
export JNT_TEST_POSTGRES="Host=127.0.0.1;Port=$(cat "$dir/postgres.port");Username=jnt;Database=postgres"
export JNT_TEST_REDIS="127.0.0.1:$(cat "$dir/redis.port")"
export JNT_TEST_SERVICES_DIR="$dir"
export JNT_TEST_SERVICES_SCRIPT="$(readlink -f "$0")"
ENV
    echo "PostgreSQL on 127.0.0.1:$(cat "$dir/postgres.port"), Redis on 127.0.0.1:$(cat "$dir/redis.port")"
    ;;
  stop) redis_stop; postgres_stop ;;
  postgres-stop) postgres_stop "${3:-fast}" ;;
  postgres-start) postgres_start ;;
  redis-stop) redis_stop ;;
  redis-start) redis_start ;;
  *) echo "unknown command $command" >&2; exit 2 ;;
esac

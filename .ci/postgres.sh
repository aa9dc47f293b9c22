#!/usr/bin/env bash
# Starts (or stops) a throwaway PostgreSQL for the tests of @abaco/store-postgres: installed from
# Debian's packages if missing, a cluster made in a folder of its own, listening on 127.0.0.1 on a
# free port, fsync off (tests only). Usage: source .ci/postgres.sh start | bash .ci/postgres.sh stop
# After start, ABACO_TEST_POSTGRES_URL names the database.
POSTGRES_DIR=${ABACO_POSTGRES_DIR:-/tmp/abaco-postgres}

postgres_bin() {
  find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1
}

postgres_install() {
  if [ -n "$(postgres_bin)" ] && [ -x "$(postgres_bin)/initdb" ]; then return 0; fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
}

# Runs a command as the owner of the cluster: postgres when we are root (PostgreSQL refuses root), else ourselves.
as_owner() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi
}

free_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'
}

postgres_start() {
  postgres_install || return 1
  local bin port
  bin=$(postgres_bin)
  if ! { [ -f "$POSTGRES_DIR/port" ] && as_owner "$bin/pg_ctl -D $POSTGRES_DIR/data status" >/dev/null 2>&1; }; then
    rm -rf "$POSTGRES_DIR"
    mkdir -p "$POSTGRES_DIR"
    if [ "$(id -u)" = 0 ]; then chown postgres "$POSTGRES_DIR"; fi
    as_owner "$bin/initdb -D $POSTGRES_DIR/data -A trust -U postgres" >"$POSTGRES_DIR/initdb.log" 2>&1 || { cat "$POSTGRES_DIR/initdb.log" >&2; return 1; }
    port=$(free_port)
    as_owner "$bin/pg_ctl -D $POSTGRES_DIR/data -l $POSTGRES_DIR/log -w -o \"-k $POSTGRES_DIR -p $port -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off\" start" >/dev/null \
      || { cat "$POSTGRES_DIR/log" >&2; return 1; }
    echo "$port" > "$POSTGRES_DIR/port"
  fi
  port=$(cat "$POSTGRES_DIR/port")
  export ABACO_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"
  "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -t 10
}

postgres_stop() {
  local bin
  bin=$(postgres_bin)
  if [ -n "$bin" ] && [ -d "$POSTGRES_DIR/data" ]; then
    as_owner "$bin/pg_ctl -D $POSTGRES_DIR/data -m fast stop" >/dev/null 2>&1 || true
  fi
  rm -rf "$POSTGRES_DIR"
}

case "${1:-}" in
  start) postgres_start ;;
  stop) postgres_stop ;;
esac

#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests, on a Unix socket only (no TCP, so
# clusters of parallel runs never collide on a port).
#   pg.sh start DIR   creates the cluster in DIR if new, starts it, prints its connection string
#   pg.sh stop DIR    stops it (the data stays: start again for a restart)
#   pg.sh remove DIR  stops it and deletes DIR
# PostgreSQL refuses to run as root, so as root it runs as the postgres user.
set -euo pipefail

PG_PORT=5432

pg_bin() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$dir" ] || {
    echo "PostgreSQL is not installed (Debian: apt-get install postgresql)" >&2
    exit 1
  }
  echo "$dir"
}

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_start() {
  local dir="$1" bin
  bin="$(pg_bin)"
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_postgres "$bin/initdb" -D "$dir/data" -A trust -U postgres --no-sync >"$dir/initdb.log" 2>&1 || {
      cat "$dir/initdb.log" >&2
      exit 1
    }
  fi
  # fsync off: a throwaway cluster need not survive a power cut, and it keeps
  # the tests' thousands of commits fast.
  as_postgres "$bin/pg_ctl" -D "$dir/data" -w -t 30 -l "$dir/log" \
    -o "-k $dir -p $PG_PORT -c listen_addresses='' -c fsync=off -c max_connections=200" start >/dev/null || {
    tail -n 20 "$dir/log" >&2
    exit 1
  }
  echo "host=$dir port=$PG_PORT user=postgres dbname=postgres"
}

pg_stop() {
  local dir="$1" bin
  bin="$(pg_bin)"
  [ -f "$dir/data/postmaster.pid" ] || return 0
  as_postgres "$bin/pg_ctl" -D "$dir/data" -w -t 30 -m fast stop >/dev/null
}

pg_remove() {
  local dir="$1"
  [ -d "$dir" ] || return 0
  pg_stop "$dir" || true
  rm -rf "$dir"
}

case "${1:-}" in
start) pg_start "$2" ;;
stop) pg_stop "$2" ;;
remove) pg_remove "$2" ;;
*)
  echo "usage: $0 start|stop|remove DIR" >&2
  exit 2
  ;;
esac

#!/usr/bin/env bash
# A throwaway PostgreSQL + PostGIS cluster for the tests, on localhost only, in .pgdata/.
#   scripts/postgis.sh start | stop | status | url
# start is idempotent (initdb once, start if not running, create database redline_test with the postgis extension).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="$here/.pgdata"
port="${REDLINE_PG_PORT:-54329}"
bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
run_as() {  # PostgreSQL refuses to run as root: use the postgres user then
  if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi
}
case "${1:-}" in
  start)
    [ -n "$bindir" ] || { echo "PostgreSQL is not installed (scripts/install-system-deps.sh)"; exit 1; }
    pgver="$(basename "$(dirname "$bindir")")"
    [ -f "/usr/share/postgresql/$pgver/extension/postgis.control" ] \
      || { echo "PostGIS for PostgreSQL $pgver is not installed: apt-get install postgresql-$pgver-postgis-3 (scripts/install-system-deps.sh)"; exit 1; }
    if [ ! -f "$data/PG_VERSION" ]; then
      mkdir -p "$data"; [ "$(id -u)" -eq 0 ] && chown postgres "$data"
      run_as "$bindir/initdb -D '$data' -U redline --auth=trust -E UTF8 --locale=C.UTF-8" >/dev/null
    fi
    [ "$(id -u)" -eq 0 ] && chown -R postgres "$data"
    if ! run_as "$bindir/pg_ctl -D '$data' status" >/dev/null 2>&1; then
      run_as "$bindir/pg_ctl -D '$data' -l '$data/server.log' -w -o \"-p $port -k /tmp -c listen_addresses=127.0.0.1\" start" >/dev/null
    fi
    run_as "$bindir/psql -h 127.0.0.1 -p $port -U redline -d postgres -tAc \"SELECT 1 FROM pg_database WHERE datname='redline_test'\"" | grep -q 1 \
      || run_as "$bindir/createdb -h 127.0.0.1 -p $port -U redline redline_test"
    run_as "$bindir/psql -h 127.0.0.1 -p $port -U redline -d redline_test -qc 'SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS postgis'"
    echo "PostGIS running on 127.0.0.1:$port (database redline_test)"
    ;;
  stop)
    [ -n "$bindir" ] && [ -f "$data/PG_VERSION" ] && run_as "$bindir/pg_ctl -D '$data' -m fast stop" >/dev/null 2>&1 || true
    ;;
  status)
    [ -n "$bindir" ] && [ -f "$data/PG_VERSION" ] && run_as "$bindir/pg_ctl -D '$data' status" || { echo "not running"; exit 3; }
    ;;
  url)
    echo "postgresql://redline@127.0.0.1:$port/redline_test"
    ;;
  *) echo "usage: $0 start|stop|status|url"; exit 2 ;;
esac

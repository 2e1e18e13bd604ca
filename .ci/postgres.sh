#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster on loopback for the test suite and print its URL.
# Uses Debian's packages (installed by .ci/run); runs as root, the server as `postgres`.
set -euo pipefail
PORT="${DESKTERM_PG_PORT:-54329}"
DIR="${DESKTERM_PG_DIR:-/tmp/deskterm-pg}"
BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
if [ ! -f "$DIR/PG_VERSION" ]; then
  mkdir -p "$DIR"
  chown postgres:postgres "$DIR"
  su postgres -c "$BIN/initdb -D $DIR -A trust -U postgres --encoding=UTF8 --locale=C.UTF-8" >/dev/null
fi
if ! su postgres -c "$BIN/pg_ctl -D $DIR status" >/dev/null 2>&1; then
  su postgres -c "$BIN/pg_ctl -D $DIR -l $DIR/server.log -w -o '-c listen_addresses=127.0.0.1 -p $PORT -k /tmp -c fsync=off -c max_connections=200' start" >/dev/null
fi
echo "postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres"

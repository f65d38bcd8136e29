#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on 127.0.0.1 for the server tests and the load benchmark.
#
#   scripts/pg-test-cluster.sh start        -> prints DIR=<folder> and URL=<superuser URL>
#   scripts/pg-test-cluster.sh stop DIR     -> stops the cluster and deletes its folder
#
# Needs Debian's `postgresql` package (or PG_BIN=<folder holding initdb, pg_ctl>). As root, the
# cluster runs as the `postgres` OS user (PostgreSQL refuses to run as root). Durability is off
# (fsync, full_page_writes): the data is thrown away, speed matters.
set -euo pipefail

find_bin() {
  if [[ -n "${PG_BIN:-}" ]]; then echo "$PG_BIN"; return; fi
  local newest
  newest=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [[ -n "$newest" ]]; then echo "$newest"; return; fi
  dirname "$(command -v initdb)"
}

as_owner() {
  if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
  local bin dir port password
  bin=$(find_bin)
  [[ -x "$bin/initdb" ]] || { echo "no initdb in $bin" >&2; exit 3; }
  dir=$(mktemp -d "${TMPDIR:-/tmp}/annotator-pg.XXXXXX")
  chmod 755 "$dir"
  password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
  printf '%s\n' "$password" >"$dir/pwfile"
  if [[ "$(id -u)" == 0 ]]; then chown postgres "$dir" "$dir/pwfile"; fi
  chmod 600 "$dir/pwfile"
  as_owner "$bin/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pwfile" \
    --auth-local=scram-sha-256 --auth-host=scram-sha-256 --no-sync -E UTF8 \
    --locale=C >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 4; }
  rm -f "$dir/pwfile"
  # A port taken between free_port and the start is possible but rare: try a few.
  for _ in 1 2 3 4 5; do
    port=$(free_port)
    if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start -o \
      "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir \
       -c fsync=off -c full_page_writes=off -c synchronous_commit=off \
       -c max_connections=120 -c shared_buffers=64MB" >/dev/null 2>&1; then
      echo "DIR=$dir"
      echo "URL=postgresql://postgres:$password@127.0.0.1:$port/postgres"
      return 0
    fi
  done
  cat "$dir/server.log" >&2 || true
  exit 5
}

stop() {
  local dir=$1 bin
  bin=$(find_bin)
  [[ -d "$dir/data" ]] && as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  case "$dir" in
    "${TMPDIR:-/tmp}"/annotator-pg.*) rm -rf "$dir" ;;
    *) echo "not removing $dir (not a cluster folder made by this script)" >&2 ;;
  esac
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:?usage: $0 stop DIR}" ;;
  *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# A private PostgreSQL cluster for the tests: initdb into a temporary directory, a server
# listening on a Unix socket in that directory only (no TCP), C locale for byte order.
#
#   dir=$(bash scripts/pg-cluster.sh start)   # prints the directory; the connection
#                                             # string is "host=$dir user=postgres dbname=postgres"
#   bash scripts/pg-cluster.sh stop "$dir"    # stops the server and removes the directory
#
# Tests run with fsync off (a crash of the test machine loses nothing that matters);
# `start --durable` keeps PostgreSQL's defaults (fsync, synchronous_commit on), as the
# benchmarks need to compare it fairly with SQLite's synchronous=FULL.
#
# initdb refuses to run as root: as root, the cluster runs as the `postgres` user.
# Installs Debian's postgresql package first when no server binaries are found.
set -euo pipefail

bin_dir() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$found" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "installing PostgreSQL (Debian package postgresql)" >&2
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2 ||
        { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2; }
      found=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    else
      echo "PostgreSQL server binaries not found (install the postgresql package)" >&2
      exit 1
    fi
  fi
  echo "$found"
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

case "${1:-}" in
  start)
    sync="-c fsync=off"
    if [ "${2:-}" = "--durable" ]; then sync=""; fi
    bin=$(bin_dir)
    dir=$(mktemp -d /tmp/sfa-pg.XXXXXX)
    chmod 755 "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U postgres -E UTF8 --locale=C -A trust >/dev/null
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -o "-c listen_addresses='' -c unix_socket_directories=$dir -c max_connections=200 $sync" \
      start >/dev/null
    echo "$dir"
    ;;
  stop)
    dir=${2:?usage: pg-cluster.sh stop DIR}
    bin=$(bin_dir)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: pg-cluster.sh start [--durable] | stop DIR" >&2
    exit 2
    ;;
esac

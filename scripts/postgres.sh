#!/usr/bin/env bash
# A throwaway PostgreSQL server for libcrm's tests: Debian's postgresql-15,
# a new cluster in a directory of its own, reachable only through a Unix
# socket in that directory (no TCP port), run as an unprivileged user.
#
#   scripts/postgres.sh start DIR   creates the cluster in DIR (which must not
#                                   exist), starts it, creates the database
#                                   crm_test, and prints its libpq URL
#   scripts/postgres.sh url DIR     prints the URL of the server in DIR
#   scripts/postgres.sh database DIR NAME
#                                   creates the database NAME on the server
#                                   in DIR unless it exists, and prints its
#                                   URL (a suite of its own: libcrm's tables
#                                   are shared by a database's workspaces, so
#                                   a field index built in one waits for
#                                   every open write in the others)
#   scripts/postgres.sh stop DIR    stops the server and removes DIR
#   scripts/postgres.sh restart DIR [fast|immediate]
#                                   restarts the server in DIR (default fast:
#                                   sessions are ended, transactions rolled
#                                   back; immediate: as after a crash, the
#                                   server recovers from its WAL on start)
#
# PostgreSQL refuses to run as root; as root the server runs as the
# `postgres` user that Debian's package creates, otherwise as the caller.
# Needs postgresql-15 (scripts/setup.sh installs it).
set -euo pipefail

bin=/usr/lib/postgresql/15/bin
usage() {
  echo "usage: $0 start|url|stop DIR, $0 restart DIR [fast|immediate], or $0 database DIR NAME" >&2
  exit 2
}
[ $# -eq 2 ] || { [ $# -eq 3 ] && { [ "$1" = restart ] || [ "$1" = database ]; }; } || usage
action="$1"
dir="$2"
mode="${3:-fast}"
database="crm_test"
[ "$action" = database ] && database="$3" && mode=fast
case "$dir" in /*) ;; *) dir="$(pwd)/$dir" ;; esac

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

owner() {
  if [ "$(id -u)" -eq 0 ]; then echo postgres; else id -un; fi
}

url() {
  # libpq's URI form; the socket directory goes in `host`. No user: libpq
  # takes the caller's, which has a role of its own (see start).
  echo "postgresql:///$database?host=$dir"
}

case "$action" in
  start)
    if [ ! -x "$bin/initdb" ]; then
      echo "$0: $bin/initdb is missing: install postgresql-15 (scripts/setup.sh)" >&2
      exit 1
    fi
    if [ -e "$dir" ]; then
      echo "$0: $dir exists; stop the server there first" >&2
      exit 1
    fi
    # The socket path must stay under the kernel's 107-byte limit.
    if [ $((${#dir} + 16)) -gt 107 ]; then
      echo "$0: $dir is too long a path for a Unix socket" >&2
      exit 1
    fi
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    as_owner "$bin/initdb" --pgdata="$dir/data" --auth=trust --encoding=UTF8 \
      --locale=C.UTF-8 --username="$(owner)" >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
    # fsync off: a test server's data need not survive a power cut, and the
    # tests run several times faster. Never a setting for a real server.
    as_owner "$bin/pg_ctl" --pgdata="$dir/data" --log="$dir/server.log" \
      --wait --timeout=60 start \
      -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c fsync=off -c max_connections=100" \
      >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    if [ "$(owner)" != "$(id -un)" ]; then
      as_owner "$bin/createuser" --host="$dir" --username="$(owner)" \
        --superuser "$(id -un)"
    fi
    as_owner "$bin/createdb" --host="$dir" --username="$(owner)" \
      --owner="$(id -un)" crm_test
    url
    ;;
  url)
    url
    ;;
  database)
    if ! as_owner "$bin/psql" --host="$dir" --username="$(owner)" -d postgres \
        -tAc "SELECT 1 FROM pg_database WHERE datname = '$database'" |
        grep -q 1; then
      as_owner "$bin/createdb" --host="$dir" --username="$(owner)" \
        --owner="$(id -un)" "$database"
    fi
    url
    ;;
  restart)
    case "$mode" in fast | immediate) ;; *) usage ;; esac
    # pg_ctl restart starts the server with the options it was started with.
    as_owner "$bin/pg_ctl" --pgdata="$dir/data" --log="$dir/server.log" \
      --wait --timeout=60 --mode="$mode" restart >/dev/null ||
      { tail -20 "$dir/server.log" >&2; exit 1; }
    ;;
  stop)
    if [ -d "$dir/data" ]; then
      as_owner "$bin/pg_ctl" --pgdata="$dir/data" --wait --mode=fast stop \
        >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *)
    usage
    ;;
esac

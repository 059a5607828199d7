#!/bin/sh
# Manage a private PostgreSQL cluster under var/: the embedded database of
# `make run` and the throw-away one of `make test`.  PostgreSQL refuses to
# run as root, so as root the cluster runs as the unprivileged `postgres`
# account through runuser.  It listens only on a Unix socket inside its own
# directory, so clusters never collide on a TCP port.
#
#   db/pg.sh start DIR PORT [DB]   init if needed, start, create DB; print URL
#   db/pg.sh stop DIR              stop (fast shutdown) if running
#   db/pg.sh url DIR PORT [DB]     print the libpq URL for the cluster
#   db/pg.sh destroy DIR           stop and delete the cluster
set -eu

cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop|url|destroy DIR [PORT] [DB]" >&2; exit 2; }
mkdir -p "$(dirname "$dir")"
dir=$(cd "$(dirname "$dir")" && pwd)/$(basename "$dir")
port=${3:-5433}
db=${4:-keep}

bindir=
for v in 17 16 15 14 13; do
	if [ -x /usr/lib/postgresql/$v/bin/pg_ctl ]; then bindir=/usr/lib/postgresql/$v/bin; break; fi
done
if [ -z "$bindir" ]; then
	bindir=$(dirname "$(command -v pg_ctl 2>/dev/null || echo /nonexistent/x)")
	[ -x "$bindir/pg_ctl" ] || { echo "pg.sh: PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }
fi

# Run a PostgreSQL binary as the cluster's owner.
as_owner() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

url() {
	echo "postgresql:///$db?host=$dir/run&port=$port&user=keep"
}

running() {
	as_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

case $cmd in
start)
	if [ ! -f "$dir/data/PG_VERSION" ]; then
		mkdir -p "$dir/data" "$dir/run"
		[ "$(id -u)" = 0 ] && chown -R postgres "$dir"
		chmod 700 "$dir/data"
		as_owner "$bindir/initdb" -D "$dir/data" -U keep -A trust \
		    -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
		    { cat "$dir/initdb.log" >&2; exit 1; }
		cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$dir/run'
port = $port
max_connections = 400
shared_buffers = 128MB
fsync = on
synchronous_commit = on
CONF
	fi
	[ "$(id -u)" = 0 ] && chown postgres "$dir" "$dir/run"
	if ! running; then
		as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" \
		    -w -t 60 start >/dev/null ||
		    { tail -20 "$dir/postgres.log" >&2; exit 1; }
	fi
	if ! "$bindir/psql" -XqtA "postgresql:///postgres?host=$dir/run&port=$port&user=keep" \
	    -c "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
		"$bindir/createdb" -h "$dir/run" -p "$port" -U keep "$db"
	fi
	url
	;;
stop)
	if [ -f "$dir/data/PG_VERSION" ] && running; then
		as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
	fi
	;;
url)
	url
	;;
destroy)
	if [ -f "$dir/data/PG_VERSION" ] && running; then
		as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null
	fi
	rm -rf "$dir"
	;;
*)
	echo "usage: $0 start|stop|url|destroy DIR [PORT] [DB]" >&2; exit 2 ;;
esac

#!/bin/sh
# Manage a private PostgreSQL cluster under var/: the embedded database of
# `make run` and the throw-away one of `make test`.  PostgreSQL refuses to
# run as root, so as root the cluster runs as the unprivileged `postgres`
# account through runuser.  It listens only on a Unix socket inside its own
# directory, so clusters never collide on a TCP port.
#
#   db/pg.sh start DIR PORT [DB]   init if needed, start, create DB; print URL
#   db/pg.sh stop DIR [MODE]       stop if running (MODE: fast, the default,
#                                  smart or immediate)
#   db/pg.sh crash DIR             stop -m immediate: what a crash leaves
#   db/pg.sh restart DIR [MODE]    stop with MODE (fast) and start again
#   db/pg.sh url DIR PORT [DB]     print the libpq URL for the cluster
#   db/pg.sh destroy DIR           stop and delete the cluster
set -eu

cmd=${1:-}
dir=${2:-}
usage="usage: $0 start|stop|crash|restart|url|destroy DIR [PORT|MODE] [DB]"
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "$usage" >&2; exit 2; }
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
		(cd / && runuser -u postgres -- "$@")
	else
		"$@"
	fi
}

# Unix socket paths are limited to ~100 bytes, so the socket lives in a
# short directory named after the cluster's path.
hash=$(printf %s "$dir" | md5sum | cut -c1-10)
sock=/tmp/keep-pg-$hash

# The data directory: under DIR when the cluster owner can reach it; if DIR
# sits below a directory closed to that account (a clone in /root, say),
# under /var/tmp with DIR/data a symlink to it, so it is still found there.
data_dir() {
	if [ -L "$dir/data" ]; then
		readlink -f "$dir/data"
		return
	fi
	echo "$dir/data"
}

url() {
	echo "postgresql:///$db?host=$sock&port=$port&user=keep"
}

running() {
	as_owner "$bindir/pg_ctl" -D "$(data_dir)" status >/dev/null 2>&1
}

# Create DIR/data (or its stand-in) owned by the cluster's account.
make_data_dir() {
	mkdir -p "$dir"
	if [ "$(id -u)" != 0 ]; then
		mkdir -p "$dir/data"
		return
	fi
	chown postgres "$dir"
	if ! (cd / && runuser -u postgres -- test -w "$dir"); then
		real=/var/tmp/keep-pg-$hash
		mkdir -p "$real/data"
		chown -R postgres "$real"
		chmod 700 "$real/data"
		ln -sfn "$real/data" "$dir/data"
		echo "pg.sh: $dir is closed to the postgres account; data in $real/data" >&2
		return
	fi
	mkdir -p "$dir/data"
	chown postgres "$dir/data"
}

case $cmd in
start)
	if [ ! -f "$(data_dir)/PG_VERSION" ]; then
		make_data_dir
		data=$(data_dir)
		chmod 700 "$data"
		[ "$(id -u)" = 0 ] && chown postgres "$data"
		as_owner "$bindir/initdb" -D "$data" -U keep -A trust \
		    -E UTF8 --locale=C.UTF-8 >/tmp/keep-initdb-$hash.log 2>&1 ||
		    { cat /tmp/keep-initdb-$hash.log >&2; exit 1; }
		cat >>"$data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$sock'
port = $port
max_connections = 400
shared_buffers = 128MB
fsync = on
synchronous_commit = on
logging_collector = off
CONF
	fi
	data=$(data_dir)
	mkdir -p "$sock"
	[ "$(id -u)" = 0 ] && chown postgres "$sock"
	chmod 755 "$sock"
	if ! running; then
		as_owner "$bindir/pg_ctl" -D "$data" -l "$data/../postgres.log" \
		    -w -t 60 start >/dev/null ||
		    { tail -20 "$data/../postgres.log" >&2; exit 1; }
	fi
	if ! "$bindir/psql" -XqtA "postgresql:///postgres?host=$sock&port=$port&user=keep" \
	    -c "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
		"$bindir/createdb" -h "$sock" -p "$port" -U keep "$db"
	fi
	url
	;;
stop|crash|restart)
	# The third argument is a shutdown mode here, not a port.
	mode=${3:-fast}
	[ "$cmd" = crash ] && mode=immediate
	case $mode in
	smart|fast|immediate) ;;
	*) echo "pg.sh: unknown shutdown mode $mode" >&2; exit 2 ;;
	esac
	if [ -f "$(data_dir)/PG_VERSION" ] && running; then
		as_owner "$bindir/pg_ctl" -D "$(data_dir)" -m "$mode" -w stop \
		    >/dev/null
	fi
	if [ "$cmd" = restart ]; then
		# The port and socket stay in postgresql.conf.
		as_owner "$bindir/pg_ctl" -D "$(data_dir)" \
		    -l "$(data_dir)/../postgres.log" -w -t 60 start >/dev/null ||
		    { tail -20 "$(data_dir)/../postgres.log" >&2; exit 1; }
	fi
	;;
url)
	url
	;;
destroy)
	if [ -f "$(data_dir)/PG_VERSION" ] && running; then
		as_owner "$bindir/pg_ctl" -D "$(data_dir)" -m immediate -w stop >/dev/null
	fi
	if [ -L "$dir/data" ]; then
		rm -rf "$(dirname "$(data_dir)")"
	fi
	rm -rf "$dir" "$sock"
	;;
*)
	echo "$usage" >&2; exit 2 ;;
esac

#!/bin/sh
# Run every test tier against a throw-away PostgreSQL cluster of its own
# (var/test-pg, never the `make run` data), then delete the cluster.
#
#   sh tests/run.sh BUILD_DIR [SCRIPT]
#
# With SCRIPT (a client test such as tests/clients/tintin.sh), that script
# runs against the prepared cluster instead of the Check binary, with
# BUILD_DIR as its argument.
#
# The test binary gets DATABASE_URL (the migrated test database), KEEPD
# (the daemon to start for end-to-end and crash tests), and the cluster's
# directory and port (KEEP_TEST_PG_DIR, KEEP_TEST_PG_PORT) so the fault
# tests can stop, crash and restart it with db/pg.sh.
#
# KEEP_FAULTS_FULL=1 (make faults) runs the fault suite's full matrix.
set -eu

build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
dir=${KEEP_TEST_PG_DIR:-var/test-pg}
port=${KEEP_TEST_PG_PORT:-5434}

cleanup() {
	db/pg.sh destroy "$dir" >/dev/null 2>&1 || true
}
trap cleanup EXIT INT TERM

db/pg.sh destroy "$dir" >/dev/null 2>&1 || true
url=$(db/pg.sh start "$dir" "$port" keep_test)

export DATABASE_URL="$url"
export KEEP_TEST_PG_DIR="$dir" KEEP_TEST_PG_PORT="$port"
export KEEPD="$top/$build/keepd"
export KEEP_TEST_CONFIG="$top/tests/keep-test.json"
export KEEP_CONFIG="$KEEP_TEST_CONFIG"
"$KEEPD" migrate >"$dir/migrate.log" 2>&1 || { cat "$dir/migrate.log"; exit 1; }
"$KEEPD" load-world >>"$dir/migrate.log" 2>&1 || { cat "$dir/migrate.log"; exit 1; }

if [ -n "${2:-}" ]; then
	set +e
	sh "$2" "$build"
	rc=$?
	set -e
	exit $rc
fi

if [ -n "${KEEP_VALGRIND:-}" ]; then
	export CK_FORK=no
	exec_prefix="valgrind --error-exitcode=99 --leak-check=full"
else
	exec_prefix=
fi
set +e
$exec_prefix "$build/keep-tests"
rc=$?
set -e
exit $rc

#!/bin/sh
# dashboard.sh — the admin dashboard in a real browser: Debian's chromium,
# headless, driven over the DevTools protocol by tests/web/cdp_dashboard.py
# (Debian's /usr/bin/python3 with python3-websocket), against keepd on
# free telnet and HTTP ports, while players play over raw telnet sockets.
# It leaves a screenshot in var/dashboard.png.
#
#   sh tests/web/dashboard.sh [BUILD_DIR]
#
# Run alone, it starts a PostgreSQL cluster of its own through tests/run.sh
# (var/dash-pg on port 5448, or KEEP_DASH_PG_DIR / KEEP_DASH_PG_PORT), which
# migrates it, loads the world and runs this script again inside
# (KEEP_DASH_INNER=1, with DATABASE_URL, KEEPD and KEEP_CONFIG set).  `make
# test` runs it after the telnet clients.  KEEP_DASH_TIMEOUT (120 s)
# bounds the whole run; everything it started is stopped on exit.
set -eu

build=${1:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"

if [ -z "${KEEP_DASH_INNER:-}" ]; then
	KEEP_DASH_INNER=1 \
	KEEP_TEST_PG_PORT=${KEEP_DASH_PG_PORT:-5448} \
	KEEP_TEST_PG_DIR=${KEEP_DASH_PG_DIR:-var/dash-pg} \
	    exec sh tests/run.sh "$build" tests/web/dashboard.sh
fi

who=dashboard
py=/usr/bin/python3
[ -x /usr/bin/chromium ] || {
	echo "$who: /usr/bin/chromium is missing (sh .ci/deps.sh installs it)" >&2
	exit 1
}
"$py" -c 'import websocket' 2>/dev/null || {
	echo "$who: $py has no websocket module (python3-websocket)" >&2
	exit 1
}

work=$(mktemp -d "${TMPDIR:-/tmp}/keep-$who.XXXXXX")
kpid=
cleanup() {
	if [ -n "$kpid" ]; then
		kill "$kpid" 2>/dev/null || true
		wait "$kpid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

free_port() {
	"$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
port=$(free_port)
hport=$(free_port)
while [ "$hport" = "$port" ]; do hport=$(free_port); done
KEEP_PORT=$port KEEP_HTTP_PORT=$hport "$KEEPD" >"$work/keepd.log" 2>&1 &
kpid=$!
"$py" - "$port" "$hport" <<'PY' || { cat "$work/keepd.log" >&2; exit 1; }
import socket, sys, time
end = time.time() + 15
for p in sys.argv[1:]:
    while True:
        try:
            socket.create_connection(("127.0.0.1", int(p)), 1).close()
            break
        except OSError:
            if time.time() > end:
                sys.exit("keepd does not accept on %s" % p)
            time.sleep(0.1)
PY

mkdir -p var
set +e
timeout "${KEEP_DASH_TIMEOUT:-120}" "$py" tests/web/cdp_dashboard.py \
    "$port" "$hport" var/dashboard.png
rc=$?
set -e
if [ $rc -ne 0 ]; then
	[ $rc -eq 124 ] && echo "$who: timed out" >&2
	echo "--- keepd's log:" >&2
	tail -30 "$work/keepd.log" >&2
fi
exit $rc

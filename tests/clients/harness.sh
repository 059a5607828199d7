# harness.sh — what tests/clients/telnet.sh and tintin.sh share, sourced
# after each has set who (its name in messages), client (the program it
# drives) and limit (seconds for the whole run), and before it defines
# show() (what to print on failure): the tools check, a private tmux
# server, clean-up on exit, a watchdog, ok/fail, waiting for the screen,
# typing, and harness_start: the watchdog and keepd on a free port ($port,
# $kpid) accepting connections.
wait_s=15
for cmd in "$client" tmux python3; do
	command -v "$cmd" >/dev/null 2>&1 || {
		echo "$who: $cmd is missing (sh .ci/deps.sh installs it)" >&2
		exit 1
	}
done

work=$(mktemp -d "${TMPDIR:-/tmp}/keep-$who.XXXXXX")
sock="keep-$who-$$"
tm() { tmux -L "$sock" -f /dev/null "$@"; }
kpid=
watchdog=
passed=0

cleanup() {
	tm kill-server >/dev/null 2>&1 || true
	if [ -n "$kpid" ]; then
		kill "$kpid" 2>/dev/null || true
		wait "$kpid" 2>/dev/null || true
	fi
	[ -n "$watchdog" ] && kill "$watchdog" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'echo "$who: timed out after ${limit}s" >&2; show; exit 1' USR1
trap 'exit 1' INT TERM

fail() {
	echo "$who: FAILED: $*" >&2
	show
	exit 1
}

ok() {
	passed=$((passed + 1))
	echo "$who: ok: $*"
}

screen() { tm capture-pane -p -J -S -1000 -t keep; }
screen_esc() { tm capture-pane -p -e -J -S -1000 -t keep; }

# Wait until the screen shows pattern (grep -E) at least n times (1).
wait_screen() {
	n=${2:-1}
	end=$(($(date +%s) + wait_s))
	while [ "$(date +%s)" -le "$end" ]; do
		c=$(screen 2>/dev/null | grep -E -c -- "$1" || true)
		[ "$c" -ge "$n" ] && return 0
		sleep 0.2
	done
	return 1
}

# Type a line into the client, as the player would.
type_line() {
	tm send-keys -t keep -l "$1"
	tm send-keys -t keep Enter
}

# Start the run (once show() exists): the watchdog, which sends USR1
# after limit seconds (killed at exit, it stops its sleep), and keepd on a
# free port of the cluster tests/run.sh made ($port, $kpid), accepting.
harness_start() {
	(
		trap 'kill "$s" 2>/dev/null; exit 0' TERM
		sleep "$limit" &
		s=$!
		wait "$s" && kill -USR1 $$
	) >/dev/null 2>&1 &
	watchdog=$!

	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	KEEP_PORT=$port KEEP_HTTP_PORT=0 "$KEEPD" >"$work/keepd.log" 2>&1 &
	kpid=$!
	python3 - "$port" <<'PY' || fail "keepd does not accept on $port"
import socket, sys, time
end = time.time() + 15
while True:
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()
        break
    except OSError:
        if time.time() > end:
            sys.exit(1)
        time.sleep(0.1)
PY
}

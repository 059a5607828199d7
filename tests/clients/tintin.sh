#!/bin/sh
# tintin.sh — drive the real TinTin++ (Debian's tintin++, /usr/games/tt++)
# in a tmux of its own against keepd, as a player would: it logs in through
# #action triggers on "Name:" and "Password:", moves, looks, and the checks
# read the screen (tmux capture-pane, with escapes to see colour) and the
# files TinTin writes (#log of the session; #line log from its events).
#
#   sh tests/clients/tintin.sh [BUILD_DIR]
#
# Run alone, it starts a PostgreSQL cluster of its own through tests/run.sh
# (var/tintin-pg on port 5436, or KEEP_TINTIN_PG_DIR / KEEP_TINTIN_PG_PORT,
# so it never meets the Check run's 5434), which migrates it, loads the
# world and runs this script again inside (KEEP_TINTIN_INNER=1, with
# DATABASE_URL, KEEPD and KEEP_CONFIG set). `make test` runs it after the
# Check binary.
#
# Checked: the login through TinTin's triggers, the start room, the
# <N/Nhp> prompt, moving north and back with the room titles, look, that
# TinTin's log saw the same text, colour (SGR on the room title after
# `color on`), the GMCP Room.Info event firing (at login and after a move,
# with the new room's name) and MSSP answered over telnet to TinTin's DO
# MSSP.
#
# Exits 0 when every check passed, 1 (showing the screen, TinTin's files
# and keepd's log) when one failed; KEEP_TINTIN_TIMEOUT (120 s) bounds the
# whole run. Everything it started is stopped on exit.
set -eu

build=${1:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"

if [ -z "${KEEP_TINTIN_INNER:-}" ]; then
	KEEP_TINTIN_INNER=1 \
	KEEP_TEST_PG_PORT=${KEEP_TINTIN_PG_PORT:-5436} \
	KEEP_TEST_PG_DIR=${KEEP_TINTIN_PG_DIR:-var/tintin-pg} \
	    exec sh tests/run.sh "$build" tests/clients/tintin.sh
fi

tt=${KEEP_TINTIN:-/usr/games/tt++}
full=1
limit=${KEEP_TINTIN_TIMEOUT:-120}
who=tintin
client=$tt
. tests/clients/harness.sh

# What the screen, TinTin's files and keepd showed (on failure).
show() {
	echo "--- the TinTin++ screen (tmux capture-pane):" >&2
	tm capture-pane -p -J -S -1000 -t keep 2>/dev/null | grep -v '^$' \
	    | tail -60 >&2 || true
	for f in session.log gmcp.log mssp.log; do
		[ -s "$work/$f" ] || continue
		printf -- '--- %s (ESC shown as \\e):\n' "$f" >&2
		sed 's/\x1b/\\e/g' "$work/$f" | tail -40 >&2
	done
	echo "--- keepd's log:" >&2
	tail -20 "$work/keepd.log" >&2 2>/dev/null || true
}

# Wait until file holds pattern (grep -E) at least n times (1).
wait_file() {
	n=${3:-1}
	end=$(($(date +%s) + wait_s))
	while [ "$(date +%s)" -le "$end" ]; do
		c=$(grep -E -c -a -- "$2" "$1" 2>/dev/null || true)
		[ "${c:-0}" -ge "$n" ] && return 0
		sleep 0.2
	done
	return 1
}

harness_start

# A character to log in as, made over a plain socket (the dialog of
# docs/protocol.md); it waits for keepd to accept first.
name=Tin$(python3 -c 'import random, string;
print("".join(random.choice(string.ascii_lowercase) for _ in range(8)))')
password=tintin-pass-$$
python3 - "$port" "$name" "$password" <<'PY' || fail "could not create $name"
import socket, sys, time
port, name, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
end = time.time() + 15
while True:
    try:
        c = socket.create_connection(("127.0.0.1", port), timeout=15)
        break
    except OSError:
        if time.time() > end:
            sys.exit("keepd does not accept on %d" % port)
        time.sleep(0.1)
buf = b""
def want(s):
    global buf
    while s.encode() not in buf:
        d = c.recv(4096)
        if not d:
            sys.exit("closed; got %r" % buf)
        buf += d
    buf = buf[buf.index(s.encode()) + len(s):]
for ask, answer in (("Name: ", name), ("(yes/no) ", "yes"),
                    ("Choose a password: ", password),
                    ("Repeat the password: ", password)):
    want(ask)
    c.sendall(answer.encode() + b"\r\n")
want("Welcome, %s." % name)
c.sendall(b"quit\r\n")
c.settimeout(5)
try:
    while c.recv(4096):
        pass
except OSError:
    pass
PY

# TinTin's script: log in by triggers, take GMCP and MSSP as its docs
# say a script must (it answers neither offer by itself), log the session
# raw, and write a line for each Room.Info and MSSP variable.
cat >"$work/keep.tin" <<TIN
#config {LOG MODE} {RAW}
#action {^Name:} {$name}
#action {^Password:} {$password}
#event {SESSION CONNECTED} {#log overwrite {$work/session.log}}
#event {IAC WILL GMCP} {#send {\\xFF\\xFD\\xC9\\};#send {\\xFF\\xFA\\xC9Core.Supports.Set ["Room 1", "Char 1"]\\xFF\\xF0\\}}
#event {IAC SB GMCP Room.Info IAC SE} {#line log {$work/gmcp.log} {GMCP-ROOM %1}}
#event {IAC WILL MSSP} {#send {\\xFF\\xFD\\x46\\}}
#event {IAC SB MSSP} {#line log {$work/mssp.log} {MSSP %0=%1}}
#session keep 127.0.0.1 $port
TIN

tm new-session -d -s keep -x 160 -y 50 \
    "cd '$work' && HOME='$work' TERM=xterm-256color '$tt' -G '$work/keep.tin'"

wait_screen "Welcome back, $name\\." || fail "TinTin's triggers did not log $name in"
ok "logged in through #action on Name: and Password:"
wait_screen "^The Village Square *$" || fail "no start room after login"
ok "the start room (The Village Square) after login"
if [ "$full" = 1 ]; then
	wait_screen '<[0-9]+/[0-9]+hp>' || fail "no <hp> prompt"
	ok "the <N/Nhp> prompt"
else
	# Today's "> ", or the hp prompt once it is merged.
	wait_screen '^> |<[0-9]+/[0-9]+hp>' || fail "no prompt"
	ok "the prompt"
fi

type_line north
wait_screen "^Market Street *$" || fail "north did not reach Market Street"
ok "moved north: Market Street"
type_line look
wait_screen "^Market Street *$" 2 || fail "look did not show Market Street"
ok "look shows the room"
type_line south
wait_screen "^The Village Square *$" 2 || fail "south did not return"
ok "moved back south: The Village Square"
wait_file "$work/session.log" "Market Street" ||
    fail "TinTin's #log did not record the session"
ok "TinTin's #log has the session"

if [ "$full" = 1 ]; then
	type_line "color on"
	sleep 0.5
	type_line look
	wait_screen "^The Village Square *$" 3 || fail "look after color on"
	screen_esc | grep "The Village Square" | tail -1 |
	    grep -q "$(printf '\033')\\[" ||
	    fail "no SGR colour on the room title after color on"
	grep -a "The Village Square" "$work/session.log" | tail -1 |
	    grep -q "$(printf '\033')\\[" ||
	    fail "no SGR in the raw log's room title after color on"
	ok "colour: SGR on the room title after color on"
	wait_file "$work/gmcp.log" "GMCP-ROOM" 2 ||
	    fail "TinTin's GMCP Room.Info event did not fire at login and move"
	wait_file "$work/gmcp.log" "GMCP-ROOM.*Market Street" ||
	    fail "no Room.Info event naming Market Street after the move"
	ok "GMCP: TinTin's Room.Info event fired, with the new room"
	wait_file "$work/mssp.log" "MSSP PLAYERS=[0-9]+$" ||
	    fail "no MSSP PLAYERS from TinTin's DO MSSP"
	wait_file "$work/mssp.log" "MSSP NAME=" || fail "no MSSP NAME"
	ok "MSSP over telnet to TinTin's DO MSSP"
fi

type_line quit
wait_screen "SESSION 'keep' DIED" || fail "quit did not end the session"
ok "quit closes the connection"

echo "tintin: $passed checks passed (TinTin++ $(dpkg-query -W \
    -f='${Version}' tintin++ 2>/dev/null || echo '?'))"

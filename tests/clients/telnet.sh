#!/bin/sh
# telnet.sh — drive a real plain `telnet` (Debian's telnet package,
# /usr/bin/telnet) in a tmux of its own against keepd, as a player with no
# MUD client would: it creates a character through the login dialog, sees
# the start room and the prompt, moves, says something and quits, and the
# checks read the screen (tmux capture-pane, with -e to see any colour).
#
#   sh tests/clients/telnet.sh [BUILD_DIR]
#
# Run alone, it starts a PostgreSQL cluster of its own through tests/run.sh
# (var/telnet-pg on port 5437, or KEEP_TELNET_PG_DIR / KEEP_TELNET_PG_PORT),
# which migrates it, loads the world and runs this script again inside
# (KEEP_TELNET_INNER=1, with DATABASE_URL, KEEPD and KEEP_CONFIG set).
# `make test` runs it after tintin.sh.
#
# telnet runs with TERM=dumb: it answers keepd's DO TTYPE with WILL and
# sends "DUMB", which asks for no colour, so colour stays off under the
# default `color auto` (a terminal type such as xterm-256color would turn
# it on: that is by design, docs/protocol.md "Colour").  It refuses or
# ignores keepd's other offers (EOR, GMCP, MSSP, MCCP2, CHARSET).
#
# Checked: the login dialog (name, yes, the password twice) with the
# password never on the screen (keepd's IAC WILL ECHO turns telnet's local
# echo off), the welcome, the start room and the <N/Nhp> prompt, north to
# Market Street, "You say, 'hello'", not one ESC byte on the whole screen
# (capture-pane -e), and that quit closes the connection.
#
# Exits 0 when every check passed, 1 (showing the screen and keepd's log)
# when one failed; KEEP_TELNET_TIMEOUT (90 s) bounds the whole run.
# Everything it started is stopped on exit.
set -eu

build=${1:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"

if [ -z "${KEEP_TELNET_INNER:-}" ]; then
	KEEP_TELNET_INNER=1 \
	KEEP_TEST_PG_PORT=${KEEP_TELNET_PG_PORT:-5437} \
	KEEP_TEST_PG_DIR=${KEEP_TELNET_PG_DIR:-var/telnet-pg} \
	    exec sh tests/run.sh "$build" tests/clients/telnet.sh
fi

tn=${KEEP_TELNET:-/usr/bin/telnet}
limit=${KEEP_TELNET_TIMEOUT:-90}
who=telnet
client=$tn
. tests/clients/harness.sh

# What the screen and keepd showed (on failure), ESC shown as \e.
show() {
	echo "--- the telnet screen (tmux capture-pane -e, ESC as \\e):" >&2
	tm capture-pane -p -e -J -S -1000 -t keep 2>/dev/null | grep -v '^$' \
	    | sed 's/\x1b/\\e/g' | tail -60 >&2 || true
	echo "--- keepd's log:" >&2
	tail -20 "$work/keepd.log" >&2 2>/dev/null || true
}

harness_start

name=Tel$(python3 -c 'import random, string;
print("".join(random.choice(string.ascii_lowercase) for _ in range(8)))')
password=telnet-secret-$$

# telnet exits when keepd closes; the shell after it keeps the pane (and
# what telnet printed last) for the checks.
tm new-session -d -s keep -x 160 -y 50 \
    "TERM=dumb '$tn' localhost $port; echo TELNET-EXITED \$?; sleep 600"

wait_screen '^Name: ' || fail "no Name: prompt"
ok "the banner and Name: prompt"
type_line "$name"
wait_screen '\(yes/no\) ' || fail "no create question"
type_line yes
wait_screen 'Choose a password: ' || fail "no password prompt"
type_line "$password"
wait_screen 'Repeat the password: ' || fail "no second password prompt"
type_line "$password"
wait_screen "Welcome, $name\\." || fail "no welcome"
ok "created $name through the login dialog"
screen | grep -q -- "$password" &&
    fail "the password was echoed on the screen"
ok "the password never appeared on the screen (WILL ECHO)"
wait_screen "^The Village Square *$" || fail "no start room after login"
ok "the start room (The Village Square)"
wait_screen '<[0-9]+/[0-9]+hp>' || fail "no <hp> prompt"
ok "the <N/Nhp> prompt"

type_line north
wait_screen "^Market Street *$" || fail "north did not reach Market Street"
ok "moved north: Market Street"
type_line "say hello"
wait_screen "You say, 'hello'" || fail "no say"
ok "You say, 'hello'"
wait_screen "hp> *$" || fail "no prompt after the say"
# The whole scrollback with escapes kept: not one ESC from keepd.
if screen_esc | grep -q "$(printf '\033')"; then
	fail "an ESC byte (colour) reached a plain telnet with TERM=dumb"
fi
ok "no ESC byte anywhere on the screen (colour off by auto)"

type_line quit
wait_screen "^TELNET-EXITED" || fail "quit did not close the connection"
wait_screen "Connection closed by foreign host" ||
    fail "telnet did not see keepd close"
ok "quit closes the connection"

echo "telnet: $passed checks passed (telnet $(dpkg-query -W \
    -f='${Version}' telnet 2>/dev/null || echo '?'))"

#!/usr/bin/env bash
# End-to-end test of the Docker image and docker-compose.yml (`make
# compose-test`): build and start the stack under a private project name and
# a free published port, create a character over telnet, restart keepd, log
# the character back in and check that it is still there, then tear it all
# down.  Needs bash, coreutils and a Docker-compatible engine with
# docker-compose (v1) or `docker compose` (v2).  Without an engine it sets up
# the podman stack of ../shared/tools/containers (see CONTAINERS.md there)
# and stops it again at the end.
#
# Environment: KEEP_CT_TIMEOUT  seconds to wait for keepd to answer (120)
#              KEEP_CT_KEEP=1   leave the stack running on failure
cd "$(dirname "$0")/.." || exit 1
test_name=compose-test
project=keepct$$
compose_files=()
. tests/compose-lib.sh
timeout_s=${KEEP_CT_TIMEOUT:-120}

# The telnet session of the test, if one is open.
before_down() {
	session_close 2>/dev/null
}

# --- the container engine and free ports --------------------------------------

compose_engine
port=$(free_port) || fail "no free TCP port found"
http_port=$(free_port "$port") || fail "no free TCP port found"
export KEEP_PUBLISH_PORT=$port KEEP_HTTP_PUBLISH_PORT=$http_port

# --- a minimal telnet client in bash ----------------------------------------
#
# The connection is fd 3; a background cat appends everything the server sends
# to $raw.  expect() looks at the text after what earlier expects consumed,
# with telnet commands turned into readable tokens: IAC GA and IAC EOR become
# "<GA>", IAC WILL/WONT ECHO "<WILL ECHO>"/"<WONT ECHO>", anything else is
# dropped.

raw=
reader=
consumed=0

# Render the raw telnet stream as text plus tokens (on stdin → stdout).
telnet_text() {
	sed -e 's/\xff\xf9/<GA>/g; s/\xff\xef/<GA>/g' \
	    -e 's/\xff\xfb\x01/<WILL ECHO>/g; s/\xff\xfc\x01/<WONT ECHO>/g' \
	    -e 's/\xff\xfa[^\xff]*\xff\xf0//g' \
	    -e 's/\xff[\xfb-\xfe].//g; s/\xff[\xf0-\xfa]//g; s/\xff\xff/\xff/g' \
	    -e 's/\r//g'
}

# Open a connection to keepd; name the transcript file $1.
session_open() {
	raw=$work/$1.raw
	: >"$raw"
	consumed=0
	# A connect to a published port whose container is gone can hang
	# instead of being refused: try it under a timeout first.
	port_busy "$port" || return 1
	exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
	cat <&3 >>"$raw" &
	reader=$!
}

# Close the connection (if open) and stop its reader.
session_close() {
	exec 3>&- 3<&- 2>/dev/null
	if [ -n "$reader" ]; then
		kill "$reader" 2>/dev/null
		wait "$reader" 2>/dev/null
		reader=
	fi
}

# Send one line, CR LF terminated.
send() {
	printf '%s\r\n' "$1" >&3 2>/dev/null
}

# expect STRING [SECONDS]: wait for STRING in the not yet consumed output.
expect() {
	local want=$1 secs=${2:-15} text before end
	end=$((SECONDS + secs))
	while :; do
		text=$(telnet_text <"$raw" | tail -c +$((consumed + 1)))
		if [[ $text == *"$want"* ]]; then
			before=${text%%"$want"*}
			consumed=$((consumed + ${#before} + ${#want}))
			return 0
		fi
		if [ "$SECONDS" -ge "$end" ]; then
			printf 'expected "%s" within %ss; got:\n' "$want" "$secs"
			printf '%s\n' "$text" | sed 's/^/    | /'
			return 1
		fi
		sleep 0.1
	done
}

# must_expect STRING [SECONDS] WHAT: expect or fail the test.
must_expect() {
	expect "$1" "$2" || fail "$3"
}

# Wait until the server has closed the connection (reader sees EOF).
expect_closed() {
	local end=$((SECONDS + ${1:-10}))
	while kill -0 "$reader" 2>/dev/null; do
		[ "$SECONDS" -ge "$end" ] && return 1
		sleep 0.1
	done
	wait "$reader" 2>/dev/null
	reader=
	return 0
}

# Wait (bounded) until keepd answers on the published port with its Name: prompt.
wait_for_keepd() {
	local what=$1 t0=$SECONDS end=$((SECONDS + timeout_s))
	while [ "$SECONDS" -lt "$end" ]; do
		if session_open probe 2>/dev/null && expect "Name: " 3 >/dev/null; then
			session_close
			pass "$what: keepd answers with Name: on port $port after $((SECONDS - t0))s"
			return 0
		fi
		session_close
		sleep 1
	done
	fail "$what: keepd did not answer with Name: on 127.0.0.1:$port within ${timeout_s}s"
}

# --- the test ---------------------------------------------------------------

say "project $project, published port $port, work dir $work"
stack_start "the stack"
wait_for_keepd "start"

# The HTTP port, published on the host's loopback: /readyz answers 200 once
# keepd is ready (the healthcheck asks the same inside the container).
http_status() {
	local line
	exec 4<>"/dev/tcp/127.0.0.1/$http_port" || return 1
	printf 'GET %s HTTP/1.0\r\n\r\n' "$1" >&4
	IFS= read -r -t 5 line <&4
	exec 4<&- 4>&-
	line=${line#* }
	echo "${line%% *}"
}
code=
for _ in $(seq 1 30); do
	code=$(http_status /readyz 2>/dev/null) && [ "$code" = 200 ] && break
	sleep 1
done
[ "$code" = 200 ] || fail "GET /readyz on 127.0.0.1:$http_port answered '$code', not 200"
pass "GET /readyz on the published HTTP port 127.0.0.1:$http_port: 200"

letters=abcdefghijklmnopqrstuvwxyz
name=Ct
for _ in 1 2 3 4 5 6 7 8; do name+=${letters:RANDOM % 26:1}; done
password=Pw$RANDOM${letters:RANDOM % 26:1}$RANDOM${letters:RANDOM % 26:1}
say "character $name"

# New character: create it, check score, quit.
session_open create || fail "cannot connect to 127.0.0.1:$port"
must_expect "Name: <GA>" 15 "no Name: prompt ending in IAC GA"
send "$name"
must_expect "Create a new character named" 15 "unknown name $name did not offer to create a character"
must_expect "(yes/no) " 5 "no (yes/no) question"
send yes
must_expect "Choose a password: " 15 "no 'Choose a password:' prompt"
grep -q $'\xff\xfb\x01' "$raw" || fail "password prompt not preceded by IAC WILL ECHO"
send "$password"
must_expect "Repeat the password: " 15 "no 'Repeat the password:' prompt"
send "$password"
must_expect "> <GA>" 30 "no command prompt '> ' + IAC GA after creating $name"
grep -q $'\xff\xfc\x01' "$raw" || fail "echo not given back with IAC WONT ECHO after the password"
pass "created character $name"
send score
must_expect "Coins: 100" 15 "score of a new character does not show 'Coins: 100'"
must_expect "> <GA>" 15 "no prompt after score"
pass "score of $name shows Coins: 100"
send quit
must_expect "Goodbye" 15 "quit did not say Goodbye"
expect_closed 10 || fail "connection not closed after quit"
session_close
pass "quit closed the connection"

say "restarting keepd"
t0=$SECONDS
"${compose[@]}" restart keepd >"$work/restart.log" 2>&1 ||
    { cat "$work/restart.log"; fail "docker-compose restart keepd failed"; }
pass "docker-compose restart keepd took $((SECONDS - t0))s"
wait_for_keepd "restart"

# Existing character: it must survive the restart.
session_open login || fail "cannot connect to 127.0.0.1:$port after restart"
must_expect "Name: <GA>" 15 "no Name: prompt after restart"
send "$name"
if ! expect "Password: " 15; then
	grep -q "Create a new character" <(telnet_text <"$raw") &&
	    fail "$name was forgotten across the restart (offered to create it again)"
	fail "no Password: prompt for existing character $name"
fi
send "$password"
must_expect "> <GA>" 30 "no command prompt after logging $name in again"
pass "logged $name in again after the restart"
send score
must_expect "Coins: 100" 15 "score after restart does not show 'Coins: 100'"
must_expect "> <GA>" 15 "no prompt after score"
pass "score after restart shows Coins: 100"
send quit
must_expect "Goodbye" 15 "quit did not say Goodbye"
expect_closed 10 || fail "connection not closed after quit"
session_close
pass "quit closed the connection"

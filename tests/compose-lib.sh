# What tests/compose-test.sh and tests/cluster-test.sh share (sourced by
# bash, from the repository's root): the messages, a work directory and the
# EXIT trap that tears the project down (with its state and logs on
# failure), finding docker-compose v1 or `docker compose` v2 and an engine
# that answers (setting up the podman stack of ../shared/tools/containers
# when none does), and free ports.  The caller sets test_name, project and
# compose_files (extra arguments, e.g. (-f FILE), or empty) before sourcing,
# sets stack_up=1 when it runs `up`, and may define before_down (run first
# by the trap) and after_down (run after the tear-down with the status).

set -uo pipefail
export LC_ALL=C
root=$(pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/keep-$test_name.XXXXXX") || exit 1
t_start=$SECONDS
failed=0
stack_up=0
up_failed=0

say()  { printf '%s: %s\n' "$test_name" "$*"; }
pass() { printf 'PASS: %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*"; failed=1; exit 1; }

# The EXIT trap: hooks, tear-down, the verdict with the time taken.
finish() {
	local rc=$?
	[ "$failed" = 1 ] && rc=1
	declare -F before_down >/dev/null && before_down
	stack_rc=$rc
	stack_down
	rc=$stack_rc
	declare -F after_down >/dev/null && after_down "$rc"
	if [ "$rc" = 0 ]; then
		rm -rf "$work"
		printf 'PASS: %s (%ds)\n' "$test_name" $((SECONDS - t_start))
	else
		[ "$up_failed" = 1 ] && { say "--- tail of the build/up log ---"; tail -40 "$work/up.log"; }
		printf 'FAIL: %s (%ds); files kept in %s\n' "$test_name" \
		    $((SECONDS - t_start)) "$work"
	fi
	exit "$rc"
}
trap finish EXIT
trap 'failed=1; exit 1' INT TERM HUP

tool=
started_tool=
compose=()

# Pick docker-compose v1 or `docker compose` v2.
find_compose() {
	if command -v docker-compose >/dev/null 2>&1; then
		compose=(docker-compose -p "$project" "${compose_files[@]}")
	elif command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
		compose=(docker compose -p "$project" "${compose_files[@]}")
	else
		return 1
	fi
}

# Whether an engine answers (docker CLI if there is one, else through compose).
engine_ok() {
	if command -v docker >/dev/null 2>&1; then
		docker info >/dev/null 2>&1
	else
		[ "${#compose[@]}" -gt 0 ] && "${compose[@]}" ps >/dev/null 2>&1
	fi
}

# Find compose and an engine; without one, set up and start the containers
# tool (remembering to stop it again if this test started it).
compose_engine() {
	local t state env_out
	find_compose
	if ! engine_ok; then
		for t in "${KEEP_CONTAINERS_TOOL:-}" "$root/../shared/tools/containers" \
		    "$root/../../shared/tools/containers"; do
			[ -n "$t" ] && [ -f "$t" ] && { tool=$t; break; }
		done
		[ -n "$tool" ] || fail "no container engine answers (docker info failed)" \
		    "and no containers tool at $root/../shared/tools/containers"
		say "no engine answers; setting up $tool (log: $work/setup.log)"
		sh "$tool" setup >"$work/setup.log" 2>&1 ||
		    { tail -30 "$work/setup.log"; fail "containers setup failed"; }
		state=${CTR_STATE:-/run/ctr-compat}
		if ! { [ -f "$state/service.pid" ] && kill -0 "$(cat "$state/service.pid")" 2>/dev/null; }; then
			started_tool=1
		fi
		env_out=$(sh "$tool" start) || fail "containers start failed"
		eval "$env_out"
		export DOCKER_HOST
		find_compose || fail "no docker-compose or 'docker compose' after setup"
		engine_ok || fail "the container engine still does not answer after setup" \
		    "(DOCKER_HOST=${DOCKER_HOST:-unset})"
	fi
	[ "${#compose[@]}" -gt 0 ] || fail "neither docker-compose nor 'docker compose' is installed"
	pass "container engine answers (${compose[0]}${DOCKER_HOST:+, DOCKER_HOST=$DOCKER_HOST})"
}

# Build and start the project ($1 names it in the message), the output in
# $work/up.log.
stack_start() {
	local t0=$SECONDS
	say "building and starting $1 (log: $work/up.log)"
	stack_up=1
	"${compose[@]}" up --build -d >"$work/up.log" 2>&1 ||
	    { up_failed=1; fail "docker-compose up --build -d failed"; }
	pass "docker-compose up --build -d took $((SECONDS - t0))s"
}

# True if something accepts connections on 127.0.0.1:$1.
port_busy() {
	timeout 2 bash -c "exec 9<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

# Print a free TCP port, none of those given as arguments.
free_port() {
	local p taken
	for _ in $(seq 1 50); do
		p=$((14000 + RANDOM % 20000))
		for taken in "$@"; do
			[ "$p" = "$taken" ] && continue 2
		done
		if command -v ss >/dev/null 2>&1; then
			ss -Htln "sport = :$p" 2>/dev/null | grep -q . && continue
		fi
		port_busy "$p" && continue
		echo "$p"
		return 0
	done
	return 1
}

# Tear the project down (after its state and logs if $stack_rc is not 0,
# or leave it running with KEEP_CT_KEEP=1), then stop the containers tool
# if this test started it.  A failed `down` sets stack_rc to 1.
stack_down() {
	if [ "$stack_up" = 1 ]; then
		if [ "$stack_rc" != 0 ]; then
			say "--- docker-compose ps ---"
			"${compose[@]}" ps 2>&1
			say "--- docker-compose logs (last 200 lines per service) ---"
			"${compose[@]}" logs --no-color --tail=200 2>&1
			say "--- end of logs ---"
		fi
		if [ "$stack_rc" != 0 ] && [ "${KEEP_CT_KEEP:-}" = 1 ]; then
			say "KEEP_CT_KEEP=1: leaving project $project running;" \
			    "remove it with: ${compose[*]} down -v"
		else
			say "tearing down project $project"
			"${compose[@]}" down -v --remove-orphans >"$work/down.log" 2>&1 ||
			    { cat "$work/down.log"; stack_rc=1; }
		fi
	fi
	if [ -n "$started_tool" ]; then
		say "stopping the container stack this test started"
		sh "$tool" stop || true
	fi
}

#!/usr/bin/env bash
# End-to-end test of the cluster (`make cluster-test`): build and start
# config/cluster/docker-compose.yml (PostgreSQL, keepd1..3, HAProxy,
# Prometheus) under a private project name with free published ports, then
# run tests/cluster/scenarios.py against it: players on two keepd hear each
# other, one session per character across the cluster, the ticker runs once,
# a SIGKILLed keepd's players are back within 2 s with everything they were
# told, a rolling restart under load loses no acknowledged command and never
# leaves the world unreachable, Prometheus scrapes all three; and `users`
# shows each player's own address (HAProxy's PROXY header), not HAProxy's.
# Tears it all down.  Needs bash, python3 and a Docker-compatible engine with
# docker-compose (v1) or `docker compose` (v2); without an engine it sets up
# the podman stack of ../shared/tools/containers (see CONTAINERS.md there)
# and stops it again at the end.
#
# Environment: KEEP_CT_TIMEOUT  seconds to wait for the cluster to answer (180)
#              KEEP_CT_KEEP=1   leave the stack running on failure
cd "$(dirname "$0")/.." || exit 1
test_name=cluster-test
project=keepcl$$
compose_files=(-f config/cluster/docker-compose.yml)
. tests/compose-lib.sh
timeout_s=${KEEP_CT_TIMEOUT:-180}

# Private image tags, so that another test's build of keep:latest cannot
# swap the image under this one; removed at the end (the layers stay cached).
export KEEP_IMAGE=$project-keepd:latest
export KEEP_HAPROXY_IMAGE=$project-haproxy:latest
export KEEP_PROMETHEUS_IMAGE=$project-prometheus:latest
# config/cluster/keep.json with max_new_characters_per_address lifted: the
# test creates its characters from one address (tests/cluster/keep.json).
export KEEP_CLUSTER_CONFIG=$PWD/tests/cluster/keep.json

# Remove the private tags unless the stack was left running.
after_down() {
	[ "$stack_up" = 1 ] && command -v docker >/dev/null 2>&1 || return 0
	[ "$1" != 0 ] && [ "${KEEP_CT_KEEP:-}" = 1 ] && return 0
	docker rmi "$KEEP_IMAGE" "$KEEP_HAPROXY_IMAGE" \
	    "$KEEP_PROMETHEUS_IMAGE" >/dev/null 2>&1
	return 0
}

command -v python3 >/dev/null 2>&1 || fail "python3 is needed for the clients"
compose_engine
command -v docker >/dev/null 2>&1 ||
    fail "the docker CLI is needed (docker kill, stop, exec)"

port=$(free_port) || fail "no free TCP port found"
stats_port=$(free_port "$port") || fail "no free TCP port found"
prom_port=$(free_port "$port" "$stats_port") || fail "no free TCP port found"
export KEEP_PUBLISH_PORT=$port KEEP_HAPROXY_STATS_PORT=$stats_port \
    KEEP_PROMETHEUS_PORT=$prom_port

say "project $project; telnet (HAProxy) on $port, HAProxy stats on" \
    "$stats_port, Prometheus on $prom_port; work dir $work"
stack_start "the cluster"

# HAProxy answers with a keepd's Name: prompt once one keepd is ready.
t0=$SECONDS
name_prompt() {
	local text
	exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
	IFS= read -r -t 2 -d ':' text <&3
	exec 3<&- 3>&-
	[[ $text == *Name ]]
}
until timeout 3 bash -c "$(declare -f name_prompt); port=$port; name_prompt" \
    2>/dev/null; do
	[ $((SECONDS - t0)) -ge "$timeout_s" ] &&
	    fail "no Name: through HAProxy on 127.0.0.1:$port within ${timeout_s}s"
	sleep 1
done
pass "HAProxy answers with Name: on port $port after $((SECONDS - t0))s"

KEEP_CL_PORT=$port KEEP_CL_STATS_PORT=$stats_port KEEP_CL_PROM_PORT=$prom_port \
    KEEP_CL_PROJECT=$project python3 -B "$root/tests/cluster/scenarios.py" ||
    fail "cluster scenarios failed (above)"

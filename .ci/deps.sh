#!/bin/sh
# Check that Keep's build and test dependencies are installed; as root with
# apt-get, install the missing ones, otherwise print the exact command and
# fail.  Used by the Makefile, .ci/run and the Dockerfile alike.
#
#   .ci/deps.sh          build + test dependencies (PostgreSQL server, and
#                        clang for the fuzz targets, too)
#   .ci/deps.sh build    only what compiling keepd needs
#   .ci/deps.sh runtime  only the shared libraries keepd links against
#   .ci/deps.sh bench    build + test (make bench's report is python3 too)
set -eu

mode=${1:-all}

build_pkgs="gcc libc6-dev make pkg-config libpq-dev libevent-dev libjansson-dev libsodium-dev libunistring-dev check zlib1g-dev"
runtime_pkgs="libpq5 libevent-2.1-7 libevent-pthreads-2.1-7 libjansson4 libsodium23 libunistring2 zlib1g"
# clang and its runtime (libFuzzer, sanitizers) build make test's fuzz run;
# python3 runs bench/drift.py (the bench suite) and bench/report.py;
# tmux and tintin++ run the real TinTin++ client (tests/clients/tintin.sh);
# chromium and python3-websocket the dashboard's browser test
# (tests/web/dashboard.sh).
test_pkgs="postgresql postgresql-client util-linux procps clang libclang-rt-14-dev python3 tmux tintin++ telnet chromium python3-websocket"

case $mode in
build)   want=$build_pkgs ;;
runtime) want=$runtime_pkgs ;;
all)     want="$build_pkgs $test_pkgs" ;;
bench)   want="$build_pkgs $test_pkgs" ;;
*)       echo "usage: $0 [all|build|runtime|bench]" >&2; exit 2 ;;
esac

missing=
for p in $want; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing="$missing $p"
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "deps: installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	# A fresh machine has no package lists yet; refresh them once.
	if ! apt-get install -y -q --no-install-recommends $missing >/dev/null 2>&1; then
		apt-get update -q >/dev/null
		apt-get install -y -q --no-install-recommends $missing
	fi
	exit 0
fi

echo "deps: missing packages:$missing" >&2
echo "deps: install them with: sudo apt-get install -y$missing" >&2
exit 1

#!/bin/sh
# Run every libFuzzer target (docs/fuzzing.md) for a while.
#
#   sh tests/fuzz/run.sh BUILD_DIR SECONDS          make test: a short run
#   sh tests/fuzz/run.sh BUILD_DIR SECONDS merge    make fuzz: a long run,
#                                                   then merge the corpus
#
# Each target starts from its corpus in tests/fuzz/corpus/NAME; what it
# finds new goes to BUILD_DIR/corpus-NAME, and only a merge copies some of
# it into the repository: -merge=1 with -use_counters=0 keeps an input only
# if it reaches an edge or a comparison the corpus does not, so the corpus
# stays small (hit counts are found again within seconds).  A
# crash, leak, sanitizer report, hang (-timeout) or runaway memory fails
# the run: the log's tail and the saved input are printed.
set -eu

build=$1
secs=$2
mode=${3:-}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"

# Leak checks on; any sanitizer report is fatal and goes through libFuzzer.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"

rc=0
for name in telnet cmdline; do
	bin=$build/fuzz-$name
	seeds=tests/fuzz/corpus/$name
	work=$build/corpus-$name
	art=$build/artifacts/$name
	log=$build/fuzz-$name.log
	dict=
	[ -f "tests/fuzz/$name.dict" ] && dict="-dict=tests/fuzz/$name.dict"
	rm -rf "$work" "$art"
	mkdir -p "$work" "$art" "$seeds"
	before=$(ls "$seeds" | wc -l)

	set +e
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -max_len=4096 -detect_leaks=1 -print_final_stats=1 \
	    -artifact_prefix="$art/" $dict "$work" "$seeds" >"$log" 2>&1
	st=$?
	set -e
	if [ $st -ne 0 ]; then
		echo "fuzz $name: FAILED (exit $st); the end of $log:" >&2
		tail -n 60 "$log" >&2
		ls "$art"/* 2>/dev/null | sed 's/^/fuzz: input saved as /' >&2
		rc=1
		continue
	fi

	# "#N DONE cov: C ft: F corp: K/... exec/s: E rss: ..."
	done_line=$(grep 'DONE' "$log" | tail -n 1)
	runs=$(echo "$done_line" | sed -n 's/^#\([0-9]*\).*/\1/p')
	cov=$(echo "$done_line" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$done_line" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	eps=$(echo "$done_line" | sed -n 's/.* exec\/s: \([0-9]*\).*/\1/p')
	added=
	if [ "$mode" = merge ]; then
		"$bin" -merge=1 -use_counters=0 "$seeds" "$work" >>"$log" 2>&1
		added=", $(( $(ls "$seeds" | wc -l) - before )) inputs merged"
	fi
	echo "fuzz $name: ${secs}s, ${runs:-?} runs (${eps:-?}/s)," \
	    "cov ${cov:-?} ft ${ft:-?}, corpus $before$added: ok"
done
exit $rc

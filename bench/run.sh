#!/bin/sh
# make bench: measure keepd against its ceiling, PostgreSQL running the same
# statements with no server in between (docs/performance.md).
#
#   sh bench/run.sh BUILD_DIR
#
# Self-contained, like tests/run.sh: a private PostgreSQL cluster
# (var/bench-pg on port 5436, deleted at the end), the world loaded, keepd
# with bench/keep-bench.json on a free port, then every scenario below with
# BUILD_DIR/keep-bench as the load and pgbench (bench/*.sql) as the ceiling.
# Prints progress, then one table, the statements and round trips each
# command costs, and a PASS/MISS line per target; the same text goes to
# var/bench/last.txt, the raw outputs (keep-bench JSON, pgbench, logs) to
# var/bench/.  This is a benchmark, not a test: it exits 0 when it ran,
# whatever the numbers.
#
# Environment: BENCH_DURATION (measured seconds per run, 10),
# BENCH_WARMUP (2), BENCH_SCENARIOS (which to run; default all:
# "logins throughput scaling latency crowd idle"), BENCH_MIXES (the
# throughput scenario's mixes; default "look move say give mixed"),
# KEEP_BENCH_PG_DIR, KEEP_BENCH_PG_PORT.
set -eu

build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

dir=${KEEP_BENCH_PG_DIR:-var/bench-pg}
pgport=${KEEP_BENCH_PG_PORT:-5436}
out=var/bench
last=$out/last.txt
DUR=${BENCH_DURATION:-10}
WARM=${BENCH_WARMUP:-2}
SCENARIOS=${BENCH_SCENARIOS:-logins throughput scaling latency crowd idle}
KEEPD=$top/$build/keepd
KB=$top/$build/keep-bench
CONF=$top/bench/keep-bench.json
PW=benchpass1
MIX=look=40,move=20,say=15,score=10,give=10,who=5
NPG=500			# pgbench's characters: as many as the most bots online
FAKE=00000000-0000-0000-0000-0000000b0001	# their "instance"

kpid='' gpid='' bpid='' url=''
MEASURE=1
started=$(awk '{ print $1 }' /proc/uptime)

# ---------------------------------------------------------------- helpers

# Print a line and keep it in last.txt.
say() {
	printf '%s\n' "$*"
	printf '%s\n' "$*" >>"$last"
}

die() {
	say "bench: $*"
	exit 1
}

# psql: one query, unaligned, tuples only.
q() {
	psql -XqAt -v ON_ERROR_STOP=1 "$url" -c "$1"
}

now() {
	awk '{ print $1 }' /proc/uptime
}

# CPU ticks (user + system) of one process; 0 when it is gone.
ticks() {
	sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $12 + $13 }' ||
	    echo 0
}

# CPU ticks of the postmaster and all its children (the backends).
pg_ticks() {
	pm=$(head -1 "$(readlink -f "$dir/data")/postmaster.pid" 2>/dev/null ||
	    echo 0)
	cat /proc/[0-9]*/stat 2>/dev/null | awk -v pm="$pm" '{
		pid = $1; sub(/.*\) /, "")
		if (pid == pm || $2 == pm) s += $12 + $13
	} END { print s + 0 }'
}

# CPU ticks the whole machine was busy (steal included: a neighbour's).
host_ticks() {
	awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat
}

rss_kb() {
	awk '/^VmRSS/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0
}

hwm_kb() {
	awk '/^VmHWM/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0
}

HZ=$(getconf CLK_TCK 2>/dev/null || echo 100)

# Per cent of one core: pct TICKS_BEFORE TICKS_AFTER T_BEFORE T_AFTER
pct() {
	awk -v a="$1" -v b="$2" -v s="$3" -v e="$4" -v hz="$HZ" \
	    'BEGIN { d = e - s; printf "%.1f", (d > 0 ? (b - a) / hz / d * 100 : 0) }'
}

# other HOST% K0 K1 P0 P1 G0 G1 T0 T1: the machine's busy per cent minus
# keepd's, PostgreSQL's and the load generator's.
other() {
	awk -v h="$1" -v k="$(($3 - $2))" -v p="$(($5 - $4))" -v g="$(($7 - $6))" \
	    -v s="$8" -v e="$9" -v hz="$HZ" 'BEGIN {
		d = e - s
		o = h - (d > 0 ? (k + p + g) / hz / d * 100 : 0)
		printf "%.0f", (o < 0 ? 0 : o)
	}'
}

# Whether some socket uses TCP port $1 (state $2, e.g. 0A = listening).
port_used() {
	awk -v p="$(printf '%04X' "$1")" -v st="${2:-}" 'NR > 1 {
		n = split($2, a, ":")
		if (a[n] == p && (st == "" || $4 == st)) f = 1
	} END { exit !f }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

free_port() {
	p=$((20000 + $$ % 20000))
	while port_used "$p"; do
		p=$((p + 1))
	done
	echo "$p"
}

# Flatten a JSON file into "dotted.key value" lines (python3, else jq).
flatten() {
	if command -v python3 >/dev/null 2>&1; then
		python3 - "$1" <<'PY' 2>/dev/null || true
import json, sys
def walk(p, v):
    if isinstance(v, dict):
        for k, x in v.items():
            walk(p + [str(k)], x)
    elif isinstance(v, list):
        for i, x in enumerate(v):
            walk(p + [str(i)], x)
    else:
        print(".".join(p), v)
walk([], json.load(open(sys.argv[1])))
PY
	elif command -v jq >/dev/null 2>&1; then
		jq -r 'paths(scalars) as $p |
		    "\($p | map(tostring) | join(".")) \(getpath($p))"' \
		    "$1" 2>/dev/null || true
	fi
}

# A number rounded, or ? when there is none.
int() {
	awk -v v="${1:-}" 'BEGIN { if (v == "") print "?"; else printf "%.0f", v }'
}

# kv FILE KEY: a value from a flattened file (empty if absent).
kv() {
	awk -v k="$2" '$1 == k { sub(/^[^ ]* /, ""); print; exit }' \
	    "$1" 2>/dev/null || true
}

# --------------------------------------------------- keepd and the cluster

cleanup() {
	set +e
	for p in $gpid $bpid; do
		kill "$p" 2>/dev/null
	done
	if [ -n "$kpid" ]; then
		stop_keepd
	fi
	cp "$dir/postgres.log" "$out/postgres.log" 2>/dev/null
	db/pg.sh destroy "$dir" >/dev/null 2>&1
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_keepd CONFIG: start keepd in the background, wait until it listens.
start_keepd() {
	KEEP_CONFIG=$1 DATABASE_URL=$url KEEP_PORT=$kport \
	    "$KEEPD" serve >>"$out/keepd.log" 2>&1 &
	kpid=$!
	i=0
	until port_used "$kport" 0A; do
		if ! kill -0 "$kpid" 2>/dev/null; then
			tail -20 "$out/keepd.log"
			kpid=
			die "keepd did not start"
		fi
		i=$((i + 1))
		[ $i -lt 300 ] || die "keepd does not listen on $kport"
		sleep 0.1
	done
}

stop_keepd() {
	kill -TERM "$kpid" 2>/dev/null || true
	i=0
	while kill -0 "$kpid" 2>/dev/null && [ $i -lt 200 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -KILL "$kpid" 2>/dev/null || true
	wait "$kpid" 2>/dev/null || true
	kpid=
}

online() {
	q "SELECT count(*) FROM characters WHERE session_instance IS NOT NULL
	    AND name LIKE '$1%'"
}

# Wait until no character is online (the last run's logouts are done).
wait_offline() {
	i=0
	while [ "$(online '')" -gt 0 ] && [ $i -lt 300 ]; do
		sleep 0.2
		i=$((i + 1))
	done
}

# Before every measured run: no checkpoint or vacuum debt from the last.
settle() {
	q "CHECKPOINT" >/dev/null
	q "VACUUM (ANALYZE) characters, items, rooms, exits" >/dev/null
}

# ------------------------------------------------------------ keep-bench

# kb NAME BOTS PREFIX [keep-bench options]: run keep-bench; meanwhile
# measure keepd's and PostgreSQL's CPU over its measured window (from the
# moment its bots are all online, plus the warm-up and a second, for
# DUR - 2 seconds) and keepd's RSS at the end of it.  Leaves NAME.json,
# NAME.kv (flattened), NAME.log (its stderr) and NAME.cpu.
kb() {
	kb_name=$1 kb_bots=$2 kb_prefix=$3
	shift 3
	wait_offline
	settle
	kb_t0=$(now) kb_k0=$(ticks "$kpid") kb_p0=$(pg_ticks)
	kb_h0=$(host_ticks)
	"$KB" --host 127.0.0.1 --port "$kport" --bots "$kb_bots" \
	    --prefix "$kb_prefix" --password "$PW" --json "$@" \
	    >"$out/$kb_name.json" 2>"$out/$kb_name.log" &
	gpid=$!
	if [ "$MEASURE" = 1 ]; then
		measure "$kb_bots" "$kb_prefix" "$gpid" "$((WARM + 1))" \
		    "$((DUR - 2))" >"$out/$kb_name.cpu"
	fi
	kb_rc=0
	wait "$gpid" || kb_rc=$?
	gpid=
	if [ "$MEASURE" != 1 ]; then
		# The whole run (keep-bench's own CPU is lost with it).
		kb_t1=$(now) kb_k1=$(ticks "$kpid") kb_p1=$(pg_ticks)
		kb_h1=$(host_ticks)
		echo "$(pct "$kb_k0" "$kb_k1" "$kb_t0" "$kb_t1")" \
		    "$(pct "$kb_p0" "$kb_p1" "$kb_t0" "$kb_t1") -" \
		    "$(rss_kb "$kpid") $(other \
		    "$(pct "$kb_h0" "$kb_h1" "$kb_t0" "$kb_t1")" "$kb_k0" \
		    "$kb_k1" "$kb_p0" "$kb_p1" 0 0 "$kb_t0" "$kb_t1")" \
		    >"$out/$kb_name.cpu"
	fi
	flatten "$out/$kb_name.json" >"$out/$kb_name.kv"
	if [ $kb_rc -ne 0 ] || [ ! -s "$out/$kb_name.kv" ]; then
		say "  $kb_name: keep-bench exited with status $kb_rc; see $out/$kb_name.log"
		tail -3 "$out/$kb_name.log" | sed 's/^/    /'
	fi
	return 0
}

# measure BOTS PREFIX PID DELAY SECONDS: print "keepd% pg% gen% rss_kb
# other%" (other%: what the rest of the machine used meanwhile).
measure() {
	m_last=-1 m_still=0
	while :; do
		kill -0 "$3" 2>/dev/null || { echo "- - - $(rss_kb "$kpid") -"; return; }
		m_n=$(online "$2")
		[ "$m_n" -ge "$1" ] && break
		if [ "$m_n" -gt 0 ] && [ "$m_n" -eq "$m_last" ]; then
			m_still=$((m_still + 1))
			# Logins stalled (some failed): the run goes on without them.
			[ $m_still -ge 15 ] && break
		else
			m_still=0
		fi
		m_last=$m_n
		sleep 0.2
	done
	sleep "$4"
	m_t0=$(now) m_k0=$(ticks "$kpid") m_p0=$(pg_ticks) m_g0=$(ticks "$3")
	m_h0=$(host_ticks)
	sleep "$5"
	m_t1=$(now) m_k1=$(ticks "$kpid") m_p1=$(pg_ticks) m_g1=$(ticks "$3")
	m_h1=$(host_ticks)
	if ! kill -0 "$3" 2>/dev/null; then
		# keep-bench ended first: the window is not all inside its run.
		echo "- - - $(rss_kb "$kpid") -"
		return
	fi
	echo "$(pct "$m_k0" "$m_k1" "$m_t0" "$m_t1")" \
	    "$(pct "$m_p0" "$m_p1" "$m_t0" "$m_t1")" \
	    "$(pct "$m_g0" "$m_g1" "$m_t0" "$m_t1") $(rss_kb "$kpid")" \
	    "$(other "$(pct "$m_h0" "$m_h1" "$m_t0" "$m_t1")" "$m_k0" "$m_k1" \
	    "$m_p0" "$m_p1" "$m_g0" "$m_g1" "$m_t0" "$m_t1")"
}

# --------------------------------------------------------------- pgbench

# pg_online N: put the first N of pgbench's characters online, where the
# scripts expect them (the others stay offline).
pg_online() {
	q "BEGIN;
	INSERT INTO instances (id, host, pid, seen_at)
	    VALUES ('$FAKE', 'pgbench', 0, now() + interval '1 day');
	UPDATE characters SET session_instance = '$FAKE', session_id = id,
	    room_id = CASE WHEN id BETWEEN $wlo AND $wlo + 7 THEN $wfrom
	        ELSE $rlo + ((id - $plo) / 2) % $nr END,
	    coins = CASE WHEN id BETWEEN $plo AND $plo + 15
	        AND (id - $plo) % 2 = 0 THEN 1000000000 ELSE 100 END
	    WHERE id BETWEEN $plo AND $plo + $1 - 1;
	COMMIT" >/dev/null
}

# Offline again (the instance's foreign key clears their sessions).
pg_offline() {
	q "DELETE FROM instances WHERE id = '$FAKE'" >/dev/null
}

# pgb NAME ONLINE SCRIPT...: pgbench at keepd's concurrency for DUR
# seconds, with ONLINE characters online as keepd had bots (at least the
# 24 the scripts use by id: 8 givers, 8 receivers, 8 walkers); leaves
# NAME.pgbench and NAME.cpu ("keepd% pg% pgbench% - other%").
pgb() {
	pb_name=$1 pb_on=$2
	shift 2
	[ "$pb_on" -ge 24 ] || pb_on=24
	for f in "$@"; do
		set -- "$@" -f "bench/$f"
		shift
	done
	wait_offline
	pg_online "$pb_on"
	settle
	pgbench -n -M prepared -c "$workers" -j 2 -T "$DUR" \
	    -D lo="$plo" -D n="$pb_on" -D rlo="$rlo" -D nr="$nr" -D none=0 \
	    -D glo="$plo" -D wlo="$wlo" -D m=0 -D amount=1 \
	    -D wfrom="$wfrom" -D wto="$wto" -D wdir="$wdir" -D wback="$wback" \
	    -D "go_leave=Pgbaa leaves $wdir." \
	    -D "go_arrive=Pgbaa arrives from $warr." \
	    -D "back_leave=Pgbaa leaves $wback." \
	    -D "back_arrive=Pgbaa arrives from $wbarr." \
	    -D "say_text=Pgbaa says, 'Fine weather for a walk today.'" \
	    -D rate=1000000 \
	    -D "give_text=Pgbaa gives you 1 coin." \
	    $to_names "$@" "$url" >"$out/$pb_name.pgbench" 2>&1 &
	bpid=$!
	sleep 1
	pb_t0=$(now) pb_k0=$(ticks "$kpid") pb_p0=$(pg_ticks)
	pb_g0=$(ticks "$bpid") pb_h0=$(host_ticks)
	sleep "$((DUR - 2))"
	pb_t1=$(now) pb_k1=$(ticks "$kpid") pb_p1=$(pg_ticks)
	pb_g1=$(ticks "$bpid") pb_h1=$(host_ticks)
	echo "$(pct "$pb_k0" "$pb_k1" "$pb_t0" "$pb_t1")" \
	    "$(pct "$pb_p0" "$pb_p1" "$pb_t0" "$pb_t1")" \
	    "$(pct "$pb_g0" "$pb_g1" "$pb_t0" "$pb_t1") -" \
	    "$(other "$(pct "$pb_h0" "$pb_h1" "$pb_t0" "$pb_t1")" "$pb_k0" \
	    "$pb_k1" "$pb_p0" "$pb_p1" "$pb_g0" "$pb_g1" "$pb_t0" "$pb_t1")" \
	    >"$out/$pb_name.cpu"
	pb_rc=0
	wait "$bpid" || pb_rc=$?
	bpid=
	pg_offline
	if [ $pb_rc -ne 0 ] || grep -q 'aborted' "$out/$pb_name.pgbench"; then
		say "  $pb_name: pgbench failed (status $pb_rc); see $out/$pb_name.pgbench"
		grep -m 3 'error' "$out/$pb_name.pgbench" | sed 's/^/    /'
	fi
	return 0
}

pg_tps() {
	sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$out/$1.pgbench" 2>/dev/null |
	    head -1
}

pg_lat() {
	sed -n 's/^latency average = \([0-9.]*\) ms.*/\1/p' \
	    "$out/$1.pgbench" 2>/dev/null | head -1
}

# script_cost SCRIPT: "statements round-trips" of one transaction of a
# pgbench script: the statements of the first branch of every \if, BEGIN
# and COMMIT not counted as statements; a pipeline is one round trip.
script_cost() {
	awk '
	/^--/ || /^[ \t]*$/ { next }
	/^\\if/ { d++; skip[d] = 0; next }
	/^\\elif/ || /^\\else/ { skip[d] = 1; next }
	/^\\endif/ { d--; next }
	/^\\startpipeline/ { pipe = 1; rt++; next }
	/^\\endpipeline/ { pipe = 0; next }
	/^\\/ { next }
	{
		for (i = 1; i <= d; i++) if (skip[i]) next
		if (!start) { start = 1; sql = "" }
		sql = sql " " $0
		if ($0 ~ /;[ \t]*$/ || $0 ~ /\\gset/) {
			if (!pipe) rt++
			if (sql !~ /^ *(BEGIN|COMMIT)/) n++
			start = 0
		}
	}
	END { print n + 0, rt + 0 }' "bench/$1"
}

# Warn when a script's SQL is no longer the store's (python3 only).
check_sql() {
	command -v python3 >/dev/null 2>&1 || {
		say "sql check: skipped (no python3)"
		return 0
	}
	python3 - <<'PY' | while IFS= read -r l; do say "$l"; done
import glob, re
src = ""
for f in sorted(glob.glob("server/db/store*.c")):
    src += open(f).read()
src = src.replace('" STORE_CHANNEL "', "keep")
frag = r'"((?:[^"\\]|\\.)*)"'
# Expand the SQL macros the statements are built with.
for name in ("CHAR_COLS", "NOTIFY_BELL"):
    m = re.search(r'#define %s\s*\\?((?:\s*"(?:[^"\\]|\\.)*"\s*\\?)+)' % name,
                  src)
    cols = "".join(re.findall(frag, m.group(1))) if m else ""
    src = re.sub(r'"\s*%s\s*"' % name, lambda m: cols, src)
    src = re.sub(r'"\s*%s\s*,' % name, lambda m: cols + '",', src)
def norm(s):
    # $n of the store and :name of pgbench alike; "::type" is a cast.
    s = re.sub(r"\$\d+|(?<!:):[A-Za-z_]\w*", "?", s)
    return " ".join(s.split())
store = {}
for st in re.finditer(r'static struct store_stmt \w+ = \{\s*"(\w+)",((?:\s*"(?:[^"\\]|\\.)*")+)', src):
    sql = "".join(re.findall(frag, st.group(2))).replace("\\\\", "\\")
    store[norm(sql)] = st.group(1)
tx = set(re.findall(r'"((?:BEGIN|COMMIT)[A-Z ]*)"', src))
bad = 0
for f in sorted(glob.glob("bench/*.sql")):
    text = "\n".join(l for l in open(f).read().split("\n")
                     if not l.startswith("--") and not l.startswith("\\"))
    for stmt in re.split(r";\s*\n|\\gset\s*\n", text):
        s = norm(stmt.rstrip().rstrip(";"))
        if not s:
            continue
        if s.startswith("BEGIN") or s == "COMMIT":
            if s not in tx:
                bad += 1
                print("sql check: WARNING: %s begins or ends its transaction "
                      "with %r, store.c no longer does" % (f, s))
            continue
        if s not in store:
            bad += 1
            print("sql check: WARNING: %s has a statement the store no "
                  "longer runs: %s..." % (f, s[:60]))
print("sql check: every statement in bench/*.sql is the store's" if not bad
      else "sql check: update bench/*.sql (see the warnings above)")
PY
}

# ------------------------------------------------------------- the report

# row SCENARIO MIX BOTS NAME [PGBENCH_NAME]: one line of the final table.
row() {
	r_k=$out/$4.kv
	r_tps=
	[ -n "${5:-}" ] && r_tps=$(pg_tps "$5")
	read -r r_kc r_pc r_gc r_rss r_oc <"$out/$4.cpu" || true
	printf '%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s\n' \
	    "$1" "$2" "$3" "$(kv "$r_k" throughput)" "$r_tps" \
	    "$(kv "$r_k" total.p50_ms)" "$(kv "$r_k" total.p90_ms)" \
	    "$(kv "$r_k" total.p99_ms)" "$(kv "$r_k" total.p999_ms)" \
	    "$(kv "$r_k" total.max_ms)" "$(kv "$r_k" total.errors)" \
	    "$(kv "$r_k" total.timeouts)" "$(kv "$r_k" total.refused)" \
	    "${r_kc:--}" "${r_rss:--}" "${r_pc:--}" "${r_gc:--}" "${r_oc:--}" \
	    >>"$out/rows"
}

print_table() {
	awk -F'|' '
	function n(v, f) { return v == "" || v == "-" ? "-" : sprintf(f, v) }
	BEGIN {
		printf "%-10s %-6s %5s %8s %9s %5s %6s %6s %6s %7s %7s %6s %6s %6s %5s %4s %4s %4s\n",
		    "scenario", "mix", "bots", "keepd/s", "pgbench/s", "ratio",
		    "p50ms", "p90ms", "p99ms", "p99.9ms", "maxms", "err+to",
		    "keepd%", "us/cmd", "rssMB", "pg%", "gen%", "oth%"
	}
	{
		ratio = ($4 != "" && $5 != "" && $5 > 0) ? sprintf("%.0f%%", 100 * $4 / $5) : "-"
		et = ($11 == "" && $12 == "") ? "-" : ($11 + $12)
		us = ($4 != "" && $4 > 0 && $14 != "" && $14 != "-") ? 1e4 * $14 / $4 : ""
		printf "%-10s %-6s %5s %8s %9s %5s %6s %6s %6s %7s %7s %6s %6s %6s %5s %4s %4s %4s\n",
		    $1, $2, $3, n($4, "%.0f"), n($5, "%.0f"), ratio,
		    n($6, "%.2f"), n($7, "%.2f"), n($8, "%.2f"), n($9, "%.2f"),
		    n($10, "%.1f"), et, n($14, "%.1f"), n(us, "%.0f"),
		    n(($15 == "-" || $15 == "") ? "" : $15 / 1024, "%.1f"),
		    n($16, "%.0f"), n($17, "%.0f"), n($18, "%.0f")
	}' "$out/rows"
}

verdict() {
	if [ "$1" = 1 ]; then echo PASS; else echo MISS; fi
}

# ------------------------------------------------------------------ start

mkdir -p "$out"
rm -f "$out"/*.json "$out"/*.kv "$out"/*.log "$out"/*.cpu "$out"/*.pgbench \
    "$out/rows" "$out/targets" "$last"
[ -x "$KEEPD" ] || die "$KEEPD is missing (make $build/keepd)"
[ -x "$KB" ] || die "$KB is missing (make $build/keep-bench)"
command -v pgbench >/dev/null 2>&1 || die "pgbench is missing (it comes with the postgresql package: make deps)"
[ "$DUR" -ge 4 ] || die "BENCH_DURATION must be at least 4"
workers=$(sed -n 's/^[^_]*"workers": *\([0-9]*\).*/\1/p' "$CONF")
workers=${workers:-4}
[ "$workers" -le 8 ] || die "bench/give.sql has pgbench branches for 8 clients; workers is $workers"

say "make bench: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs ($(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)), $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo)"
say "keepd: $workers workers, argon2 as in production; windows of ${DUR}s after ${WARM}s of warm-up; pgbench -M prepared -c $workers -j 2 -T $DUR"
check_sql
h0=$(host_ticks) t0=$(now)
sleep 2
say "machine busy before the run: $(pct "$h0" "$(host_ticks)" "$t0" "$(now)")% of one core (other users' load disturbs every number below)"

db/pg.sh destroy "$dir" >/dev/null 2>&1 || true
url=$(db/pg.sh start "$dir" "$pgport" keep_bench)
say "database: $(psql -XqAt "$url" -c 'SHOW server_version') in $dir (fsync on, synchronous_commit on)"
# Checkpoints are logged by default; autovacuum runs too, for var/bench/postgres.log.
q "ALTER SYSTEM SET log_autovacuum_min_duration = 0" >/dev/null
q "SELECT pg_reload_conf()" >/dev/null
KEEP_CONFIG=$CONF DATABASE_URL=$url "$KEEPD" migrate >>"$out/keepd.log" 2>&1 ||
    { tail -5 "$out/keepd.log"; die "migrate failed"; }
KEEP_CONFIG=$CONF DATABASE_URL=$url "$KEEPD" load-world >>"$out/keepd.log" 2>&1 ||
    { tail -5 "$out/keepd.log"; die "load-world failed"; }
kport=$(free_port)

# The bots log in again for every run.  Hashing 2000 passwords at
# production cost each time would take minutes, so the bots (and the
# admin) are created once by a keepd with cheap hashing; their stored
# hashes are then cheap to verify.  Logins at production cost are the
# logins scenario's, with characters of their own.
sed -e 's/"argon2_ops": *[0-9]*/"argon2_ops": 1/' \
    -e 's/"argon2_mem_kib": *[0-9]*/"argon2_mem_kib": 64/' "$CONF" \
    >"$out/keep-cheap.json"
start_keepd "$out/keep-cheap.json"
"$KB" --host 127.0.0.1 --port "$kport" --bots 1 --prefix Admin \
    --password "$PW" --mode idle --warmup 0 --duration 1 --json \
    >"$out/admin.json" 2>"$out/admin.log" || true
admin=$(q "SELECT name FROM characters WHERE name LIKE 'Admin%' ORDER BY id LIMIT 1")
[ -n "$admin" ] || { tail -5 "$out/admin.log"; die "keep-bench could not create the admin"; }
KEEP_CONFIG=$CONF DATABASE_URL=$url "$KEEPD" role "$admin" admin \
    >>"$out/keepd.log" 2>&1 || die "keepd role $admin admin failed"
maxbots=0
for s in $SCENARIOS; do
	case $s in
	idle) [ $maxbots -ge 2000 ] || maxbots=2000 ;;
	scaling) [ $maxbots -ge 500 ] || maxbots=500 ;;
	crowd) [ $maxbots -ge 300 ] || maxbots=300 ;;
	*) [ $maxbots -ge 200 ] || maxbots=200 ;;
	esac
done
wait_offline
"$KB" --host 127.0.0.1 --port "$kport" --bots "$maxbots" --prefix Bench \
    --password "$PW" --mode idle --login-rate 1000 --warmup 0 --duration 1 \
    --json >"$out/create.json" 2>"$out/create.log" || true
say "created $(q "SELECT count(*) FROM characters WHERE name LIKE 'Bench%'") bots and the admin $admin (cheap hashes)"
stop_keepd

# pgbench's own characters, with consecutive ids (the table is locked so
# no other insert takes an id in between), offline until pgbench runs.
hash=$(q "SELECT password_hash FROM characters WHERE name = '$admin'")
q "BEGIN; LOCK TABLE characters IN EXCLUSIVE MODE;
INSERT INTO characters (name, password_hash, room_id)
    SELECT 'Pgb' || chr(97 + g / 26) || chr(97 + g % 26), '$hash',
        (SELECT id FROM rooms WHERE is_start)
    FROM generate_series(0, $NPG - 1) g ORDER BY g;
COMMIT" >/dev/null
plo=$(q "SELECT min(id) FROM characters WHERE name LIKE 'Pgb%'")
[ "$(q "SELECT max(id) - min(id) + 1 FROM characters WHERE name LIKE 'Pgb%'")" = "$NPG" ] ||
    die "pgbench's characters did not get consecutive ids"
wlo=$((plo + 16))
# The longest run of consecutive room ids: they stand there, two by two.
set -- $(q "SELECT min(id), count(*) FROM (SELECT id,
    id - row_number() OVER (ORDER BY id) AS g FROM rooms) s
    GROUP BY g ORDER BY count(*) DESC, min(id) LIMIT 1" | tr '|' ' ')
rlo=$1 nr=$2
# The walkers' two rooms: the start room and a neighbour it is joined to
# both ways.
set -- $(q "SELECT a.room_id, a.to_room, a.direction, b.direction
    FROM exits a JOIN exits b ON b.room_id = a.to_room
        AND b.to_room = a.room_id AND a.room_id <> a.to_room
    JOIN rooms r ON r.id = a.room_id
    ORDER BY r.is_start DESC, a.room_id,
        array_position(ARRAY['north','east','south','west','up','down'],
        a.direction) LIMIT 1" | tr '|' ' ')
[ $# -eq 4 ] || die "the world has no two rooms joined both ways"
wfrom=$1 wto=$2 wdir=$3 wback=$4
from_side() {
	case $1 in
	north) echo "the south" ;; south) echo "the north" ;;
	east) echo "the west" ;; west) echo "the east" ;;
	up) echo below ;; down) echo above ;; *) echo somewhere ;;
	esac
}
warr=$(from_side "$wdir") wbarr=$(from_side "$wback")
to_names=$(q "SELECT string_agg('-D to_name' || (id - $plo) / 2 || '=' || name, ' '
    ORDER BY id) FROM characters
    WHERE id BETWEEN $plo AND $plo + 15 AND (id - $plo) % 2 = 1")

start_keepd "$CONF"
say "keepd pid $kpid on port $kport; pgbench characters $plo..$((plo + NPG - 1)) in rooms $rlo..$((rlo + nr - 1)), walkers $wfrom <-> $wto"
say ""

# --------------------------------------------------------------- scenarios

for s in $SCENARIOS; do
case $s in
logins)
	for pass in new return; do
		MEASURE=0
		kb "logins-$pass" 200 Login --mode idle --login-rate 1000 \
		    --warmup 0 --duration 1
		MEASURE=1
		k=$out/logins-$pass.kv
		secs=$(kv "$k" login.seconds) cnt=$(kv "$k" login.count)
		read -r lk lp lg lr lo <"$out/logins-$pass.cpu" || true
		printf 'logins|%s|200|%s||%s||%s||%s|%s|||%s|%s|%s|%s|%s\n' \
		    "$pass" \
		    "$(awk -v c="${cnt:-0}" -v s="${secs:-0}" 'BEGIN { if (s > 0) printf "%.1f", c / s }')" \
		    "$(kv "$k" login.p50_ms)" "$(kv "$k" login.p99_ms)" \
		    "$(kv "$k" login.max_ms)" "$(kv "$k" login.failed)" \
		    "${lk:--}" "${lr:--}" "${lp:--}" "${lg:--}" "${lo:--}" \
		    >>"$out/rows"
		ok=$(awk -v s="${secs:-99999}" -v c="${cnt:-0}" 'BEGIN { print ((c >= 200 && s < 10) ? 1 : 0) }')
		say "logins $pass: ${cnt:-?} logins in ${secs:-?} s (login p50 $(kv "$k" login.p50_ms) ms, p99 $(kv "$k" login.p99_ms) ms, failed $(kv "$k" login.failed))"
		case $pass in
		new) what="200 new characters created" ;;
		*) what="the same 200 logging in again" ;;
		esac
		echo "$(verdict "$ok")  logins      $what (argon2id at production cost): $(awk -v s="${secs:-0}" 'BEGIN { printf "%.1f", s }') s (target < 10 s), ${cnt:-?} logged in, $(kv "$k" login.failed) failed" >>"$out/targets"
	done
	;;
throughput)
	for m in ${BENCH_MIXES:-look move say give mixed}; do
		case $m in
		look) mix=look=1 files=look.sql ;;
		move) mix=move=1 files=move.sql ;;
		say) mix=say=1 files=say.sql ;;
		give) mix=give=1 files=give.sql ;;
		mixed) mix=$MIX
			files="look.sql@40 move.sql@20 say.sql@15 score.sql@10 give.sql@10 who.sql@5" ;;
		esac
		kb "tp-$m" 200 Bench --mode closed --mix "$mix" \
		    --warmup "$WARM" --duration "$DUR" --admin "$admin:$PW"
		pgb "pg-$m" 200 $files
		row throughput "$m" 200 "tp-$m" "pg-$m"
		k=$out/tp-$m.kv
		cps=$(kv "$k" throughput) tps=$(pg_tps "pg-$m")
		ratio=$(awk -v a="${cps:-0}" -v b="${tps:-0}" 'BEGIN { printf "%.0f", (b > 0 ? 100 * a / b : 0) }')
		read -r _ ppc pgc _ poc <"$out/pg-$m.cpu" || true
		say "throughput $m: keepd $(int "$cps")/s (p99 $(kv "$k" total.p99_ms) ms, errors $(kv "$k" total.errors), timeouts $(kv "$k" total.timeouts)); pgbench $(int "$tps") tps (latency $(pg_lat "pg-$m") ms; CPU: PostgreSQL ${ppc:-?}%, pgbench ${pgc:-?}%, other ${poc:-?}%); ratio $ratio%"
		ok=$(awk -v r="$ratio" 'BEGIN { print (r >= 80 ? 1 : 0) }')
		echo "$(verdict "$ok")  throughput  $m, 200 bots closed loop: keepd $(int "$cps") cmds/s vs pgbench $(int "$tps") tps = $ratio% (target >= 80%)" >>"$out/targets"
	done
	;;
scaling)
	line=
	for b in 1 10 50 200 500; do
		if [ $b = 200 ] && [ -s "$out/tp-mixed.kv" ]; then
			sn=tp-mixed	# the throughput scenario's run
		else
			sn=scale-$b
			kb "$sn" "$b" Bench --mode closed --mix "$MIX" \
			    --warmup "$WARM" --duration "$DUR"
		fi
		if [ $b = 200 ] && [ -s "$out/pg-mixed.pgbench" ]; then
			pgn=pg-mixed
		else
			pgn=pg-scale-$b
			pgb "$pgn" "$b" look.sql@40 move.sql@20 say.sql@15 \
			    score.sql@10 give.sql@10 who.sql@5
		fi
		row scaling mixed "$b" "$sn" "$pgn"
		k=$out/$sn.kv
		say "scaling $b bots: keepd $(int "$(kv "$k" throughput)")/s, p50 $(kv "$k" total.p50_ms) ms, p99 $(kv "$k" total.p99_ms) ms, $(kv "$k" notifications) messages to bots unasked (whole run); pgbench with as many online $(int "$(pg_tps "$pgn")") tps"
		line="$line $b: $(int "$(kv "$k" throughput)")/s ($(awk -v a="$(kv "$k" throughput)" -v b="$(pg_tps "$pgn")" 'BEGIN { printf "%.0f", (b > 0 ? 100 * a / b : 0) }')% of pgbench) p99 $(kv "$k" total.p99_ms) ms;"
	done
	echo "INFO  scaling     mixed, closed loop, bots ->${line%;}" >>"$out/targets"
	;;
latency)
	kb latency 100 Bench --mode open --rate 5 --mix "$MIX" \
	    --warmup "$WARM" --duration "$DUR"
	row latency mixed 100 latency
	k=$out/latency.kv
	p50=$(kv "$k" total.p50_ms) p99=$(kv "$k" total.p99_ms)
	ok=$(awk -v a="${p50:-999}" -v b="${p99:-999}" 'BEGIN { print ((a < 2 && b < 10) ? 1 : 0) }')
	say "latency: $(int "$(kv "$k" throughput)")/s, p50 $p50 ms, p99 $p99 ms, errors $(kv "$k" total.errors), timeouts $(kv "$k" total.timeouts)"
	echo "$(verdict "$ok")  latency     100 bots x 5 cmds/s open loop (mixed): p50 ${p50:-?} ms (< 2), p99 ${p99:-?} ms (< 10)" >>"$out/targets"
	;;
crowd)
	kb crowd 300 Bench --mode open --rate 2 --mix look=1,say=1,move=1 \
	    --rooms 1000,1001 --warmup "$WARM" --duration "$DUR"
	row crowd l/s/m 300 crowd
	k=$out/crowd.kv
	p99=$(kv "$k" total.p99_ms)
	ok=$(awk -v b="${p99:-999}" 'BEGIN { print (b < 50 ? 1 : 0) }')
	say "crowd: $(int "$(kv "$k" throughput)")/s, p50 $(kv "$k" total.p50_ms) ms, p99 $p99 ms, errors $(kv "$k" total.errors), timeouts $(kv "$k" total.timeouts), $(kv "$k" notifications) messages to bots unasked (whole run)"
	echo "$(verdict "$ok")  crowd       300 bots in rooms 1000,1001 x 2 cmds/s open loop (look/say/move): p99 ${p99:-?} ms (< 50)" >>"$out/targets"
	;;
idle)
	# Longer than the window, which must end before the logouts begin.
	kb idle 2000 Bench --mode idle --login-rate 1000 --warmup "$WARM" \
	    --duration "$((DUR + WARM + 5))"
	row idle - 2000 idle
	read -r kc _ _ rss _ <"$out/idle.cpu" || true
	mb=$(awk -v r="${rss:-0}" 'BEGIN { printf "%.1f", r / 1024 }')
	ok=$(awk -v r="${rss:-999999999}" -v c="${kc:-100}" 'BEGIN { print ((r / 1024 < 100 && c < 2) ? 1 : 0) }')
	say "idle: $(kv "$out/idle.kv" login.count) connected, keepd RSS $mb MB, CPU $kc% of one core"
	echo "$(verdict "$ok")  idle        2000 connected idle players: keepd RSS $mb MB (< 100), CPU ${kc:-?}% of one core (< 2)" >>"$out/targets"
	;;
*)
	say "bench: unknown scenario $s"
	;;
esac
done

# ----------------------------------------------------------------- report

say ""
say "Results (keepd/s and latencies from keep-bench; pgbench/s: the same statements at -c $workers; ratio = keepd/s / pgbench/s;"
say " err+to: errors + timeouts; keepd%, pg%, gen%, oth%: CPU of keepd, PostgreSQL, keep-bench, everything else, % of one core;"
say " us/cmd: keepd's CPU microseconds per command; rssMB: keepd's resident memory at the end of the window)"
print_table | while IFS= read -r l; do say "$l"; done

say ""
say "Cost per command (keepd: store counters via dbstats over the window; pgbench: statements per transaction of the script)"
say "$(printf '%-8s %14s %18s %16s %18s' kind 'keepd stmts' 'keepd round trips' 'pgbench stmts' 'pgbench rnd trips')"
for m in look move say give mixed; do
	k=$out/tp-$m.kv
	[ -s "$k" ] || continue
	case $m in
	mixed) set -- $(for f in look@40 move@20 say@15 score@10 give@10 who@5; do
			echo "${f#*@} $(script_cost "${f%@*}.sql")"
		done | awk '{ w += $1; s += $1 * $2; r += $1 * $3 }
		    END { printf "%.2f %.2f", s / w, r / w }') ;;
	*) set -- $(script_cost "$m.sql") ;;
	esac
	say "$(printf '%-8s %14s %18s %16s %18s' "$m" \
	    "$(kv "$k" db.per_command_statements | awk '{ printf "%.2f", $1 }')" \
	    "$(kv "$k" db.per_command_round_trips | awk '{ printf "%.2f", $1 }')" \
	    "$1" "$2")"
done

say ""
say "Targets"
[ -s "$out/targets" ] && while IFS= read -r l; do say "$l"; done <"$out/targets"
say ""
say "keepd peak RSS (VmHWM) $(awk -v r="$(hwm_kb "$kpid")" 'BEGIN { printf "%.1f", r / 1024 }') MB over the whole run; raw outputs in $out/; took $(awk -v s="$started" -v e="$(now)" 'BEGIN { printf "%.0f", e - s }') s"

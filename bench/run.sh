#!/bin/sh
# make bench: measure keepd against its ceiling, PostgreSQL running the same
# statements with no server in between (docs/performance.md).
#
#   sh bench/run.sh BUILD_DIR
#
# This script only orchestrates.  bench/drift.py first checks that
# bench/*.sql still hold the store's statements; then a private cluster
# (var/bench-pg on port 5436, deleted at the end) gets the world, the bots
# and pgbench's characters (bench/setup.psql), keepd starts with
# bench/keep-bench.json on a free port, and every scenario runs
# BUILD_DIR/keep-bench as the load and pgbench as the ceiling, while
# bench/window.py samples /proc.  The raw results stay in var/bench/;
# bench/report.py prints the progress lines, the table, the cost per
# command and the targets from them, into var/bench/last.txt as well.
#
# Exit status: 0 when every target passed, 1 when one missed (a run with
# fewer bots online than it asked for misses too), 2 when bench/*.sql are
# not the store's or something failed (setup, fewer bots created than the
# scenarios need, keep-bench, pgbench).
#
# Environment: BENCH_DURATION (measured seconds per run, 10), BENCH_WARMUP
# (2), BENCH_SCENARIOS (default "logins throughput one scaling latency
# crowd idle scale"), BENCH_MIXES (the throughput scenario's; default
# "look move say give mixed"), BENCH_REPEAT (run everything that many
# times, into var/bench/run-1.., and print the median and spread of every
# figure; 1), KEEP_BENCH_PG_DIR, KEEP_BENCH_PG_PORT.
set -eu

build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

dir=${KEEP_BENCH_PG_DIR:-var/bench-pg}
pgport=${KEEP_BENCH_PG_PORT:-5436}
out=${BENCH_OUT:-var/bench}
last=$out/last.txt
REPEAT=${BENCH_REPEAT:-1}

# BENCH_REPEAT=N: N whole runs, one after the other, each into its own
# directory, then the median and spread of every figure (report.py
# summary).  Status: 2 if a run went wrong, else the summary's.
case $REPEAT in
''|*[!0-9]*) echo "bench: BENCH_REPEAT must be a number" >&2; exit 2 ;;
esac
if [ "$REPEAT" -gt 1 ]; then
	rm -rf "$out"
	mkdir -p "$out"
	worst=0 i=1
	while [ $i -le "$REPEAT" ]; do
		echo "bench: run $i of $REPEAT into $out/run-$i"
		r_rc=0
		BENCH_REPEAT=1 BENCH_OUT=$out/run-$i sh bench/run.sh "$build" ||
		    r_rc=$?
		[ $r_rc -le $worst ] || worst=$r_rc
		i=$((i + 1))
	done
	s_rc=0
	python3 bench/report.py "$out" summary >"$out/summary.txt" || s_rc=$?
	cat "$out/summary.txt"
	[ $worst -ge 2 ] && exit 2
	exit $s_rc
fi
DUR=${BENCH_DURATION:-10}
WARM=${BENCH_WARMUP:-2}
SCENARIOS=${BENCH_SCENARIOS:-logins throughput one scaling latency crowd idle scale}
IDLE=5000		# the idle scenario's players
SCALE=10000		# the scale scenario's players,
ACTIVE=1000		# of whom this many send commands,
SCALE_RATE=2		# at this rate each (open loop),
SCALE_SIDE=50		# in a city of 50 x 50 rooms (bench/scale-world.psql)
KEEPD=$top/$build/keepd
KB=$top/$build/keep-bench
CONF=$top/bench/keep-bench.json
PW=benchpass1
MIX=look=40,move=20,say=15,score=10,give=10,who=5
MIXED="look.sql@40 move.sql@20 say.sql@15 score.sql@10 give.sql@10 who.sql@5"
NPG=500			# pgbench's characters: as many as the most bots online
FAKE=00000000-0000-0000-0000-0000000b0001	# their "instance"
kpid='' gpid='' bpid='' url='' failed=0

# Print a line and keep it in last.txt.
say() {
	printf '%s\n' "$*" | tee -a "$last"
}

die() {
	say "bench: $*"
	exit 2
}

# report ARGS: bench/report.py's text, printed and kept; its exit status.
report() {
	r_rc=0
	python3 bench/report.py "$out" "$@" >"$out/report.out" || r_rc=$?
	tee -a "$last" <"$out/report.out"
	return $r_rc
}

# psql: one query, unaligned, tuples only.
q() {
	psql -XqAt -v ON_ERROR_STOP=1 "$url" -c "$1"
}

# now: the uptime clock; fact KEY VALUE: a line of var/bench/facts.
now() { read -r n_up _ </proc/uptime && echo "$n_up"; }
fact() { echo "$*" >>"$out/facts"; }

# Whether some socket uses TCP port $1 (state $2, e.g. 0A = listening).
port_used() {
	u_hex=$(printf '%04X' "$1")
	cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | {
		while read -r _ u_loc _ u_st _; do
			[ "${u_loc##*:}" = "$u_hex" ] || continue
			[ -z "${2:-}" ] || [ "$u_st" = "$2" ] && exit 0
		done
		exit 1
	}
}

cleanup() {
	set +e
	for p in $gpid $bpid; do
		kill "$p" 2>/dev/null
	done
	[ -z "$kpid" ] || stop_keepd
	cp "$dir/postgres.log" "$out/postgres.log" 2>/dev/null
	db/pg.sh destroy "$dir" >/dev/null 2>&1
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_keepd CONFIG: start keepd in the background, wait until it listens.
start_keepd() {
	KEEP_CONFIG=$1 DATABASE_URL=$url KEEP_PORT=$kport KEEP_HTTP_PORT=0 \
	    "$KEEPD" serve >>"$out/keepd.log" 2>&1 &
	kpid=$! i=0
	until port_used "$kport" 0A; do
		kill -0 "$kpid" 2>/dev/null ||
		    { tail -20 "$out/keepd.log"; kpid=; die "keepd did not start"; }
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

# Wait until no character is online (the last run's logouts are done).
offline() {
	i=0
	while [ "$(q "SELECT count(*) FROM characters
	    WHERE session_instance IS NOT NULL")" -gt 0 ] && [ $i -lt 300 ]; do
		sleep 0.2
		i=$((i + 1))
	done
}

# Before every measured run: no checkpoint or vacuum debt from the last.
settle() {
	q "CHECKPOINT" >/dev/null
	q "VACUUM (ANALYZE) characters, items, rooms, exits" >/dev/null
}

# kb NAME BOTS PREFIX WINDOW [keep-bench options]: run keep-bench; CPU
# samples over its measured window (WINDOW "window": from the moment its
# bots are all online, plus the warm-up and a second, for DUR - 2 seconds)
# or over the whole run ("whole").  Leaves NAME.json, NAME.log, NAME.cpu.
kb() {
	kb_name=$1 kb_bots=$2 kb_prefix=$3 kb_win=$4
	shift 4
	offline
	settle
	"$KB" --host 127.0.0.1 --port "$kport" --bots "$kb_bots" \
	    --prefix "$kb_prefix" --password "$PW" --json "$@" \
	    >"$out/$kb_name.json" 2>"$out/$kb_name.log" &
	gpid=$!
	if [ "$kb_win" = window ]; then
		set -- --online "$url" "$kb_prefix" "$kb_bots" \
		    --delay "$((WARM + 1))" --seconds "$((DUR - 2))"
	else
		set --
	fi
	python3 bench/window.py --keepd "$kpid" --pgdata "$dir/data" \
	    --gen "$gpid" "$@" >"$out/$kb_name.cpu"
	kb_rc=0
	wait "$gpid" || kb_rc=$?
	gpid=
	if [ $kb_rc -ne 0 ] || [ ! -s "$out/$kb_name.json" ]; then
		failed=1
		say "  $kb_name: keep-bench exited with status $kb_rc; see $out/$kb_name.log"
		tail -3 "$out/$kb_name.log" | sed 's/^/    /'
	fi
}

# pgb NAME ONLINE SCRIPT...: pgbench at keepd's concurrency for DUR
# seconds (PGB_CLIENTS clients instead, if set), with ONLINE of its
# characters online, as keepd had bots (at least the 24 the scripts use by
# id: 8 givers, 8 receivers, 8 walkers), two by two in rooms rlo.. and the
# walkers in wfrom.  SCRIPTs are paths under bench/ (baseline/look.sql:
# the frozen scripts of bench/baseline/).  Leaves NAME.pgbench and
# NAME.cpu.
pgb() {
	pb_name=$1 pb_on=$2 pb_c=${PGB_CLIENTS:-$workers}
	shift 2
	pb_j=2
	[ "$pb_c" -ge 2 ] || pb_j=1
	[ "$pb_on" -ge 24 ] || pb_on=24
	for f in "$@"; do
		set -- "$@" -f "bench/$f"
		shift
	done
	while IFS= read -r pv; do
		set -- "$@" -D "$pv"
	done <"$out/pgbench.vars"
	offline
	q "BEGIN;
	INSERT INTO instances (id, host, pid, seen_at)
	    VALUES ('$FAKE', 'pgbench', 0, now() + interval '1 day');
	UPDATE characters SET session_instance = '$FAKE', session_id = id,
	    room_id = CASE WHEN id BETWEEN $wlo AND $wlo + 7 THEN $wfrom
	        ELSE $rlo + ((id - $plo) / 2) % $nr END,
	    coins = CASE WHEN id BETWEEN $plo AND $plo + 15
	        AND (id - $plo) % 2 = 0 THEN 1000000000 ELSE 100 END
	    WHERE id BETWEEN $plo AND $plo + $pb_on - 1;
	COMMIT" >/dev/null
	settle
	# As keepd's connections: play fires no audit trigger (0011_audit).
	PGOPTIONS="-c keep.audit=off" \
	    pgbench -n -M prepared -c "$pb_c" -j "$pb_j" -T "$DUR" -D n="$pb_on" \
	    "$@" "$url" >"$out/$pb_name.pgbench" 2>&1 &
	bpid=$!
	python3 bench/window.py --keepd "$kpid" --pgdata "$dir/data" \
	    --gen "$bpid" --delay 1 --seconds "$((DUR - 2))" >"$out/$pb_name.cpu"
	pb_rc=0
	wait "$bpid" || pb_rc=$?
	bpid=
	# Offline again (the instance's foreign key clears their sessions).
	q "DELETE FROM instances WHERE id = '$FAKE'" >/dev/null
	if [ $pb_rc -ne 0 ] || grep -q 'aborted' "$out/$pb_name.pgbench"; then
		failed=1
		say "  $pb_name: pgbench failed (status $pb_rc); see $out/$pb_name.pgbench"
		grep -m 3 'error' "$out/$pb_name.pgbench" | sed 's/^/    /'
	fi
}

# ran SCENARIO MIX BOTS KB PG [BASE]: list a finished run for the report
# (BASE: pgbench on bench/baseline/'s scripts); its line.
ran() {
	echo "$*" >>"$out/runs"
	report run "$@" || failed=1
}

# copy_bots PREFIX N ROOM [WHERE]: make keep-bench's bots PREFIX.. 0..N-1
# that do not exist yet, as copies of Benchaa (its cheap password hash),
# each in the room the SQL expression ROOM gives (r.ids: the id of every
# room, or of those WHERE picks), in one statement; the names come from
# keep-bench itself (--names).
copy_bots() {
	"$KB" --names --prefix "$1" --bots "$2" |
	    psql -XqAt -v ON_ERROR_STOP=1 "$url" \
	    -c "CREATE TEMP TABLE bn (name text)" -c "\\copy bn FROM pstdin" \
	    -c "INSERT INTO characters (name, password_hash, room_id)
	    SELECT bn.name, h.password_hash, $3
	    FROM bn, (SELECT password_hash FROM characters
	        WHERE name = 'Benchaa') h,
	        (SELECT array_agg(id ORDER BY id) AS ids FROM rooms ${4-}) r
	    WHERE NOT EXISTS (SELECT 1 FROM characters c
	        WHERE lower(c.name) = lower(bn.name))" >/dev/null ||
	    die "copying the $1 bots failed"
}

# v NAME: a value bench/setup.psql printed.
v() {
	sed -n "s/^$1=//p" "$out/pgbench.vars"
}

# ------------------------------------------------------------------ start

rm -rf "$out"
mkdir -p "$out"
[ -x "$KEEPD" ] || die "$KEEPD is missing (make $build/keepd)"
[ -x "$KB" ] || die "$KB is missing (make $build/keep-bench)"
command -v pgbench >/dev/null 2>&1 || die "pgbench is missing (it comes with the postgresql package: make deps)"
command -v python3 >/dev/null 2>&1 || die "python3 is missing (make deps)"
[ "$DUR" -ge 4 ] || die "BENCH_DURATION must be at least 4"
workers=$(sed -n 's/^[^_]*"workers": *\([0-9]*\).*/\1/p' "$CONF")
workers=${workers:-4}
[ "$workers" -le 8 ] || die "bench/give.sql has pgbench branches for 8 clients; workers is $workers"
fact started "$(now)"
# The scale scenario holds 10,000 connections: keepd and keep-bench each
# need a descriptor per player (and keepd raises its soft limit to the
# hard one at start).  Only root may raise the hard limit.
NOFILE=16384
case $SCENARIOS in
*scale*)
	if [ "$(ulimit -Hn)" != unlimited ] &&
	    [ "$(ulimit -Hn)" -lt $NOFILE ]; then
		if [ "$(id -u)" = 0 ]; then
			ulimit -Hn $NOFILE 2>/dev/null ||
			    say "bench: could not raise the hard open-files limit to $NOFILE (it is $(ulimit -Hn)): scale will miss"
		else
			say "bench: the scale scenario needs $NOFILE open files per process; the hard limit is $(ulimit -Hn) and only root can raise it (ulimit -Hn $NOFILE as root, or LimitNOFILE/limits.conf): scale will miss"
		fi
	fi ;;
esac
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
fact nofile "$(ulimit -n)"
fact hz "$(getconf CLK_TCK 2>/dev/null || echo 100)"
fact workers "$workers"

mem=$(sed -n 's/^MemTotal: *\([0-9]*\).*/\1/p' /proc/meminfo)
say "make bench: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs ($(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)), $(((mem + 524288) / 1048576)) GB"
say "keepd: $workers workers, argon2 as in production; windows of ${DUR}s after ${WARM}s of warm-up; pgbench -M prepared -c $workers -j 2 -T $DUR"
drift=0
python3 bench/drift.py >"$out/drift.out" || drift=$?
tee -a "$last" <"$out/drift.out"
[ $drift = 0 ] || die "bench/*.sql would not measure what keepd runs: update them first"
python3 bench/window.py --seconds 2 >"$out/busy.cpu"
report busy || failed=1

db/pg.sh destroy "$dir" >/dev/null 2>&1 || true
url=$(db/pg.sh start "$dir" "$pgport" keep_bench)
say "database: $(q 'SHOW server_version') in $dir (fsync on, synchronous_commit on)"
# Checkpoints are logged by default; autovacuum runs too, for
# var/bench/postgres.log, and what may explain a stall: statements over
# 50 ms and lock waits over 50 ms (report.py stalls lines them up with the
# slowest commands; keepd's slowest are 100 ms and more).
q "ALTER SYSTEM SET log_autovacuum_min_duration = 0" >/dev/null
q "ALTER SYSTEM SET log_min_duration_statement = 50" >/dev/null
q "ALTER SYSTEM SET log_lock_waits = on" >/dev/null
q "ALTER SYSTEM SET deadlock_timeout = '50ms'" >/dev/null
q "SELECT pg_reload_conf()" >/dev/null
for c in migrate load-world; do
	KEEP_CONFIG=$CONF DATABASE_URL=$url "$KEEPD" $c >>"$out/keepd.log" 2>&1 ||
	    { tail -5 "$out/keepd.log"; die "$c failed"; }
done
kport=$((20000 + $$ % 20000))
while port_used "$kport"; do
	kport=$((kport + 1))
done

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
case $SCENARIOS in
*idle*) maxbots=$IDLE ;; *scaling*) maxbots=500 ;; *crowd*) maxbots=300 ;;
*) maxbots=200 ;;
esac
# keepd creates about as many a second as the rate below (~110 on 2
# cores): faster, they would only wait in its login queue, and the last
# ones might reach login_timeout there.  So keepd creates the first 100
# (the create dialog is measured by the logins scenario), and the rest are
# copies of the first one's row (its cheap hash, the start room) made in
# one statement: what keepd would have made, in a second instead of a
# minute.
offline
nkeepd=$maxbots
[ "$nkeepd" -le 100 ] || nkeepd=100
"$KB" --host 127.0.0.1 --port "$kport" --bots "$nkeepd" --prefix Bench \
    --password "$PW" --mode idle --login-rate 100 --warmup 0 --duration 1 \
    --json >"$out/create.json" 2>"$out/create.log" || true
copy_bots Bench "$maxbots" "(SELECT id FROM rooms WHERE is_start)"
nbots=$(q "SELECT count(*) FROM characters WHERE name LIKE 'Bench%'")
say "created $nbots bots ($nkeepd by keepd, the rest copies) and the admin $admin (cheap hashes)"
# Fewer would make every scenario that asks for more a smaller one.
if [ "$nbots" -lt "$maxbots" ]; then
	tail -3 "$out/create.log" | sed 's/^/    /' | tee -a "$last"
	die "only $nbots of the $maxbots Bench bots were created (see $out/create.log and $out/keepd.log); no smaller benchmark"
fi
case $SCENARIOS in
*scale*)
	# The scale scenario's players, spread over a city of their own
	# (bench/scale-world.psql: 10,000 in the shipped 43 rooms would be
	# ~230 to a room), each in a random one of its rooms.
	psql -XqAt -v ON_ERROR_STOP=1 -v side=$SCALE_SIDE \
	    -f bench/scale-world.psql "$url" >/dev/null ||
	    die "bench/scale-world.psql failed"
	copy_bots Scale $SCALE "(r.ids[1 + floor(random() * cardinality(r.ids))::int])" "WHERE area = 'benchcity'"
	say "created $(q "SELECT count(*) FROM characters WHERE name LIKE 'Scale%'") Scale players in random rooms of a $SCALE_SIDE x $SCALE_SIDE city (copies)" ;;
esac
stop_keepd

psql -XqAt -v ON_ERROR_STOP=1 -v npg=$NPG -v admin="$admin" \
    -f bench/setup.psql "$url" >"$out/pgbench.vars" 2>>"$out/keepd.log" ||
    die "bench/setup.psql failed (see $out/keepd.log)"
[ "$(v count)" = "$NPG" ] || die "pgbench's characters did not get consecutive ids"
[ -n "$(v wfrom)" ] || die "the world has no two rooms joined both ways"
plo=$(v lo) wlo=$(v wlo) rlo=$(v rlo) nr=$(v nr) wfrom=$(v wfrom)

start_keepd "$CONF"
say "keepd pid $kpid on port $kport; pgbench characters $plo..$((plo + NPG - 1)) in rooms $rlo..$((rlo + nr - 1)), walkers $wfrom <-> $(v wto)"
say ""

for s in $SCENARIOS; do
case $s in
logins)
	for pass in new return; do
		kb "logins-$pass" 200 Login whole --mode idle \
		    --login-rate 1000 --warmup 0 --duration 1
		ran logins "$pass" 200 "logins-$pass" -
	done ;;
throughput)
	for m in ${BENCH_MIXES:-look move say give mixed}; do
		case $m in
		mixed) mix=$MIX files=$MIXED ;;
		*) mix=$m=1 files=$m.sql ;;
		esac
		kb "tp-$m" 200 Bench window --mode closed --mix "$mix" \
		    --warmup "$WARM" --duration "$DUR" --admin "$admin:$PW"
		pgb "pg-$m" 200 $files
		# The same mix on the scripts of before issue 12, for the
		# mixes with a target against them (look, say, mixed).
		base=-
		case $m in
		look|say|mixed)
			base=base-$m
			pgb "$base" 200 $(for f in $files; do
			    echo "baseline/$f"; done) ;;
		esac
		ran throughput "$m" 200 "tp-$m" "pg-$m" "$base"
	done ;;
one)
	# One player: its look's latency against pgbench's at one client.
	kb one 1 Bench window --mode closed --mix look=1 --warmup "$WARM" \
	    --duration "$DUR"
	PGB_CLIENTS=1 pgb pg-one 1 look.sql
	ran one look 1 one pg-one ;;
scaling)
	for b in 1 10 50 200 500; do
		sn=scale-$b pgn=pg-scale-$b
		# 200 bots: the throughput scenario's mixed run, if it ran.
		if [ $b = 200 ] && [ -s "$out/tp-mixed.json" ]; then
			sn=tp-mixed pgn=pg-mixed
		else
			kb "$sn" "$b" Bench window --mode closed --mix "$MIX" \
			    --warmup "$WARM" --duration "$DUR"
			pgb "$pgn" "$b" $MIXED
		fi
		ran scaling mixed "$b" "$sn" "$pgn"
	done ;;
latency)
	kb latency 100 Bench window --mode open --rate 5 --mix "$MIX" \
	    --warmup "$WARM" --duration "$DUR"
	ran latency mixed 100 latency - ;;
crowd)
	kb crowd 300 Bench window --mode open --rate 2 \
	    --mix look=1,say=1,move=1 --rooms 1000,1001 --warmup "$WARM" \
	    --duration "$DUR"
	ran crowd l/s/m 300 crowd - ;;
idle)
	# Longer than the window, which must end before the logouts begin.
	kb idle $IDLE Bench window --mode idle --login-rate 1000 \
	    --warmup "$WARM" --duration "$((DUR + WARM + 5))"
	ran idle - $IDLE idle - ;;
scale)
	# 10,000 players online all over the world, 1000 of them playing.
	kb scale $SCALE Scale window --mode open --rate $SCALE_RATE \
	    --active $ACTIVE --mix "$MIX" --login-rate 1000 \
	    --warmup "$WARM" --duration "$DUR" --timeout 10000
	ran scale mixed $SCALE scale - ;;
*)
	say "bench: unknown scenario $s"
	failed=1 ;;
esac
done

# The slowest commands beside the logs (postgres.log copied now as well
# as at the end, for the stalls listing).
cp "$dir/postgres.log" "$out/postgres.log" 2>/dev/null || true
python3 bench/report.py "$out" stalls >"$out/stalls.txt" 2>&1 || true
fact hwm_kb "$(sed -n 's/^VmHWM:[^0-9]*\([0-9]*\).*/\1/p' \
    "/proc/${kpid:-0}/status" 2>/dev/null || true)"
fact ended "$(now)"
rc=0
report tail || rc=$?
[ $failed = 0 ] || rc=2
exit $rc

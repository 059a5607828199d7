#!/bin/sh
# backup-test.sh — db/backup.sh and db/restore.sh for real: a base backup
# of a running Keep restored into a fresh PostgreSQL, and a point-in-time
# recovery to just before a mistaken edit (docs/ops.md, "Backups and
# point-in-time recovery").
#
#   sh tests/backup/backup-test.sh [BUILD_DIR]
#
# Run alone, it starts a PostgreSQL cluster of its own through tests/run.sh
# (var/backup-pg on port 5449, or KEEP_BACKUP_PG_DIR / KEEP_BACKUP_PG_PORT),
# which migrates it, loads the world and runs this script again inside
# (KEEP_BACKUP_INNER=1).  `make test` runs it last.
#
# 1. WAL archiving on (ALTER SYSTEM archive_mode, archive_command; restart).
# 2. keepd on it; character A created over telnet (tests/backup/login.py).
# 3. db/backup.sh takes the base backup; then its refusals: an existing
#    target, no pg_basebackup, an unreachable database; a damaged copy of
#    the backup fails --verify and db/restore.sh refuses it.
# 4. Character B created; the mistaken edit in psql: every player
#    deleted (DELETE FROM characters WHERE proto_id IS NULL), its time
#    read back from the audit log; the WAL switched and archived.
# 5. (a) The base backup alone restored into a fresh data directory on
#    port 5447 (KEEP_BACKUP_RESTORE_PORT): the world's rows all there, A
#    and only A; keepd serves it (it refuses an unmigrated or non-durable
#    database) and A logs in with its password.
# 6. (b) Point-in-time recovery of the same backup with the WAL archive
#    up to the audit entry's time, on port 5446 (KEEP_BACKUP_PITR_PORT):
#    it stops before the DELETE's commit, promotes; A and B are there, the
#    DELETE's audit entry is not, and both log in through keepd.
#
# Exits 0 when every check passed, 1 on the first failure (with the logs
# that explain it).  Every wait is bounded (login.py 15 s a step, psql 30 s
# a statement, the archive 20 s, the recovery 30 s, pg_ctl 60 s), so it
# cannot hang.  Every cluster and keepd it started is stopped, and its
# files removed, on exit.
set -eu

build=${1:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"

if [ -z "${KEEP_BACKUP_INNER:-}" ]; then
	KEEP_BACKUP_INNER=1 \
	KEEP_TEST_PG_PORT=${KEEP_BACKUP_PG_PORT:-5449} \
	KEEP_TEST_PG_DIR=${KEEP_BACKUP_PG_DIR:-var/backup-pg} \
	    exec sh tests/run.sh "$build" tests/backup/backup-test.sh
fi

who=backup
rport=${KEEP_BACKUP_RESTORE_PORT:-5447}
pport=${KEEP_BACKUP_PITR_PORT:-5446}
src_dir=$KEEP_TEST_PG_DIR
t0=$(date +%s)
passed=0

# The work directory: backups, the WAL archive and the restored clusters.
# Under /var/tmp and open for traversal, so that the postgres account
# reaches the archive and data directories wherever the clone is.
work=$(mktemp -d /var/tmp/keep-backup.XXXXXX)
chmod 755 "$work"
archive=$work/wal-archive
mkdir "$archive"
[ "$(id -u)" = 0 ] && chown postgres "$archive"
kpids=

cleanup() {
	for p in $kpids; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	db/pg.sh destroy "$work/restore" >/dev/null 2>&1 || true
	db/pg.sh destroy "$work/pitr" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
	echo "$who: FAILED: $*" >&2
	for f in "$work"/*.log "$work"/restore/postgres.log "$work"/pitr/postgres.log; do
		[ -f "$f" ] || continue
		echo "--- $f:" >&2
		tail -15 "$f" >&2
	done
	exit 1
}

ok() {
	passed=$((passed + 1))
	echo "$who: ok: $*"
}

# One value from the database at URL $1 (bounded: 10 s to connect, 30 s a
# statement).
q() {
	PGCONNECT_TIMEOUT=10 PGOPTIONS='-c statement_timeout=30s' \
	    psql -XqtA -v ON_ERROR_STOP=1 "$1" -c "$2"
}

# Start keepd on a free port against database URL $1 (log $work/keepd-$2.log);
# set kport.
keepd_on() {
	kport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	DATABASE_URL=$1 KEEP_PORT=$kport KEEP_HTTP_PORT=0 "$KEEPD" \
	    >"$work/keepd-$2.log" 2>&1 &
	kpids="$kpids $!"
	python3 tests/backup/login.py wait "$kport" ||
	    fail "keepd on the $2 database does not accept"
}

# A random character name.
rname() {
	python3 -c 'import random, string;
print("Bk" + "".join(random.choice(string.ascii_lowercase) for _ in range(8)))'
}

# 1. WAL archiving on the source cluster.
src=$DATABASE_URL
q "$src" "ALTER SYSTEM SET archive_mode = on" >/dev/null
# The archive_command of config/compose/wal-archive.yml.
q "$src" "ALTER SYSTEM SET archive_command = 'a=$archive/%f.gz; test ! -f \$a && gzip -c %p >\$a.tmp && sync \$a.tmp && mv \$a.tmp \$a'" >/dev/null
db/pg.sh restart "$src_dir" || fail "the source cluster did not restart"
[ "$(q "$src" "SHOW archive_mode")" = on ] || fail "archive_mode is not on"
ok "WAL archiving on (archive_mode = on, archive_command into $archive)"

# 2. Character A, before the backup.
keepd_on "$src" source
sport=$kport
name_a=$(rname)
name_b=$(rname)
pw_a=backup-a-$$
pw_b=backup-b-$$
python3 tests/backup/login.py new "$sport" "$name_a" "$pw_a" ||
    fail "creating $name_a over telnet"
ok "$name_a created over telnet before the backup"

# 3. The base backup, and what db/backup.sh refuses.
sh db/backup.sh -o "$work/backups" "$src" >"$work/backup.out" 2>&1 ||
    { cat "$work/backup.out" >&2; fail "db/backup.sh failed"; }
bdir=$(ls -d "$work"/backups/keep-base-* 2>/dev/null | head -1)
[ -n "$bdir" ] || fail "db/backup.sh wrote no keep-base-* directory"
for f in base.tar.gz pg_wal.tar.gz backup_manifest keep-backup.txt; do
	[ -s "$bdir/$f" ] || fail "the backup has no $f"
done
grep -q "written to $bdir" "$work/backup.out" ||
    fail "db/backup.sh did not say where it wrote"
grep -q "checked with pg_verifybackup" "$work/backup.out" ||
    fail "db/backup.sh did not check the backup"
grep -q '^first WAL segment needed: [0-9A-F]\{24\}$' "$bdir/keep-backup.txt" ||
    fail "keep-backup.txt has no first WAL segment"
ok "db/backup.sh wrote and checked $(basename "$bdir") ($(du -sk "$bdir" | cut -f1) KiB)"

if sh db/backup.sh -D "$bdir" "$src" >"$work/refuse.out" 2>&1; then
	fail "db/backup.sh overwrote an existing backup directory"
fi
grep -q "already exists" "$work/refuse.out" ||
    fail "no clear refusal for an existing directory: $(cat "$work/refuse.out")"
mkdir "$work/empty-bin"
if KEEP_PG_BINDIR=$work/empty-bin sh db/backup.sh -o "$work/nobin" "$src" \
    >"$work/refuse.out" 2>&1; then
	fail "db/backup.sh ran without pg_basebackup"
fi
grep -q "pg_basebackup not found" "$work/refuse.out" ||
    fail "no clear refusal without pg_basebackup: $(cat "$work/refuse.out")"
if sh db/backup.sh -o "$work/unreachable" \
    "postgresql:///keep?host=$work/no-socket&port=$rport&user=keep" \
    >"$work/refuse.out" 2>&1; then
	fail "db/backup.sh succeeded against no database"
fi
grep -q "pg_basebackup failed" "$work/refuse.out" ||
    fail "no clear message for an unreachable database: $(cat "$work/refuse.out")"
[ -z "$(ls -A "$work/unreachable" 2>/dev/null)" ] ||
    fail "a failed backup left files behind: $(ls "$work/unreachable")"
ok "refused: an existing target, no pg_basebackup, no database (nothing left behind)"

cp -r "$bdir" "$work/damaged"
python3 - "$work/damaged/base.tar.gz" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[len(b) // 2] ^= 0xFF
open(p, "wb").write(bytes(b))
PY
if sh db/backup.sh --verify "$work/damaged" >"$work/refuse.out" 2>&1; then
	fail "a damaged backup passed --verify"
fi
if sh db/restore.sh "$work/damaged" "$work/damaged-data" >>"$work/refuse.out" 2>&1; then
	fail "db/restore.sh restored a damaged backup"
fi
[ ! -e "$work/damaged-data" ] || fail "db/restore.sh left a data directory behind"
ok "a backup with one byte flipped fails --verify and db/restore.sh refuses it"

# 4. Character B after the backup, then the mistaken edit.
python3 tests/backup/login.py new "$sport" "$name_b" "$pw_b" ||
    fail "creating $name_b over telnet"
ok "$name_b created over telnet after the backup"
rooms=$(q "$src" "SELECT count(*) FROM rooms")
exits=$(q "$src" "SELECT count(*) FROM exits")
[ "$rooms" -gt 0 ] && [ "$exits" -gt 0 ] || fail "the source has no world ($rooms rooms)"
before=$(q "$src" "SELECT clock_timestamp()")
q "$src" "DELETE FROM characters WHERE proto_id IS NULL" >/dev/null
[ "$(q "$src" "SELECT count(*) FROM characters WHERE proto_id IS NULL")" = 0 ] ||
    fail "the mistaken edit deleted nothing"
# As docs/ops.md says: the time comes from the audit log.
target=$(q "$src" "SET TimeZone = 'UTC'; SELECT at FROM audit_log
    WHERE source = 'sql' AND command LIKE 'DELETE FROM characters%'
    ORDER BY id DESC LIMIT 1")
[ -n "$target" ] || fail "the DELETE has no audit entry"
[ "$(q "$src" "SELECT '$target'::timestamptz >= '$before'::timestamptz")" = t ] ||
    fail "the audit time $target is before the time noted ($before)"
seg=$(q "$src" "SELECT pg_walfile_name(pg_switch_wal())")
end=$(($(date +%s) + 20))
while [ ! -f "$archive/$seg.gz" ]; do
	[ "$(date +%s)" -le "$end" ] || fail "WAL segment $seg not archived in 20 s"
	sleep 0.2
done
ok "the mistaken edit (every player deleted) at $target, WAL archived to $seg"

# Start a restored cluster in data directory $1/data (port $2) after
# restore.sh's extra options $3...; sets url.
restore_into() {
	d=$1
	p=$2
	shift 2
	url=$(db/pg.sh url "$d" "$p" keep_test)
	sock=$(printf %s "$url" | sed 's/.*host=\([^&]*\).*/\1/')
	mkdir -p "$d/data"
	[ "$(id -u)" = 0 ] && chown postgres "$d" "$d/data"
	sh db/restore.sh "$@" --set "port = $p" \
	    --set "unix_socket_directories = '$sock'" "$bdir" "$d/data" \
	    >"$work/restore-$p.log" 2>&1 ||
	    { cat "$work/restore-$p.log" >&2; fail "db/restore.sh into $d"; }
	db/pg.sh start "$d" "$p" keep_test >/dev/null ||
	    fail "the restored cluster in $d does not start"
}

# 5. (a) The base backup alone.
restore_into "$work/restore" "$rport"
r=$url
[ "$(q "$r" "SELECT count(*) FROM rooms")" = "$rooms" ] ||
    fail "the restored database has $(q "$r" "SELECT count(*) FROM rooms") rooms, the source $rooms"
[ "$(q "$r" "SELECT count(*) FROM exits")" = "$exits" ] ||
    fail "the restored database lost exits"
[ "$(q "$r" "SELECT string_agg(name, ',') FROM characters WHERE proto_id IS NULL")" = "$name_a" ] ||
    fail "the restored characters are '$(q "$r" "SELECT string_agg(name, ',') FROM characters WHERE proto_id IS NULL")', not $name_a alone"
ok "(a) base backup restored on port $rport: $rooms rooms, $exits exits, $name_a and not $name_b"
keepd_on "$r" restore
python3 tests/backup/login.py old "$kport" "$name_a" "$pw_a" ||
    fail "$name_a cannot log in on the restored database"
ok "(a) keepd serves the restored database: $name_a logs in (Welcome back, Coins: 100)"

# 6. (b) Point-in-time recovery to just before the DELETE.
restore_into "$work/pitr" "$pport" --wal-archive "$archive" --target-time "$target"
p=$url
end=$(($(date +%s) + 30))
while [ "$(q "$p" "SELECT pg_is_in_recovery()" 2>/dev/null)" != f ]; do
	[ "$(date +%s)" -le "$end" ] || fail "the recovery did not end in 30 s"
	sleep 0.2
done
grep -q "recovery stopping before commit of transaction" "$work/pitr/postgres.log" ||
    fail "the recovery did not stop before a commit"
[ "$(q "$p" "SELECT string_agg(name, ',' ORDER BY id) FROM characters WHERE proto_id IS NULL")" = "$name_a,$name_b" ] ||
    fail "after the recovery the characters are '$(q "$p" "SELECT string_agg(name, ',' ORDER BY id) FROM characters WHERE proto_id IS NULL")', not $name_a,$name_b"
[ "$(q "$p" "SELECT count(*) FROM audit_log WHERE command LIKE 'DELETE FROM characters%'")" = 0 ] ||
    fail "the DELETE's audit entry survived the recovery"
[ "$(q "$p" "SELECT count(*) FROM rooms")" = "$rooms" ] ||
    fail "the recovered database lost rooms"
ok "(b) recovered to $target on port $pport: stopped before the DELETE's commit; $name_a and $name_b are back"
keepd_on "$p" pitr
python3 tests/backup/login.py old "$kport" "$name_b" "$pw_b" ||
    fail "$name_b cannot log in after the recovery"
python3 tests/backup/login.py old "$kport" "$name_a" "$pw_a" ||
    fail "$name_a cannot log in after the recovery"
ok "(b) keepd serves the recovered database: $name_b and $name_a log in"

echo "backup: $passed checks passed in $(($(date +%s) - t0)) s (pg_basebackup $(pg_basebackup --version | awk '{print $3}'))"

#!/bin/sh
# Restore a base backup made by db/backup.sh into a new data directory,
# optionally set up for point-in-time recovery from a WAL archive
# (docs/ops.md, "Backups and point-in-time recovery").
#
#   db/restore.sh [options] BACKUP_DIR DATA_DIR
#
#   --wal-archive DIR    the WAL archive (what archive_command copied to:
#                        segments as they are, or gzipped as NAME.gz)
#   --target-time TIME   recover up to TIME and no further, e.g.
#                        '2026-12-02 12:40:01.123456+00'; commits after it
#                        are not replayed.  Needs --wal-archive.
#   --set 'NAME = VALUE' a setting appended to postgresql.auto.conf (for
#                        example "port = 5433"), repeatable
#   --owner USER         when run as root: give the files to USER (default:
#                        the owner of DATA_DIR if it exists, else postgres)
#   --no-verify          skip the pg_verifybackup check of the backup
#
# DATA_DIR must be missing or empty.  The backup is checked against its
# manifest (db/backup.sh --verify), base.tar.gz unpacked into DATA_DIR and
# pg_wal.tar.gz into DATA_DIR/pg_wal.  Without --wal-archive, starting
# PostgreSQL on DATA_DIR gives the database as it was when the backup
# ended.  With it, restore.sh writes restore_command,
# recovery_target_time (if given), recovery_target_action = 'promote' and
# recovery.signal: PostgreSQL then replays the archived WAL up to TIME (or
# to the end of the archive), promotes, and starts a new timeline.
#
# The restored copy gets archive_mode = 'off', so that a trial restore
# never writes into the archive of the server it came from; turn it on
# again (a command-line -c archive_mode=on, as the compose override has,
# wins anyway) when the copy replaces that server.
set -eu

me=db/restore.sh
usage="usage: $me [--wal-archive DIR [--target-time TIME]] [--set 'NAME = VALUE']... [--owner USER] [--no-verify] BACKUP_DIR DATA_DIR"

die() {
	echo "$me: $*" >&2
	exit 1
}

# A PostgreSQL string literal of $1.
pg_quote() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/''/g")"
}

archive=
target=
owner=
verify=1
sets=$(mktemp)
trap 'rm -f "$sets"' EXIT
while [ $# -gt 0 ]; do
	case $1 in
	--wal-archive) [ $# -ge 2 ] || die "--wal-archive needs a directory"; archive=$2; shift 2 ;;
	--target-time) [ $# -ge 2 ] || die "--target-time needs a time"; target=$2; shift 2 ;;
	--set) [ $# -ge 2 ] || die "--set needs 'NAME = VALUE'"; printf '%s\n' "$2" >>"$sets"; shift 2 ;;
	--owner) [ $# -ge 2 ] || die "--owner needs a user"; owner=$2; shift 2 ;;
	--no-verify) verify=; shift ;;
	-h|--help) echo "$usage"; exit 0 ;;
	-*) echo "$usage" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -eq 2 ] || { echo "$usage" >&2; exit 2; }
backup=$1
data=$2

[ -s "$backup/base.tar.gz" ] || die "$backup has no base.tar.gz: not a backup made by db/backup.sh"
[ -z "$target" ] || [ -n "$archive" ] || die "--target-time needs --wal-archive (the WAL after the backup is there)"
case $target in
*"
"*) die "--target-time: one line, please" ;;
esac
if [ -n "$archive" ]; then
	[ -d "$archive" ] || die "$archive: no such WAL archive directory"
	case $archive in
	/*) ;;
	*) archive=$(cd "$archive" && pwd) ;;
	esac
	ls "$archive" | grep -Eq '^[0-9A-F]{24}(\.gz)?$' ||
	    die "$archive holds no WAL segment: is archive_command copying there?"
fi
if [ -e "$data" ] && [ -n "$(ls -A "$data")" ]; then
	die "$data is not empty; restore into a new or empty directory"
fi

if [ -n "$verify" ]; then
	sh "$(dirname "$0")/backup.sh" --verify "$backup" >/dev/null ||
	    die "$backup failed its check; not restoring it (--no-verify to force)"
fi

if [ "$(id -u)" = 0 ] && [ -z "$owner" ]; then
	if [ -d "$data" ]; then
		owner=$(stat -c %U "$data")
	else
		owner=postgres
	fi
fi
created=
if [ ! -d "$data" ]; then
	mkdir -p "$data" || die "cannot create $data"
	created=1
fi
# Nothing half-restored is left behind on failure.
trap 'rm -f "$sets"; if [ -n "$data" ]; then find "$data" -mindepth 1 -delete 2>/dev/null; [ -z "$created" ] || rmdir "$data" 2>/dev/null; fi' EXIT
chmod 700 "$data"
tar -xzf "$backup/base.tar.gz" -C "$data" || die "cannot unpack $backup/base.tar.gz"
mkdir -p "$data/pg_wal"
if [ -s "$backup/pg_wal.tar.gz" ]; then
	tar -xzf "$backup/pg_wal.tar.gz" -C "$data/pg_wal" ||
	    die "cannot unpack $backup/pg_wal.tar.gz"
elif [ -z "$archive" ]; then
	die "$backup has no pg_wal.tar.gz and no --wal-archive was given: the copy could not be made consistent"
fi
[ -f "$data/PG_VERSION" ] && [ -f "$data/backup_label" ] ||
    die "$backup/base.tar.gz is not a base backup (no PG_VERSION or backup_label)"

{
	echo "# Added by db/restore.sh $(date -u '+%Y-%m-%d %H:%M:%S UTC') from $backup"
	echo "archive_mode = 'off'"
	if [ -n "$archive" ]; then
		echo "restore_command = $(pg_quote "f=\"$archive/%f\"; if [ -f \"\$f.gz\" ]; then gunzip -c \"\$f.gz\" >\"%p\"; else cp \"\$f\" \"%p\"; fi")"
		if [ -n "$target" ]; then
			echo "recovery_target_time = $(pg_quote "$target")"
		fi
		echo "recovery_target_action = 'promote'"
	fi
	cat "$sets"
} >>"$data/postgresql.auto.conf"
[ -z "$archive" ] || : >"$data/recovery.signal"
if [ -n "$owner" ]; then
	chown -R "$owner" "$data" || die "cannot give $data to $owner"
fi
data_ok=$data
data=

echo "$me: $backup restored into $data_ok"
if [ -n "$archive" ]; then
	echo "  recovery: WAL from $archive, ${target:+up to $target, }then promote (new timeline)"
	echo "  start PostgreSQL on it and watch its log for \"recovery stopping before\" and \"archive recovery complete\""
else
	echo "  start PostgreSQL on it: it replays the backup's own WAL and opens as of the end of the backup"
fi
echo "  archive_mode is off in the copy (postgresql.auto.conf)"

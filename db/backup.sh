#!/bin/sh
# Take a base backup of Keep's PostgreSQL with pg_basebackup: tar format,
# gzip-compressed, the WAL needed to make it consistent streamed into it,
# and a backup manifest (SHA-256) checked with pg_verifybackup.  With WAL
# archiving (docs/ops.md, "Backups and point-in-time recovery") it is the
# starting point of a point-in-time recovery; db/restore.sh restores it.
#
#   db/backup.sh [-o ROOT | -D DIR] [--no-verify] [CONNINFO]
#   db/backup.sh --compose [-o ROOT | -D DIR] [--no-verify] [CONNINFO]
#   db/backup.sh --exec 'CMD...' [-o ROOT | -D DIR] [--no-verify] [CONNINFO]
#   db/backup.sh --verify DIR
#
# CONNINFO: a libpq URL or key=value string (its database name is ignored:
# a base backup copies the whole cluster); default $DATABASE_URL.  The
# role needs the REPLICATION attribute (a superuser has it) and pg_hba.conf
# must let it make a replication connection.
#
# -o ROOT   write into ROOT/keep-base-YYYYmmddTHHMMSSZ (default ROOT:
#           $KEEP_BACKUP_DIR, else ./backups)
# -D DIR    write into exactly DIR (must not exist)
# --compose run pg_basebackup (and the check) inside the compose service
#           `db` through `$KEEP_COMPOSE exec -T db` (KEEP_COMPOSE: default
#           docker-compose; "docker compose" for v2) over its Unix socket,
#           and copy the result out; CONNINFO defaults to user=keep there
# --exec    the same with any command prefix that runs a program in the
#           database's container, e.g. 'docker-compose -p prod exec -T db'
# --no-verify  skip pg_verifybackup (it unpacks a copy into $TMPDIR)
# --verify DIR  only check an existing backup directory
#
# The directory holds base.tar.gz, pg_wal.tar.gz, backup_manifest and
# keep-backup.txt (label, source without password, times, first WAL
# segment it needs).  It is written as DIR.partial and renamed when
# complete and checked, so a directory without .partial is a whole backup.
# Exits 0 and lists what it wrote; on any failure exits non-zero with the
# reason and leaves nothing behind.  Local binaries are looked for in
# $KEEP_PG_BINDIR (colon-separated) when set, else in the newest
# /usr/lib/postgresql/*/bin, then $PATH.
set -eu

me=db/backup.sh
usage="usage: $me [--compose | --exec 'CMD'] [-o ROOT | -D DIR] [--no-verify] [CONNINFO]
       $me --verify DIR"

die() {
	echo "$me: $*" >&2
	exit 1
}

# Print the path of PostgreSQL program $1, or nothing: $KEEP_PG_BINDIR when
# set, else the newest versioned Debian directory, then $PATH (Debian puts
# pg_verifybackup only in the versioned directory).
pg_bin() {
	if [ -n "${KEEP_PG_BINDIR+x}" ]; then
		dirs=$KEEP_PG_BINDIR
	else
		dirs=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null |
		    sort -t/ -k5 -rn | tr '\n' ':')$PATH
	fi
	old_ifs=$IFS
	IFS=:
	for d in $dirs; do
		if [ -n "$d" ] && [ -x "$d/$1" ]; then
			IFS=$old_ifs
			echo "$d/$1"
			return 0
		fi
	done
	IFS=$old_ifs
}

# The check, as shell text so that it runs the same here and inside a
# container: unpack a copy of backup directory $1 and run pg_verifybackup
# ($2, or the one on PATH) on it against the manifest, which checks every
# file's size and checksum and that the WAL parses from the start of the
# backup to its end.
verify_fn='
verify_backup() {
	for f in base.tar.gz pg_wal.tar.gz backup_manifest; do
		[ -s "$1/$f" ] || { echo "$1/$f is missing or empty" >&2; return 1; }
	done
	vt=$(mktemp -d "${TMPDIR:-/tmp}/keep-verify.XXXXXX") || return 1
	if tar -xzf "$1/base.tar.gz" -C "$vt" && mkdir -p "$vt/pg_wal" &&
	    tar -xzf "$1/pg_wal.tar.gz" -C "$vt/pg_wal" &&
	    "${2:-pg_verifybackup}" -q -m "$1/backup_manifest" "$vt"; then
		rc=0
	else
		rc=1
	fi
	rm -rf "$vt"
	return $rc
}'
eval "$verify_fn"

# The conninfo as it may be printed: no password.
redact() {
	printf '%s\n' "$1" | sed -e 's#\(://[^:/@]*\):[^@]*@#\1:***@#' \
	    -e 's#\([?&]password=\)[^&]*#\1***#g' \
	    -e "s#\\(password *= *\\)[^ ]*#\\1***#g"
}

root=${KEEP_BACKUP_DIR:-backups}
dest=
verify=1
exec_cmd=
only_verify=
conninfo=
while [ $# -gt 0 ]; do
	case $1 in
	-o) [ $# -ge 2 ] || die "-o needs a directory"; root=$2; shift 2 ;;
	-D) [ $# -ge 2 ] || die "-D needs a directory"; dest=$2; shift 2 ;;
	--compose) exec_cmd="${KEEP_COMPOSE:-docker-compose} exec -T db"; shift ;;
	--exec) [ $# -ge 2 ] || die "--exec needs a command"; exec_cmd=$2; shift 2 ;;
	--no-verify) verify=; shift ;;
	--verify) [ $# -ge 2 ] || die "--verify needs a directory"; only_verify=$2; shift 2 ;;
	-h|--help) echo "$usage"; exit 0 ;;
	-*) echo "$usage" >&2; exit 2 ;;
	*)
		[ -z "$conninfo" ] || { echo "$usage" >&2; exit 2; }
		conninfo=$1
		shift ;;
	esac
done

if [ -n "$only_verify" ]; then
	[ -d "$only_verify" ] || die "$only_verify: no such backup directory"
	vb=$(pg_bin pg_verifybackup)
	[ -n "$vb" ] || die "pg_verifybackup not found (apt-get install postgresql-client-15, or KEEP_PG_BINDIR=...)"
	verify_backup "$only_verify" "$vb" || die "$only_verify: the backup is damaged or incomplete (see above)"
	echo "$me: $only_verify: verified"
	exit 0
fi

if [ -n "$exec_cmd" ]; then
	conninfo=${conninfo:-user=keep}
else
	conninfo=${conninfo:-${DATABASE_URL:-}}
	[ -n "$conninfo" ] || die "no database: give a CONNINFO or set DATABASE_URL (or use --compose)"
	basebackup=$(pg_bin pg_basebackup)
	[ -n "$basebackup" ] || die "pg_basebackup not found${KEEP_PG_BINDIR+ in KEEP_PG_BINDIR=$KEEP_PG_BINDIR}: install the PostgreSQL client (apt-get install postgresql-client-15) or run it in the database container with --compose"
	verifybackup=
	if [ -n "$verify" ]; then
		verifybackup=$(pg_bin pg_verifybackup)
		[ -x "$(dirname "$basebackup")/pg_verifybackup" ] &&
		    verifybackup=$(dirname "$basebackup")/pg_verifybackup
		[ -n "$verifybackup" ] || die "pg_verifybackup not found next to $basebackup: install it, or pass --no-verify"
	fi
fi

stamp=$(date -u +%Y%m%dT%H%M%SZ)
label="keep $stamp"
[ -n "$dest" ] || dest=$root/keep-base-$stamp
[ -e "$dest" ] && die "$dest already exists; not overwriting a backup (choose another -D, or wait a second)"
[ -e "$dest.partial" ] && die "$dest.partial exists: a backup into it is running or was killed; remove it first"
mkdir -p "$(dirname "$dest")" || die "cannot create $(dirname "$dest")"
partial=$dest.partial
mkdir "$partial" || die "cannot create $partial"

cleanup() {
	if [ -n "$partial" ]; then
		rm -rf "$partial"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

started=$(date -u '+%Y-%m-%d %H:%M:%S UTC')
if [ -z "$exec_cmd" ]; then
	"$basebackup" -d "$conninfo" -D "$partial" -Ft -z -X stream -c fast \
	    --manifest-checksums=SHA256 -l "$label" ||
	    die "pg_basebackup failed (see above); nothing written"
	version=$("$basebackup" --version)
	if [ -n "$verify" ]; then
		verify_backup "$partial" "$verifybackup" ||
		    die "pg_verifybackup refused the backup (see above); nothing kept"
	fi
else
	# Inside the container: back up into a temporary directory there,
	# check it with the container's own pg_verifybackup (the server's
	# version), and send it out as one tar on stdout.
	remote="set -eu
$verify_fn
"'t=$(mktemp -d)
trap "rm -rf \"\$t\"" EXIT
pg_basebackup -d "$1" -D "$t/b" -Ft -z -X stream -c fast --manifest-checksums=SHA256 -l "$2" >&2
pg_basebackup --version >"$t/b/.version"
[ -z "$3" ] || verify_backup "$t/b" pg_verifybackup
tar -C "$t/b" -cf - .'
	# shellcheck disable=SC2086 # exec_cmd is a command prefix.
	$exec_cmd sh -c "$remote" sh "$conninfo" "$label" "$verify" \
	    >"$partial/.stream.tar" ||
	    die "the backup in the container failed ($exec_cmd; see above); nothing written"
	tar -xf "$partial/.stream.tar" -C "$partial" ||
	    die "cannot unpack the backup sent by the container"
	rm -f "$partial/.stream.tar"
	version=$(cat "$partial/.version")
	rm -f "$partial/.version"
fi

for f in base.tar.gz pg_wal.tar.gz backup_manifest; do
	[ -s "$partial/$f" ] || die "the backup has no $f; nothing kept"
done
# backup_label names the first WAL segment a recovery needs: the oldest
# one to keep in the archive while this backup is kept.
start_wal=$(tar -xzOf "$partial/base.tar.gz" backup_label 2>/dev/null |
    sed -n 's/^START WAL LOCATION: .*(file \([0-9A-F]*\)).*/\1/p')
[ -n "$start_wal" ] || die "the backup has no readable backup_label; nothing kept"
finished=$(date -u '+%Y-%m-%d %H:%M:%S UTC')

cat >"$partial/keep-backup.txt" <<INFO
label: $label
source: $(redact "$conninfo")${exec_cmd:+ (inside: $exec_cmd)}
started: $started
finished: $finished
first WAL segment needed: $start_wal
made by: $version
verified: $([ -n "$verify" ] && echo "pg_verifybackup, at backup time" || echo "no (--no-verify)")
INFO

mv "$partial" "$dest" || die "cannot rename $partial to $dest"
partial=

echo "$me: base backup of $(redact "$conninfo") written to $dest:"
(cd "$dest" && ls -l base.tar.gz pg_wal.tar.gz backup_manifest keep-backup.txt |
    awk '{ printf "  %-16s %12s bytes\n", $NF, $5 }')
echo "  first WAL segment needed for recovery: $start_wal"
if [ -n "$verify" ]; then
	echo "  checked with pg_verifybackup: every file and the WAL match the manifest"
fi
echo "Restore it with: db/restore.sh $dest NEW_DATA_DIR [--wal-archive DIR --target-time TIME]"

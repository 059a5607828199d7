/*
 * migrate.c — read the migration files, compare them with what the database
 * has applied, and apply the pending ones.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "db/migrate.h"
#include "db/store.h"
#include "ops/log.h"
#include "ops/util.h"

#define MIGRATE_MAX		1000
#define MIGRATE_MAX_BYTES	(4 * 1024 * 1024)

struct migrate_file {
	int	 version;
	char	 name[128];
	char	 checksum[65];
	char	*sql;
};

/* Whether a file name looks like NNNN_name.sql; sets the version. */
static bool
migrate_parse_name(const char *fname, int *version)
{
	size_t	len = strlen(fname);

	if (len < 10 || len >= 128 || strcmp(fname + len - 4, ".sql") != 0)
		return false;
	for (int i = 0; i < 4; i++) {
		if (fname[i] < '0' || fname[i] > '9')
			return false;
	}
	if (fname[4] != '_')
		return false;
	*version = atoi(fname);
	return *version > 0;
}

/* Read a whole file (bounded); NULL with err on failure. */
static char *
migrate_read(const char *path, char *err, size_t errsz)
{
	FILE	*f = fopen(path, "rb");
	char	*buf;
	size_t	 n;

	if (f == NULL) {
		snprintf(err, errsz, "%s: cannot open", path);
		return NULL;
	}
	buf = xmalloc(MIGRATE_MAX_BYTES + 1);
	n = fread(buf, 1, MIGRATE_MAX_BYTES + 1, f);
	fclose(f);
	if (n > MIGRATE_MAX_BYTES) {
		snprintf(err, errsz, "%s: larger than %d bytes", path,
		    MIGRATE_MAX_BYTES);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

/* Hex SHA-256 of a text. */
static void
migrate_checksum(const char *text, char out[65])
{
	unsigned char	hash[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(hash, (const unsigned char *)text, strlen(text));
	sodium_bin2hex(out, 65, hash, sizeof hash);
}

/* Compare two migration files by version, for qsort. */
static int
migrate_cmp(const void *a, const void *b)
{
	const struct migrate_file	*x = a, *y = b;

	return (x->version > y->version) - (x->version < y->version);
}

/* Free the files list. */
static void
migrate_free(struct migrate_file *files, int n)
{
	for (int i = 0; i < n; i++)
		free(files[i].sql);
	free(files);
}

/* Read every migration in dir, sorted; -1 with err on failure. */
static int
migrate_scan(const char *dir, struct migrate_file **out, char *err,
    size_t errsz)
{
	DIR			*d = opendir(dir);
	struct dirent		*de;
	struct migrate_file	*files;
	int			 n = 0, version;
	char			 path[4096];

	if (d == NULL) {
		snprintf(err, errsz, "%s: cannot open the migrations directory",
		    dir);
		return -1;
	}
	files = xcalloc(MIGRATE_MAX, sizeof *files);
	while ((de = readdir(d)) != NULL) {
		if (!migrate_parse_name(de->d_name, &version))
			continue;
		if (n == MIGRATE_MAX) {
			snprintf(err, errsz, "%s: too many migrations", dir);
			goto fail;
		}
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if ((files[n].sql = migrate_read(path, err, errsz)) == NULL)
			goto fail;
		files[n].version = version;
		util_strlcpy(files[n].name, de->d_name, sizeof files[n].name);
		migrate_checksum(files[n].sql, files[n].checksum);
		n++;
	}
	closedir(d);
	qsort(files, (size_t)n, sizeof *files, migrate_cmp);
	for (int i = 1; i < n; i++) {
		if (files[i].version == files[i - 1].version) {
			snprintf(err, errsz, "%s and %s have the same number",
			    files[i - 1].name, files[i].name);
			migrate_free(files, n);
			return -1;
		}
	}
	*out = files;
	return n;
fail:
	closedir(d);
	migrate_free(files, n);
	return -1;
}

/*
 * Compare files with applied migrations.  Returns the index of the first
 * pending file, or -1 with err when an applied migration was edited or its
 * file is gone.
 */
static int
migrate_compare(struct migrate_file *files, int n,
    struct store_migration *applied, int napplied, char *err, size_t errsz)
{
	for (int i = 0; i < napplied; i++) {
		struct migrate_file	*f = NULL;

		for (int j = 0; j < n; j++) {
			if (files[j].version == applied[i].version)
				f = &files[j];
		}
		if (f == NULL) {
			snprintf(err, errsz, "migration %s was applied but its "
			    "file is missing", applied[i].name);
			return -1;
		}
		if (strcmp(f->checksum, applied[i].checksum) != 0) {
			snprintf(err, errsz, "migration %s was edited after it "
			    "was applied (checksum differs); add a new "
			    "migration instead", f->name);
			return -1;
		}
	}
	return napplied;
}

/* Load files and applied list; the first pending index, or -1 with err. */
static int
migrate_prepare(struct store *s, const char *dir, struct migrate_file **files,
    int *nfiles, char *err, size_t errsz)
{
	struct store_migration	*applied;
	int			 napplied, first;

	if ((*nfiles = migrate_scan(dir, files, err, errsz)) < 0)
		return -1;
	applied = xcalloc(MIGRATE_MAX, sizeof *applied);
	napplied = store_migrations_applied(s, applied, MIGRATE_MAX);
	if (napplied < 0) {
		snprintf(err, errsz, "reading schema_migrations: %s",
		    store_error(s));
		first = -1;
	} else
		first = migrate_compare(*files, *nfiles, applied, napplied,
		    err, errsz);
	free(applied);
	if (first < 0)
		migrate_free(*files, *nfiles);
	return first;
}

/* Apply pending migrations from dir. */
bool
migrate_apply(struct store *s, const char *dir, char *err, size_t errsz)
{
	struct migrate_file	*files;
	int			 n, first;

	if (store_migrations_init(s) != STORE_OK ||
	    store_migrations_lock(s) != STORE_OK) {
		snprintf(err, errsz, "%s", store_error(s));
		return false;
	}
	if ((first = migrate_prepare(s, dir, &files, &n, err, errsz)) < 0)
		return false;
	for (int i = first; i < n; i++) {
		if (store_migration_apply(s, files[i].version, files[i].name,
		    files[i].checksum, files[i].sql) != STORE_OK) {
			snprintf(err, errsz, "migration %s failed: %s",
			    files[i].name, store_error(s));
			migrate_free(files, n);
			return false;
		}
		log_info("migrate: applied %s", files[i].name);
	}
	if (first == n)
		log_info("migrate: database is up to date (%d migrations)", n);
	migrate_free(files, n);
	return true;
}

/* Whether the database is exactly up to date with dir. */
bool
migrate_check(struct store *s, const char *dir, char *err, size_t errsz)
{
	struct migrate_file	*files;
	int			 n, first;
	size_t			 o;

	if ((first = migrate_prepare(s, dir, &files, &n, err, errsz)) < 0)
		return false;
	if (first < n) {
		o = (size_t)snprintf(err, errsz, "pending migrations (run "
		    "`keepd migrate`):");
		for (int i = first; i < n && o < errsz; i++)
			o += (size_t)snprintf(err + o, errsz - o, " %s",
			    files[i].name);
	}
	migrate_free(files, n);
	return first == n;
}

/*
 * config.c — keepd's configuration.  Everything about a key (name, type,
 * where it lives in struct config, default, bounds, environment override,
 * help) is one row of config_keys[]; defaults, parsing, validation, the
 * environment and config-help are all loops over that table.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "ops/cidr.h"
#include "ops/config.h"
#include "ops/util.h"

#define CONFIG_DEFAULT_PATH	"config/keep.json"
#define CONFIG_STRING_MAX	1024	/* bytes, for every string key */
/* Duplicate keys are errors; any JSON value parses, so "must be an object". */
#define CONFIG_JSON_FLAGS	(JSON_REJECT_DUPLICATES | JSON_DECODE_ANY)
#define CONFIG_SHOW_MAX		64	/* bytes of foreign text in errors */

enum config_type {
	CONFIG_INT,
	CONFIG_STRING,
	CONFIG_BOOL,
};

/*
 * One key.  For an integer, min and max bound the value; for a string they
 * bound its length in bytes, and choices (NULL-terminated), when set, lists
 * the only values allowed.
 */
struct config_key {
	const char		*name;
	enum config_type	 type;
	size_t			 offset;
	long long		 def_int;
	const char		*def_str;
	long long		 min;
	long long		 max;
	const char *const	*choices;
	bool			 ascii;		/* printable ASCII only */
	const char		*env;
	const char		*help;
	/* A string's own check (may be NULL): false, with a reason in err. */
	bool			(*check)(const char *, char *err, size_t errsz);
	bool			 list;	/* a JSON array of strings is joined
					 * with ", " */
};

#define CONFIG_INT_KEY(n, d, lo, hi, e, h) {				\
	.name = #n, .type = CONFIG_INT,					\
	.offset = offsetof(struct config, n),				\
	.def_int = (d), .min = (lo), .max = (hi), .env = (e), .help = (h) }
#define CONFIG_STR_KEY(n, d, lo, c, e, h) {				\
	.name = #n, .type = CONFIG_STRING,				\
	.offset = offsetof(struct config, n),				\
	.def_str = (d), .min = (lo), .max = CONFIG_STRING_MAX,		\
	.choices = (c), .env = (e), .help = (h) }

#define CONFIG_BOOL_KEY(n, d, h) {					\
	.name = #n, .type = CONFIG_BOOL,				\
	.offset = offsetof(struct config, n),				\
	.def_int = (d), .min = 0, .max = 1, .help = (h) }

/* A list of networks (ops/cidr.h), as a string or a JSON array. */
#define CONFIG_CIDR_KEY(n, h) {						\
	.name = #n, .type = CONFIG_STRING,				\
	.offset = offsetof(struct config, n),				\
	.def_str = "", .min = 0, .max = CONFIG_STRING_MAX,		\
	.check = config_check_cidrs, .list = true, .help = (h) }

/* A string shown to MUD listings (MSSP): printable ASCII, bounded; may be
 * "" (left out). */
#define CONFIG_MSSP_KEY(n, d, lo, h) {					\
	.name = #n, .type = CONFIG_STRING,				\
	.offset = offsetof(struct config, n),				\
	.def_str = (d), .min = (lo), .max = CONFIG_MSSP_MAX,		\
	.ascii = true, .help = (h) }

/* Whether text is a list of networks cidr_list_parse accepts. */
static bool
config_check_cidrs(const char *text, char *err, size_t errsz)
{
	struct cidr	list[CIDR_LIST_MAX];
	size_t		n;

	return cidr_list_parse(text, list, &n, err, errsz);
}

static const char *const config_log_levels[] = {
	"debug", "info", "warn", "error", NULL
};

static const char *const config_log_formats[] = {
	"text", "json", NULL
};

static const char *const config_telnet_offers[] = {
	"all", "none", NULL
};

static const struct config_key config_keys[] = {
	CONFIG_STR_KEY(listen_address, "127.0.0.1", 1, NULL, NULL,
	    "IP address to accept telnet connections on (0.0.0.0: all)."),
	CONFIG_INT_KEY(port, 4000, 1, 65535, "KEEP_PORT",
	    "TCP port to accept telnet connections on."),
	CONFIG_STR_KEY(database_url, "", 0, NULL, "DATABASE_URL",
	    "libpq connection string or URI; empty: libpq's PG* variables."),
	CONFIG_INT_KEY(workers, 4, 1, 64, NULL,
	    "Database worker threads, each with one PostgreSQL connection."),
	CONFIG_INT_KEY(max_connections, 2500, 1, 100000, NULL,
	    "Client connections at once; more are refused with a message."),
	CONFIG_INT_KEY(max_connections_per_address, 20, 1, 100000, NULL,
	    "Client connections at once from one address; more are refused."),
	CONFIG_INT_KEY(max_new_characters_per_address, 5, 1, 100000, NULL,
	    "New characters one address may create in an hour."),
	CONFIG_INT_KEY(login_timeout, 60, 5, 3600, NULL,
	    "Seconds a connection may take to log in before it is closed."),
	CONFIG_INT_KEY(max_queued_lines, 20, 1, 1000, NULL,
	    "Input lines a session may have waiting; more is a flood."),
	CONFIG_INT_KEY(max_output_kib, 1024, 16, 65536, NULL,
	    "KiB of output (keepd's and the kernel's) unsent before a cut-off."),
	CONFIG_INT_KEY(command_rate, 10, 1, 1000000, NULL,
	    "Input lines a second a session may send, on average."),
	CONFIG_INT_KEY(command_burst, 30, 1, 1000000, NULL,
	    "Input lines a session may send at once above command_rate."),
	CONFIG_INT_KEY(command_rate_refusals, 100, 1, 1000000, NULL,
	    "Lines refused over the rate, with no pause, before a cut-off."),
	CONFIG_INT_KEY(tx_retries, 5, 0, 100, NULL,
	    "Retries of a transaction after a serialization failure/deadlock."),
	CONFIG_INT_KEY(statement_timeout_ms, 5000, 100, 600000, NULL,
	    "PostgreSQL statement_timeout for worker connections, in ms."),
	CONFIG_INT_KEY(in_doubt_wait_ms, 10000, 0, 600000, NULL,
	    "How long to find out if a COMMIT whose answer was lost took, ms."),
	CONFIG_INT_KEY(slow_command_ms, 250, 0, 600000, NULL,
	    "A command or ticker task slower than this is logged (ms; 0 off)."),
	CONFIG_INT_KEY(argon2_ops, 2, 1, 10, NULL,
	    "Argon2id passes for password hashing (libsodium opslimit)."),
	CONFIG_INT_KEY(argon2_mem_kib, 19456, 8, 1048576, NULL,
	    "Argon2id memory for password hashing, in KiB (memlimit / 1024)."),
	CONFIG_INT_KEY(login_workers, 2, 1, 64, NULL,
	    "Threads that check and hash passwords, apart from the workers."),
	CONFIG_INT_KEY(login_queue, 256, 1, 100000, NULL,
	    "Logins that may wait for a login worker; more are told to retry."),
	CONFIG_INT_KEY(login_free_failures, 3, 0, 1000000, NULL,
	    "Wrong passwords for a character before it is locked for a while."),
	CONFIG_INT_KEY(login_address_free_failures, 10, 0, 1000000, NULL,
	    "Wrong passwords from an address before it is locked for a while."),
	CONFIG_INT_KEY(login_lockout_max_secs, 300, 1, 86400, NULL,
	    "Longest lock after wrong passwords (it doubles from 2 s)."),
	CONFIG_INT_KEY(login_failure_forget_secs, 3600, 1, 2592000, NULL,
	    "Seconds without a wrong password after which the count restarts."),
	CONFIG_STR_KEY(migrations_dir, "db/migrations", 1, NULL, NULL,
	    "Directory of numbered SQL migrations for keepd migrate."),
	CONFIG_STR_KEY(world_dir, "db/world", 1, NULL, NULL,
	    "Directory of world data files (zones, rooms, items, NPCs)."),
	CONFIG_STR_KEY(log_level, "info", 1, config_log_levels, NULL,
	    "Lowest log level written: debug, info, warn or error."),
	CONFIG_INT_KEY(message_retention, 3600, 1, 2592000, NULL,
	    "Seconds a delivered message is kept before it is pruned."),
	CONFIG_INT_KEY(message_bell_ms, 5, 0, 1000, NULL,
	    "Least milliseconds between two NOTIFYs this keepd rings."),
	CONFIG_INT_KEY(message_catchup_ms, 250, 10, 60000, NULL,
	    "Milliseconds after which the listener reads without a bell."),
	CONFIG_INT_KEY(room_message_rate, 20, 1, 1000000, NULL,
	    "Says a room may hear in a second; more are refused as noise."),
	CONFIG_INT_KEY(shutdown_timeout, 15, 2, 3600, NULL,
	    "Seconds from SIGTERM to exit, database or not; then forced."),
	CONFIG_STR_KEY(telnet_offers, "all", 1, config_telnet_offers, NULL,
	    "Telnet options offered at connect: all, or none (only agreed)."),
	CONFIG_MSSP_KEY(mud_name, "Keep", 1,
	    "The game's name, as MSSP (MUD listings) shows it."),
	CONFIG_MSSP_KEY(mssp_contact, "", 0,
	    "MSSP CONTACT: an e-mail address for the game; empty: not sent."),
	CONFIG_MSSP_KEY(mssp_website, "", 0,
	    "MSSP WEBSITE: the game's web site; empty: not sent."),
	CONFIG_MSSP_KEY(mssp_hostname, "", 0,
	    "MSSP HOSTNAME: the host players connect to; empty: not sent."),
	CONFIG_MSSP_KEY(mssp_location, "", 0,
	    "MSSP LOCATION: the server's country; empty: not sent."),
	CONFIG_MSSP_KEY(mssp_created, "", 0,
	    "MSSP CREATED: the year the game opened; empty: not sent."),
	CONFIG_MSSP_KEY(mssp_language, "English", 0,
	    "MSSP LANGUAGE: the game's language; empty: not sent."),
	CONFIG_INT_KEY(mssp_minimum_age, 0, 0, 99, NULL,
	    "MSSP MINIMUM AGE of players (0: none)."),
	CONFIG_MSSP_KEY(mssp_family, "Custom", 0,
	    "MSSP FAMILY (codebase family); empty: not sent."),
	CONFIG_MSSP_KEY(mssp_genre, "Fantasy", 0,
	    "MSSP GENRE; empty: not sent."),
	CONFIG_MSSP_KEY(mssp_subgenre, "Medieval Fantasy", 0,
	    "MSSP SUBGENRE; empty: not sent."),
	CONFIG_MSSP_KEY(mssp_gameplay, "Hack and Slash", 0,
	    "MSSP GAMEPLAY; empty: not sent."),
	CONFIG_MSSP_KEY(mssp_status, "Alpha", 0,
	    "MSSP STATUS (Alpha, Beta, Live...); empty: not sent."),
	CONFIG_MSSP_KEY(mssp_gamesystem, "Custom", 0,
	    "MSSP GAMESYSTEM; empty: not sent."),
	CONFIG_INT_KEY(public_port, 0, 0, 65535, NULL,
	    "The telnet port MSSP announces (0: the port key's)."),
	CONFIG_STR_KEY(http_address, "127.0.0.1", 1, NULL, NULL,
	    "IP address of the HTTP port (health, metrics, dashboard)."),
	CONFIG_INT_KEY(http_port, 4080, 0, 65535, "KEEP_HTTP_PORT",
	    "TCP port for /healthz, /readyz, /metrics and the dashboard; 0: off."),
	CONFIG_STR_KEY(web_dir, "server/web", 1, NULL, NULL,
	    "Directory of the dashboard's HTML, CSS and JavaScript files."),
	CONFIG_STR_KEY(log_format, "text", 1, config_log_formats, NULL,
	    "Log lines as text (one line per event) or json (one object each)."),
	CONFIG_BOOL_KEY(proxy_protocol, false,
	    "Connections from trusted_proxies start with a PROXY v1 header."),
	CONFIG_CIDR_KEY(trusted_proxies,
	    "Addresses/networks (a list, or comma-separated) of PROXY senders."),
};

/* Write one formatted line into err, if there is room for one. */
static void __attribute__((format(printf, 3, 4)))
config_err(char *err, size_t errsz, const char *fmt, ...)
{
	va_list	ap;

	if (err == NULL || errsz == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
}

/* Copy untrusted text into buf for an error: printable ASCII, shortened. */
static const char *
config_show(const char *s, char *buf, size_t bufsz)
{
	size_t	i, n = 0;

	for (i = 0; s[i] != '\0' && n + 4 < bufsz; i++) {
		unsigned char	c = (unsigned char)s[i];

		buf[n++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	if (s[i] != '\0') {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
	return buf;
}

/* Join a key's allowed values as "a|b|c" into buf. */
static const char *
config_choices(const struct config_key *k, char *buf, size_t bufsz)
{
	size_t	i, n = 0;

	buf[0] = '\0';
	for (i = 0; k->choices[i] != NULL && n < bufsz; i++)
		n += (size_t)snprintf(buf + n, bufsz - n, "%s%s",
		    i > 0 ? "|" : "", k->choices[i]);
	return buf;
}

/* The int field of cfg that row k describes. */
static int *
config_int(struct config *cfg, const struct config_key *k)
{
	return (int *)(void *)((char *)cfg + k->offset);
}

/* The bool field of cfg that row k describes. */
static bool *
config_bool(struct config *cfg, const struct config_key *k)
{
	return (bool *)(void *)((char *)cfg + k->offset);
}

/* The string field of cfg that row k describes. */
static char **
config_str(struct config *cfg, const struct config_key *k)
{
	return (char **)(void *)((char *)cfg + k->offset);
}

/* The row named name, or NULL. */
static const struct config_key *
config_find(const char *name)
{
	size_t	i;

	for (i = 0; i < nitems(config_keys); i++) {
		if (strcmp(config_keys[i].name, name) == 0)
			return &config_keys[i];
	}
	return NULL;
}

/* Fill every field of cfg with its default; cfg's old contents are ignored. */
static void
config_defaults(struct config *cfg)
{
	const struct config_key	*k;
	size_t			 i;

	memset(cfg, 0, sizeof *cfg);
	for (i = 0; i < nitems(config_keys); i++) {
		k = &config_keys[i];
		if (k->type == CONFIG_INT)
			*config_int(cfg, k) = (int)k->def_int;
		else if (k->type == CONFIG_BOOL)
			*config_bool(cfg, k) = k->def_int != 0;
		else
			*config_str(cfg, k) = xstrdup(k->def_str);
	}
}

/* Free the strings a loaded config owns and clear their pointers. */
void
config_free(struct config *cfg)
{
	const struct config_key	*k;
	size_t			 i;

	for (i = 0; i < nitems(config_keys); i++) {
		k = &config_keys[i];
		if (k->type == CONFIG_STRING) {
			free(*config_str(cfg, k));
			*config_str(cfg, k) = NULL;
		}
	}
}

/* Set integer key k to v after checking its bounds; what names the source. */
static bool
config_set_int(struct config *cfg, const struct config_key *k, long long v,
    const char *what, char *err, size_t errsz)
{
	if (v < k->min || v > k->max) {
		config_err(err, errsz, "%s is %lld, outside %lld..%lld",
		    what, v, k->min, k->max);
		return false;
	}
	*config_int(cfg, k) = (int)v;
	return true;
}

/* Set string key k to a copy of v after checking length and choices. */
static bool
config_set_str(struct config *cfg, const struct config_key *k, const char *v,
    const char *what, char *err, size_t errsz)
{
	char	show[CONFIG_SHOW_MAX], list[128];
	size_t	len = strlen(v), i;

	if (len == 0 && k->min > 0) {
		config_err(err, errsz, "%s must not be empty", what);
		return false;
	}
	if ((long long)len < k->min || (long long)len > k->max) {
		config_err(err, errsz, "%s is %zu bytes long, outside "
		    "%lld..%lld", what, len, k->min, k->max);
		return false;
	}
	for (i = 0; k->ascii && i < len; i++) {
		if ((unsigned char)v[i] < 0x20 || (unsigned char)v[i] > 0x7e) {
			config_err(err, errsz, "%s must be printable ASCII, "
			    "not \"%s\"", what, config_show(v, show,
			    sizeof show));
			return false;
		}
	}
	for (i = 0; k->choices != NULL && k->choices[i] != NULL; i++) {
		if (strcmp(v, k->choices[i]) == 0)
			break;
	}
	if (k->choices != NULL && k->choices[i] == NULL) {
		config_err(err, errsz, "%s must be one of %s, not \"%s\"", what,
		    config_choices(k, list, sizeof list),
		    config_show(v, show, sizeof show));
		return false;
	}
	if (k->check != NULL && !k->check(v, list, sizeof list)) {
		config_err(err, errsz, "%s: %s", what, list);
		return false;
	}
	free(*config_str(cfg, k));
	*config_str(cfg, k) = xstrdup(v);
	return true;
}

/* Set list key k from a JSON array of strings v, joined with ", ". */
static bool
config_set_list(struct config *cfg, const struct config_key *k, json_t *v,
    const char *what, char *err, size_t errsz)
{
	char	*joined = xstrdup(""), *next;
	json_t	*item;
	size_t	 i;
	bool	 ok;

	json_array_foreach(v, i, item) {
		if (!json_is_string(item) || strlen(json_string_value(item)) >
		    CONFIG_STRING_MAX) {
			config_err(err, errsz, "%s must be a string or an array"
			    " of strings", what);
			free(joined);
			return false;
		}
		next = xasprintf("%s%s%s", joined, i > 0 ? ", " : "",
		    json_string_value(item));
		free(joined);
		joined = next;
	}
	ok = config_set_str(cfg, k, joined, what, err, errsz);
	free(joined);
	return ok;
}

/* Set key k from JSON value v (borrowed), checking its type. */
static bool
config_set_json(struct config *cfg, const struct config_key *k, json_t *v,
    const char *what, char *err, size_t errsz)
{
	if (k->type == CONFIG_INT) {
		if (!json_is_integer(v)) {
			config_err(err, errsz, "%s must be an integer", what);
			return false;
		}
		return config_set_int(cfg, k, json_integer_value(v), what, err,
		    errsz);
	}
	if (k->type == CONFIG_BOOL) {
		if (!json_is_boolean(v)) {
			config_err(err, errsz, "%s must be true or false", what);
			return false;
		}
		*config_bool(cfg, k) = json_is_true(v);
		return true;
	}
	if (k->list && json_is_array(v))
		return config_set_list(cfg, k, v, what, err, errsz);
	if (!json_is_string(v)) {
		config_err(err, errsz, "%s must be a string", what);
		return false;
	}
	/* jansson rejects \u0000 without JSON_ALLOW_NUL, so v is a C string. */
	return config_set_str(cfg, k, json_string_value(v), what, err, errsz);
}

/* Apply every key of JSON object root (borrowed) read from source. */
static bool
config_apply_object(struct config *cfg, json_t *root, const char *source,
    char *err, size_t errsz)
{
	const struct config_key	*k;
	const char		*key;
	json_t			*v;
	char			 what[4200], show[CONFIG_SHOW_MAX];

	if (!json_is_object(root)) {
		config_err(err, errsz, "%s: must be a JSON object", source);
		return false;
	}
	json_object_foreach(root, key, v) {
		if (key[0] == '_')
			continue;	/* "_comment" and the like */
		if ((k = config_find(key)) == NULL) {
			config_err(err, errsz, "%s: unknown key \"%s\"", source,
			    config_show(key, show, sizeof show));
			return false;
		}
		snprintf(what, sizeof what, "%s: key \"%s\"", source, k->name);
		if (!config_set_json(cfg, k, v, what, err, errsz))
			return false;
	}
	return true;
}

/* Apply the environment overrides named in the table's env column. */
static bool
config_apply_env(struct config *cfg, char *err, size_t errsz)
{
	const struct config_key	*k;
	const char		*v;
	char			*end, show[CONFIG_SHOW_MAX];
	long long		 n;
	size_t			 i;

	for (i = 0; i < nitems(config_keys); i++) {
		k = &config_keys[i];
		if (k->env == NULL)
			continue;
		if ((v = getenv(k->env)) == NULL || *v == '\0')
			continue;
		if (k->type == CONFIG_STRING) {
			if (!config_set_str(cfg, k, v, k->env, err, errsz))
				return false;
			continue;
		}
		errno = 0;
		n = strtoll(v, &end, 10);
		if (*end != '\0' || errno != 0 || v[strspn(v, "-0123456789")]) {
			config_err(err, errsz, "%s must be an integer in "
			    "%lld..%lld, not \"%s\"", k->env, k->min, k->max,
			    config_show(v, show, sizeof show));
			return false;
		}
		if (!config_set_int(cfg, k, n, k->env, err, errsz))
			return false;
	}
	return true;
}

/* Defaults, then parsed JSON root (stolen, may be NULL on a syntax error). */
static bool
config_load_json(struct config *cfg, json_t *root, const json_error_t *jerr,
    const char *source, char *err, size_t errsz)
{
	bool	ok;

	config_defaults(cfg);
	if (root == NULL) {
		config_err(err, errsz, "%s: line %d, column %d: %s", source,
		    jerr->line, jerr->column, jerr->text);
		config_free(cfg);
		return false;
	}
	ok = config_apply_object(cfg, root, source, err, errsz);
	json_decref(root);
	if (!ok)
		config_free(cfg);
	return ok;
}

/* Load cfg from the file at path (no environment); origin explains path. */
static bool
config_load_file(struct config *cfg, const char *path, const char *origin,
    char *err, size_t errsz)
{
	json_error_t	 jerr;
	json_t		*root;
	struct stat	 sb;
	FILE		*fp;

	if ((fp = fopen(path, "r")) == NULL) {
		config_err(err, errsz, "%s: cannot open%s: %s", path, origin,
		    strerror(errno));
		memset(cfg, 0, sizeof *cfg);
		return false;
	}
	if (fstat(fileno(fp), &sb) != 0 || !S_ISREG(sb.st_mode)) {
		config_err(err, errsz, "%s: not a regular file%s", path,
		    origin);
		fclose(fp);
		memset(cfg, 0, sizeof *cfg);
		return false;
	}
	root = json_loadf(fp, CONFIG_JSON_FLAGS, &jerr);
	fclose(fp);
	return config_load_json(cfg, root, &jerr, path, err, errsz);
}

/* Defaults, then the file at path (or the usual search), then environment. */
bool
config_load(struct config *cfg, const char *path, char *err, size_t errsz)
{
	const char	*origin = "";
	const char	*env;

	if (path == NULL) {
		env = getenv("KEEP_CONFIG");
		if (env != NULL && *env != '\0') {
			path = env;
			origin = " (named by KEEP_CONFIG)";
		} else if (access(CONFIG_DEFAULT_PATH, F_OK) == 0)
			path = CONFIG_DEFAULT_PATH;
	}
	if (path == NULL)
		config_defaults(cfg);
	else if (!config_load_file(cfg, path, origin, err, errsz))
		return false;
	if (!config_apply_env(cfg, err, errsz)) {
		config_free(cfg);
		return false;
	}
	return true;
}

/* Defaults, then the JSON text json; no environment. */
bool
config_load_string(struct config *cfg, const char *json, char *err,
    size_t errsz)
{
	json_error_t	 jerr;
	json_t		*root;

	root = json_loads(json, CONFIG_JSON_FLAGS, &jerr);
	return config_load_json(cfg, root, &jerr, "<string>", err, errsz);
}

/* Print one row of the table for config-help. */
static void
config_print_key(FILE *fp, const struct config_key *k)
{
	char	list[128];

	if (k->type == CONFIG_INT)
		fprintf(fp, "%s (integer, default %lld, %lld..%lld", k->name,
		    k->def_int, k->min, k->max);
	else if (k->type == CONFIG_BOOL)
		fprintf(fp, "%s (boolean, default %s", k->name,
		    k->def_int ? "true" : "false");
	else if (k->list)
		fprintf(fp, "%s (string or array of strings, default \"%s\"",
		    k->name, k->def_str);
	else if (k->choices != NULL)
		fprintf(fp, "%s (string, default \"%s\", one of %s", k->name,
		    k->def_str, config_choices(k, list, sizeof list));
	else
		fprintf(fp, "%s (string, default \"%s\", %lld..%lld bytes",
		    k->name, k->def_str, k->min, k->max);
	if (k->env != NULL)
		fprintf(fp, ", env %s", k->env);
	fprintf(fp, ")\n    %s\n", k->help);
}

/* Print every key with type, default, bounds and help (keepd config-help). */
void
config_print_help(FILE *fp)
{
	size_t	i;

	fputs("keepd reads a JSON object from $KEEP_CONFIG, else "
	    CONFIG_DEFAULT_PATH " if present.\nEvery key is optional; keys "
	    "starting with \"_\" are comments.\n\n", fp);
	for (i = 0; i < nitems(config_keys); i++)
		config_print_key(fp, &config_keys[i]);
}

/* Number of keys in the config table. */
size_t
config_key_count(void)
{
	return nitems(config_keys);
}

/* Name of table key i, or NULL past the end. */
const char *
config_key_name(size_t i)
{
	return i < nitems(config_keys) ? config_keys[i].name : NULL;
}

/* Whether key i of cfg holds the table's default. */
bool
config_key_is_default(const struct config *cfg, size_t i)
{
	const struct config_key	*k;
	const char		*p;

	if (i >= nitems(config_keys))
		return false;
	k = &config_keys[i];
	p = (const char *)cfg + k->offset;
	if (k->type == CONFIG_INT)
		return *(const int *)(const void *)p == k->def_int;
	if (k->type == CONFIG_BOOL)
		return *(const bool *)(const void *)p == (k->def_int != 0);
	p = *(char *const *)(const void *)p;
	return p != NULL && strcmp(p, k->def_str) == 0;
}

/*
 * config.h — keepd's configuration: a declarative table of keys with types,
 * defaults, bounds and help, read from a JSON file (jansson) and overridden
 * by a few environment variables.
 */
#ifndef KEEP_CONFIG_H
#define KEEP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct config {
	char	*listen_address;	/* "127.0.0.1" */
	int	 port;			/* 4000; env KEEP_PORT */
	char	*database_url;		/* ""; env DATABASE_URL */
	int	 workers;		/* 4; 1..64 */
	int	 max_connections;	/* 2500; 1..100000 */
	int	 max_connections_per_address;	/* 20; 1..100000 */
	int	 max_new_characters_per_address; /* 5 an hour; 1..100000 */
	int	 login_timeout;		/* seconds, 60; 5..3600 */
	int	 max_queued_lines;	/* 20; 1..1000 */
	int	 max_output_kib;	/* 1024; 16..65536: pending output before cut-off */
	int	 command_rate;		/* 10; 1..1000000: input lines a second */
	int	 command_burst;		/* 30; 1..1000000: lines saved up */
	int	 command_rate_refusals;	/* 100; 1..1000000: refused, then cut off */
	int	 tx_retries;		/* 5; 0..100 */
	int	 statement_timeout_ms;	/* 5000; 100..600000 */
	int	 in_doubt_wait_ms;	/* 10000; 0..600000 */
	int	 slow_command_ms;	/* 250; 0..600000 (0: never logged) */
	int	 argon2_ops;		/* 2; 1..10 (libsodium opslimit) */
	int	 argon2_mem_kib;	/* 19456; 8..1048576 (libsodium memlimit / 1024) */
	int	 login_workers;		/* 2; 1..64: threads that hash passwords */
	int	 login_queue;		/* 256; 1..100000: logins waiting for them */
	int	 login_free_failures;	/* 3; 0..1000000: per character */
	int	 login_address_free_failures;	/* 10; 0..1000000 */
	int	 login_lockout_max_secs;	/* 300; 1..86400 */
	int	 login_failure_forget_secs;	/* 3600; 1..2592000 */
	char	*migrations_dir;	/* "db/migrations" */
	char	*world_dir;		/* "db/world" */
	char	*log_level;		/* "info": debug|info|warn|error */
	int	 message_retention;	/* seconds, 3600; 1..2592000 */
	int	 message_bell_ms;	/* 5; 0..1000 */
	int	 message_catchup_ms;	/* 250; 10..60000 */
	int	 room_message_rate;	/* says/room/second, 20; 1..1000000 */
	int	 shutdown_timeout;	/* seconds, 15; 2..3600: SIGTERM to exit */
	char	*telnet_offers;		/* "all": all|none, offers at connect */
	/* What MSSP (docs/protocol.md) tells MUD listings: printable ASCII,
	 * at most CONFIG_MSSP_MAX bytes; "" leaves a variable out. */
	char	*mud_name;		/* "Keep" */
	char	*mssp_contact;
	char	*mssp_website;
	char	*mssp_hostname;
	char	*mssp_location;
	char	*mssp_created;
	char	*mssp_language;		/* "English" */
	int	 mssp_minimum_age;	/* 0; 0..99 */
	char	*mssp_family;		/* "Custom" */
	char	*mssp_genre;		/* "Fantasy" */
	char	*mssp_subgenre;		/* "Medieval Fantasy" */
	char	*mssp_gameplay;		/* "Hack and Slash" */
	char	*mssp_status;		/* "Alpha" */
	char	*mssp_gamesystem;	/* "Custom" */
	int	 public_port;		/* 0 (= port); 0..65535 */
	char	*http_address;		/* "127.0.0.1" */
	int	 http_port;		/* 4080; env KEEP_HTTP_PORT; 0: off */
	char	*web_dir;		/* "server/web": the dashboard's files */
	char	*log_format;		/* "text": text|json */
	bool	 proxy_protocol;	/* false: PROXY v1 from trusted_proxies */
	char	*trusted_proxies;	/* "": networks, comma-separated */
};

/* The longest MSSP text value in the configuration, in bytes. */
#define CONFIG_MSSP_MAX	200

/*
 * Fill cfg with defaults, then the JSON object in path (every key optional,
 * unknown keys are errors), then the environment (DATABASE_URL, KEEP_PORT).
 * A NULL path means $KEEP_CONFIG (which must then exist), else
 * "config/keep.json" if it exists, else defaults only.  Keys starting with
 * "_" are comments.  On failure returns false and writes a message naming the
 * file and the key into err (capacity errsz); cfg is then left freed.
 */
bool	config_load(struct config *cfg, const char *path, char *err,
	    size_t errsz) __attribute__((warn_unused_result));
/* Same as config_load but from a JSON text, for tests; no environment. */
bool	config_load_string(struct config *cfg, const char *json, char *err,
	    size_t errsz) __attribute__((warn_unused_result));
/* Free the strings a loaded config owns. */
void	config_free(struct config *cfg);
/* Print every key with type, default, bounds and help (keepd config-help). */
void	config_print_help(FILE *);
/* Number of keys in the table (tests check docs and example against it). */
size_t	config_key_count(void);
/* Name of table key i, or NULL past the end. */
const char *config_key_name(size_t);
/* Whether key i of cfg holds the table's default. */
bool	config_key_is_default(const struct config *, size_t);

#endif

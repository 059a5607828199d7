/*
 * keep_test.h — what the test tiers share: the test database, a keepd
 * started on a free port, and a telnet client with expect-style reads.
 */
#ifndef KEEP_TEST_H
#define KEEP_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <check.h>

struct store;

/* Suites, one per file. */
Suite	*telnet_suite(void);
Suite	*config_suite(void);
Suite	*cmd_suite(void);
Suite	*layering_suite(void);
Suite	*store_suite(void);
Suite	*handler_suite(void);
Suite	*e2e_suite(void);
Suite	*crash_suite(void);
Suite	*world_suite(void);
Suite	*items_suite(void);
Suite	*items_e2e_suite(void);
Suite	*combat_suite(void);
Suite	*combat_e2e_suite(void);
Suite	*shop_suite(void);
Suite	*economy_suite(void);
Suite	*messages_suite(void);
Suite	*bench_suite(void);
Suite	*limit_suite(void);
Suite	*abuse_suite(void);
Suite	*login_guard_suite(void);
Suite	*tx_faults_suite(void);
Suite	*faults_suite(void);
Suite	*shutdown_suite(void);
Suite	*rules_suite(void);
Suite	*schema_suite(void);
Suite	*gate_suite(void);
/* The gate suite's end-to-end test case (tests/e2e/test_gate_e2e.c). */
TCase	*gate_e2e_tcase(void);
Suite	*session_suite(void);
Suite	*store_shape_suite(void);
Suite	*color_suite(void);
Suite	*build_suite(void);
Suite	*proto_suite(void);
Suite	*mod_suite(void);
/* The mod suite's end-to-end tests (test_mod_e2e.c). */
void	 mod_e2e_tests(Suite *);
Suite	*ops_suite(void);
Suite	*telnet_e2e_suite(void);
Suite	*mssp_unit_suite(void);
Suite	*mssp_suite(void);
Suite	*trade_suite(void);
/* The trade suite's end-to-end and kill -9 cases (test_trade_e2e.c). */
TCase	*trade_e2e_tcase(void);
Suite	*talk_suite(void);
/* The end-to-end cases of the talk suite (tests/e2e/test_talk_e2e.c). */
TCase	*talk_e2e_tcase(void);
/* Mudlet's wire behaviour against keepd (tests/e2e/test_clients_e2e.c). */
Suite	*clients_suite(void);
/* The admin dashboard over HTTP (tests/e2e/test_dash_e2e.c). */
Suite	*dash_suite(void);

/* The rules suite's test cases, one per file of tests/unit/test_rules_*.c. */
TCase	*rules_item_tcase(void);
TCase	*rules_combat_tcase(void);
TCase	*rules_shop_tcase(void);
Suite	*screen_suite(void);
/* The end-to-end cases of the screen suite (tests/e2e/test_screen_e2e.c). */
TCase	*screen_e2e_tcase(void);
/* The end-to-end cases of the ops suite (tests/e2e/test_ops_e2e.c). */
TCase	*ops_e2e_tcase(void);
/* The world dump case of the ops suite (tests/db/test_ops_dump.c). */
TCase	*ops_dump_tcase(void);
/* The database-tier cases of tx_faults (tests/db/test_store_faults.c). */
TCase	*tx_faults_db_tcase(void);
/* The database-tier cases of build (tests/db/test_build.c). */
TCase	*build_db_tcase(void);
/* The HTTP port's ops endpoints, json logs, the drain (test_http_e2e.c). */
Suite	*http_suite(void);
/* The PROXY protocol v1 from trusted proxies (test_proxyproto_e2e.c). */
Suite	*proxyproto_suite(void);
/* The PROXY header parser, trusted networks, their keys (test_proxy.c). */
Suite	*proxy_unit_suite(void);
/* Round trips per command, and wrong guesses (test_round_trips.c). */
Suite	*round_trips_suite(void);

/* The migrated test database's URL ($DATABASE_URL); aborts if unset. */
const char	*test_db_url(void);
/* A store on the test database; aborts the test on failure. */
struct store	*test_store(void);
/* A fresh valid character name (letters only) starting with prefix. */
void		 test_name(char out[17], const char *prefix);
/* Run one SQL statement on the test database and return the first value
 * of the first row as a number (0 if none). */
long long	 test_sql_value(const char *sql);
/* Run one SQL statement on the test database; aborts on error. */
void		 test_sql(const char *sql);
/* test_sql of a statement built with printf. */
void		 sqlf(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));
/* test_sql_value of a statement built with printf. */
long long	 sqlv(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));

/* Fill out with n random bytes from the kernel. */
void		 rand_bytes(void *out, size_t n);
/* A random number in 0..2^31-1. */
int32_t		 rand31(void);
/* Milliseconds on the monotonic clock. */
long long	 now_ms(void);
/* How many times needle occurs in s (not overlapping). */
long		 str_count(const char *s, const char *needle);
/* printf into a static buffer (four rotating ones), for needles. */
const char	*fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
/* s with unprintable bytes escaped, for messages (rotating buffers). */
const char	*printable(const char *s);

struct keepd {
	pid_t	pid;
	int	port;
	int	http_port;	/* its HTTP port (issue 11), also free */
	char	log[256];
	char	config[256];
};

/*
 * Start build/keepd ($KEEPD) on a free port with the test configuration,
 * or with config_json when not NULL, and wait until it accepts.
 */
void	keepd_start(struct keepd *, const char *config_json);
/* keepd_start on the database at url (NULL: $DATABASE_URL). */
void	keepd_start_url(struct keepd *, const char *config_json,
	    const char *url);
/* Send sig (SIGTERM or SIGKILL) and wait for the process; returns status. */
int	keepd_stop(struct keepd *, int sig);
/* Lines of the keepd's log that contain needle. */
long	keepd_log_lines(const struct keepd *, const char *needle);

struct client {
	int	fd;
	size_t	len;
	char	buf[256 * 1024];	/* raw bytes received, not consumed */
};

#define PROMPT	"> \xff\xf9"
/* A character's default prompt at full hp (20), then GA (issue 10). */
#define HPROMPT	"<20/20hp" PROMPT

/* The seven telnet offers of keepd's opening write (docs/protocol.md),
 * and a client's answer refusing all of them. */
#define OFFERS	"\xff\xfd\x18\xff\xfd\x1f\xff\xfb\x2a\xff\xfb\x19" \
		"\xff\xfb\xc9\xff\xfb\x46\xff\xfb\x56"
#define REFUSE	"\xff\xfc\x18\xff\xfc\x1f\xff\xfe\x2a\xff\xfe\x19" \
		"\xff\xfe\xc9\xff\xfe\x46\xff\xfe\x56"

/* The per-address limits of tests/keep-test.json, for a config_json that
 * starts keepd with its own keys ("..., " TEST_LIMITS "}"). */
#define TEST_DOOR_LIMITS ", \"max_connections_per_address\": 100000," \
			" \"max_new_characters_per_address\": 100000," \
			" \"login_address_free_failures\": 1000000"
/* The same and the command rate lifted (tests of the rate use only
 * TEST_DOOR_LIMITS). */
#define TEST_LIMITS	TEST_DOOR_LIMITS ", \"command_rate\": 1000000," \
			" \"command_burst\": 1000000"

/* tests/keep-test.json as a string with extra keys (each starting with a
 * comma), for tests that start keepd with a configuration of their own. */
#define TEST_CONFIG(extra) "{\"listen_address\": \"127.0.0.1\"," \
			" \"workers\": 4, \"argon2_ops\": 1," \
			" \"argon2_mem_kib\": 64, \"log_level\": \"info\"" \
			TEST_LIMITS extra "}"

/* Connect to 127.0.0.1:port; aborts the test on failure. */
void	client_connect(struct client *, int port);
/* Connect and return false instead of aborting (for the full-game test). */
bool	client_try_connect(struct client *, int port);
/* The same from a local address such as "127.0.0.2" (loopback accepts any
 * 127.x.y.z), so a test can be another client address; NULL: the usual. */
bool	client_try_connect_from(struct client *, int port, const char *from);
/* Close the connection. */
void	client_close(struct client *);
/* Send raw bytes. */
void	client_send_raw(struct client *, const void *, size_t);
/* Send a line followed by CR LF. */
void	client_send(struct client *, const char *line);
/*
 * Read until needle (raw bytes, may include IAC) appears; consume input up
 * to and including it.  Copies what came before the needle into before (if
 * not NULL).  False on timeout or EOF.
 */
bool	client_expect(struct client *, const char *needle, int timeout_ms,
	    char *before, size_t beforesz);
/* Wait for EOF; true if the server closed the connection in time. */
bool	client_wait_closed(struct client *, int timeout_ms);
/* Send a command, wait for the prompt, return the output before it. */
bool	client_cmd(struct client *, const char *line, char *out, size_t outsz);
/* Create a character through the dialog and wait for the first prompt. */
void	client_create(struct client *, const char *name, const char *password);
/* Log in an existing character and wait for the first prompt. */
void	client_login(struct client *, const char *name, const char *password);
/* Connect to port and create a fresh character named prefix... into name. */
void	client_player(struct client *, int port, char name[17],
	    const char *prefix, const char *password);
/* Read and forget what came until nothing arrives for ms; empty the buffer. */
void	client_quiet(struct client *, int ms);
/* Wait up to ms for needle or fail; what came before it goes to before. */
void	client_want(struct client *, const char *needle, int ms, char *before,
	    size_t beforesz);
/* Send a line and wait up to ms for needle, or fail showing what came. */
void	client_send_want(struct client *, const char *line,
	    const char *needle, int ms);
/* Run score and return the coins it shows; waits up to ms for each part. */
long long	client_coins(struct client *, int ms);

#endif

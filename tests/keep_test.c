/*
 * keep_test.c — shared helpers of the test tiers.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "db/store.h"
#include "keep_test.h"

/* The migrated test database's URL. */
const char *
test_db_url(void)
{
	const char	*url = getenv("DATABASE_URL");

	ck_assert_msg(url != NULL && *url != '\0',
	    "DATABASE_URL must name the test database (run via make test)");
	return url;
}

/* A store on the test database. */
struct store *
test_store(void)
{
	char		 err[512];
	struct store	*s = store_open(test_db_url(), "keep-tests", 10000, err,
			    sizeof err);

	ck_assert_msg(s != NULL, "%s", err);
	return s;
}

/* A fresh valid character name starting with prefix. */
void
test_name(char out[17], const char *prefix)
{
	static unsigned	 counter;
	unsigned long	 v;
	size_t		 n;
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	v = (unsigned long)getpid() * 7919UL + (unsigned long)ts.tv_nsec +
	    (unsigned long)++counter * 104729UL;
	n = strlen(prefix);
	if (n > 8)
		n = 8;
	memcpy(out, prefix, n);
	while (n < 16) {
		out[n++] = (char)('a' + v % 26);
		v /= 26;
		if (v == 0)
			v = (unsigned long)ts.tv_sec * 31 + counter;
	}
	out[16] = '\0';
	out[0] = (char)(out[0] >= 'a' ? out[0] - 32 : out[0]);
}

/* Run one SQL statement on the test database through psql-free libpq. */
long long
test_sql_value(const char *sql)
{
	struct store	*s = test_store();
	long long	 v = 0;
	char		 buf[64];
	bool		 ok = store_exec_value(s, sql, buf, sizeof buf);

	ck_assert_msg(ok, "SQL failed: %s: %s", sql, store_error(s));
	v = strtoll(buf, NULL, 10);
	store_close(s);
	return v;
}

/* Run one SQL statement on the test database. */
void
test_sql(const char *sql)
{
	struct store	*s = test_store();
	bool		 ok = store_exec_script(s, sql);

	ck_assert_msg(ok, "SQL failed: %s: %s", sql, store_error(s));
	store_close(s);
}

/* Run a statement built with printf on the test database. */
void
sqlf(const char *fmt, ...)
{
	char	*sql;
	va_list	 ap;

	va_start(ap, fmt);
	ck_assert(vasprintf(&sql, fmt, ap) >= 0);
	va_end(ap);
	test_sql(sql);
	free(sql);
}

/* The first value of a statement built with printf, as a number. */
long long
sqlv(const char *fmt, ...)
{
	char		*sql;
	va_list		 ap;
	long long	 v;

	va_start(ap, fmt);
	ck_assert(vasprintf(&sql, fmt, ap) >= 0);
	va_end(ap);
	v = test_sql_value(sql);
	free(sql);
	return v;
}

/* Random bytes from the kernel. */
void
rand_bytes(void *out, size_t n)
{
	FILE	*f = fopen("/dev/urandom", "r");

	ck_assert(f != NULL);
	ck_assert(fread(out, 1, n, f) == n);
	fclose(f);
}

/* A random 31-bit number. */
int32_t
rand31(void)
{
	uint32_t	v;

	rand_bytes(&v, sizeof v);
	return (int32_t)(v & 0x7fffffff);
}

/* Milliseconds on the monotonic clock. */
long long
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Occurrences of needle in s. */
long
str_count(const char *s, const char *needle)
{
	long	n = 0;

	while ((s = strstr(s, needle)) != NULL) {
		n++;
		s += strlen(needle);
	}
	return n;
}

/* Render bytes printably for a failure message (a few rotating buffers). */
const char *
printable(const char *s)
{
	static char	 out[4][8192];
	static int	 slot;
	char		*o = out[slot++ % 4];
	size_t		 n = 0;

	for (; *s != '\0' && n + 5 < sizeof out[0]; s++) {
		unsigned char	ch = (unsigned char)*s;

		if (ch == '\r')
			n += (size_t)snprintf(o + n, 5, "\\r");
		else if (ch == '\n')
			n += (size_t)snprintf(o + n, 5, "\\n");
		else if (ch < 0x20 || ch >= 0x7f)
			n += (size_t)snprintf(o + n, 5, "\\x%02x", ch);
		else
			o[n++] = (char)ch;
	}
	o[n] = '\0';
	return o;
}

/* A TCP port nobody listens on right now. */
static int
test_free_port(void)
{
	struct sockaddr_in	sa = { .sin_family = AF_INET };
	socklen_t		len = sizeof sa;
	int			fd = socket(AF_INET, SOCK_STREAM, 0), port;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert(bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0);
	ck_assert(getsockname(fd, (struct sockaddr *)&sa, &len) == 0);
	port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

/* Start keepd on a free port and wait until it accepts. */
void
keepd_start(struct keepd *k, const char *config_json)
{
	keepd_start_url(k, config_json, NULL);
}

/* keepd_start on the database at url (NULL: $DATABASE_URL). */
void
keepd_start_url(struct keepd *k, const char *config_json, const char *url)
{
	const char	*keepd = getenv("KEEPD");
	const char	*cfg = getenv("KEEP_TEST_CONFIG");
	char		 port[16], hport[16];
	struct client	 c;
	FILE		*f;

	ck_assert_msg(keepd != NULL, "KEEPD must name build/keepd");
	memset(k, 0, sizeof *k);
	k->port = test_free_port();
	do
		k->http_port = test_free_port();
	while (k->http_port == k->port);
	mkdir("var", 0755);
	mkdir("var/test-logs", 0755);
	/* A fresh log per start: a port is reused later in a run, and
	 * keepd_log_lines must count this keepd's lines only. */
	snprintf(k->log, sizeof k->log, "var/test-logs/keepd-%d-%d.log",
	    k->port, (int)getpid());
	if (config_json != NULL) {
		snprintf(k->config, sizeof k->config,
		    "var/test-logs/keepd-%d.json", k->port);
		f = fopen(k->config, "w");
		ck_assert(f != NULL);
		fputs(config_json, f);
		fclose(f);
		cfg = k->config;
	}
	snprintf(port, sizeof port, "%d", k->port);
	snprintf(hport, sizeof hport, "%d", k->http_port);
	k->pid = fork();
	ck_assert(k->pid >= 0);
	if (k->pid == 0) {
		int	fd = open(k->log, O_WRONLY | O_CREAT | O_TRUNC |
			    O_APPEND, 0644);

		dup2(fd, 2);
		dup2(fd, 1);
		setenv("KEEP_PORT", port, 1);
		setenv("KEEP_HTTP_PORT", hport, 1);
		if (url != NULL)
			setenv("DATABASE_URL", url, 1);
		if (cfg != NULL)
			setenv("KEEP_CONFIG", cfg, 1);
		execl(keepd, keepd, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 200; i++) {
		if (client_try_connect(&c, k->port)) {
			client_close(&c);
			return;
		}
		usleep(50 * 1000);
	}
	ck_abort_msg("keepd did not start on port %d (see %s)", k->port,
	    k->log);
}

/* Lines of the keepd's log that contain needle. */
long
keepd_log_lines(const struct keepd *k, const char *needle)
{
	FILE	*f = fopen(k->log, "r");
	char	 line[2048];
	long	 n = 0;

	ck_assert(f != NULL);
	while (fgets(line, sizeof line, f) != NULL)
		n += strstr(line, needle) != NULL;
	fclose(f);
	return n;
}

/* Send sig and wait for the process; returns its wait status. */
int
keepd_stop(struct keepd *k, int sig)
{
	int	status = 0;

	if (k->pid <= 0)
		return 0;
	kill(k->pid, sig);
	for (int i = 0; i < 300; i++) {
		if (waitpid(k->pid, &status, WNOHANG) == k->pid) {
			k->pid = 0;
			return status;
		}
		usleep(50 * 1000);
	}
	kill(k->pid, SIGKILL);
	waitpid(k->pid, &status, 0);
	k->pid = 0;
	ck_abort_msg("keepd did not stop within 15 s after signal %d", sig);
	return status;
}

/* Connect and return false instead of aborting. */
bool
client_try_connect(struct client *c, int port)
{
	return client_try_connect_from(c, port, NULL);
}

/* Connect from a local address (NULL: the kernel's choice). */
bool
client_try_connect_from(struct client *c, int port, const char *from)
{
	struct sockaddr_in	sa = { .sin_family = AF_INET };
	struct sockaddr_in	src = { .sin_family = AF_INET };

	memset(c, 0, sizeof *c);
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	c->fd = socket(AF_INET, SOCK_STREAM, 0);
	if (c->fd < 0)
		return false;
	if (from != NULL && (inet_pton(AF_INET, from, &src.sin_addr) != 1 ||
	    bind(c->fd, (struct sockaddr *)&src, sizeof src) != 0)) {
		close(c->fd);
		c->fd = -1;
		return false;
	}
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		close(c->fd);
		c->fd = -1;
		return false;
	}
	return true;
}

/* Connect to 127.0.0.1:port. */
void
client_connect(struct client *c, int port)
{
	ck_assert_msg(client_try_connect(c, port), "cannot connect to %d: %s",
	    port, strerror(errno));
}

/* Close the connection. */
void
client_close(struct client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

/* Send raw bytes. */
void
client_send_raw(struct client *c, const void *data, size_t len)
{
	const char	*p = data;

	while (len > 0) {
		ssize_t	n = send(c->fd, p, len, MSG_NOSIGNAL);

		if (n <= 0)
			return;
		p += n;
		len -= (size_t)n;
	}
}

/* Send a line followed by CR LF. */
void
client_send(struct client *c, const char *line)
{
	client_send_raw(c, line, strlen(line));
	client_send_raw(c, "\r\n", 2);
}

/* Read what is available within ms; false on EOF or timeout with nothing. */
static bool
client_fill(struct client *c, int ms)
{
	struct pollfd	pfd = { .fd = c->fd, .events = POLLIN };
	ssize_t		n;

	if (c->len == sizeof c->buf)
		return false;
	if (poll(&pfd, 1, ms) <= 0)
		return false;
	n = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len, 0);
	if (n <= 0)
		return false;
	c->len += (size_t)n;
	return true;
}

/* Read until needle appears; consume through it. */
bool
client_expect(struct client *c, const char *needle, int timeout_ms,
    char *before, size_t beforesz)
{
	long long	 end = now_ms() + timeout_ms;
	size_t		 nlen = strlen(needle);
	char		*hit;

	for (;;) {
		hit = memmem(c->buf, c->len, needle, nlen);
		if (hit != NULL) {
			size_t	pre = (size_t)(hit - c->buf);

			if (before != NULL && beforesz > 0) {
				size_t	n = pre < beforesz - 1 ? pre :
					    beforesz - 1;

				memcpy(before, c->buf, n);
				before[n] = '\0';
			}
			memmove(c->buf, hit + nlen, c->len - pre - nlen);
			c->len -= pre + nlen;
			return true;
		}
		long long	left = end - now_ms();

		if (left <= 0 || !client_fill(c, (int)left)) {
			if (before != NULL && beforesz > 0) {
				size_t	n = c->len < beforesz - 1 ? c->len :
					    beforesz - 1;

				memcpy(before, c->buf, n);
				before[n] = '\0';
			}
			return false;
		}
	}
}

/* Wait for EOF. */
bool
client_wait_closed(struct client *c, int timeout_ms)
{
	long long	end = now_ms() + timeout_ms;
	char		tmp[4096];

	while (now_ms() < end) {
		struct pollfd	pfd = { .fd = c->fd, .events = POLLIN };
		ssize_t		n;

		if (poll(&pfd, 1, 100) <= 0)
			continue;
		n = recv(c->fd, tmp, sizeof tmp, 0);
		if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
			return true;
		if (n > 0 && c->len + (size_t)n <= sizeof c->buf) {
			memcpy(c->buf + c->len, tmp, (size_t)n);
			c->len += (size_t)n;
		}
	}
	return false;
}

/* Send a command, wait for the prompt, return the output before it. */
bool
client_cmd(struct client *c, const char *line, char *out, size_t outsz)
{
	client_send(c, line);
	return client_expect(c, PROMPT, 10000, out, outsz);
}

/* Create a character through the dialog. */
void
client_create(struct client *c, const char *name, const char *password)
{
	char	got[4096];

	ck_assert_msg(client_expect(c, "Name: \xff\xf9", 10000, got,
	    sizeof got), "no Name: prompt (got \"%s\")", got);
	client_send(c, name);
	ck_assert_msg(client_expect(c, "(yes/no) \xff\xf9", 10000, got,
	    sizeof got), "no create question for %s (got \"%s\")", name, got);
	client_send(c, "yes");
	ck_assert(client_expect(c, "Choose a password: \xff\xf9", 10000, NULL,
	    0));
	client_send(c, password);
	ck_assert(client_expect(c, "Repeat the password: \xff\xf9", 10000,
	    NULL, 0));
	client_send(c, password);
	ck_assert_msg(client_expect(c, PROMPT, 20000, got, sizeof got),
	    "no prompt after creating %s (got \"%s\")", name, got);
}

/* Log in an existing character. */
void
client_login(struct client *c, const char *name, const char *password)
{
	char	got[4096];

	ck_assert_msg(client_expect(c, "Name: \xff\xf9", 10000, got,
	    sizeof got), "no Name: prompt (got \"%s\")", got);
	client_send(c, name);
	ck_assert_msg(client_expect(c, "Password: \xff\xf9", 10000, got,
	    sizeof got), "no Password: prompt for %s (got \"%s\")", name, got);
	client_send(c, password);
	ck_assert_msg(client_expect(c, PROMPT, 20000, got, sizeof got),
	    "no prompt after logging in %s (got \"%s\")", name, got);
}

/* Connect and create a fresh character named prefix.... */
void
client_player(struct client *c, int port, char name[17], const char *prefix,
    const char *password)
{
	test_name(name, prefix);
	client_connect(c, port);
	client_create(c, name, password);
}

/* Read and forget what c has been sent, until it is quiet for ms. */
void
client_quiet(struct client *c, int ms)
{
	while (client_expect(c, "\xff\xf9", ms, NULL, 0))
		;
	c->len = 0;
}

/* Wait for needle, or fail showing what came instead. */
void
client_want(struct client *c, const char *needle, int ms, char *before,
    size_t beforesz)
{
	static char	got[65536];
	bool		ok = client_expect(c, needle, ms, got, sizeof got);

	ck_assert_msg(ok, "expected \"%s\", got \"%s\"", printable(needle),
	    printable(got));
	if (before != NULL && beforesz > 0) {
		size_t	n = strnlen(got, beforesz - 1);

		memcpy(before, got, n);
		before[n] = '\0';
	}
}

/* Send a line and wait for needle, or fail showing what came instead. */
void
client_send_want(struct client *c, const char *line, const char *needle,
    int ms)
{
	static char	got[65536];
	bool		ok;

	client_send(c, line);
	ok = client_expect(c, needle, ms, got, sizeof got);
	ck_assert_msg(ok, "%s: expected \"%s\", got \"%s\"", line,
	    printable(needle), printable(got));
}

/* Run score and return the coins it shows. */
long long
client_coins(struct client *c, int ms)
{
	char	line[256];

	client_send(c, "score");
	client_want(c, "Coins: ", ms, NULL, 0);
	client_want(c, "\r\n", ms, line, sizeof line);
	return strtoll(line, NULL, 10);
}

/* printf into a static buffer (a few rotating ones), for needles. */
const char *
fmt(const char *f, ...)
{
	static char	 out[4][1024];
	static int	 slot;
	char		*o = out[slot++ % 4];
	va_list		 ap;

	va_start(ap, f);
	vsnprintf(o, sizeof out[0], f, ap);
	va_end(ap);
	return o;
}

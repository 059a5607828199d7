/*
 * fault_proxy.c — the fault-injecting TCP proxy: one thread polls the
 * listening socket, a wake-up pipe and every connection pair.  Blocking
 * sends are fine here: both ends are local and always read.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "fault_proxy.h"
#include "keep_test.h"

#define PROXY_MAX_PAIRS	128

/* One proxied connection: the client's socket and the database's (or -1
 * when it was accepted while the network was silent: it never gets one). */
struct proxy_pair {
	int	client;
	int	upstream;
};

struct fault_proxy {
	char			 path[108];
	int			 listen_fd;
	int			 port;
	int			 wake[2];
	atomic_int		 mode;
	atomic_bool		 stop;
	atomic_long		 accepted;
	pthread_t		 thread;
	int			 npairs;
	struct proxy_pair	 pairs[PROXY_MAX_PAIRS];
};

/* Close a socket so that the peer sees a reset, not an orderly end. */
static void
proxy_reset_fd(int fd)
{
	struct linger	lg = { 1, 0 };

	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	close(fd);
}

/* Drop pair i (both sockets reset) and keep the array dense. */
static void
proxy_drop(struct fault_proxy *p, int i)
{
	proxy_reset_fd(p->pairs[i].client);
	proxy_reset_fd(p->pairs[i].upstream);
	p->pairs[i] = p->pairs[--p->npairs];
}

/* A connection to the database's Unix socket, or -1. */
static int
proxy_dial(const struct fault_proxy *p)
{
	struct sockaddr_un	sa = { .sun_family = AF_UNIX };
	int			fd = socket(AF_UNIX, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	memcpy(sa.sun_path, p->path, sizeof p->path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A new client: pair it with the database, or hold it silently. */
static void
proxy_accept(struct fault_proxy *p)
{
	int	fd = accept(p->listen_fd, NULL, NULL), up;

	if (fd < 0)
		return;
	atomic_fetch_add(&p->accepted, 1);
	switch (atomic_load(&p->mode)) {
	case FAULT_RESET:
		proxy_reset_fd(fd);
		return;
	case FAULT_SILENT:
		up = -1;
		break;
	default:
		/* No database behind: as a refused connection would. */
		if ((up = proxy_dial(p)) < 0) {
			proxy_reset_fd(fd);
			return;
		}
		break;
	}
	if (p->npairs == PROXY_MAX_PAIRS) {
		proxy_reset_fd(fd);
		proxy_reset_fd(up);
		return;
	}
	p->pairs[p->npairs++] = (struct proxy_pair){ fd, up };
}

/* Send all of buf on fd; false if the peer is gone. */
static bool
proxy_send_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t	n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		buf += n;
		len -= (size_t)n;
	}
	return true;
}

/* Bytes arrived on from; forward them to to (pass) or drop them (silent).
 * up: they go to the database.  False when the pair should go. */
static bool
proxy_move(struct fault_proxy *p, int from, int to, bool up)
{
	char	buf[16384];
	ssize_t	n = recv(from, buf, sizeof buf, 0);
	int	mode;

	if (n < 0 && errno == EINTR)
		return true;
	if (n <= 0)
		return false;
	mode = atomic_load(&p->mode);
	if (mode == FAULT_SILENT_AT_COMMIT && up &&
	    memmem(buf, (size_t)n, "COMMIT", 6) != NULL) {
		atomic_store(&p->mode, FAULT_SILENT);
		return true;
	}
	if ((mode != FAULT_PASS && mode != FAULT_SILENT_AT_COMMIT) || to < 0)
		return true;
	return proxy_send_all(to, buf, (size_t)n);
}

/* The proxy thread: poll and forward until stopped. */
static void *
proxy_main(void *arg)
{
	struct fault_proxy	*p = arg;
	struct pollfd		 pfd[2 + 2 * PROXY_MAX_PAIRS];
	char			 tmp[64];

	while (!atomic_load(&p->stop)) {
		int	n = 0;

		if (atomic_load(&p->mode) == FAULT_RESET) {
			while (p->npairs > 0)
				proxy_drop(p, 0);
		}
		pfd[n++] = (struct pollfd){ .fd = p->wake[0], .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = p->listen_fd,
		    .events = POLLIN };
		for (int i = 0; i < p->npairs; i++) {
			pfd[n++] = (struct pollfd){ .fd = p->pairs[i].client,
			    .events = POLLIN };
			pfd[n++] = (struct pollfd){ .fd = p->pairs[i].upstream,
			    .events = POLLIN };
		}
		if (poll(pfd, (nfds_t)n, 1000) <= 0)
			continue;
		if (pfd[0].revents != 0)
			(void)!read(p->wake[0], tmp, sizeof tmp);
		/* Walk backwards: dropping moves the last pair into i. */
		for (int i = p->npairs - 1; i >= 0; i--) {
			struct proxy_pair	*pp = &p->pairs[i];
			short			 rc = pfd[2 + 2 * i].revents;
			short			 ru = pfd[3 + 2 * i].revents;
			bool			 ok = true;

			if (rc != 0)
				ok = proxy_move(p, pp->client, pp->upstream,
				    true);
			if (ok && ru != 0)
				ok = proxy_move(p, pp->upstream, pp->client,
				    false);
			if (!ok)
				proxy_drop(p, i);
		}
		if (pfd[1].revents != 0)
			proxy_accept(p);
	}
	return NULL;
}

/* Start a proxy to the Unix socket at path. */
struct fault_proxy *
fault_proxy_start(const char *path)
{
	struct fault_proxy	*p = calloc(1, sizeof *p);
	struct sockaddr_in	 sa = { .sin_family = AF_INET };
	socklen_t		 len = sizeof sa;
	int			 one = 1;

	ck_assert(p != NULL);
	ck_assert(strlen(path) < sizeof p->path);
	strcpy(p->path, path);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	p->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert(p->listen_fd >= 0);
	setsockopt(p->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	ck_assert(bind(p->listen_fd, (struct sockaddr *)&sa, sizeof sa) == 0);
	ck_assert(listen(p->listen_fd, 64) == 0);
	ck_assert(getsockname(p->listen_fd, (struct sockaddr *)&sa, &len) ==
	    0);
	p->port = ntohs(sa.sin_port);
	ck_assert(pipe(p->wake) == 0);
	fcntl(p->wake[0], F_SETFL, O_NONBLOCK);
	atomic_store(&p->mode, FAULT_PASS);
	ck_assert(pthread_create(&p->thread, NULL, proxy_main, p) == 0);
	return p;
}

/* The port the proxy listens on. */
int
fault_proxy_port(const struct fault_proxy *p)
{
	return p->port;
}

/* Change the mode and wake the thread so it takes effect at once. */
void
fault_proxy_set(struct fault_proxy *p, enum fault_mode mode)
{
	atomic_store(&p->mode, mode);
	(void)!write(p->wake[1], "m", 1);
}

/* Connections accepted so far. */
long
fault_proxy_accepted(const struct fault_proxy *p)
{
	return atomic_load(&p->accepted);
}

/* Stop the thread and close everything. */
void
fault_proxy_stop(struct fault_proxy *p)
{
	atomic_store(&p->stop, true);
	(void)!write(p->wake[1], "s", 1);
	pthread_join(p->thread, NULL);
	while (p->npairs > 0)
		proxy_drop(p, 0);
	close(p->listen_fd);
	close(p->wake[0]);
	close(p->wake[1]);
	free(p);
}

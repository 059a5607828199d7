/*
 * zclient.c — an MCCP2 client for the end-to-end tests (zclient.h).
 */
#include <poll.h>
#include <stdint.h>
#include <string.h>

#include <sys/socket.h>

#include <check.h>

#include "keep_test.h"
#include "zclient.h"

/* Start inflating. */
static void
zc_on(struct zclient *zc)
{
	zc->on = true;
	ck_assert_int_eq(inflateInit(&zc->z), Z_OK);
}

/* Decode n bytes that came from the socket. */
static void
zc_take(struct zclient *zc, uint8_t *buf, size_t n)
{
	int	rc;

	while (!zc->on && n > 0) {
		ck_assert_uint_lt(zc->len, sizeof zc->text - 1);
		zc->text[zc->len++] = (char)*buf++;
		n--;
		if (zc->len >= 5 && memcmp(zc->text + zc->len - 5, ZC_START,
		    5) == 0)
			zc_on(zc);
	}
	if (n == 0) {
		zc->text[zc->len] = '\0';
		return;
	}
	ck_assert_msg(!zc->end, "bytes after the end of the stream");
	zc->z.next_in = (Bytef *)buf;
	zc->z.avail_in = (uInt)n;
	do {
		zc->z.next_out = (Bytef *)zc->text + zc->len;
		zc->z.avail_out = (uInt)(sizeof zc->text - 1 - zc->len);
		rc = inflate(&zc->z, Z_SYNC_FLUSH);
		ck_assert_msg(rc == Z_OK || rc == Z_STREAM_END ||
		    rc == Z_BUF_ERROR, "inflate: %d", rc);
		zc->len = sizeof zc->text - 1 - zc->z.avail_out;
		if (rc == Z_STREAM_END) {
			zc->end = true;
			ck_assert_uint_eq(zc->z.avail_in, 0);
		}
	} while (zc->z.avail_in > 0 && rc == Z_OK);
	zc->text[zc->len] = '\0';
}

void
zc_init(struct zclient *zc, struct client *c, bool on, size_t step)
{
	memset(zc, 0, sizeof *zc);
	zc->c = c;
	zc->step = step;
	if (on)
		zc_on(zc);
	if (c->len > 0) {
		zc_take(zc, (uint8_t *)c->buf, c->len);
		c->len = 0;
	}
}

bool
zc_read(struct zclient *zc, int ms)
{
	struct pollfd	pfd = { .fd = zc->c->fd, .events = POLLIN };
	uint8_t		buf[4096];
	ssize_t		n;

	if (zc->eof || poll(&pfd, 1, ms) <= 0)
		return false;
	n = recv(zc->c->fd, buf, zc->step ? zc->step : sizeof buf, 0);
	if (n <= 0) {
		zc->eof = true;
		return false;
	}
	zc_take(zc, buf, (size_t)n);
	return true;
}

bool
zc_expect(struct zclient *zc, const void *needle, size_t needlelen, int ms,
    char *before, size_t beforesz)
{
	long long	 end = now_ms() + ms;
	char		*at;

	while ((at = memmem(zc->text + zc->pos, zc->len - zc->pos, needle,
	    needlelen)) == NULL) {
		if (now_ms() >= end || zc->eof)
			return false;
		zc_read(zc, 50);
	}
	if (before != NULL && beforesz > 0) {
		size_t	n = (size_t)(at - zc->text) - zc->pos;

		if (n >= beforesz)
			n = beforesz - 1;
		memcpy(before, zc->text + zc->pos, n);
		before[n] = '\0';
	}
	zc->pos = (size_t)(at - zc->text) + needlelen;
	return true;
}

void
zc_want(struct zclient *zc, const char *needle, int ms, char *before,
    size_t beforesz)
{
	ck_assert_msg(zc_expect(zc, needle, strlen(needle), ms, before,
	    beforesz), "expected \"%s\", decoded \"%s\"", printable(needle),
	    printable(zc->text + zc->pos));
}

bool
zc_closed(struct zclient *zc, int ms)
{
	long long	end = now_ms() + ms;

	while (!zc->eof && now_ms() < end)
		zc_read(zc, 100);
	return zc->eof && zc->end;
}

void
zc_free(struct zclient *zc)
{
	if (zc->on)
		inflateEnd(&zc->z);
}

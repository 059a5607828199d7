/*
 * session_proto.c — the session's side of the MUD protocols: client
 * capabilities, colour mode, GMCP and MSSP.
 *
 * (Skeleton: GMCP and MSSP are never agreed yet, so nothing is sent.)
 */
#include <jansson.h>

#include "net/session.h"
#include "net/session_int.h"

/* What negotiation learned about the client. */
const struct session_caps *
session_caps(const struct session *s)
{
	return &s->caps;
}

/* How this session's text is coloured from now on. */
void
session_set_color(struct session *s, enum color_mode mode)
{
	s->color = mode;
}

/* Whether a GMCP message of this package would be sent. */
bool
session_gmcp_wants(const struct session *s, const char *package)
{
	(void)package;
	return s->caps.gmcp && false;
}

/* Send a GMCP message if wanted; body is always consumed. */
void
session_gmcp(struct session *s, const char *package, json_t *body)
{
	(void)s;
	(void)package;
	json_decref(body);
}

/* Send an MSSP subnegotiation if MSSP is agreed. */
void
session_mssp_send(struct session *s, const char *const *names,
    const char *const *values, size_t n)
{
	(void)s;
	(void)names;
	(void)values;
	(void)n;
}

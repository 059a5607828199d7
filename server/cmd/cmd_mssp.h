/*
 * cmd_mssp.h — answering MSSP (docs/protocol.md, "MSSP"): the telnet
 * form (the client's IAC DO MSSP, session_cbs.mssp) and the plain-text
 * MSSP-REQUEST typed at the first Name: prompt.
 */
#ifndef KEEP_CMD_MSSP_H
#define KEEP_CMD_MSSP_H

struct config;
struct pool;
struct session;

/* Read the figures on this pool's workers; this process starts now. */
void	cmd_mssp_init(const struct config *, struct pool *);
/* The client sent IAC DO MSSP: send the variables once they are read. */
void	cmd_mssp_telnet(struct session *);
/* MSSP-REQUEST at the first Name: prompt: reply in plain text and close
 * (the session's further lines wait until then). */
void	cmd_mssp_plain(struct session *);

#endif

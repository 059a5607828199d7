/*
 * cmd_talk.h — talking beyond say (cmd_talk.c): tell, reply, emote,
 * shout, chat, afk, exits, save; and the tells kept for a character while
 * it was away, shown at login.
 */
#ifndef KEEP_CMD_TALK_H
#define KEEP_CMD_TALK_H

#include "cmd/cmd.h"

/* Lines (tell, reply, shout, chat) one character may send in a second. */
#define CMD_TALK_RATE	4

/* The says (and emotes) a room may hear in a second (cmd_comm.c). */
int		cmd_comm_room_rate(void);
/* What the room hears of name's say (the caller frees it). */
char		*cmd_say_others(const char *name, const char *args);
enum tx_rc	cmd_tell(struct cmd_ctx *, const char *);
enum tx_rc	cmd_reply(struct cmd_ctx *, const char *);
enum tx_rc	cmd_emote(struct cmd_ctx *, const char *);
enum tx_rc	cmd_shout(struct cmd_ctx *, const char *);
enum tx_rc	cmd_chat(struct cmd_ctx *, const char *);
enum tx_rc	cmd_afk(struct cmd_ctx *, const char *);
enum tx_rc	cmd_exits(struct cmd_ctx *, const char *);
enum tx_rc	cmd_save(struct cmd_ctx *, const char *);

/*
 * Room talk (say, emote on channel): unless muted or the room is noisy,
 * the room reads others and the speaker self (and its GMCP).
 */
enum tx_rc	cmd_talk_room(struct cmd_ctx *, const char *channel,
		    const char *others, const char *self);
/*
 * The body of GMCP Comm.Channel.Text {channel, talker, text}: text is the
 * line as shown, its colour markup removed (the speaker's copy and every
 * listener's; NULL if jansson fails).
 */
json_t		*cmd_talk_channel_json(const char *channel, const char *talker,
		    const char *line);
/*
 * Queue Comm.Channel.Text for the speaker, if its session wants it
 * (CMD_GMCP_COMM in the job's snapshot).
 */
void		cmd_talk_gmcp(struct cmd_ctx *, const char *channel,
		    const char *talker, const char *line);
/* Write "While you were away..." and the tells kept for the actor, which
 * are deleted in the same transaction; ends its away state (login). */
enum tx_rc	cmd_talk_missed(struct cmd_ctx *);
/* After a command of an away character: end its away state, in a
 * transaction of its own, and say so in out. */
void		cmd_talk_back(struct store *, int64_t id, struct buf *out,
		    int retries);

#endif

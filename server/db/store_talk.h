/*
 * store_talk.h — talking: tell, reply, shout, chat, emote, afk, exits and
 * the tells kept for characters who were not online (offline_tells).
 * Every message is a messages row written in the command's transaction
 * (delivered by every keepd after COMMIT, store_notify.c), carrying its
 * channel and talker for GMCP Comm.Channel.Text.
 */
#ifndef KEEP_STORE_TALK_H
#define KEEP_STORE_TALK_H

#include "db/store.h"
#include "db/store_mod.h"

/* At most this many tells wait for one recipient (offline_tells). */
#define STORE_TALK_KEPT		50
/* An away message: at most 80 characters (4 bytes each in UTF-8). */
#define STORE_AFK_MAX		(80 * 4)

/* A player character talk can reach by name. */
struct store_talk_who {
	int64_t	 id;
	char	 name[STORE_NAME_MAX + 1];
	bool	 online;
	bool	 afk;
	char	 afk_msg[STORE_AFK_MAX + 1];	/* "" for none */
};

/* Find a player character by name (any case); STORE_NONE if none. */
enum store_rc	store_talk_find(struct store *, const char *name,
		    struct store_talk_who *) STORE_MUST_CHECK;
/* The character who told id something last; STORE_NONE if nobody. */
enum store_rc	store_talk_reply_to(struct store *, int64_t id,
		    char *name, size_t namesz) STORE_MUST_CHECK;
/* Whether sender has sent rate lines (tell, shout, chat) in the last
 * second: STORE_NONE when it has (too fast), else STORE_OK. */
enum store_rc	store_talk_rate(struct store *, int64_t sender, int rate)
		    STORE_MUST_CHECK;
/*
 * A tell from `from` (named talker) to `to`: to's reply_to becomes from
 * (the row is locked), and if to is online the message text is written
 * for it.  *online says whether it was (if not, nothing was written).
 */
enum store_rc	store_talk_tell(struct store *, int64_t from,
		    const char *talker, int64_t to, const char *text,
		    bool *online) STORE_MUST_CHECK;
/* Keep a tell for an offline character; STORE_NONE when it already has
 * STORE_TALK_KEPT waiting (nothing kept). */
enum store_rc	store_talk_keep(struct store *, int64_t from,
		    const char *from_name, int64_t to, const char *text)
		    STORE_MUST_CHECK;
/*
 * Take the tells kept for id, oldest first: each row (time "YYYY-MM-DD
 * HH:MM UTC", sender, text) goes to fn, and they are deleted in the same
 * statement, so they are shown once if the transaction commits.  Also
 * ends id's away state (a login).
 */
enum store_rc	store_talk_missed(struct store *, int64_t id,
		    store_mod_row_fn, void *) STORE_MUST_CHECK;
/* Shout: text to everyone online in the area of from's room. */
enum store_rc	store_talk_shout(struct store *, int64_t from,
		    const char *talker, const char *text) STORE_MUST_CHECK;
/* Chat: text to everyone online with chat on; STORE_NONE (nothing sent)
 * when from has chat off. */
enum store_rc	store_talk_chat(struct store *, int64_t from,
		    const char *talker, const char *text) STORE_MUST_CHECK;
/* Turn the chat channel on or off for id. */
enum store_rc	store_talk_set_chat(struct store *, int64_t id, bool on)
		    STORE_MUST_CHECK;
/* Set id away with msg ("" for none), or back (msg NULL); STORE_NONE
 * when clearing and id was not away. */
enum store_rc	store_talk_set_afk(struct store *, int64_t id,
		    const char *msg) STORE_MUST_CHECK;
/* A room's exits in compass order: each row (direction, title) to fn. */
enum store_rc	store_talk_exits(struct store *, int32_t room,
		    store_mod_row_fn, void *) STORE_MUST_CHECK;

#endif

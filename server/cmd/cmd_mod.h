/*
 * cmd_mod.h — the moderation commands (admins; docs/admin.md): kick,
 * ban/unban/bans, freeze/unfreeze, mute/unmute, wall, users, last,
 * wizlock; and the helpers their two files share.
 */
#ifndef KEEP_CMD_MOD_H
#define KEEP_CMD_MOD_H

#include "cmd/cmd.h"
#include "db/store_mod.h"

/* The longest duration: ten years. */
#define MOD_DURATION_MAX	(3650LL * 86400)

/* cmd_mod.c */
enum tx_rc	cmd_kick(struct cmd_ctx *, const char *);
enum tx_rc	cmd_ban(struct cmd_ctx *, const char *);
enum tx_rc	cmd_unban(struct cmd_ctx *, const char *);
enum tx_rc	cmd_bans(struct cmd_ctx *, const char *);
/* cmd_mod_state.c */
enum tx_rc	cmd_freeze(struct cmd_ctx *, const char *);
enum tx_rc	cmd_unfreeze(struct cmd_ctx *, const char *);
enum tx_rc	cmd_mute(struct cmd_ctx *, const char *);
enum tx_rc	cmd_unmute(struct cmd_ctx *, const char *);
enum tx_rc	cmd_wall(struct cmd_ctx *, const char *);
enum tx_rc	cmd_users(struct cmd_ctx *, const char *);
enum tx_rc	cmd_last(struct cmd_ctx *, const char *);
enum tx_rc	cmd_wizlock(struct cmd_ctx *, const char *);

/*
 * Parse a duration: N followed by s, m, h or d (30m, 12h, 7d), or "perm"
 * (*secs = -1); false if it is none or over MOD_DURATION_MAX.  Pure.
 */
bool		mod_duration(const char *word, int64_t *secs);
/*
 * Find the character named name for a moderation command and check the
 * rank rules; STORE_NONE with the refusal written when it may not act.
 */
enum store_rc	mod_target(struct cmd_ctx *, const char *name,
		    struct store_mod_target *) STORE_MUST_CHECK;
/* Check a reason: at most STORE_MOD_REASON_MAX bytes; false, answered. */
bool		mod_reason_ok(struct cmd_ctx *, const char *reason);

#endif

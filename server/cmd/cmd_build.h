/*
 * cmd_build.h — the building commands of issue 9 (docs/admin.md):
 * goto, stat, dig, link, unlink, redit, desc+ and find.  Every write is
 * checked against the builder's areas (build_may_area).
 */
#ifndef KEEP_CMD_BUILD_H
#define KEEP_CMD_BUILD_H

#include "cmd/cmd.h"

/* cmd_build.c */
enum tx_rc	cmd_goto(struct cmd_ctx *, const char *);
enum tx_rc	cmd_dig(struct cmd_ctx *, const char *);
enum tx_rc	cmd_link(struct cmd_ctx *, const char *);
enum tx_rc	cmd_unlink(struct cmd_ctx *, const char *);
/* cmd_build_redit.c */
enum tx_rc	cmd_redit(struct cmd_ctx *, const char *);
/* Append a sentence to this room's description (redit desc+). */
enum tx_rc	cmd_desc_plus(struct cmd_ctx *, const char *);
/* cmd_build_info.c */
enum tx_rc	cmd_stat(struct cmd_ctx *, const char *);
enum tx_rc	cmd_find(struct cmd_ctx *, const char *);

/* Shared by the cmd_build*.c files. */

/*
 * Whether the actor may change rows of area: admins and owners anywhere,
 * builders where characters.build_areas allows (NULL: every area).
 * *err is set when the store failed.
 */
bool		build_may_area(struct cmd_ctx *, const char *area, bool *err);
/*
 * When the actor may not build in area: write the refusal, set *rc (or
 * TX_ERROR when the store failed) and return true.
 */
bool		build_refuse_area(struct cmd_ctx *, const char *area,
		    enum tx_rc *rc);
/* The role of the actor. */
enum role	build_role(const struct cmd_ctx *);
/* Parse a room id (1..2^31-1); false if s is not one. */
bool		build_room_id(const char *s, int32_t *id);
/*
 * Check staff text: no control characters and, for a title, 1 to 80
 * characters.  False with the refusal written.
 */
bool		build_text_ok(struct cmd_ctx *, const char *text, bool title);

#endif

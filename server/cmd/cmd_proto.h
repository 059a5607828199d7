/*
 * cmd_proto.h — the builders' prototype commands (issue 9,
 * docs/admin.md): iedit and medit (cmd_proto.c), spawn, purge and
 * reset (cmd_proto_world.c), hedit and `help <topic>` (cmd_proto_help.c).
 */
#ifndef KEEP_CMD_PROTO_H
#define KEEP_CMD_PROTO_H

#include "cmd/cmd.h"

enum tx_rc	cmd_iedit(struct cmd_ctx *, const char *);
enum tx_rc	cmd_medit(struct cmd_ctx *, const char *);
enum tx_rc	cmd_spawn(struct cmd_ctx *, const char *);
enum tx_rc	cmd_purge(struct cmd_ctx *, const char *);
enum tx_rc	cmd_reset(struct cmd_ctx *, const char *);
enum tx_rc	cmd_hedit(struct cmd_ctx *, const char *);
/* `help <word>`: a topic from the help table, else a command's usage. */
enum tx_rc	cmd_help_topic(struct cmd_ctx *, const char *);

/* What the three files share (cmd_proto.c). */

/*
 * Whether the actor may build in area ("" or NULL: no area; only builders
 * limited to no areas and admins may).  Admins and owners may anywhere.
 * STORE_ERR is passed back in *rc.
 */
bool		proto_may_area(struct cmd_ctx *, const char *area,
		    enum tx_rc *rc);
/*
 * The answer to a failed store call: a constraint violation (SQLSTATE
 * class 23) or bad value (22) is refused with why; anything else as
 * cmd_refuse_rc.
 */
enum tx_rc	proto_refuse(struct cmd_ctx *, enum store_rc, const char *why);
/* Next word of *args into w (at most wsz - 1 bytes); false if none. */
bool		proto_word(const char **args, char *w, size_t wsz);
/* Parse a whole decimal number within [min, max]. */
bool		proto_num(const char *s, int64_t min, int64_t max, int64_t *v);
/* Whether s is a prototype id: a letter, then letters, digits or _. */
bool		proto_id_ok(const char *s);

#endif

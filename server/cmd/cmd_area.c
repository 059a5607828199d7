/*
 * cmd_area.c — area: list the areas, create one (unrestricted builders,
 * admins, owners), rename one or change its reset interval (whoever may
 * build in it, cmd_may_build).  One transaction each; the audit trigger
 * on areas records the row.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd_area.h"
#include "cmd/cmd_build.h"
#include "cmd/cmd_gate.h"
#include "cmd/cmd_util.h"
#include "db/store_area.h"
#include "db/store_build.h"

#define AREA_USAGE	"Usage: area | area new <id> <name> | " \
			"area <id> name <text> | area <id> reset <seconds>\n"

/* Whether id fits areas.id: a lowercase letter, then a-z 0-9 _, 1..32. */
static bool
area_id_ok(const char *id)
{
	size_t	len = strlen(id);

	if (len < 1 || len > STORE_AREA_MAX || *id < 'a' || *id > 'z')
		return false;
	for (const char *p = id; *p != '\0'; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '_'))
			return false;
	}
	return true;
}

/* Check an area name: no control characters, 1 to 80 characters. */
static bool
area_name_ok(struct cmd_ctx *ctx, const char *name)
{
	size_t	chars = 0;

	if (!build_text_ok(ctx, name, false))
		return false;
	for (const unsigned char *p = (const unsigned char *)name; *p != '\0';
	    p++) {
		if ((*p & 0xc0) != 0x80)
			chars++;
	}
	if (chars < 1 || chars > STORE_AREA_NAME_MAX) {
		buf_add(ctx->out, "An area name is 1 to 80 characters.\n");
		return false;
	}
	return true;
}

/* area new <id> <name>: only builders with every area, admins, owners. */
static enum tx_rc
area_new(struct cmd_ctx *ctx, const char *args)
{
	char		 id[64];
	const char	*name;
	bool		 every = true;
	enum store_rc	 rc;

	if (build_role(ctx) < ROLE_ADMIN) {
		if ((rc = store_area_unrestricted(ctx->store, ctx->me.id,
		    &every)) == STORE_ERR)
			return TX_ERROR;
		if (!every) {
			buf_add(ctx->out, "Only a builder of every area (or an "
			    "admin) can create areas.\n");
			return TX_ROLLBACK;
		}
	}
	cmd_split(args, id, sizeof id, &name);
	if (*id == '\0' || *name == '\0') {
		buf_add(ctx->out, "Usage: area new <id> <name>\n");
		return TX_ROLLBACK;
	}
	if (!area_id_ok(id) || strcmp(id, "new") == 0) {
		buf_add(ctx->out, "An area id is a lowercase letter, then up to "
		    "31 of a-z, 0-9 and _ (not \"new\").\n");
		return TX_ROLLBACK;
	}
	if (!area_name_ok(ctx, name))
		return TX_ROLLBACK;
	if ((rc = store_area_new(ctx->store, id, name)) != STORE_OK)
		return cmd_refuse_rc(ctx, rc, "Area %s already exists.", id);
	buf_printf(ctx->out, "Area %s created: %s (reset every %ds). Move a "
	    "room in with: redit area %s\n", id, name, 120, id);
	return TX_COMMIT;
}

/* area <id> reset <seconds>. */
static enum tx_rc
area_reset(struct cmd_ctx *ctx, const char *id, const char *arg)
{
	char		*end;
	long		 v;
	enum store_rc	 rc;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (*arg < '0' || *arg > '9' || errno != 0 || *end != '\0' ||
	    v < STORE_AREA_RESET_MIN || v > STORE_AREA_RESET_MAX) {
		buf_printf(ctx->out, "A reset interval is %d to %d seconds.\n",
		    STORE_AREA_RESET_MIN, STORE_AREA_RESET_MAX);
		return TX_ROLLBACK;
	}
	if ((rc = store_area_set_reset(ctx->store, id, (int)v)) != STORE_OK)
		return cmd_refuse_rc(ctx, rc, "There is no area %s.", id);
	buf_printf(ctx->out, "Area %s resets every %lds.\n", id, v);
	return TX_COMMIT;
}

/* area | area new <id> <name> | area <id> name <text> | reset <secs> */
enum tx_rc
cmd_area(struct cmd_ctx *ctx, const char *args)
{
	char		 id[64], word[16];
	const char	*rest;
	enum store_rc	 rc;

	cmd_split(args, id, sizeof id, &rest);
	if (*id == '\0') {
		buf_add(ctx->out, "Areas:\n");
		if ((rc = store_area_list(ctx->store, ctx->out)) == STORE_ERR)
			return TX_ERROR;
		/* Read-only: rolled back, so the audit keeps no entry. */
		return TX_ROLLBACK;
	}
	if (strcmp(id, "new") == 0)
		return area_new(ctx, rest);
	cmd_split(rest, word, sizeof word, &rest);
	if (strcmp(word, "name") != 0 && strcmp(word, "reset") != 0) {
		buf_add(ctx->out, AREA_USAGE);
		return TX_ROLLBACK;
	}
	if (!cmd_may_build(ctx, id)) {
		buf_printf(ctx->out, "You can't build in area %s.\n", id);
		return TX_ROLLBACK;
	}
	if (strcmp(word, "reset") == 0)
		return area_reset(ctx, id, rest);
	if (!area_name_ok(ctx, rest))
		return TX_ROLLBACK;
	if ((rc = store_area_set_name(ctx->store, id, rest)) != STORE_OK)
		return cmd_refuse_rc(ctx, rc, "There is no area %s.", id);
	buf_printf(ctx->out, "Area %s is now called: %s\n", id, rest);
	return TX_COMMIT;
}

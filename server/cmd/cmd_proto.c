/*
 * cmd_proto.c — iedit and medit: create item and NPC prototypes and edit
 * them one field at a time, within the builder's areas.  Each field is one
 * UPDATE (store_proto_set); the database's constraints have the last word
 * and a violation is answered in words, never "The world resists".
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd_proto.h"
#include "cmd/cmd_util.h"
#include "db/store_proto.h"
#include "db/store_gate_audit.h"
#include "game/text.h"
#include "ops/util.h"

#define PROTO_BAD_ID	"A prototype id is a letter, then letters, digits " \
			"or _, 48 at most."
#define PROTO_TYPES	"Types: weapon, armor, container, food, treasure, " \
			"light, key, misc."
#define PROTO_WORDS	"Keywords are words of letters a-z, one space " \
			"apart, 200 characters at most."
#define PROTO_LINE	2048	/* longest value a field takes */

enum proto_kind { PK_TEXT, PK_WORDS, PK_INT, PK_BOOL, PK_TYPE, PK_SLOT,
	PK_AREA };

/* One field of iedit or medit. */
struct proto_field {
	const char	*name;
	bool		 npc;
	enum store_pfield f;
	enum proto_kind	 kind;
	int64_t		 min, max;	/* PK_INT: bounds; PK_TEXT: length */
	bool		 copied;	/* NPCs: copied at spawn, not live */
};

static const struct proto_field proto_fields[] = {
	{ "name", false, SPF_I_NAME, PK_TEXT, 1, 80, false },
	{ "keywords", false, SPF_I_KEYWORDS, PK_WORDS, 1, 200, false },
	{ "long", false, SPF_I_LONG, PK_TEXT, 1, 200, false },
	{ "desc", false, SPF_I_DESC, PK_TEXT, 1, 2000, false },
	{ "type", false, SPF_I_TYPE, PK_TYPE, 0, 0, false },
	{ "weight", false, SPF_I_WEIGHT, PK_INT, 0, 10000, false },
	{ "value", false, SPF_I_VALUE, PK_INT, 0, 100000000, false },
	{ "slot", false, SPF_I_SLOT, PK_SLOT, 0, 0, false },
	{ "armor", false, SPF_I_ARMOR, PK_INT, 0, 100, false },
	{ "capacity", false, SPF_I_CAPACITY, PK_INT, 0, 10000, false },
	{ "area", false, SPF_I_AREA, PK_AREA, 0, 0, false },
	{ "name", true, SPF_N_NAME, PK_TEXT, 1, 80, false },
	{ "keywords", true, SPF_N_KEYWORDS, PK_WORDS, 1, 200, false },
	{ "long", true, SPF_N_LONG, PK_TEXT, 1, 200, false },
	{ "desc", true, SPF_N_DESC, PK_TEXT, 1, 2000, false },
	{ "level", true, SPF_N_LEVEL, PK_INT, 1, 100, true },
	{ "hp", true, SPF_N_HP, PK_INT, 1, 1000000, true },
	{ "armor", true, SPF_N_ARMOR, PK_INT, 0, 100, false },
	{ "coins", true, SPF_N_COINS, PK_INT, 0, 1000000000, true },
	{ "aggressive", true, SPF_N_AGGRESSIVE, PK_BOOL, 0, 0, false },
	{ "wanders", true, SPF_N_WANDERS, PK_BOOL, 0, 0, false },
	{ "area", true, SPF_N_AREA, PK_AREA, 0, 0, false },
};

static const char *const proto_types[] = { "weapon", "armor", "container",
	"food", "treasure", "light", "key", "misc", NULL };
static const char *const proto_slots[] = { "head", "neck", "body", "arms",
	"hands", "finger", "waist", "legs", "feet", "shield", "wield", "none",
	NULL };

/* Whether s is one of list. */
static bool
proto_oneof(const char *s, const char *const *list)
{
	for (; *list != NULL; list++) {
		if (strcmp(s, *list) == 0)
			return true;
	}
	return false;
}

/* Whether s is a prototype id: a letter, then letters, digits or _. */
bool
proto_id_ok(const char *s)
{
	size_t	n = strlen(s);

	if (n == 0 || n > STORE_PROTO_ID_MAX || !islower((unsigned char)s[0]))
		return false;
	for (; *s != '\0'; s++) {
		if (!islower((unsigned char)*s) &&
		    !isdigit((unsigned char)*s) && *s != '_')
			return false;
	}
	return true;
}

/* Next word of *args into w; false if none (or too long). */
bool
proto_word(const char **args, char *w, size_t wsz)
{
	const char	*a = *args;
	size_t		 n = 0;

	while (*a == ' ')
		a++;
	if (*a == '\0')
		return false;
	while (*a != '\0' && *a != ' ') {
		if (n + 1 >= wsz)
			return false;
		w[n++] = *a++;
	}
	w[n] = '\0';
	while (*a == ' ')
		a++;
	*args = a;
	return true;
}

/* Parse a whole decimal number within [min, max]. */
bool
proto_num(const char *s, int64_t min, int64_t max, int64_t *v)
{
	char		*end;
	long long	 n;

	if (*s == '\0' || (!isdigit((unsigned char)*s) && *s != '-'))
		return false;
	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > max)
		return false;
	*v = n;
	return true;
}

/* Whether the actor may build in area ("" or NULL: no area). */
bool
proto_may_area(struct cmd_ctx *ctx, const char *area, enum tx_rc *rc)
{
	enum role	role = ROLE_PLAYER;
	bool		ok;

	*rc = TX_ROLLBACK;
	(void)cmd_role_parse(ctx->me.role, &role);
	if (role >= ROLE_ADMIN)
		return true;
	if (store_audit_may_build(ctx->store, ctx->me.id,
	    area != NULL && *area != '\0' ? area : NULL, &ok) != STORE_OK) {
		*rc = TX_ERROR;
		return false;
	}
	if (!ok) {
		if (area == NULL || *area == '\0')
			buf_add(ctx->out, "You can't build things of no "
			    "area.\n");
		else
			buf_printf(ctx->out, "You can't build in area %s.\n",
			    area);
	}
	return ok;
}

/* A failed store call: constraint violations and bad values in words. */
enum tx_rc
proto_refuse(struct cmd_ctx *ctx, enum store_rc rc, const char *why)
{
	const char	*state = store_sqlstate(ctx->store);

	if (rc == STORE_ERR && (strncmp(state, "23", 2) == 0 ||
	    strncmp(state, "22", 2) == 0)) {
		buf_printf(ctx->out, "%s\n", why);
		return TX_ROLLBACK;
	}
	return cmd_refuse_rc(ctx, rc, "%s", why);
}

/* Lower-case keywords: letters only, a/an/the left out. */
static void
proto_keywords(const char *name, char *kw, size_t kwsz)
{
	size_t	n = 0;

	kw[0] = '\0';
	while (*name != '\0') {
		char	w[81];
		size_t	k = 0;

		while (*name == ' ')
			name++;
		for (; *name != '\0' && *name != ' '; name++) {
			if (isalpha((unsigned char)*name) && k + 1 < sizeof w)
				w[k++] = (char)tolower((unsigned char)*name);
		}
		w[k] = '\0';
		if (k == 0 || strcmp(w, "a") == 0 || strcmp(w, "an") == 0 ||
		    strcmp(w, "the") == 0 || n + k + 2 > kwsz)
			continue;
		n += (size_t)snprintf(kw + n, kwsz - n, "%s%s", n ? " " : "",
		    w);
	}
}

/* Show a prototype (no field given). */
static void
proto_show(struct cmd_ctx *ctx, bool npc, const struct store_proto *p)
{
	buf_printf(ctx->out, "%s prototype %s (area %s): %s\n",
	    npc ? "NPC" : "Item", p->id, p->area[0] ? p->area : "none",
	    p->name);
	if (npc)
		buf_printf(ctx->out, "  level %lld, hp %lld, damage %lld-%lld, "
		    "armor %lld, coins %lld, aggressive %s, wanders %s\n",
		    (long long)p->level, (long long)p->max_hp,
		    (long long)p->damage_min, (long long)p->damage_max,
		    (long long)p->armor, (long long)p->coins,
		    p->aggressive ? "yes" : "no", p->wanders ? "yes" : "no");
	else
		buf_printf(ctx->out, "  type %s, slot %s, weight %lld, value "
		    "%lld, damage %lld-%lld, armor %lld, capacity %lld\n",
		    p->type, p->wear_slot[0] ? p->wear_slot : "none",
		    (long long)p->weight, (long long)p->value,
		    (long long)p->damage_min, (long long)p->damage_max,
		    (long long)p->armor, (long long)p->capacity);
	buf_printf(ctx->out, "  keywords '%s'\n  long '%s'\n", p->keywords,
	    p->long_desc);
	if (npc)
		buf_printf(ctx->out, "  equipment: %s\n  inventory: %s\n",
		    p->equipment[0] ? p->equipment : "none",
		    p->inventory[0] ? p->inventory : "none");
	buf_printf(ctx->out, "  desc: %s\n", p->description);
	if (npc)
		buf_printf(ctx->out, "  %lld live NPCs.\n",
		    (long long)p->instances);
	else
		buf_printf(ctx->out, "  %lld items of it exist.\n",
		    (long long)p->instances);
}

/* iedit|medit <proto> new ...: create in the area of the actor's room. */
static enum tx_rc
proto_new(struct cmd_ctx *ctx, bool npc, const char *id, const char *args)
{
	struct store_proto	 p;
	char			 type[16] = "", cap[96];
	enum store_rc		 src;
	enum tx_rc		 rc;

	memset(&p, 0, sizeof p);
	util_strlcpy(p.id, id, sizeof p.id);
	if (!npc && (!proto_word(&args, type, sizeof type) ||
	    !proto_oneof(type, proto_types)))
		return cmd_refuse_rc(ctx, STORE_NONE, PROTO_TYPES);
	if (*args == '\0' || strlen(args) > 80)
		return cmd_refuse_rc(ctx, STORE_NONE, "Usage: %s <proto> new "
		    "%s<name> (80 characters at most)", ctx->cmd->name,
		    npc ? "" : "<type> ");
	util_strlcpy(p.name, args, sizeof p.name);
	proto_keywords(p.name, p.keywords, sizeof p.keywords);
	if (p.keywords[0] == '\0')
		return cmd_refuse_rc(ctx, STORE_NONE, "Give it a name with a "
		    "word of letters a-z.");
	text_capitalise(p.name, cap, sizeof cap);
	snprintf(p.long_desc, sizeof p.long_desc, "%s %s here.", cap,
	    npc ? "is" : "lies");
	util_strlcpy(p.description, p.name, sizeof p.description);
	util_strlcpy(p.type, type, sizeof p.type);
	if (strcmp(type, "weapon") == 0)
		util_strlcpy(p.wear_slot, "wield", sizeof p.wear_slot);
	p.capacity = strcmp(type, "container") == 0 ? 10 : 0;
	if ((src = store_proto_room_area(ctx->store, ctx->me.room_id,
	    p.area)) != STORE_OK)
		return cmd_tx_rc(src == STORE_NONE ? STORE_ERR : src);
	if (!proto_may_area(ctx, p.area, &rc))
		return rc;
	src = npc ? store_proto_npc_new(ctx->store, &p) :
	    store_proto_item_new(ctx->store, &p);
	if (src != STORE_OK)
		return proto_refuse(ctx, src, src == STORE_NONE ?
		    "That prototype already exists." :
		    "The database refused that prototype.");
	if (npc)
		buf_printf(ctx->out, "NPC prototype %s created: %s (level 1, "
		    "hp 10, area %s), long '%s'.\n", p.id, p.name, p.area,
		    p.long_desc);
	else
		buf_printf(ctx->out, "Item prototype %s created: %s (%s), "
		    "keywords '%s', long '%s'.\n", p.id, p.name, p.type,
		    p.keywords, p.long_desc);
	return TX_COMMIT;
}

/* iedit|medit <proto> delete: only what nothing uses or instantiates. */
static enum tx_rc
proto_delete(struct cmd_ctx *ctx, bool npc, const struct store_proto *p)
{
	int64_t		resets, gear, shops;
	enum store_rc	src;

	if (p->instances > 0) {
		buf_printf(ctx->out, "%s: %lld %s exist; purge them before "
		    "deleting the prototype.\n", p->id, (long long)p->instances,
		    npc ? "live NPCs" : "items");
		return TX_ROLLBACK;
	}
	if ((src = store_proto_uses(ctx->store, npc, p->id, &resets, &gear,
	    &shops)) != STORE_OK)
		return cmd_tx_rc(src);
	if (resets + gear + shops > 0) {
		buf_printf(ctx->out, "%s is used by %lld resets, %lld NPC gear "
		    "lines and %lld %s; remove those first.\n", p->id,
		    (long long)resets, (long long)gear, (long long)shops,
		    npc ? "shops" : "shop stock lines");
		return TX_ROLLBACK;
	}
	if ((src = store_proto_delete(ctx->store, npc, p->id)) != STORE_OK)
		return proto_refuse(ctx, src, "Something still refers to that "
		    "prototype.");
	buf_printf(ctx->out, "%s prototype %s deleted.\n", npc ? "NPC" : "Item",
	    p->id);
	return TX_COMMIT;
}

/* medit <proto> inventory|equipment +<item>|-<item>. */
static enum tx_rc
proto_gear(struct cmd_ctx *ctx, const struct store_proto *p,
    const char *kind, const char *arg)
{
	struct store_proto	item;
	struct store_proto	after;
	enum store_rc		src;
	const char		*id = arg + 1;

	if ((arg[0] != '+' && arg[0] != '-') || !proto_id_ok(id))
		return cmd_refuse_rc(ctx, STORE_NONE, "Usage: medit <proto> "
		    "%s +<item>|-<item>", kind);
	if ((src = store_proto_get(ctx->store, false, id, &item)) != STORE_OK)
		return cmd_refuse_rc(ctx, src, "There is no item prototype "
		    "'%s'.", id);
	if (arg[0] == '+' && strcmp(kind, "equipment") == 0 &&
	    item.wear_slot[0] == '\0')
		return cmd_refuse_rc(ctx, STORE_NONE, "%s has no wear slot; "
		    "give it as inventory.", id);
	src = store_proto_gear(ctx->store, arg[0] == '+', p->id, kind, id);
	if (src != STORE_OK)
		return cmd_refuse_rc(ctx, src, "%s has no %s %s.", p->id, id,
		    kind);
	if ((src = store_proto_get(ctx->store, true, p->id, &after)) !=
	    STORE_OK)
		return cmd_tx_rc(src == STORE_NONE ? STORE_ERR : src);
	buf_printf(ctx->out, "%s %s: %s (new ones only: %lld live NPCs keep "
	    "what they have).\n", p->id, kind, strcmp(kind, "equipment") == 0 ?
	    (after.equipment[0] ? after.equipment : "none") :
	    (after.inventory[0] ? after.inventory : "none"),
	    (long long)p->instances);
	return TX_COMMIT;
}

/* <field> <value> of a prototype: check the value, then one UPDATE. */
static enum tx_rc
proto_field(struct cmd_ctx *ctx, bool npc, const struct store_proto *p,
    const struct proto_field *f, const char *value)
{
	char		 v[PROTO_LINE], old[PROTO_LINE], new[PROTO_LINE];
	const char	*param = v;
	int64_t		 n, count = 0, holding, worn;
	enum store_rc	 src;
	enum tx_rc	 rc;

	util_strlcpy(v, value, sizeof v);
	switch (f->kind) {
	case PK_TEXT:
		if (strlen(v) < (size_t)f->min || strlen(v) > (size_t)f->max)
			return cmd_refuse_rc(ctx, STORE_NONE, "The %s is 1 to "
			    "%lld characters.", f->name, (long long)f->max);
		break;
	case PK_WORDS:
		for (char *c = v; *c != '\0'; c++)
			*c = (char)tolower((unsigned char)*c);
		break;
	case PK_INT:
		if (!proto_num(v, f->min, f->max, &n))
			return cmd_refuse_rc(ctx, STORE_NONE, "The %s is a "
			    "number from %lld to %lld.", f->name,
			    (long long)f->min, (long long)f->max);
		break;
	case PK_BOOL:
		if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0)
			return cmd_refuse_rc(ctx, STORE_NONE, "%s is yes or "
			    "no.", f->name);
		param = strcmp(v, "yes") == 0 ? "true" : "false";
		break;
	case PK_TYPE:
		if (!proto_oneof(v, proto_types))
			return cmd_refuse_rc(ctx, STORE_NONE, PROTO_TYPES);
		break;
	case PK_SLOT:
		if (!proto_oneof(v, proto_slots))
			return cmd_refuse_rc(ctx, STORE_NONE, "Slots: head, "
			    "neck, body, arms, hands, finger, waist, legs, "
			    "feet, shield, wield, none.");
		if (strcmp(v, "none") == 0)
			param = NULL;
		break;
	case PK_AREA:
		if (!proto_may_area(ctx, v, &rc))
			return rc;
		break;
	}
	/* NULL passes the table's CHECK (a weapon's slot is 'wield'). */
	if (!npc && ((f->f == SPF_I_TYPE && strcmp(v, "weapon") == 0 &&
	    strcmp(p->wear_slot, "wield") != 0) || (f->f == SPF_I_SLOT &&
	    strcmp(p->type, "weapon") == 0 && strcmp(v, "wield") != 0)))
		return cmd_refuse_rc(ctx, STORE_NONE, "A weapon must have "
		    "slot 'wield'.");
	if (!npc && (f->f == SPF_I_TYPE || f->f == SPF_I_SLOT)) {
		if ((src = store_proto_item_busy(ctx->store, p->id, &holding,
		    &worn)) != STORE_OK)
			return cmd_tx_rc(src);
		if (f->f == SPF_I_TYPE && strcmp(p->type, "container") == 0 &&
		    strcmp(v, "container") != 0 && holding > 0)
			return cmd_refuse_rc(ctx, STORE_NONE, "%s: %lld of "
			    "its items hold things; empty them before it "
			    "stops being a container.", p->id,
			    (long long)holding);
		if (f->f == SPF_I_SLOT && worn > 0)
			return cmd_refuse_rc(ctx, STORE_NONE, "%s: %lld of "
			    "its items are worn; its slot can't change while "
			    "they are.", p->id, (long long)worn);
	}
	src = store_proto_set(ctx->store, f->f, p->id, param, old, new,
	    sizeof old, &count);
	if (src != STORE_OK) {
		if (f->kind == PK_WORDS)
			return proto_refuse(ctx, src, PROTO_WORDS);
		if (f->kind == PK_AREA)
			return proto_refuse(ctx, src, "There is no such area.");
		if ((f->f == SPF_I_TYPE && strcmp(v, "container") == 0) ||
		    (f->f == SPF_I_CAPACITY && strcmp(p->type,
		    "container") == 0))
			return proto_refuse(ctx, src, "A container needs a "
			    "capacity above 0.");
		if (f->f == SPF_I_TYPE || f->f == SPF_I_SLOT)
			return proto_refuse(ctx, src, "A weapon must have slot "
			    "'wield'.");
		return proto_refuse(ctx, src, "The database refused that "
		    "value.");
	}
	buf_printf(ctx->out, "%s %s: %s -> %s ", p->id, f->name,
	    old[0] ? old : "none", new[0] ? new : "none");
	if (!npc)
		buf_printf(ctx->out, "(%lld items of it exist; they show the "
		    "change at once).\n", (long long)count);
	else if (f->copied)
		buf_printf(ctx->out, "(new ones only: %lld live NPCs keep "
		    "%s %s; 'purge' and 'reset now' to respawn them).\n",
		    (long long)count, f->name, old);
	else
		buf_printf(ctx->out, "(%lld live NPCs show the change at "
		    "once).\n", (long long)count);
	return TX_COMMIT;
}

/* damage <min> <max> of a prototype. */
static enum tx_rc
proto_damage(struct cmd_ctx *ctx, bool npc, const struct store_proto *p,
    const char *args)
{
	char		w1[16], w2[16], old[64], new[64];
	int64_t		min, max;
	enum store_rc	src;

	if (!proto_word(&args, w1, sizeof w1) ||
	    !proto_word(&args, w2, sizeof w2) || *args != '\0' ||
	    !proto_num(w1, 0, 10000, &min) || !proto_num(w2, 0, 10000, &max) ||
	    min > max)
		return cmd_refuse_rc(ctx, STORE_NONE, "Damage is <min> <max>, "
		    "0 to 10000, min not above max.");
	if ((src = store_proto_set_damage(ctx->store, npc, p->id, min, max,
	    old, new, sizeof old)) != STORE_OK)
		return proto_refuse(ctx, src, "The database refused that "
		    "damage.");
	buf_printf(ctx->out, "%s damage: %s -> %s (%lld %s show the change at "
	    "once).\n", p->id, old, new, (long long)p->instances,
	    npc ? "live NPCs" : "items of it");
	return TX_COMMIT;
}

/* iedit and medit: the shared body. */
static enum tx_rc
proto_edit(struct cmd_ctx *ctx, bool npc, const char *args)
{
	struct store_proto	p;
	char			id[64], field[16];
	enum store_rc		src;
	enum tx_rc		rc;

	if (!proto_word(&args, id, sizeof id) || !proto_id_ok(id))
		return cmd_refuse_rc(ctx, STORE_NONE, PROTO_BAD_ID);
	src = store_proto_get(ctx->store, npc, id, &p);
	if (src == STORE_ERR)
		return TX_ERROR;
	if (!proto_word(&args, field, sizeof field)) {
		if (src == STORE_NONE)
			return cmd_refuse_rc(ctx, src, "There is no %s "
			    "prototype '%s'.", npc ? "NPC" : "item", id);
		proto_show(ctx, npc, &p);
		/* A look changes nothing: no audit entry is kept for it. */
		return TX_ROLLBACK;
	}
	if (strcmp(field, "new") == 0) {
		if (src == STORE_OK)
			return cmd_refuse_rc(ctx, STORE_NONE, "Prototype %s "
			    "already exists.", id);
		return proto_new(ctx, npc, id, args);
	}
	if (src == STORE_NONE)
		return cmd_refuse_rc(ctx, src, "There is no %s prototype '%s'.",
		    npc ? "NPC" : "item", id);
	if (!proto_may_area(ctx, p.area, &rc))
		return rc;
	if (strcmp(field, "delete") == 0 && *args == '\0')
		return proto_delete(ctx, npc, &p);
	if (strcmp(field, "damage") == 0)
		return proto_damage(ctx, npc, &p, args);
	if (npc && (strcmp(field, "inventory") == 0 ||
	    strcmp(field, "equipment") == 0))
		return proto_gear(ctx, &p, field, args);
	for (size_t i = 0; i < nitems(proto_fields); i++) {
		if (proto_fields[i].npc == npc &&
		    strcmp(proto_fields[i].name, field) == 0) {
			if (*args == '\0')
				break;
			return proto_field(ctx, npc, &p, &proto_fields[i],
			    args);
		}
	}
	buf_printf(ctx->out, "Usage: %s\n", ctx->cmd->usage);
	buf_printf(ctx->out, "Fields: name, keywords, long, desc, %s, damage "
	    "<min> <max>, armor, area.\n", npc ? "level, hp, coins, aggressive "
	    "yes|no, wanders yes|no, inventory +|-<item>, equipment "
	    "+|-<item>" : "type, weight, value, slot, capacity");
	return TX_ROLLBACK;
}

/* iedit <proto> [new <type> <name>|<field> <value>|delete] (builders). */
enum tx_rc
cmd_iedit(struct cmd_ctx *ctx, const char *args)
{
	return proto_edit(ctx, false, args);
}

/* medit <proto> [new <name>|<field> <value>|delete] (builders). */
enum tx_rc
cmd_medit(struct cmd_ctx *ctx, const char *args)
{
	return proto_edit(ctx, true, args);
}

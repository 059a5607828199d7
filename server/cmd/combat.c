/*
 * combat.c — the combat engine (combat.h) and the world ticks that use it:
 * a combat round every 2 s, NPC behaviour every 5 s, decay every 10 s.
 * Each tick is one transaction run by tick.c under the cluster-wide
 * advisory lock, and each works on the whole world with a fixed number of
 * statements, however many fights, NPCs or corpses there are.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cmd/combat.h"
#include "cmd/tick.h"
#include "game/text.h"
#include "net/color.h"
#include "ops/util.h"

/* Start a batch. */
void
combat_init(struct combat *c, struct store *s, int64_t actor,
    struct buf *out)
{
	uint64_t	seed;

	memset(c, 0, sizeof *c);
	c->store = s;
	c->actor = actor;
	c->out = out;
	/* Every attempt and every keepd draws a different stream; libsodium's
	 * generator is safe on any thread, unlike random(). */
	randombytes_buf(&seed, sizeof seed);
	rules_combat_rng_seed(&c->rng, seed);
}

/* Free the batch. */
void
combat_free(struct combat *c)
{
	for (size_t i = 0; i < c->nmsg; i++)
		free(c->msg[i].text);
	free(c->msg);
	free(c->f);
	free(c->dmg);
	free(c->fight);
	free(c->striker);
	free(c->kills);
	free(c->dead);
	memset(c, 0, sizeof *c);
}

/* Size the per-fighter arrays after a load; bare hands where no weapon. */
static void
combat_loaded(struct combat *c)
{
	size_t	n = c->nf > 0 ? c->nf : 1;

	c->dmg = xcalloc(n, sizeof *c->dmg);
	c->fight = xcalloc(n, sizeof *c->fight);
	c->striker = xcalloc(n, sizeof *c->striker);
	c->kills = xcalloc(n, sizeof *c->kills);
	c->dead = xcalloc(n, sizeof *c->dead);
	for (size_t i = 0; i < c->nf; i++) {
		c->striker[i] = COMBAT_NONE;
		if (c->f[i].dam_min < 0 || c->f[i].dam_max < 0) {
			c->f[i].dam_min = RULES_COMBAT_BARE_MIN;
			c->f[i].dam_max = RULES_COMBAT_BARE_MAX;
		}
	}
}

/* Load (and lock) every fighter in the world. */
enum store_rc
combat_load_fights(struct combat *c)
{
	if (store_combat_load_fights(c->store, &c->f, &c->nf) != STORE_OK)
		return STORE_ERR;
	combat_loaded(c);
	return STORE_OK;
}

/* Load (and lock) the given characters. */
enum store_rc
combat_load(struct combat *c, const int64_t *ids, size_t n)
{
	c->f = xcalloc(n > 0 ? n : 1, sizeof *c->f);
	if (store_combat_load_ids(c->store, ids, n, c->f, &c->nf) != STORE_OK)
		return STORE_ERR;
	combat_loaded(c);
	return STORE_OK;
}

/* A loaded fighter's index (binary search: they are in id order). */
size_t
combat_index(const struct combat *c, int64_t id)
{
	size_t	lo = 0, hi = c->nf;

	while (lo < hi) {
		size_t	mid = lo + (hi - lo) / 2;

		if (c->f[mid].id == id)
			return mid;
		if (c->f[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return COMBAT_NONE;
}

/* Fighter i starts fighting id, or stops (id -1). */
void
combat_set_fight(struct combat *c, size_t i, int64_t id)
{
	c->fight[i] = id;
	c->f[i].fighting_id = id > 0 ? id : 0;
}

/* Add a message to the outbox; takes ownership of text. */
static void
combat_queue(struct combat *c, int32_t room, int64_t to, int64_t ex1,
    int64_t ex2, char *text)
{
	struct store_combat_msg	*m;

	if (c->nmsg == c->capmsg) {
		c->capmsg = c->capmsg ? c->capmsg * 2 : 16;
		c->msg = xrealloc(c->msg, c->capmsg * sizeof *c->msg);
	}
	m = &c->msg[c->nmsg++];
	m->room = room;
	m->to = to;
	m->except[0] = ex1;
	m->except[1] = ex2;
	/* The actor reads room lines in its reply, not as a notification. */
	m->except[2] = c->actor;
	m->text = text;
}

/* Format a line and capitalise it. */
static char *
combat_line(const char *fmt, va_list ap)
{
	char	*text = xvasprintf(fmt, ap);

	text_capitalise(text, text, strlen(text) + 1);
	return text;
}

/* Queue text for one character (the actor's goes to its reply). */
static void
combat_tell_text(struct combat *c, int64_t to, char *text)
{
	if (to == c->actor && c->out != NULL) {
		buf_printf(c->out, "%s\n", text);
		free(text);
		return;
	}
	combat_queue(c, 0, to, 0, 0, text);
}

/* Queue a line for one character (the actor's goes to its reply). */
void
combat_tell(struct combat *c, int64_t to, const char *fmt, ...)
{
	va_list	 ap;
	char	*text;

	va_start(ap, fmt);
	text = combat_line(fmt, ap);
	va_end(ap);
	combat_tell_text(c, to, text);
}

/* combat_tell in colour cm (a CM_* mark), capitalised inside it. */
static void __attribute__((format(printf, 4, 5)))
combat_tell_cm(struct combat *c, int64_t to, const char *cm,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*text, *marked;

	va_start(ap, fmt);
	text = combat_line(fmt, ap);
	va_end(ap);
	marked = xcalloc(1, strlen(cm) + strlen(text) + sizeof CM_RESET);
	(void)snprintf(marked, strlen(cm) + strlen(text) + sizeof CM_RESET,
	    "%s%s" CM_RESET, cm, text);
	free(text);
	combat_tell_text(c, to, marked);
}

/* Queue a line for a room but ex1 and ex2 (the actor reads it in reply). */
void
combat_tell_room(struct combat *c, int32_t room, int64_t ex1, int64_t ex2,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*text;
	size_t	 me = combat_index(c, c->actor);

	va_start(ap, fmt);
	text = combat_line(fmt, ap);
	va_end(ap);
	if (c->actor != 0 && c->out != NULL && c->actor != ex1 &&
	    c->actor != ex2 && me != COMBAT_NONE && c->f[me].room_id == room)
		buf_printf(c->out, "%s\n", text);
	combat_queue(c, room, 0, ex1, ex2, text);
}

/* The rules' view of a fighter. */
static struct rules_combat_side
combat_side(const struct store_fighter *f)
{
	struct rules_combat_side	s = {
		.level = f->level, .hp = f->hp, .max_hp = f->max_hp,
		.dam_min = f->dam_min, .dam_max = f->dam_max,
		.armor = f->armor,
	};

	return s;
}

/* Fighter a attacks fighter b once. */
void
combat_strike(struct combat *c, size_t a, size_t b)
{
	struct store_fighter		*fa = &c->f[a], *fb = &c->f[b];
	struct rules_combat_side	 sa = combat_side(fa), sb = combat_side(fb);
	struct rules_combat_blow	 blow = rules_combat_attack(&sa, &sb,
					    &c->rng);
	struct rules_combat_words	 w = rules_combat_describe(blow.damage,
					    fb->max_hp);

	/* Damage you deal in bright yellow, damage you take in red. */
	if (!fa->npc)
		combat_tell_cm(c, fa->id, CM_BYELLOW, "You %s %s%s.", w.you,
		    fb->name, w.how);
	if (!fb->npc)
		combat_tell_cm(c, fb->id, CM_RED, "%s %s you%s.", fa->name,
		    w.they, w.how);
	combat_tell_room(c, fa->room_id, fa->id, fb->id, "%s %s %s%s.",
	    fa->name, w.they, fb->name, w.how);
	if (blow.hit) {
		c->dmg[b] += blow.damage;
		fb->hp = fb->hp > blow.damage ? fb->hp - blow.damage : 0;
		c->striker[b] = a;
		if (fb->hp == 0)
			c->dead[b] = true;
	}
	/* Someone attacked fights back. */
	if (!c->dead[b] && fb->fighting_id == 0)
		combat_set_fight(c, b, fa->id);
}

/* Apply damage and fight changes; mark who the database says died. */
static enum store_rc
combat_apply(struct combat *c)
{
	struct store_combat_change	*ch = xcalloc(c->nf + 1, sizeof *ch);
	int32_t				*hp = xcalloc(c->nf + 1, sizeof *hp);
	size_t				*idx = xcalloc(c->nf + 1, sizeof *idx);
	size_t				 n = 0;
	enum store_rc			 rc;

	for (size_t i = 0; i < c->nf; i++) {
		if (c->dmg[i] == 0 && c->fight[i] == 0)
			continue;
		ch[n].id = c->f[i].id;
		ch[n].damage = c->dmg[i];
		ch[n].fight = c->fight[i];
		idx[n++] = i;
	}
	rc = store_combat_apply(c->store, ch, n, hp);
	for (size_t k = 0; rc == STORE_OK && k < n; k++) {
		size_t	i = idx[k];

		/* The database's hp decides (it counted regeneration too). */
		c->dead[i] = hp[k] == 0 && c->dmg[i] > 0;
		if (hp[k] >= 0)
			c->f[i].hp = hp[k];
	}
	free(ch);
	free(hp);
	free(idx);
	return rc;
}

/* Credit the killer of fighter v: kills, and experience for players. */
static void
combat_credit(struct combat *c, size_t v)
{
	size_t			 k = c->striker[v];
	struct store_fighter	*fk;
	int64_t			 xp;
	int			 level;

	if (k == COMBAT_NONE)
		return;
	fk = &c->f[k];
	c->kills[k]++;
	if (fk->npc)
		return;
	xp = rules_combat_kill_xp(fk->level, c->f[v].level);
	level = rules_combat_level_for_xp(fk->xp + xp, fk->level);
	fk->xp += xp;
	combat_tell(c, fk->id, "You receive %lld experience points.",
	    (long long)xp);
	if (level > fk->level) {
		fk->max_hp += rules_combat_hp_gain(fk->level, level);
		combat_tell(c, fk->id, "You are now level %d!", level);
		fk->level = level;
	}
}

/* Write experience, levels and kills of everyone who killed. */
static enum store_rc
combat_progress(struct combat *c, const int32_t *maxhp0)
{
	struct store_progress	*p = xcalloc(c->nf + 1, sizeof *p);
	size_t			 n = 0;
	enum store_rc		 rc;

	for (size_t i = 0; i < c->nf; i++) {
		if (c->kills[i] == 0)
			continue;
		p[n].id = c->f[i].id;
		p[n].xp = c->f[i].xp;
		p[n].level = c->f[i].level;
		p[n].hp_gain = c->f[i].max_hp - maxhp0[i];
		p[n].kills = c->kills[i];
		n++;
	}
	rc = store_combat_progress(c->store, p, n);
	free(p);
	return rc;
}

/* Deaths: corpses, respawns, messages, then the killers' rewards. */
static enum store_rc
combat_deaths(struct combat *c)
{
	struct store_death	*d = xcalloc(c->nf + 1, sizeof *d);
	int32_t			*maxhp0 = xcalloc(c->nf + 1, sizeof *maxhp0);
	size_t			 n = 0;
	enum store_rc		 rc;

	for (size_t i = 0; i < c->nf; i++) {
		maxhp0[i] = c->f[i].max_hp;
		if (c->dead[i])
			d[n++].victim = c->f[i].id;
	}
	if ((rc = store_combat_deaths(c->store, d, n)) != STORE_OK)
		goto done;
	for (size_t k = 0; k < n; k++) {
		size_t			 v = combat_index(c, d[k].victim);
		struct store_fighter	*fv = &c->f[v];

		combat_tell_room(c, fv->room_id, fv->id, 0,
		    "%s is dead! R.I.P.", fv->name);
		if (!fv->npc) {
			combat_tell(c, fv->id, "You have been KILLED!");
			combat_tell(c, fv->id, "You wake up in %s, whole again.",
			    d[k].respawn_title);
			combat_tell_room(c, d[k].respawn_room, fv->id, 0,
			    "%s appears in a flash of light.", fv->name);
		}
		combat_credit(c, v);
	}
	rc = combat_progress(c, maxhp0);
done:
	free(d);
	free(maxhp0);
	return rc;
}

/* Write everything: damage, deaths, experience, messages. */
enum store_rc
combat_finish(struct combat *c)
{
	if (combat_apply(c) != STORE_OK || combat_deaths(c) != STORE_OK)
		return STORE_ERR;
	return store_combat_notify(c->store, c->msg, c->nmsg);
}

/*
 * Whether fighter i can go on fighting j: both alive, in one room, and any
 * player among them online (a fight with someone gone ends).
 */
static bool
combat_can_fight(const struct combat *c, size_t i, size_t j)
{
	const struct store_fighter	*a = &c->f[i], *b = &c->f[j];

	return a->room_id == b->room_id && (a->npc || a->online) &&
	    (b->npc || b->online);
}

/* A combat round: everyone fighting strikes once, in id order. */
enum tx_rc
combat_round_tx(struct store *s, void *arg)
{
	struct combat	c;
	enum store_rc	rc;

	(void)arg;
	combat_init(&c, s, 0, NULL);
	if (combat_load_fights(&c) != STORE_OK) {
		combat_free(&c);
		return TX_ERROR;
	}
	for (size_t i = 0; i < c.nf; i++) {
		size_t	j;

		if (c.dead[i] || c.f[i].fighting_id == 0)
			continue;
		j = combat_index(&c, c.f[i].fighting_id);
		if (j != COMBAT_NONE && c.dead[j])
			continue;	/* its death ends the fight */
		if (j == COMBAT_NONE || !combat_can_fight(&c, i, j)) {
			combat_set_fight(&c, i, -1);
			continue;
		}
		combat_strike(&c, i, j);
	}
	rc = combat_finish(&c);
	combat_free(&c);
	return rc == STORE_OK ? TX_COMMIT : TX_ERROR;
}

/* Where someone arriving through dir came from, as the room sees it. */
static const char *
combat_from(const char *dir)
{
	static const char	*pairs[][2] = {
		{ "north", "the south" }, { "south", "the north" },
		{ "east", "the west" }, { "west", "the east" },
		{ "up", "below" }, { "down", "above" },
	};

	for (size_t i = 0; i < nitems(pairs); i++) {
		if (strcmp(dir, pairs[i][0]) == 0)
			return pairs[i][1];
	}
	return "somewhere";
}

/* NPC behaviour: the aggressive pick fights, then wanderers walk. */
enum tx_rc
npc_tick_tx(struct store *s, void *arg)
{
	struct combat		 c;
	struct store_npc_act	*a = NULL, *w = NULL;
	size_t			 na = 0, nw = 0;
	enum tx_rc		 rc = TX_ERROR;

	(void)arg;
	combat_init(&c, s, 0, NULL);
	if (store_combat_aggro(s, &a, &na) != STORE_OK ||
	    store_combat_wander(s, RULES_COMBAT_WANDER_PCT, &w, &nw) !=
	    STORE_OK)
		goto done;
	for (size_t i = 0; i < na; i++) {
		combat_tell(&c, a[i].victim, "%s attacks you!", a[i].name);
		combat_tell_room(&c, a[i].room, a[i].victim, 0,
		    "%s attacks %s!", a[i].name, a[i].victim_name);
	}
	for (size_t i = 0; i < nw; i++) {
		combat_tell_room(&c, w[i].room, 0, 0, "%s leaves %s.",
		    w[i].name, w[i].dir);
		combat_tell_room(&c, w[i].to_room, 0, 0, "%s arrives from %s.",
		    w[i].name, combat_from(w[i].dir));
	}
	if (store_combat_notify(s, c.msg, c.nmsg) == STORE_OK)
		rc = TX_COMMIT;
done:
	free(a);
	free(w);
	combat_free(&c);
	return rc;
}

/*
 * Decay: what lies past its decay_at spills its contents and coins where
 * it lies (nothing is silently destroyed) and is gone.
 */
enum tx_rc
decay_tick_tx(struct store *s, void *arg)
{
	struct combat		 c;
	struct store_decayed	*d = NULL;
	size_t			 n = 0;
	enum tx_rc		 rc = TX_ERROR;

	(void)arg;
	combat_init(&c, s, 0, NULL);
	if (store_combat_decay(s, &d, &n) != STORE_OK)
		goto done;
	for (size_t i = 0; i < n; i++)
		combat_tell_room(&c, d[i].room, 0, 0, d[i].corpse ?
		    "%s rots away." : "%s crumbles to dust.", d[i].name);
	if (store_combat_notify(s, c.msg, c.nmsg) == STORE_OK)
		rc = TX_COMMIT;
done:
	free(d);
	combat_free(&c);
	return rc;
}

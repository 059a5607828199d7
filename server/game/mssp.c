/*
 * mssp.c — the MSSP variables of docs/protocol.md: what a MUD listing
 * reads, from the database's counts and the configuration.  Names are
 * upper-case ASCII, spelt as the standard spells them; every value is
 * printable ASCII (never the protocol's 00, 01, 02 or FF, nor a TAB or a
 * line end of the plain form), one per name.
 */
#include <stdio.h>
#include <string.h>

#include "game/mssp.h"
#include "ops/config.h"
#include "ops/util.h"
#include "ops/version.h"

/* What Keep implements, and does not (docs/protocol.md). */
static const char *const mssp_fixed[][2] = {
	{ "LEVELS", "100" }, { "CLASSES", "0" }, { "RACES", "0" },
	{ "SKILLS", "0" },
	{ "ANSI", "1" }, { "GMCP", "1" }, { "MCCP", "1" }, { "MSDP", "0" },
	{ "MSP", "0" }, { "MXP", "0" }, { "MCP", "0" }, { "PUEBLO", "0" },
	{ "UTF-8", "1" }, { "VT100", "0" }, { "XTERM 256 COLORS", "1" },
	{ "XTERM TRUE COLORS", "0" },
	{ "PAY TO PLAY", "0" }, { "PAY FOR PERKS", "0" },
	{ "HIRING BUILDERS", "0" }, { "HIRING CODERS", "0" },
};

/* Add name = value (printable ASCII, bounded); an empty value is left out. */
static void
mssp_add(struct mssp_vars *v, const char *name, const char *value)
{
	char	*t;
	size_t	 i;

	if (value == NULL || *value == '\0' || v->n >= MSSP_VARS_MAX)
		return;
	t = v->text[v->n];
	for (i = 0; value[i] != '\0' && i < MSSP_VALUE_MAX; i++) {
		unsigned char	c = (unsigned char)value[i];

		t[i] = c >= 0x20 && c <= 0x7e ? (char)c : '?';
	}
	t[i] = '\0';
	v->names[v->n] = name;
	v->values[v->n] = t;
	v->n++;
}

/* Add name = a decimal number. */
static void
mssp_add_num(struct mssp_vars *v, const char *name, long long n)
{
	char	num[24];

	snprintf(num, sizeof num, "%lld", n);
	mssp_add(v, name, num);
}

/* Fill v from the figures and the configuration. */
void
mssp_build(struct mssp_vars *v, const struct config *cfg,
    const struct mssp_figures *f, int64_t started)
{
	size_t	i;

	v->n = 0;
	mssp_add(v, "NAME", cfg->mud_name);
	mssp_add_num(v, "PLAYERS", f->players);
	mssp_add_num(v, "UPTIME", f->started > 0 ? f->started : started);
	mssp_add(v, "CRAWL DELAY", "-1");
	mssp_add(v, "CODEBASE", "Keep " KEEP_VERSION);
	mssp_add_num(v, "PORT", cfg->public_port > 0 ? cfg->public_port :
	    cfg->port);
	mssp_add(v, "HOSTNAME", cfg->mssp_hostname);
	mssp_add(v, "CONTACT", cfg->mssp_contact);
	mssp_add(v, "WEBSITE", cfg->mssp_website);
	mssp_add(v, "CREATED", cfg->mssp_created);
	mssp_add(v, "LOCATION", cfg->mssp_location);
	mssp_add(v, "LANGUAGE", cfg->mssp_language);
	mssp_add_num(v, "MINIMUM AGE", cfg->mssp_minimum_age);
	mssp_add(v, "FAMILY", cfg->mssp_family);
	mssp_add(v, "GENRE", cfg->mssp_genre);
	mssp_add(v, "SUBGENRE", cfg->mssp_subgenre);
	mssp_add(v, "GAMEPLAY", cfg->mssp_gameplay);
	mssp_add(v, "STATUS", cfg->mssp_status);
	mssp_add(v, "GAMESYSTEM", cfg->mssp_gamesystem);
	mssp_add_num(v, "AREAS", f->areas);
	mssp_add_num(v, "ROOMS", f->rooms);
	mssp_add_num(v, "MOBILES", f->mobiles);
	mssp_add_num(v, "OBJECTS", f->objects);
	mssp_add_num(v, "HELPFILES", f->helpfiles);
	for (i = 0; i < nitems(mssp_fixed); i++)
		mssp_add(v, mssp_fixed[i][0], mssp_fixed[i][1]);
}

/* The plain-text reply to MSSP-REQUEST. */
void
mssp_plain(struct buf *b, const struct mssp_vars *v)
{
	size_t	i;

	buf_add(b, "\nMSSP-REPLY-START\n");
	for (i = 0; i < v->n; i++)
		buf_printf(b, "%s\t%s\n", v->names[i], v->values[i]);
	buf_add(b, "MSSP-REPLY-END\n");
}

/*
 * options.c — keep-bench's command line: the options of bench/run.sh's
 * contract, their defaults and bounds.  A bad option exits with status 2.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

/* Print the options and their defaults. */
static void
options_usage(FILE *f)
{
	fputs("usage: keep-bench [options]\n"
	    "  --host H           keepd address (127.0.0.1)\n"
	    "  --port P           keepd port (4000)\n"
	    "  --bots N           bot connections (10)\n"
	    "  --active N         only bots 0..N-1 send commands; the rest\n"
	    "                     stay connected, idle (all)\n"
	    "  --names            print the bots' names, one a line, and "
	    "exit\n"
	    "  --prefix STR       bot names are STR + letters (Bench)\n"
	    "  --password PW      the bots' password (benchpass1)\n"
	    "  --login-rate L     new logins started per second (50)\n"
	    "  --login-inflight N logins under way at once, at most (256)\n"
	    "  --mode M           closed, open or idle (closed)\n"
	    "  --rate R           commands per second per bot, open mode (5)\n"
	    "  --duration S       measured seconds (10)\n"
	    "  --warmup S         seconds of mix before measuring (2)\n"
	    "  --mix K=W,...      weights of look, move, say, score, who,\n"
	    "                     give, inv, get\n"
	    "                     (look=40,move=20,say=15,score=10,give=10,"
	    "who=5)\n"
	    "  --rooms A,B,...    crowd mode: bots start in and move between "
	    "these rooms\n"
	    "                     (idle mode: they walk there, then stay)\n"
	    "  --world DIR        world files for --rooms (db/world)\n"
	    "  --timeout MS       a command unanswered this long is a timeout "
	    "(5000)\n"
	    "  --json             one JSON object on stdout at the end\n"
	    "  --admin NAME:PW    an admin whose dbstats deltas go in the "
	    "report\n", f);
}

/* A bad option: say why and exit 2. */
static void __attribute__((noreturn, format(printf, 1, 2)))
options_bad(const char *fmt, ...)
{
	va_list	ap;

	fputs("keep-bench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (--help for the options)\n", stderr);
	exit(2);
}

/* A number option within bounds. */
static double
options_num(const char *opt, const char *s, double lo, double hi)
{
	char	*end;
	double	 v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || !(v >= lo && v <= hi))
		options_bad("--%s wants a number in %g..%g, not \"%s\"", opt,
		    lo, hi, s);
	return v;
}

/* Whether s is only letters, with a length in lo..hi. */
static bool
options_letters(const char *s, size_t lo, size_t hi)
{
	size_t	n = strlen(s);

	if (n < lo || n > hi)
		return false;
	for (; *s != '\0'; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
			return false;
	}
	return true;
}

/* Parse --mix: kind=weight pairs separated by commas. */
static void
options_mix(struct bench *b, const char *arg)
{
	char	 copy[512], *save = NULL, *tok, *eq;
	int	 k;

	if (strlen(arg) >= sizeof copy)
		options_bad("--mix is too long");
	snprintf(copy, sizeof copy, "%s", arg);
	memset(b->weight, 0, sizeof b->weight);
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if ((eq = strchr(tok, '=')) == NULL)
			options_bad("--mix wants kind=weight, not \"%s\"", tok);
		*eq = '\0';
		for (k = 0; k < KIND_FLEE; k++) {
			if (strcmp(tok, bench_kind_names[k]) == 0)
				break;
		}
		if (k == KIND_FLEE)
			options_bad("--mix: unknown kind \"%s\" (look, move,"
			    " say, score, who, give, inv, get)", tok);
		b->weight[k] = (unsigned)options_num("mix", eq + 1, 0, 1000000);
	}
	b->wsum = 0;
	for (k = 0; k < KIND_N; k++)
		b->wsum += b->weight[k];
	if (b->wsum == 0)
		options_bad("--mix has no weight above 0");
}

/* Parse --rooms: room ids separated by commas. */
static void
options_rooms(struct bench *b, const char *arg)
{
	const char	*s = arg;
	char		*end;
	long		 v;

	b->nrooms = 0;
	while (*s != '\0') {
		errno = 0;
		v = strtol(s, &end, 10);
		if (end == s || errno != 0 || v <= 0 || v > INT32_MAX ||
		    (*end != ',' && *end != '\0'))
			options_bad("--rooms wants room ids like 1000,1001, "
			    "not \"%s\"", arg);
		if (b->nrooms == BENCH_ROOMS)
			options_bad("--rooms: at most %d rooms", BENCH_ROOMS);
		b->rooms[b->nrooms++] = (int32_t)v;
		s = *end == ',' ? end + 1 : end;
	}
	if (b->nrooms == 0)
		options_bad("--rooms is empty");
}

/* Parse --admin NAME:PASSWORD. */
static void
options_admin(struct bench *b, const char *arg)
{
	const char	*colon = strchr(arg, ':');
	size_t		 n = colon != NULL ? (size_t)(colon - arg) : 0;

	if (colon == NULL || n >= sizeof b->admin_name)
		options_bad("--admin wants NAME:PASSWORD");
	memcpy(b->admin_name, arg, n);
	b->admin_name[n] = '\0';
	if (!options_letters(b->admin_name, 3, 16))
		options_bad("--admin: a name is 3 to 16 letters");
	b->admin_pw = colon + 1;
	if (strlen(b->admin_pw) < 8)
		options_bad("--admin: a password has at least 8 characters");
}

/* Read the command line into b; exits 2 on a bad option. */
void
options_parse(struct bench *b, int argc, char **argv)
{
	enum { O_HOST = 256, O_PORT, O_BOTS, O_ACTIVE, O_NAMES, O_PREFIX,
	    O_PASSWORD, O_LRATE, O_LINFLIGHT, O_MODE, O_RATE, O_DURATION,
	    O_WARMUP, O_MIX, O_ROOMS, O_WORLD, O_TIMEOUT, O_JSON, O_ADMIN,
	    O_HELP };
	static const struct option	opts[] = {
		{ "host", required_argument, NULL, O_HOST },
		{ "port", required_argument, NULL, O_PORT },
		{ "bots", required_argument, NULL, O_BOTS },
		{ "active", required_argument, NULL, O_ACTIVE },
		{ "names", no_argument, NULL, O_NAMES },
		{ "prefix", required_argument, NULL, O_PREFIX },
		{ "password", required_argument, NULL, O_PASSWORD },
		{ "login-rate", required_argument, NULL, O_LRATE },
		{ "login-inflight", required_argument, NULL, O_LINFLIGHT },
		{ "mode", required_argument, NULL, O_MODE },
		{ "rate", required_argument, NULL, O_RATE },
		{ "duration", required_argument, NULL, O_DURATION },
		{ "warmup", required_argument, NULL, O_WARMUP },
		{ "mix", required_argument, NULL, O_MIX },
		{ "rooms", required_argument, NULL, O_ROOMS },
		{ "world", required_argument, NULL, O_WORLD },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "json", no_argument, NULL, O_JSON },
		{ "admin", required_argument, NULL, O_ADMIN },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 }
	};
	char	name[BOT_NAME];
	int	c;

	b->host = "127.0.0.1";
	b->port = 4000;
	b->nbots = 10;
	b->active = -1;
	snprintf(b->prefix, sizeof b->prefix, "Bench");
	b->password = "benchpass1";
	b->login_rate = 50;
	b->login_inflight = 256;
	b->mode = MODE_CLOSED;
	b->rate = 5;
	b->duration = 10;
	b->warmup = 2;
	b->world = "db/world";
	b->timeout_ms = 5000;
	options_mix(b, "look=40,move=20,say=15,score=10,give=10,who=5");
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case O_HOST:
			b->host = optarg;
			break;
		case O_PORT:
			b->port = (int)options_num("port", optarg, 1, 65535);
			break;
		case O_BOTS:
			b->nbots = (int)options_num("bots", optarg, 1, 100000);
			break;
		case O_ACTIVE:
			b->active = (int)options_num("active", optarg, 0,
			    100000);
			break;
		case O_NAMES:
			b->names = true;
			break;
		case O_PREFIX:
			if (!options_letters(optarg, 1, 10))
				options_bad("--prefix: 1 to 10 letters");
			snprintf(b->prefix, sizeof b->prefix, "%s", optarg);
			break;
		case O_PASSWORD:
			if (strlen(optarg) < 8 || strlen(optarg) > 200 ||
			    strpbrk(optarg, "\r\n") != NULL)
				options_bad("--password: 8 to 200 characters");
			b->password = optarg;
			break;
		case O_LRATE:
			b->login_rate = options_num("login-rate", optarg, 0.01,
			    100000);
			break;
		case O_LINFLIGHT:
			b->login_inflight = (int)options_num("login-inflight",
			    optarg, 1, 100000);
			break;
		case O_MODE:
			if (strcmp(optarg, "closed") == 0)
				b->mode = MODE_CLOSED;
			else if (strcmp(optarg, "open") == 0)
				b->mode = MODE_OPEN;
			else if (strcmp(optarg, "idle") == 0)
				b->mode = MODE_IDLE;
			else
				options_bad("--mode is closed, open or idle");
			break;
		case O_RATE:
			b->rate = options_num("rate", optarg, 0.001, 100000);
			break;
		case O_DURATION:
			b->duration = options_num("duration", optarg, 0.1, 1e6);
			break;
		case O_WARMUP:
			b->warmup = options_num("warmup", optarg, 0, 1e6);
			break;
		case O_MIX:
			options_mix(b, optarg);
			break;
		case O_ROOMS:
			options_rooms(b, optarg);
			break;
		case O_WORLD:
			b->world = optarg;
			break;
		case O_TIMEOUT:
			b->timeout_ms = (int)options_num("timeout", optarg, 1,
			    3600000);
			break;
		case O_JSON:
			b->json = true;
			break;
		case O_ADMIN:
			options_admin(b, optarg);
			break;
		case 'h':
		case O_HELP:
			options_usage(stdout);
			exit(0);
		default:
			options_usage(stderr);
			exit(2);
		}
	}
	if (optind < argc)
		options_bad("unexpected argument \"%s\"", argv[optind]);
	if (b->active < 0 || b->active > b->nbots)
		b->active = b->nbots;
	if (!bench_bot_name(b->prefix, (uint32_t)b->nbots - 1, name))
		options_bad("--bots %d: names would pass 16 letters; use a "
		    "shorter --prefix", b->nbots);
}

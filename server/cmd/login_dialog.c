/*
 * login_dialog.c — the login dialog on the loop thread: each session's
 * struct login (its ud, session_set_ud: made when the connection opens,
 * wiped and freed when it closes), the questions and their answers, and
 * what each of login.c's jobs ends in.  Every database read or write runs
 * as a job; the loop thread only keeps the dialog's state.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>
#include <uninorm.h>
#include <unistr.h>

#include "db/pool.h"
#include "db/store.h"
#include "cmd/cmd.h"
#include "cmd/cmd_mssp.h"
#include "cmd/game.h"
#include "cmd/login.h"
#include "cmd/login_int.h"
#include "game/text.h"
#include "net/session.h"
#include "ops/config.h"
#include "ops/log.h"
#include "ops/metrics.h"
#include "ops/util.h"

#define LOGIN_MAX_FAILURES	3	/* per connection, then it is closed */
#define LOGIN_MIN_PASSWORD	8	/* characters */

/* Where a session is in the dialog, or playing. */
enum login_state {
	LOGIN_S_NAME,		/* waiting for "Name: " */
	LOGIN_S_PASSWORD,	/* known name, waiting for "Password: " */
	LOGIN_S_CONFIRM,	/* unknown name, "Create ...? (yes/no) " */
	LOGIN_S_NEW_PASSWORD,	/* "Choose a password: " */
	LOGIN_S_REPEAT_PASSWORD,/* "Repeat the password: " */
	LOGIN_S_PLAYING
};

/* One session's dialog (its ud). */
struct login {
	enum login_state	 state;
	char			 name[STORE_NAME_MAX + 1];
	char			 password[LOGIN_PASSWORD_BYTES + 1];
	int			 failures;
	int			 role;	/* last read in a transaction */
	bool			 typed;	/* a line has come (MSSP-REQUEST
					 * counts only as the first) */
	struct login_screen	 screen;
};

/* Ask for a name. */
static void
login_ask_name(struct session *s)
{
	struct login	*l = session_ud(s);

	l->state = LOGIN_S_NAME;
	explicit_bzero(l->password, sizeof l->password);
	session_prompt(s, "Name: ");
}

/* Ask for a password with the client's echo off. */
static void
login_ask_password(struct session *s, enum login_state state,
    const char *prompt)
{
	struct login	*l = session_ud(s);

	l->state = state;
	session_echo(s, true);
	session_prompt(s, prompt);
}

/* Greet a new connection (its dialog starts) and ask for its name. */
void
login_start(struct session *s)
{
	session_set_ud(s, xcalloc(1, sizeof (struct login)));
	session_write(s, "\nWelcome to Keep, where nothing is ever lost.\n\n");
	login_ask_name(s);
}

/* Whether the session's dialog is over: it plays. */
bool
login_playing(const struct session *s)
{
	const struct login	*l = session_ud(s);

	return l != NULL && l->state == LOGIN_S_PLAYING;
}

/* The role the session's last transaction read (lookup only). */
int
login_role(const struct session *s)
{
	const struct login	*l = session_ud(s);

	return l != NULL ? l->role : 0;
}

/* Keep the role the session's last transaction read. */
void
login_set_role(struct session *s, int role)
{
	struct login	*l = session_ud(s);

	if (l != NULL)
		l->role = role;
}

/* The session's screen state, or NULL (no dialog). */
struct login_screen *
login_screen(const struct session *s)
{
	struct login	*l = session_ud(s);

	return l != NULL ? &l->screen : NULL;
}

/* The character is in the world: switch the session to playing. */
static void
login_entered(struct session *s, struct login_job *j)
{
	struct login	*l = session_ud(s);
	enum role	 role = ROLE_PLAYER;

	(void)cmd_role_parse(j->ch.role, &role);
	l->role = (int)role;
	l->state = LOGIN_S_PLAYING;
	l->failures = 0;
	session_set_key(s, j->ch.id);
	session_logged_in(s);
	log_session(LOG_INFO, s->id, "%s %s (character %lld)",
	    j->kind == LOGIN_CREATE ? "created" : "logged in as", j->ch.name,
	    (long long)j->ch.id);
	session_printf(s, "\n%s, %s.\n\n", j->kind == LOGIN_CREATE ?
	    "Welcome" : "Welcome back", j->ch.name);
	game_screen_done(s, &j->screen, j->gmcp_want, j->gmcp);
	session_write(s, buf_str(&j->out));
	game_prompt(s);
}

/* A wrong password, or a locked character or address: say so; the third
 * on one connection closes it. */
static void
login_refused(struct session *s, struct login_job *j)
{
	struct login	*l = session_ud(s);

	if (j->status == LOGIN_LOCKED) {
		log_session(LOG_INFO, s->id, "login as %s refused: locked for "
		    "%d s more", j->name, j->lock_secs);
		session_printf(s, "Too many wrong passwords; try again in %d "
		    "second%s.\n", j->lock_secs, j->lock_secs == 1 ? "" : "s");
	} else {
		log_session(LOG_INFO, s->id, "wrong password for %s", j->name);
		session_write(s, "Wrong password.\n");
	}
	if (++l->failures >= LOGIN_MAX_FAILURES) {
		session_close(s, "Too many failed attempts. Goodbye.\n");
		return;
	}
	login_ask_name(s);
}

/* keep_logins_total: how a password check, a creation or a refused
 * lookup ended (a lookup that found the name or not is no attempt yet). */
static void
login_count(const struct login_job *j)
{
	static const enum metrics_login	by_status[] = {
		[LOGIN_OK] = METRICS_LOGIN_OK,
		[LOGIN_UNKNOWN] = METRICS_LOGIN_WRONG_PASSWORD,
		[LOGIN_WRONG] = METRICS_LOGIN_WRONG_PASSWORD,
		[LOGIN_TAKEN] = METRICS_LOGIN_TAKEN,
		[LOGIN_LOCKED] = METRICS_LOGIN_LOCKED,
		[LOGIN_LIMIT] = METRICS_LOGIN_LIMIT,
		[LOGIN_FAILED] = METRICS_LOGIN_ERROR,
		[LOGIN_UNAVAILABLE] = METRICS_LOGIN_UNAVAILABLE,
		[LOGIN_REFUSED] = METRICS_LOGIN_REFUSED
	};

	if (j->kind == LOGIN_LOGOUT || (j->kind == LOGIN_LOOKUP &&
	    (j->status == LOGIN_OK || j->status == LOGIN_UNKNOWN)))
		return;
	if (j->kind == LOGIN_CREATE && j->status == LOGIN_OK)
		metrics_login(METRICS_LOGIN_NEW);
	else
		metrics_login(by_status[j->status]);
}

/* Loop thread: continue the dialog with the job's outcome. */
static void
login_done(struct job *job)
{
	struct login_job	*j = (struct login_job *)job;
	struct session		*s = session_find(j->sid);
	struct login		*l;

	login_count(j);
	if (s == NULL || j->kind == LOGIN_LOGOUT)
		goto out;
	l = session_ud(s);
	switch (j->status) {
	case LOGIN_FAILED:
		session_write(s, "The world resists; try again.\n");
		login_ask_name(s);
		break;
	case LOGIN_UNAVAILABLE:
		session_write(s, "Keep cannot reach its world right now; please "
		    "come back in a minute.\n");
		login_ask_name(s);
		break;
	case LOGIN_UNKNOWN:
		if (j->kind == LOGIN_LOOKUP) {
			l->state = LOGIN_S_CONFIRM;
			session_printf(s, "Create a new character named %s? "
			    "(yes/no) ", l->name);
			session_prompt(s, "");
		} else {
			session_write(s, "Wrong password.\n");
			login_ask_name(s);
		}
		break;
	case LOGIN_WRONG:
	case LOGIN_LOCKED:
		login_refused(s, j);
		break;
	case LOGIN_LIMIT:
		log_session(LOG_INFO, s->id, "new character refused: %d "
		    "already this hour from %s",
		    login_cfg->max_new_characters_per_address, s->peer);
		session_write(s, "Too many new characters from your address "
		    "this hour; please try again later.\n");
		login_ask_name(s);
		break;
	case LOGIN_REFUSED:
		log_session(LOG_INFO, s->id, "login as %s refused: %s",
		    j->name, j->why);
		if (j->why_close) {
			session_close(s, j->why);
			break;
		}
		session_write(s, j->why);
		login_ask_name(s);
		break;
	case LOGIN_TAKEN:
		session_write(s, "Someone has just taken that name; "
		    "please choose another.\n");
		login_ask_name(s);
		break;
	case LOGIN_OK:
		if (j->kind == LOGIN_LOOKUP)
			login_ask_password(s, LOGIN_S_PASSWORD, "Password: ");
		else
			login_entered(s, j);
		break;
	}
	session_job_done(s);
out:
	buf_free(&j->out);
	json_decref(j->gmcp);
	explicit_bzero(j, sizeof *j);
	free(j);
}

/* Queue a login job for a session: password work on the login workers,
 * unless too many wait for them already (then the player is told). */
static void
login_submit(struct session *s, enum login_kind kind)
{
	struct login		*l = session_ud(s);
	struct login_job	*j;
	struct pool		*pool = login_pool;

	if (kind == LOGIN_VERIFY || kind == LOGIN_CREATE) {
		pool = login_hash_pool;
		if (pool_queued(pool) >= (size_t)login_cfg->login_queue) {
			log_session(LOG_INFO, s->id, "login queue full (%d)",
			    login_cfg->login_queue);
			metrics_login(METRICS_LOGIN_BUSY);
			explicit_bzero(l->password, sizeof l->password);
			session_write(s, "Keep is busy; try again in a "
			    "moment.\n");
			login_ask_name(s);
			return;
		}
	}
	j = xcalloc(1, sizeof *j);

	j->job.run = login_run;
	j->job.done = login_done;
	j->kind = kind;
	j->sid = s->id;
	j->char_id = s->key;
	util_strlcpy(j->name, l->name, sizeof j->name);
	util_strlcpy(j->addr, s->peer, sizeof j->addr);
	util_strlcpy(j->password, l->password, sizeof j->password);
	explicit_bzero(l->password, sizeof l->password);
	j->gmcp_want = game_gmcp_want(s);
	if (kind != LOGIN_LOGOUT)
		session_job_start(s);
	pool_submit(pool, &j->job);
}

/* Name: check the rules, then ask the database whether it exists. */
static void
login_name(struct session *s, const char *line)
{
	struct login	*l = session_ud(s);

	while (*line == ' ')
		line++;
	if (*line == '\0') {
		login_ask_name(s);
		return;
	}
	if (!text_name_normalise(line, l->name, sizeof l->name)) {
		session_write(s, "A name is 3 to 16 letters (a-z), nothing "
		    "else.\n");
		login_ask_name(s);
		return;
	}
	login_submit(s, LOGIN_LOOKUP);
}

/* Create a new character named Xxx? (yes/no) */
static void
login_confirm(struct session *s, const char *line)
{
	struct login	*l = session_ud(s);

	if (strcasecmp(line, "yes") == 0 || strcasecmp(line, "y") == 0)
		login_ask_password(s, LOGIN_S_NEW_PASSWORD,
		    "Choose a password: ");
	else if (strcasecmp(line, "no") == 0 || strcasecmp(line, "n") == 0)
		login_ask_name(s);
	else {
		session_printf(s, "Please answer yes or no.\nCreate a new "
		    "character named %s? (yes/no) ", l->name);
		session_prompt(s, "");
	}
}

/*
 * Normalise a password to Unicode NFC (the same text typed precomposed or
 * decomposed is the same password) into out; its length in characters in
 * *chars.  False when it does not fit.  The line is valid UTF-8 already.
 */
bool
login_nfc(const char *line, char *out, size_t outsz, size_t *chars)
{
	uint8_t	*n;
	size_t	 len = 0;
	bool	 ok;

	if (*line == '\0') {
		out[0] = '\0';
		*chars = 0;
		return true;
	}
	n = u8_normalize(UNINORM_NFC, (const uint8_t *)line, strlen(line),
	    NULL, &len);
	if (n == NULL)
		return false;
	if ((ok = len < outsz)) {
		memcpy(out, n, len);
		out[len] = '\0';
		*chars = u8_mbsnlen(n, len);
	}
	explicit_bzero(n, len);
	free(n);
	return ok;
}

/* A password line: echo back on; NFC into out (*chars long), false (and
 * the player told) when it is too long. */
static bool
login_password_line(struct session *s, const char *line, char *out,
    size_t outsz, size_t *chars)
{
	session_echo(s, false);
	session_write(s, "\n");
	if (!login_nfc(line, out, outsz, chars) ||
	    *chars > LOGIN_PASSWORD_MAX) {
		explicit_bzero(out, outsz);
		session_printf(s, "A password is at most %d characters.\n",
		    LOGIN_PASSWORD_MAX);
		return false;
	}
	return true;
}

/* Choose a password: at least LOGIN_MIN_PASSWORD characters. */
static void
login_new_password(struct session *s, const char *line)
{
	struct login	*l = session_ud(s);
	size_t		 chars;

	if (login_password_line(s, line, l->password, sizeof l->password,
	    &chars)) {
		if (chars >= LOGIN_MIN_PASSWORD) {
			login_ask_password(s, LOGIN_S_REPEAT_PASSWORD,
			    "Repeat the password: ");
			return;
		}
		explicit_bzero(l->password, sizeof l->password);
		session_printf(s, "A password needs at least %d characters.\n",
		    LOGIN_MIN_PASSWORD);
	}
	login_ask_password(s, LOGIN_S_NEW_PASSWORD, "Choose a password: ");
}

/* Repeat the password: the same text (after NFC), then create. */
static void
login_repeat_password(struct session *s, const char *line)
{
	struct login	*l = session_ud(s);
	char		 again[LOGIN_PASSWORD_BYTES + 1];
	size_t		 chars;
	bool		 same;

	same = login_password_line(s, line, again, sizeof again, &chars) &&
	    strcmp(again, l->password) == 0;
	explicit_bzero(again, sizeof again);
	if (!same) {
		explicit_bzero(l->password, sizeof l->password);
		session_write(s, "The passwords do not match.\n");
		login_ask_password(s, LOGIN_S_NEW_PASSWORD,
		    "Choose a password: ");
		return;
	}
	login_submit(s, LOGIN_CREATE);
}

/* One line typed during the dialog. */
void
login_input(struct session *s, const char *line)
{
	struct login	*l = session_ud(s);
	size_t		 chars;

	/* A crawler's plain-text MSSP request (docs/protocol.md): it never
	 * logs in, so it is never counted. */
	if (!l->typed) {
		l->typed = true;
		if (l->state == LOGIN_S_NAME &&
		    strcmp(line, "MSSP-REQUEST") == 0) {
			cmd_mssp_plain(s);
			return;
		}
	}
	switch (l->state) {
	case LOGIN_S_NAME:
		login_name(s, line);
		break;
	case LOGIN_S_CONFIRM:
		login_confirm(s, line);
		break;
	case LOGIN_S_PASSWORD:
		if (!login_password_line(s, line, l->password,
		    sizeof l->password, &chars)) {
			login_ask_name(s);
			break;
		}
		login_submit(s, LOGIN_VERIFY);
		break;
	case LOGIN_S_NEW_PASSWORD:
		login_new_password(s, line);
		break;
	case LOGIN_S_REPEAT_PASSWORD:
		login_repeat_password(s, line);
		break;
	case LOGIN_S_PLAYING:
		break;
	}
}

/* Ask again what the dialog is waiting for (after a refused line). */
void
login_reprompt(struct session *s)
{
	struct login	*l = session_ud(s);

	switch (l->state) {
	case LOGIN_S_NAME:
		session_prompt(s, "Name: ");
		break;
	case LOGIN_S_CONFIRM:
		session_printf(s, "Create a new character named %s? (yes/no) ",
		    l->name);
		session_prompt(s, "");
		break;
	case LOGIN_S_PASSWORD:
		session_prompt(s, "Password: ");
		break;
	case LOGIN_S_NEW_PASSWORD:
		session_prompt(s, "Choose a password: ");
		break;
	case LOGIN_S_REPEAT_PASSWORD:
		session_prompt(s, "Repeat the password: ");
		break;
	case LOGIN_S_PLAYING:
		break;
	}
}

/*
 * The session is going: end its character's session in the database (unless
 * it was taken over: it has no key then), and wipe and free its dialog.
 */
void
login_end(struct session *s)
{
	struct login	*l = session_ud(s);

	if (l == NULL)
		return;
	if (s->key != 0 && l->state == LOGIN_S_PLAYING)
		login_submit(s, LOGIN_LOGOUT);
	session_set_ud(s, NULL);
	json_decref(l->screen.vitals);
	json_decref(l->screen.status);
	sodium_memzero(l, sizeof *l);
	free(l);
}

/*
 * login.c — the login dialog (docs/protocol.md fixes its wording):
 *
 *   Name:  → known:   Password:  → welcome, or "Wrong password." → Name:
 *          → unknown: Create a new character named Xxx? (yes/no)
 *                     → Choose a password:  → Repeat the password:
 *
 * Every database read or write runs as a job; the loop thread only keeps the
 * dialog state.  Password checks and hashing (Argon2id, libsodium) run on
 * a pool of their own (login_workers threads at a lower CPU priority, at
 * most login_queue waiting), so a storm of logins or guesses cannot slow
 * the commands of players in the game.
 *
 * Wrong passwords are counted in the database per character and per
 * address (login_guard): past the free failures, each one locks for 2^n
 * seconds, up to login_lockout_max_secs; a locked attempt is refused at
 * once, without hashing, even with the right password.  New characters are
 * counted per creating address and hour.  Passwords are normalised to
 * Unicode NFC before hashing, and their length counts characters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <sys/resource.h>

#include <sodium.h>
#include <uninorm.h>
#include <unistr.h>

#include "db/pool.h"
#include "db/store.h"
#include "db/store_login.h"
#include "cmd/cmd.h"
#include "cmd/login.h"
#include "game/text.h"
#include "net/session.h"
#include "ops/config.h"
#include "ops/log.h"
#include "ops/util.h"

#define LOGIN_MAX_FAILURES	3	/* per connection, then it is closed */
#define LOGIN_MIN_PASSWORD	8	/* characters */
/* The nice value of the login workers: the game's threads come first. */
#define LOGIN_NICE		10

enum login_kind { LOGIN_LOOKUP, LOGIN_VERIFY, LOGIN_CREATE, LOGIN_LOGOUT };

enum login_status {
	LOGIN_OK,
	LOGIN_UNKNOWN,		/* no such name */
	LOGIN_WRONG,		/* wrong password */
	LOGIN_TAKEN,		/* name created by someone else meanwhile */
	LOGIN_LOCKED,		/* too many wrong passwords: lock_secs more */
	LOGIN_LIMIT,		/* too many new characters from the address */
	LOGIN_FAILED,		/* database or hashing error */
	LOGIN_UNAVAILABLE	/* the database is out of reach, or the
				 * step's COMMIT was lost */
};

struct login_job {
	struct job		 job;
	enum login_kind		 kind;
	uint64_t		 sid;
	int64_t			 char_id;
	char			 name[STORE_NAME_MAX + 1];
	char			 addr[STORE_LOGIN_KEY_MAX];
	char			 password[SESSION_PASSWORD_BYTES + 1];
	char			 hash[crypto_pwhash_STRBYTES];
	struct store_char	 ch;
	struct buf		 out;
	enum login_status	 status;
	int			 lock_secs;
};

static const struct config	*login_cfg;
static struct pool		*login_pool;		/* the game's workers */
static struct pool		*login_hash_pool;	/* password work */
static char			 login_instance[STORE_UUID_LEN + 1];

/* Wire the dialog to the pool. */
void
login_init(const struct config *cfg, struct pool *pool, const char *instance)
{
	login_cfg = cfg;
	login_pool = pool;
	login_hash_pool = pool;
	util_strlcpy(login_instance, instance, sizeof login_instance);
}

/* Run password checks and hashing on their own pool from now on. */
void
login_set_hash_pool(struct pool *pool)
{
	login_hash_pool = pool;
}

/* Ask for a name. */
static void
login_ask_name(struct session *s)
{
	s->state = SESSION_NAME;
	explicit_bzero(s->password, sizeof s->password);
	session_prompt(s, "Name: ");
}

/* Ask for a password with the client's echo off. */
static void
login_ask_password(struct session *s, enum session_state state,
    const char *prompt)
{
	s->state = state;
	session_echo(s, true);
	session_prompt(s, prompt);
}

/* Greet a new connection and ask for its name. */
void
login_start(struct session *s)
{
	session_write(s, "\nWelcome to Keep, where nothing is ever lost.\n\n");
	login_ask_name(s);
}

/* Read the job's character and its hash; the status says if it exists. */
static enum store_rc
login_find(struct store *st, struct login_job *j)
{
	enum store_rc	rc;

	rc = store_char_by_name(st, j->name, &j->ch, j->hash, sizeof j->hash);
	j->status = rc == STORE_OK ? LOGIN_OK : LOGIN_UNKNOWN;
	return rc;
}

/* Lookup transaction: does the name exist?  If not, may it be made? */
static enum tx_rc
login_lookup_tx(struct store *st, void *arg)
{
	struct login_job	*j = arg;
	enum store_rc		 rc;
	int			 n;

	if ((rc = login_find(st, j)) != STORE_NONE)
		return rc == STORE_OK ? TX_COMMIT : TX_ERROR;
	/* Say no before the new password is asked for, not after. */
	if (store_login_created_count(st, j->addr, false, &n) != STORE_OK)
		return TX_ERROR;
	if (n >= login_cfg->max_new_characters_per_address)
		j->status = LOGIN_LIMIT;
	return TX_COMMIT;
}

/* Seconds of lock after failures wrong passwords with free ones allowed. */
static int
login_backoff(int failures, int free_failures)
{
	int	over = failures - free_failures;

	if (over <= 0)
		return 0;
	if (over >= 30)
		return login_cfg->login_lockout_max_secs;
	return (1 << over) < login_cfg->login_lockout_max_secs ? 1 << over :
	    login_cfg->login_lockout_max_secs;
}

/* Count a wrong password against (scope, key); lock it past the free ones. */
static enum store_rc
login_guard_fail(struct store *st, enum store_login_scope scope,
    const char *key, int free_failures)
{
	int	n, secs;

	if (store_login_guard_fail(st, scope, key,
	    login_cfg->login_failure_forget_secs, &n) != STORE_OK)
		return STORE_ERR;
	if ((secs = login_backoff(n, free_failures)) == 0)
		return STORE_OK;
	return store_login_guard_lock(st, scope, key, secs) == STORE_ERR ?
	    STORE_ERR : STORE_OK;
}

/*
 * Check transaction: refuse at once while the character or the address is
 * locked; otherwise check the password with the guard rows locked (so that
 * concurrent guesses are counted one after the other), then count the
 * failure or clear the character's count.  Hashing may run again on a
 * retry; it is pure.
 */
static enum tx_rc
login_check_tx(struct store *st, void *arg)
{
	struct login_job	*j = arg;
	enum store_rc		 rc;
	char			 key[24];
	int			 secs;

	if ((rc = login_find(st, j)) != STORE_OK)
		return rc == STORE_NONE ? TX_ROLLBACK : TX_ERROR;
	snprintf(key, sizeof key, "%lld", (long long)j->ch.id);
	if (store_login_guard_check(st, key, j->addr, &secs) != STORE_OK)
		return TX_ERROR;
	if (secs > 0) {
		j->status = LOGIN_LOCKED;
		j->lock_secs = secs;
		return TX_ROLLBACK;
	}
	if (crypto_pwhash_str_verify(j->hash, j->password,
	    strlen(j->password)) == 0) {
		j->status = LOGIN_OK;
		return store_login_guard_clear(st, STORE_LOGIN_CHARACTER, key) ==
		    STORE_OK ? TX_COMMIT : TX_ERROR;
	}
	j->status = LOGIN_WRONG;
	if (login_guard_fail(st, STORE_LOGIN_CHARACTER, key,
	    login_cfg->login_free_failures) != STORE_OK ||
	    login_guard_fail(st, STORE_LOGIN_ADDRESS, j->addr,
	    login_cfg->login_address_free_failures) != STORE_OK ||
	    store_login_guard_prune(st, login_cfg->login_failure_forget_secs) !=
	    STORE_OK)
		return TX_ERROR;
	return TX_COMMIT;
}

/*
 * Create the character, recording the address, unless the address has
 * made its hourly share (counted under a lock on the address); STORE_NONE
 * with the status set when refused.
 */
static enum store_rc
login_create_char(struct store *st, struct login_job *j)
{
	int		n;
	enum store_rc	rc;

	if (store_login_created_count(st, j->addr, true, &n) != STORE_OK)
		return STORE_ERR;
	if (n >= login_cfg->max_new_characters_per_address) {
		j->status = LOGIN_LIMIT;
		return STORE_NONE;
	}
	rc = store_char_create(st, j->name, j->hash, login_instance,
	    (int64_t)j->sid, &j->ch);
	if (rc == STORE_NONE)
		j->status = LOGIN_TAKEN;
	if (rc != STORE_OK)
		return rc;
	return store_login_set_created_from(st, j->ch.id, j->addr) ==
	    STORE_OK ? STORE_OK : STORE_ERR;
}

/* Enter the world: take the session over, tell the room, and look. */
static enum tx_rc
login_enter_tx(struct store *st, void *arg)
{
	struct login_job	*j = arg;
	struct cmd_ctx		 ctx = { .store = st, .out = &j->out };
	char			 old[STORE_UUID_LEN + 1], msg[96];
	int64_t			 old_sid;

	buf_reset(&j->out);
	if (j->kind == LOGIN_CREATE) {
		switch (login_create_char(st, j)) {
		case STORE_ERR:
			return TX_ERROR;
		case STORE_NONE:
			return TX_ROLLBACK;
		case STORE_OK:
			break;
		}
	} else {
		if (store_char_take_session(st, j->ch.id, login_instance,
		    (int64_t)j->sid, old, &old_sid) != STORE_OK)
			return TX_ERROR;
		if (old[0] != '\0' && store_notify_kick(st, old, old_sid,
		    "Someone logged in as you from elsewhere; this connection "
		    "is closed.\n") != STORE_OK)
			return TX_ERROR;
		if (store_char_load(st, j->ch.id, &j->ch) != STORE_OK)
			return TX_ERROR;
	}
	ctx.me = j->ch;
	snprintf(msg, sizeof msg, "%s has entered the game.", j->ch.name);
	if (store_notify_room(st, j->ch.room_id, j->ch.id, msg) != STORE_OK)
		return TX_ERROR;
	j->status = LOGIN_OK;
	return cmd_show_room(&ctx, j->ch.room_id);
}

/* Logout transaction: end the session if it is still ours; tell the room. */
static enum tx_rc
login_logout_tx(struct store *st, void *arg)
{
	struct login_job	*j = arg;
	char			 msg[64];

	switch (store_char_load(st, j->char_id, &j->ch)) {
	case STORE_ERR:
		return TX_ERROR;
	case STORE_NONE:
		return TX_ROLLBACK;
	case STORE_OK:
		break;
	}
	switch (store_char_end_session(st, j->char_id, login_instance,
	    (int64_t)j->sid)) {
	case STORE_ERR:
		return TX_ERROR;
	case STORE_NONE:
		return TX_ROLLBACK;	/* taken over, or quit already */
	case STORE_OK:
		break;
	}
	snprintf(msg, sizeof msg, "%s has left the game.", j->ch.name);
	if (store_notify_room(st, j->ch.room_id, j->char_id, msg) != STORE_OK)
		return TX_ERROR;
	return TX_COMMIT;
}

/*
 * The status a login step ends with after its transaction: the function's
 * own on COMMITTED or ROLLED_BACK; otherwise the database failed, or could
 * not be reached or not say whether the step happened (the player is sent
 * back to the name prompt either way, and may simply try again).
 */
static enum login_status
login_tx_status(enum tx_result r, enum login_status own)
{
	switch (r) {
	case TXR_COMMITTED:
	case TXR_ROLLED_BACK:
		return own;
	case TXR_FAILED:
		return LOGIN_FAILED;
	case TXR_UNAVAILABLE:
	case TXR_ABORTED:
	case TXR_IN_DOUBT:
		return LOGIN_UNAVAILABLE;
	}
	return LOGIN_FAILED;
}

/* Check the password against the stored hash, on a login worker. */
static void
login_verify(struct login_job *j, struct store *st)
{
	enum tx_result	r;

	r = store_tx(st, false, login_cfg->tx_retries, login_check_tx, j);
	j->status = login_tx_status(r, j->status);
	if (j->status != LOGIN_OK)
		return;
	r = store_tx(st, false, login_cfg->tx_retries, login_enter_tx, j);
	j->status = login_tx_status(r, j->status);
}

/* Hash the new password, on a login worker, and create the character. */
static void
login_create(struct login_job *j, struct store *st)
{
	enum tx_result	r;

	if (crypto_pwhash_str_alg(j->hash, j->password, strlen(j->password),
	    (unsigned long long)login_cfg->argon2_ops,
	    (size_t)login_cfg->argon2_mem_kib * 1024,
	    crypto_pwhash_ALG_ARGON2ID13) != 0) {
		log_session(LOG_ERROR, j->sid, "password hashing failed "
		    "(out of memory?)");
		j->status = LOGIN_FAILED;
		return;
	}
	r = store_tx(st, false, login_cfg->tx_retries, login_enter_tx, j);
	j->status = login_tx_status(r, j->status);
}

/* Once per login worker: let the game's threads have the CPU first. */
static void
login_lower_priority(void)
{
	static __thread bool	done;

	if (done)
		return;
	done = true;
	if (setpriority(PRIO_PROCESS, (id_t)gettid(), LOGIN_NICE) != 0)
		log_warn("login: cannot lower the login workers' priority");
}

/* Worker: run a login job. */
static void
login_run(struct job *job, struct store *st)
{
	struct login_job	*j = (struct login_job *)job;
	enum tx_result		 r;

	if (j->kind == LOGIN_VERIFY || j->kind == LOGIN_CREATE)
		login_lower_priority();
	switch (j->kind) {
	case LOGIN_LOOKUP:
		r = store_tx(st, true, login_cfg->tx_retries, login_lookup_tx, j);
		j->status = login_tx_status(r, j->status);
		break;
	case LOGIN_VERIFY:
		login_verify(j, st);
		break;
	case LOGIN_CREATE:
		login_create(j, st);
		break;
	case LOGIN_LOGOUT:
		r = store_tx(st, false, login_cfg->tx_retries, login_logout_tx,
		    j);
		j->status = login_tx_status(r, LOGIN_OK);
		break;
	}
	explicit_bzero(j->password, sizeof j->password);
	if (j->status == LOGIN_FAILED)
		log_session(LOG_ERROR, j->sid, "login step failed: %s (SQLSTATE"
		    " %s)", store_error(st), store_sqlstate(st));
}

/* The character is in the world: switch the session to playing. */
static void
login_entered(struct session *s, struct login_job *j)
{
	s->state = SESSION_PLAYING;
	s->failures = 0;
	session_set_char(s, j->ch.id);
	session_logged_in(s);
	log_session(LOG_INFO, s->id, "%s %s (character %lld)",
	    j->kind == LOGIN_CREATE ? "created" : "logged in as", j->ch.name,
	    (long long)j->ch.id);
	session_printf(s, "\n%s, %s.\n\n", j->kind == LOGIN_CREATE ?
	    "Welcome" : "Welcome back", j->ch.name);
	session_write(s, buf_str(&j->out));
	session_prompt(s, "> ");
}

/* A wrong password, or a locked character or address: say so; the third
 * on one connection closes it. */
static void
login_refused(struct session *s, struct login_job *j)
{
	if (j->status == LOGIN_LOCKED) {
		log_session(LOG_INFO, s->id, "login as %s refused: locked for "
		    "%d s more", j->name, j->lock_secs);
		session_printf(s, "Too many wrong passwords; try again in %d "
		    "second%s.\n", j->lock_secs, j->lock_secs == 1 ? "" : "s");
	} else {
		log_session(LOG_INFO, s->id, "wrong password for %s", j->name);
		session_write(s, "Wrong password.\n");
	}
	if (++s->failures >= LOGIN_MAX_FAILURES) {
		session_close(s, "Too many failed attempts. Goodbye.\n");
		return;
	}
	login_ask_name(s);
}

/* Loop thread: continue the dialog with the job's outcome. */
static void
login_done(struct job *job)
{
	struct login_job	*j = (struct login_job *)job;
	struct session		*s = session_find(j->sid);

	if (s == NULL || j->kind == LOGIN_LOGOUT)
		goto out;
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
			s->state = SESSION_CONFIRM;
			session_printf(s, "Create a new character named %s? "
			    "(yes/no) ", s->name);
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
	case LOGIN_TAKEN:
		session_write(s, "Someone has just taken that name; "
		    "please choose another.\n");
		login_ask_name(s);
		break;
	case LOGIN_OK:
		if (j->kind == LOGIN_LOOKUP)
			login_ask_password(s, SESSION_PASSWORD, "Password: ");
		else
			login_entered(s, j);
		break;
	}
	session_job_done(s);
out:
	buf_free(&j->out);
	explicit_bzero(j, sizeof *j);
	free(j);
}

/* Queue a login job for a session: password work on the login workers,
 * unless too many wait for them already (then the player is told). */
static void
login_submit(struct session *s, enum login_kind kind)
{
	struct login_job	*j;
	struct pool		*pool = login_pool;

	if (kind == LOGIN_VERIFY || kind == LOGIN_CREATE) {
		pool = login_hash_pool;
		if (pool_queued(pool) >= (size_t)login_cfg->login_queue) {
			log_session(LOG_INFO, s->id, "login queue full (%d)",
			    login_cfg->login_queue);
			explicit_bzero(s->password, sizeof s->password);
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
	j->char_id = s->char_id;
	util_strlcpy(j->name, s->name, sizeof j->name);
	util_strlcpy(j->addr, s->peer, sizeof j->addr);
	util_strlcpy(j->password, s->password, sizeof j->password);
	explicit_bzero(s->password, sizeof s->password);
	if (kind != LOGIN_LOGOUT)
		s->busy = true;
	pool_submit(pool, &j->job);
}

/* Name: check the rules, then ask the database whether it exists. */
static void
login_name(struct session *s, const char *line)
{
	while (*line == ' ')
		line++;
	if (*line == '\0') {
		login_ask_name(s);
		return;
	}
	if (!text_name_normalise(line, s->name, sizeof s->name)) {
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
	if (strcasecmp(line, "yes") == 0 || strcasecmp(line, "y") == 0)
		login_ask_password(s, SESSION_NEW_PASSWORD,
		    "Choose a password: ");
	else if (strcasecmp(line, "no") == 0 || strcasecmp(line, "n") == 0)
		login_ask_name(s);
	else {
		session_printf(s, "Please answer yes or no.\nCreate a new "
		    "character named %s? (yes/no) ", s->name);
		session_prompt(s, "");
	}
}

/*
 * Normalise a password to Unicode NFC (the same text typed precomposed or
 * decomposed is the same password) into out; its length in characters in
 * *chars.  False when it does not fit.  The line is valid UTF-8 already.
 */
static bool
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
	    *chars > SESSION_PASSWORD_MAX) {
		explicit_bzero(out, outsz);
		session_printf(s, "A password is at most %d characters.\n",
		    SESSION_PASSWORD_MAX);
		return false;
	}
	return true;
}

/* Choose a password: at least LOGIN_MIN_PASSWORD characters. */
static void
login_new_password(struct session *s, const char *line)
{
	size_t	chars;

	if (login_password_line(s, line, s->password, sizeof s->password,
	    &chars)) {
		if (chars >= LOGIN_MIN_PASSWORD) {
			login_ask_password(s, SESSION_REPEAT_PASSWORD,
			    "Repeat the password: ");
			return;
		}
		explicit_bzero(s->password, sizeof s->password);
		session_printf(s, "A password needs at least %d characters.\n",
		    LOGIN_MIN_PASSWORD);
	}
	login_ask_password(s, SESSION_NEW_PASSWORD, "Choose a password: ");
}

/* Repeat the password: the same text (after NFC), then create. */
static void
login_repeat_password(struct session *s, const char *line)
{
	char	again[SESSION_PASSWORD_BYTES + 1];
	size_t	chars;
	bool	same;

	same = login_password_line(s, line, again, sizeof again, &chars) &&
	    strcmp(again, s->password) == 0;
	explicit_bzero(again, sizeof again);
	if (!same) {
		explicit_bzero(s->password, sizeof s->password);
		session_write(s, "The passwords do not match.\n");
		login_ask_password(s, SESSION_NEW_PASSWORD,
		    "Choose a password: ");
		return;
	}
	login_submit(s, LOGIN_CREATE);
}

/* One line typed during the dialog. */
void
login_input(struct session *s, const char *line)
{
	size_t	chars;

	switch (s->state) {
	case SESSION_NAME:
		login_name(s, line);
		break;
	case SESSION_CONFIRM:
		login_confirm(s, line);
		break;
	case SESSION_PASSWORD:
		if (!login_password_line(s, line, s->password,
		    sizeof s->password, &chars)) {
			login_ask_name(s);
			break;
		}
		login_submit(s, LOGIN_VERIFY);
		break;
	case SESSION_NEW_PASSWORD:
		login_new_password(s, line);
		break;
	case SESSION_REPEAT_PASSWORD:
		login_repeat_password(s, line);
		break;
	case SESSION_PLAYING:
		break;
	}
}

/* Ask again what the dialog is waiting for (after a refused line). */
void
login_reprompt(struct session *s)
{
	switch (s->state) {
	case SESSION_NAME:
		session_prompt(s, "Name: ");
		break;
	case SESSION_CONFIRM:
		session_printf(s, "Create a new character named %s? (yes/no) ",
		    s->name);
		session_prompt(s, "");
		break;
	case SESSION_PASSWORD:
		session_prompt(s, "Password: ");
		break;
	case SESSION_NEW_PASSWORD:
		session_prompt(s, "Choose a password: ");
		break;
	case SESSION_REPEAT_PASSWORD:
		session_prompt(s, "Repeat the password: ");
		break;
	case SESSION_PLAYING:
		break;
	}
}

/* The session is going: end its character's session in the database. */
void
login_end(struct session *s)
{
	if (s->char_id != 0 && s->state == SESSION_PLAYING)
		login_submit(s, LOGIN_LOGOUT);
}

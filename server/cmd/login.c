/*
 * login.c — the login dialog's database work, on the workers: the name
 * lookup, the password check against login_guard (its brakes on guessing),
 * character creation, entering the world and logout.  The dialog itself, on
 * the loop thread, is login_dialog.c; docs/protocol.md fixes its wording:
 *
 *   Name:  → known:   Password:  → welcome, or "Wrong password." → Name:
 *          → unknown: Create a new character named Xxx? (yes/no)
 *                     → Choose a password:  → Repeat the password:
 *
 * Password checks and hashing (Argon2id, libsodium) run on a pool of their
 * own (login_workers threads at a lower CPU priority, at most login_queue
 * waiting), so a storm of logins or guesses cannot slow the commands of
 * players in the game.
 *
 * Wrong passwords are counted in the database per character and per
 * address (login_guard): past the free failures, each one locks for 2^n
 * seconds, up to login_lockout_max_secs; a locked attempt is refused at
 * once, without hashing, even with the right password.  New characters are
 * counted per creating address and hour.  Passwords are normalised to
 * Unicode NFC before hashing, and their length counts characters.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sys/resource.h>

#include <sodium.h>

#include "db/pool.h"
#include "db/store.h"
#include "db/store_login.h"
#include "db/store_mod.h"
#include "cmd/cmd.h"
#include "cmd/cmd_ops.h"
#include "cmd/cmd_talk.h"
#include "cmd/cmd_util.h"
#include "cmd/login.h"
#include "cmd/login_int.h"
#include "ops/config.h"
#include "ops/log.h"
#include "ops/util.h"

/* The nice value of the login workers: the game's threads come first. */
#define LOGIN_NICE		10

const struct config	*login_cfg;
struct pool		*login_pool;		/* the game's workers */
struct pool		*login_hash_pool;	/* password work */
char			 login_instance[STORE_UUID_LEN + 1];

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

/* Read the job's character and its hash; the status says if it exists. */
static enum store_rc
login_find(struct store *st, struct login_job *j)
{
	enum store_rc	rc;

	rc = store_char_by_name(st, j->name, &j->ch, j->hash, sizeof j->hash);
	j->status = rc == STORE_OK ? LOGIN_OK : LOGIN_UNKNOWN;
	return rc;
}

/*
 * Refuse the login with a ban's text: "<what>: <reason>. It ends <when>."
 * (docs/protocol.md); close the connection after it if asked.
 */
static void
login_banned(struct login_job *j, const char *what,
    const struct store_mod_ban *b, bool close)
{
	j->status = LOGIN_REFUSED;
	j->why_close = close;
	if (strcmp(b->until, "until lifted") == 0)
		snprintf(j->why, sizeof j->why, "%s: %s. It is permanent.\n",
		    what, b->reason);
	else
		snprintf(j->why, sizeof j->why, "%s: %s. It ends %s.\n", what,
		    b->reason, b->until + strlen("until "));
}

/*
 * Write the login history row of a refusal of a name with no character
 * (an address ban, or a new character refused), in the transaction of the
 * check, so that last <network> shows it.  STORE_NONE, or STORE_ERR.
 */
static enum store_rc
login_refusal_log(struct store *st, struct login_job *j, const char *outcome)
{
	/* The lookup is read-only: its refusal is written right after it. */
	if (j->kind == LOGIN_LOOKUP) {
		j->log_outcome = outcome;
		return STORE_NONE;
	}
	if (store_mod_login_log(st, 0, j->name, j->addr, login_instance,
	    outcome) != STORE_OK)
		return STORE_ERR;
	return STORE_NONE;
}

/*
 * May a new character be made from the job's address: not while the game
 * is locked (wizlock new or staff) or a ban of the address covers new
 * characters.  STORE_NONE with the refusal set (and written to the login
 * history) when not.
 */
static enum store_rc
login_may_create(struct store *st, struct login_job *j)
{
	struct store_mod_ban	b;
	char			lock[8];
	enum store_rc		rc;

	if (store_mod_lock(st, lock) != STORE_OK)
		return STORE_ERR;
	if (strcmp(lock, "open") != 0) {
		j->status = LOGIN_REFUSED;
		snprintf(j->why, sizeof j->why, "%s", strcmp(lock, "new") == 0 ?
		    "The game is closed to new characters for now.\n" :
		    "Only staff can log in for now.\n");
		return login_refusal_log(st, j, "locked");
	}
	if ((rc = ops_shutdown_login_refusal(st, j->why, sizeof j->why)) !=
	    STORE_NONE) {
		/* The last minute before a scheduled shutdown (ops). */
		if (rc != STORE_OK)
			return STORE_ERR;
		j->status = LOGIN_REFUSED;
		return login_refusal_log(st, j, "locked");
	}
	if ((rc = store_mod_ban_check(st, 0, j->addr, true, &b)) == STORE_OK) {
		login_banned(j, "New characters can't be created from your "
		    "address", &b, false);
		return login_refusal_log(st, j, "banned");
	}
	return rc == STORE_NONE ? STORE_OK : STORE_ERR;
}

/* Record a lookup's refusal in the login history. */
static enum tx_rc
login_refusal_tx(struct store *st, void *arg)
{
	struct login_job	*j = arg;

	if (store_mod_login_log(st, 0, j->name, j->addr, login_instance,
	    j->log_outcome) != STORE_OK)
		return TX_ERROR;
	return TX_COMMIT;
}

/* Lookup transaction: does the name exist?  If not, may it be made? */
static enum tx_rc
login_lookup_tx(struct store *st, void *arg)
{
	struct login_job	*j = arg;
	struct store_mod_ban	 b;
	enum store_rc		 rc;
	int			 n;

	j->log_outcome = NULL;		/* this attempt's, not a retried one's */
	/* A ban of the whole address ends the connection here. */
	if ((rc = store_mod_ban_check(st, 0, j->addr, false, &b)) != STORE_NONE) {
		if (rc != STORE_OK)
			return TX_ERROR;
		login_banned(j, "Connections from your address are banned",
		    &b, true);
		return login_refusal_log(st, j, "banned") == STORE_NONE ?
		    TX_COMMIT : TX_ERROR;
	}
	if ((rc = login_find(st, j)) != STORE_NONE)
		return rc == STORE_OK ? TX_COMMIT : TX_ERROR;
	/* Say no before the new password is asked for, not after. */
	if ((rc = login_may_create(st, j)) != STORE_OK)
		return rc == STORE_NONE ? TX_COMMIT : TX_ERROR;
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
 * After the right password: refuse a banned character or address, and
 * non-staff while the game is locked to staff, writing the refusal to the
 * login history (status LOGIN_REFUSED).  STORE_ERR on error.
 */
static enum store_rc
login_admit(struct store *st, struct login_job *j)
{
	struct store_mod_ban	 b;
	enum role		 role = ROLE_PLAYER;
	const char		*outcome = NULL;
	char			 lock[8];
	enum store_rc		 rc;

	rc = store_mod_ban_check(st, j->ch.id, j->addr, false, &b);
	if (rc == STORE_ERR || store_mod_lock(st, lock) != STORE_OK)
		return STORE_ERR;
	(void)cmd_role_parse(j->ch.role, &role);
	if (rc == STORE_OK) {
		login_banned(j, b.by_name ? "This name is banned" :
		    "Connections from your address are banned", &b, false);
		outcome = "banned";
	} else if (strcmp(lock, "staff") == 0 && role < ROLE_BUILDER) {
		j->status = LOGIN_REFUSED;
		snprintf(j->why, sizeof j->why, "Only staff can log in for "
		    "now.\n");
		outcome = "locked";
	} else if (role < ROLE_BUILDER && (rc = ops_shutdown_login_refusal(st,
	    j->why, sizeof j->why)) != STORE_NONE) {
		/* The last minute before a scheduled shutdown (ops). */
		if (rc == STORE_ERR)
			return STORE_ERR;
		j->status = LOGIN_REFUSED;
		outcome = "locked";
	}
	if (outcome == NULL)
		return STORE_OK;
	return store_mod_login_log(st, j->ch.id, j->ch.name, j->addr,
	    login_instance, outcome);
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
		if (store_login_guard_clear(st, STORE_LOGIN_CHARACTER, key) !=
		    STORE_OK || login_admit(st, j) != STORE_OK)
			return TX_ERROR;
		return TX_COMMIT;
	}
	j->status = LOGIN_WRONG;
	if (store_mod_login_log(st, j->ch.id, j->ch.name, j->addr,
	    login_instance, "wrong_password") != STORE_OK ||
	    login_guard_fail(st, STORE_LOGIN_CHARACTER, key,
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

	if ((rc = login_may_create(st, j)) != STORE_OK)
		return rc;
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
	struct cmd_ctx		 ctx = { .store = st, .out = &j->out,
				    .gmcp_want = j->gmcp_want };
	char			 old[STORE_UUID_LEN + 1], msg[96];
	int64_t			 old_sid;
	enum tx_rc		 trc;

	buf_reset(&j->out);
	json_decref(j->gmcp);
	j->gmcp = NULL;
	if (j->kind == LOGIN_CREATE) {
		enum store_rc	rc = login_create_char(st, j);

		/* A refusal keeps its login history row; nothing else ran. */
		if (rc == STORE_NONE && j->status == LOGIN_REFUSED)
			return TX_COMMIT;
		if (rc != STORE_OK)
			return cmd_tx_rc(rc);
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
	if (store_mod_session_start(st, j->ch.id, j->ch.name, j->addr,
	    login_instance) != STORE_OK)
		return TX_ERROR;
	ctx.me = j->ch;
	snprintf(msg, sizeof msg, "%s has entered the game.", j->ch.name);
	if (store_notify_room(st, j->ch.room_id, j->ch.id, msg) != STORE_OK)
		return TX_ERROR;
	j->status = LOGIN_OK;
	if ((trc = cmd_show_room(&ctx, j->ch.room_id)) == TX_COMMIT)
		trc = cmd_screen_end(&ctx, &j->screen, 0, false, true);
	/* The tells kept while away, shown once: deleted in this tx. */
	if (trc == TX_COMMIT)
		trc = cmd_talk_missed(&ctx);
	j->gmcp = ctx.gmcp;
	return trc;
}

/* Logout transaction: end the session if it is still ours; tell the room. */
static enum tx_rc
login_logout_tx(struct store *st, void *arg)
{
	struct login_job	*j = arg;
	char			 msg[64];
	enum store_rc		 rc;

	if ((rc = store_char_load(st, j->char_id, &j->ch)) != STORE_OK)
		return cmd_tx_rc(rc);
	/* NONE: taken over, or quit already. */
	rc = store_char_end_session(st, j->char_id, login_instance,
	    (int64_t)j->sid);
	if (rc != STORE_OK)
		return cmd_tx_rc(rc);
	if (cmd_trade_leave(st, j->char_id, j->ch.name, "left the game") !=
	    STORE_OK)
		return TX_ERROR;
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

/* Another door's password check: login_check_tx on the calling worker. */
int
login_check_password(struct store *st, const char *name, const char *addr,
    const char *password, struct store_char *ch)
{
	struct login_job	*j = xcalloc(1, sizeof *j);
	enum login_status	 status = LOGIN_WRONG;
	enum tx_result		 r;
	size_t			 chars;

	login_lower_priority();
	util_strlcpy(j->name, name, sizeof j->name);
	util_strlcpy(j->addr, addr, sizeof j->addr);
	if (login_nfc(password, j->password, sizeof j->password, &chars) &&
	    chars <= LOGIN_PASSWORD_MAX) {
		r = store_tx(st, false, login_cfg->tx_retries, login_check_tx,
		    j);
		status = login_tx_status(r, j->status);
	}
	*ch = j->ch;
	explicit_bzero(j, sizeof *j);
	free(j);
	if (status == LOGIN_FAILED || status == LOGIN_UNAVAILABLE)
		return -1;
	return status == LOGIN_OK ? 1 : 0;
}

/* Worker: run a login job. */
void
login_run(struct job *job, struct store *st)
{
	struct login_job	*j = (struct login_job *)job;
	enum tx_result		 r;

	if (j->kind == LOGIN_VERIFY || j->kind == LOGIN_CREATE)
		login_lower_priority();
	switch (j->kind) {
	case LOGIN_LOOKUP:
		r = store_tx(st, true, login_cfg->tx_retries, login_lookup_tx,
		    j);
		j->status = login_tx_status(r, j->status);
		/* A refusal's login history row, in a write of its own. */
		if (r == TXR_COMMITTED && j->log_outcome != NULL &&
		    store_tx(st, false, login_cfg->tx_retries,
		    login_refusal_tx, j) != TXR_COMMITTED)
			log_warn("login: the refusal of %s from %s was not "
			    "recorded", j->name, j->addr);
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

/*
 * store_login.h — the brakes at the door, in the database: wrong passwords
 * counted per character and per client address with a growing lock
 * (login_guard), and new characters counted per creating address.  Kept in
 * PostgreSQL so that every keepd of a cluster, and a restarted one, sees
 * the same counts.
 *
 * Keys are text: a character's id in decimal, or an address as keepd
 * printed it ("127.0.0.1", "::1").  Within a transaction, rows are always
 * locked character first, then address, so two logins cannot deadlock.
 */
#ifndef KEEP_STORE_LOGIN_H
#define KEEP_STORE_LOGIN_H

#include "db/store.h"

#define STORE_LOGIN_KEY_MAX	64

enum store_login_scope {
	STORE_LOGIN_CHARACTER,
	STORE_LOGIN_ADDRESS
};

/*
 * Lock the guard rows of a character and an address (FOR UPDATE, held to
 * the end of the transaction) and return in *secs how many whole seconds
 * the longer of their locks still runs (0: neither is locked).
 */
enum store_rc	 store_login_guard_check(struct store *, const char *char_key,
		    const char *addr, int *secs) STORE_MUST_CHECK;
/*
 * Count one more wrong password for (scope, key); a count whose last
 * failure is older than forget_secs starts again at 1.  Clears the lock;
 * the new count is returned in *failures.
 */
enum store_rc	 store_login_guard_fail(struct store *,
		    enum store_login_scope, const char *key, int forget_secs,
		    int *failures) STORE_MUST_CHECK;
/* Lock (scope, key) for secs seconds from now. */
enum store_rc	 store_login_guard_lock(struct store *,
		    enum store_login_scope, const char *key, int secs)
		    STORE_MUST_CHECK;
/* Forget the wrong passwords of (scope, key) (a successful login). */
enum store_rc	 store_login_guard_clear(struct store *,
		    enum store_login_scope, const char *key) STORE_MUST_CHECK;
/* Delete unlocked rows whose last failure is older than forget_secs. */
enum store_rc	 store_login_guard_prune(struct store *, int forget_secs)
		    STORE_MUST_CHECK;

/*
 * Characters created from addr in the last hour.  With lock, first take
 * a transaction lock on the address, so that two creations from it are
 * counted one after the other.
 */
enum store_rc	 store_login_created_count(struct store *, const char *addr,
		    bool lock, int *n) STORE_MUST_CHECK;
/* Record the address that created a character. */
enum store_rc	 store_login_set_created_from(struct store *, int64_t id,
		    const char *addr) STORE_MUST_CHECK;

#endif

/*
 * login_int.h — what login.c (the dialog's jobs, on the workers) and
 * login_dialog.c (the dialog, on the loop) share and nobody else sees.
 */
#ifndef KEEP_LOGIN_INT_H
#define KEEP_LOGIN_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <sodium.h>

#include "db/pool.h"
#include "db/store.h"
#include "db/store_login.h"
#include "cmd/cmd.h"
#include "ops/buf.h"

struct config;

/* A password is at most this many characters (after NFC), in at most
 * LOGIN_PASSWORD_BYTES bytes of UTF-8. */
#define LOGIN_PASSWORD_MAX	128
#define LOGIN_PASSWORD_BYTES	(LOGIN_PASSWORD_MAX * 4)

/* What a login job does. */
enum login_kind { LOGIN_LOOKUP, LOGIN_VERIFY, LOGIN_CREATE, LOGIN_LOGOUT };

/* How a login job ended. */
enum login_status {
	LOGIN_OK,
	LOGIN_UNKNOWN,		/* no such name */
	LOGIN_WRONG,		/* wrong password */
	LOGIN_TAKEN,		/* name created by someone else meanwhile */
	LOGIN_LOCKED,		/* too many wrong passwords: lock_secs more */
	LOGIN_LIMIT,		/* too many new characters from the address */
	LOGIN_FAILED,		/* database or hashing error */
	LOGIN_UNAVAILABLE,	/* the database is out of reach, or the
				 * step's COMMIT was lost */
	LOGIN_REFUSED		/* a ban or the wizlock: why says it */
};

/* One step of the dialog: run on a worker, done on the loop. */
struct login_job {
	struct job		 job;
	enum login_kind		 kind;
	uint64_t		 sid;
	int64_t			 char_id;
	char			 name[STORE_NAME_MAX + 1];
	char			 addr[STORE_LOGIN_KEY_MAX];
	char			 password[LOGIN_PASSWORD_BYTES + 1];
	char			 hash[crypto_pwhash_STRBYTES];
	struct store_char	 ch;
	struct buf		 out;
	enum login_status	 status;
	int			 lock_secs;
	char			 why[320];	/* LOGIN_REFUSED's text */
	bool			 why_close;	/* ... and close after it */
	const char		*log_outcome;	/* a lookup's refusal, to record */
	unsigned		 gmcp_want;	/* enum cmd_gmcp_want bits */
	json_t			*gmcp;		/* the login's GMCP, or NULL */
	struct cmd_screen	 screen;	/* its prompt and colour */
};

/* login_init's configuration, pools and instance id. */
extern const struct config	*login_cfg;
extern struct pool		*login_pool;		/* the game's workers */
extern struct pool		*login_hash_pool;	/* password work */
extern char			 login_instance[STORE_UUID_LEN + 1];

/*
 * Normalise a password (valid UTF-8) to NFC into out, its length in
 * characters in *chars; false when it does not fit (login_dialog.c).
 */
bool	login_nfc(const char *line, char *out, size_t outsz, size_t *chars);
/* Worker: run a login job (its done is login_dialog.c's). */
void	login_run(struct job *, struct store *);

#endif

-- 0021_dashboard: the admin dashboard's sign-in sessions (docs/dashboard.md).
-- The browser holds a random 32-byte token in an HttpOnly cookie; the
-- database keeps only its BLAKE2b hash (crypto_generichash), so a copy of
-- this table signs nobody in.  Every dashboard request reads its row (and
-- the character's role): deleting the row, or demoting the character, ends
-- the session on the next request on every keepd.

CREATE TABLE dash_sessions (
	token_hash	bytea PRIMARY KEY CHECK (length(token_hash) = 32),
	character_id	bigint NOT NULL REFERENCES characters ON DELETE CASCADE,
	created_at	timestamptz NOT NULL DEFAULT now(),
	expires_at	timestamptz NOT NULL,
	last_seen	timestamptz NOT NULL DEFAULT now(),
	-- The address that signed in.
	addr		inet,
	CHECK (expires_at > created_at)
);
CREATE INDEX dash_sessions_character ON dash_sessions (character_id);
CREATE INDEX dash_sessions_expires ON dash_sessions (expires_at);

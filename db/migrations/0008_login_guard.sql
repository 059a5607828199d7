-- 0008_login_guard: brakes on hostile clients at the door.  Wrong passwords
-- are counted per character and per address, with a lock that grows with
-- them; new characters remember the address that created them, so they can
-- be counted per address and hour.  Both live here, not in keepd's memory,
-- so they hold across keepd processes and restarts.  See docs/schema.md
-- (login_guard) and docs/protocol.md (the login dialog).

-- Wrong passwords of one character (scope 'character', key its id) or one
-- client address (scope 'address', key the address as text).  A row is
-- written on a failure; a successful login deletes its character's row;
-- rows whose last failure is older than login_failure_forget_secs are
-- forgotten (their count restarts) and pruned.
CREATE TABLE login_guard (
	scope		text NOT NULL CHECK (scope IN ('character', 'address')),
	key		text NOT NULL CHECK (length(key) BETWEEN 1 AND 64),
	failures	integer NOT NULL CHECK (failures > 0),
	last_failure_at	timestamptz NOT NULL,
	locked_until	timestamptz,
	PRIMARY KEY (scope, key)
);
CREATE INDEX login_guard_last_failure ON login_guard (last_failure_at);

-- The client address that created the character (NULL for characters made
-- before this migration, and for NPCs).
ALTER TABLE characters ADD COLUMN created_from inet;
CREATE INDEX characters_created_from ON characters (created_from, created_at)
	WHERE created_from IS NOT NULL;

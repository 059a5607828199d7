-- 0012_moderation.sql — the moderation tools of issue 9 (docs/admin.md,
-- "Moderation"): freeze and mute on the character row, the address a
-- session logs in from, the login history (last), bans by name or by
-- network (checked at login and for new characters), and the one-row game
-- table whose lock is the wizlock.
--
-- frozen_until / muted_until: 'infinity' for "until lifted"; a time in the
-- past is the same as NULL (nobody needs to clear it).

ALTER TABLE characters
	ADD COLUMN frozen_until	timestamptz,
	ADD COLUMN frozen_reason text
	    CHECK (length(frozen_reason) <= 200 AND frozen_reason !~ '[[:cntrl:]]'),
	ADD COLUMN muted_until	timestamptz,
	ADD COLUMN muted_reason	text
	    CHECK (length(muted_reason) <= 200 AND muted_reason !~ '[[:cntrl:]]'),
	-- The client address of the live session (set with session_instance).
	ADD COLUMN session_addr	inet;

-- Login history: one row per login attempt that reached a decision.
CREATE TABLE logins (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	character_id	bigint REFERENCES characters ON DELETE SET NULL,
	name		text NOT NULL,
	addr		inet NOT NULL,
	instance	uuid,
	at		timestamptz NOT NULL DEFAULT now(),
	outcome		text NOT NULL CHECK (outcome IN ('ok',
			    'wrong_password', 'banned', 'locked'))
);
CREATE INDEX logins_name ON logins (lower(name), at);
CREATE INDEX logins_addr ON logins USING gist (addr inet_ops);

-- Bans: by character or by network; scope new refuses only the creation of
-- characters; expires_at 'infinity' is permanent; lifting keeps the row.
CREATE TABLE bans (
	id		integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	character_id	bigint REFERENCES characters ON DELETE CASCADE,
	addr		cidr,
	scope		text NOT NULL CHECK (scope IN ('all', 'new')),
	reason		text NOT NULL CHECK (length(reason) BETWEEN 1 AND 200
			    AND reason !~ '[[:cntrl:]]'),
	by_id		bigint REFERENCES characters ON DELETE SET NULL,
	by_name		text NOT NULL,
	created_at	timestamptz NOT NULL DEFAULT now(),
	expires_at	timestamptz NOT NULL,
	lifted_at	timestamptz,
	lifted_by	text,
	CHECK (num_nonnulls(character_id, addr) = 1),
	CHECK (character_id IS NULL OR scope = 'all')
);
CREATE INDEX bans_addr ON bans USING gist (addr inet_ops)
	WHERE lifted_at IS NULL;
CREATE INDEX bans_character ON bans (character_id) WHERE lifted_at IS NULL;

-- One row: the game's lock (wizlock): open, new (no new characters) or
-- staff (only builders and up may log in).
CREATE TABLE game (
	one		boolean PRIMARY KEY DEFAULT true CHECK (one),
	lock		text NOT NULL DEFAULT 'open'
			    CHECK (lock IN ('open', 'new', 'staff'))
);
INSERT INTO game DEFAULT VALUES;

-- "until lifted" for infinity, else "until 2026-11-23 02:14 UTC": how the
-- moderation texts name an end.
CREATE FUNCTION mod_until(t timestamptz) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT CASE WHEN t = 'infinity' THEN 'until lifted'
	    ELSE 'until ' || to_char(t AT TIME ZONE 'UTC',
	    'YYYY-MM-DD HH24:MI') || ' UTC' END
$$;

-- A text as a network to ban, or NULL if it is none: a single IPv6
-- address is widened to its /64, host bits are cleared.
CREATE FUNCTION mod_network(t text) RETURNS cidr
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	a inet;
BEGIN
	BEGIN
		a := t::inet;
	EXCEPTION WHEN others THEN
		RETURN NULL;
	END;
	IF family(a) = 6 AND masklen(a) = 128 THEN
		a := set_masklen(a, 64);
	END IF;
	RETURN network(a);
END
$$;

DO $$ BEGIN
	IF to_regprocedure('audit_attach(regclass)') IS NOT NULL THEN
		PERFORM audit_attach('bans');
		PERFORM audit_attach('game');
	END IF;
END $$;

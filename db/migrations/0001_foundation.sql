-- 0001_foundation: rooms and exits of the world, the characters who play in
-- it, and the keepd instances serving them.  See docs/schema.md.

CREATE TABLE rooms (
	id		integer PRIMARY KEY CHECK (id > 0),
	area		text NOT NULL CHECK (area ~ '^[a-z][a-z0-9_]{0,31}$'),
	title		text NOT NULL CHECK (length(title) BETWEEN 1 AND 80),
	description	text NOT NULL CHECK (length(description) BETWEEN 1 AND 4000),
	is_start	boolean NOT NULL DEFAULT false
);
-- Exactly one room can be the start room.
CREATE UNIQUE INDEX rooms_one_start ON rooms (is_start) WHERE is_start;

CREATE TABLE exits (
	room_id		integer NOT NULL REFERENCES rooms ON DELETE CASCADE,
	direction	text NOT NULL CHECK (direction IN
			    ('north', 'east', 'south', 'west', 'up', 'down')),
	to_room		integer NOT NULL REFERENCES rooms ON DELETE CASCADE,
	PRIMARY KEY (room_id, direction)
);

-- A running keepd process.  Sessions point at the instance that holds them;
-- an instance whose heartbeat (seen_at) stops is dead, and deleting it ends
-- its sessions (ON DELETE SET NULL below).
CREATE TABLE instances (
	id		uuid PRIMARY KEY,
	host		text NOT NULL,
	pid		integer NOT NULL,
	started_at	timestamptz NOT NULL DEFAULT now(),
	seen_at		timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE characters (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name		text NOT NULL CHECK (name ~ '^[A-Z][a-z]{2,15}$'),
	password_hash	text NOT NULL CHECK (length(password_hash) BETWEEN 1 AND 256),
	role		text NOT NULL DEFAULT 'player'
			    CHECK (role IN ('player', 'builder', 'admin')),
	room_id		integer NOT NULL REFERENCES rooms,
	hp		integer NOT NULL DEFAULT 20,
	max_hp		integer NOT NULL DEFAULT 20 CHECK (max_hp > 0),
	coins		bigint NOT NULL DEFAULT 100 CHECK (coins >= 0),
	created_at	timestamptz NOT NULL DEFAULT now(),
	last_login_at	timestamptz,
	-- The one live session of this character: which instance, which
	-- session on it.  NULL when offline.
	session_instance uuid REFERENCES instances ON DELETE SET NULL,
	session_id	bigint,
	CHECK (hp BETWEEN 0 AND max_hp)
);
-- Names are unique regardless of case.
CREATE UNIQUE INDEX characters_name_key ON characters (lower(name));
CREATE INDEX characters_room ON characters (room_id)
	WHERE session_instance IS NOT NULL;
CREATE INDEX characters_session ON characters (session_instance)
	WHERE session_instance IS NOT NULL;

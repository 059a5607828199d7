-- 0002_items_npcs_combat: items and where they are, NPCs (characters with a
-- prototype), shops, area resets, combat state, experience, regeneration
-- and the world clock.  See docs/schema.md.

CREATE TABLE areas (
	id		text PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9_]{0,31}$'),
	name		text NOT NULL,
	reset_secs	integer NOT NULL DEFAULT 120 CHECK (reset_secs BETWEEN 5 AND 86400),
	next_reset_at	timestamptz NOT NULL DEFAULT now()
);

-- Rooms can hold a pile of coins.
ALTER TABLE rooms ADD COLUMN coins bigint NOT NULL DEFAULT 0 CHECK (coins >= 0);

CREATE TABLE item_protos (
	id		text PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9_]{0,47}$'),
	name		text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
	keywords	text NOT NULL CHECK (keywords ~ '^[a-z]+( [a-z]+)*$'),
	long_desc	text NOT NULL CHECK (length(long_desc) BETWEEN 1 AND 200),
	description	text NOT NULL CHECK (length(description) BETWEEN 1 AND 2000),
	type		text NOT NULL CHECK (type IN ('weapon', 'armor', 'container',
			    'food', 'treasure', 'light', 'key', 'corpse', 'misc')),
	weight		integer NOT NULL DEFAULT 1 CHECK (weight BETWEEN 0 AND 10000),
	value		integer NOT NULL DEFAULT 0 CHECK (value BETWEEN 0 AND 100000000),
	wear_slot	text CHECK (wear_slot IN ('wield', 'head', 'body', 'legs',
			    'feet', 'hands', 'arms', 'shield', 'neck', 'waist',
			    'finger')),
	damage_min	integer NOT NULL DEFAULT 0 CHECK (damage_min >= 0),
	damage_max	integer NOT NULL DEFAULT 0 CHECK (damage_max >= damage_min),
	armor		integer NOT NULL DEFAULT 0 CHECK (armor BETWEEN 0 AND 100),
	capacity	integer NOT NULL DEFAULT 0 CHECK (capacity BETWEEN 0 AND 10000),
	CHECK (type <> 'weapon' OR wear_slot = 'wield'),
	CHECK (type <> 'container' OR capacity > 0)
);

CREATE TABLE npc_protos (
	id		text PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9_]{0,47}$'),
	area		text NOT NULL REFERENCES areas ON DELETE CASCADE,
	name		text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
	keywords	text NOT NULL CHECK (keywords ~ '^[a-z]+( [a-z]+)*$'),
	long_desc	text NOT NULL CHECK (length(long_desc) BETWEEN 1 AND 200),
	description	text NOT NULL CHECK (length(description) BETWEEN 1 AND 2000),
	level		integer NOT NULL DEFAULT 1 CHECK (level BETWEEN 1 AND 100),
	max_hp		integer NOT NULL DEFAULT 10 CHECK (max_hp > 0),
	damage_min	integer NOT NULL DEFAULT 1 CHECK (damage_min >= 0),
	damage_max	integer NOT NULL DEFAULT 3 CHECK (damage_max >= damage_min),
	armor		integer NOT NULL DEFAULT 0 CHECK (armor BETWEEN 0 AND 100),
	coins		integer NOT NULL DEFAULT 0 CHECK (coins >= 0),
	aggressive	boolean NOT NULL DEFAULT false,
	wanders		boolean NOT NULL DEFAULT false,
	-- Items the NPC is given (inventory) and wears when it is spawned.
	inventory	text[] NOT NULL DEFAULT '{}',
	equipment	text[] NOT NULL DEFAULT '{}'
);

-- What a reset spawns: NPCs or items in a room, up to a count.
CREATE TABLE resets (
	id		integer PRIMARY KEY,
	area		text NOT NULL REFERENCES areas ON DELETE CASCADE,
	kind		text NOT NULL CHECK (kind IN ('npc', 'item')),
	npc_proto	text REFERENCES npc_protos ON DELETE CASCADE,
	item_proto	text REFERENCES item_protos ON DELETE CASCADE,
	room_id		integer NOT NULL REFERENCES rooms ON DELETE CASCADE,
	max_count	integer NOT NULL DEFAULT 1 CHECK (max_count BETWEEN 1 AND 100),
	CHECK ((kind = 'npc') = (npc_proto IS NOT NULL)),
	CHECK ((kind = 'item') = (item_proto IS NOT NULL))
);

-- A shopkeeper NPC sells what it carries and restocks these up to max.
CREATE TABLE shops (
	npc_proto	text PRIMARY KEY REFERENCES npc_protos ON DELETE CASCADE,
	buy_percent	integer NOT NULL DEFAULT 120 CHECK (buy_percent BETWEEN 100 AND 1000),
	sell_percent	integer NOT NULL DEFAULT 50 CHECK (sell_percent BETWEEN 1 AND 100),
	-- Item types the shop buys; empty means every type.
	buys_types	text[] NOT NULL DEFAULT '{}',
	heals		boolean NOT NULL DEFAULT false,
	heal_price	integer NOT NULL DEFAULT 0 CHECK (heal_price >= 0)
);

CREATE TABLE shop_stock (
	npc_proto	text NOT NULL REFERENCES shops ON DELETE CASCADE,
	item_proto	text NOT NULL REFERENCES item_protos ON DELETE CASCADE,
	max_count	integer NOT NULL DEFAULT 3 CHECK (max_count BETWEEN 1 AND 100),
	PRIMARY KEY (npc_proto, item_proto)
);

-- Characters: players (proto_id NULL) and NPCs (proto_id set) alike.
ALTER TABLE characters
	ADD COLUMN proto_id text REFERENCES npc_protos ON DELETE CASCADE,
	ADD COLUMN reset_id integer REFERENCES resets ON DELETE SET NULL,
	ADD COLUMN level integer NOT NULL DEFAULT 1 CHECK (level BETWEEN 1 AND 100),
	ADD COLUMN xp bigint NOT NULL DEFAULT 0 CHECK (xp >= 0),
	-- hp was hp at hp_at; it regenerates from there (computed when read).
	ADD COLUMN hp_at timestamptz NOT NULL DEFAULT now(),
	ADD COLUMN fighting_id bigint REFERENCES characters ON DELETE SET NULL,
	ADD COLUMN deaths integer NOT NULL DEFAULT 0 CHECK (deaths >= 0),
	ADD COLUMN kills integer NOT NULL DEFAULT 0 CHECK (kills >= 0);
ALTER TABLE characters ALTER COLUMN password_hash DROP NOT NULL;
ALTER TABLE characters DROP CONSTRAINT characters_name_check;
ALTER TABLE characters ADD CONSTRAINT characters_name_check CHECK
	(proto_id IS NOT NULL OR name ~ '^[A-Z][a-z]{2,15}$');
ALTER TABLE characters ADD CONSTRAINT characters_npc_check CHECK
	((proto_id IS NULL) = (password_hash IS NOT NULL)
	 AND (proto_id IS NULL OR session_instance IS NULL));
ALTER TABLE characters ADD CONSTRAINT characters_not_self_fight CHECK
	(fighting_id IS NULL OR fighting_id <> id);
-- Player names are unique regardless of case; NPC names repeat freely.
DROP INDEX characters_name_key;
CREATE UNIQUE INDEX characters_name_key ON characters (lower(name))
	WHERE proto_id IS NULL;
CREATE INDEX characters_npc_room ON characters (room_id)
	WHERE proto_id IS NOT NULL;
CREATE INDEX characters_reset ON characters (reset_id)
	WHERE reset_id IS NOT NULL;
CREATE INDEX characters_fighting ON characters (fighting_id)
	WHERE fighting_id IS NOT NULL;

-- An hp written without a new hp_at (say, with psql) counts from now.
CREATE FUNCTION characters_hp_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.hp IS DISTINCT FROM OLD.hp AND NEW.hp_at = OLD.hp_at THEN
		NEW.hp_at := now();
	END IF;
	RETURN NEW;
END $$;
CREATE TRIGGER characters_hp_at BEFORE UPDATE OF hp ON characters
	FOR EACH ROW EXECUTE FUNCTION characters_hp_at();

-- Hit points as of now: stored hp plus one point per regen interval since
-- hp_at (faster out of combat), capped at max_hp.
CREATE FUNCTION char_hp(hp integer, max_hp integer, hp_at timestamptz,
    fighting bigint) RETURNS integer LANGUAGE sql STABLE AS $$
	SELECT LEAST(max_hp, hp + CASE WHEN fighting IS NULL THEN
		floor(extract(epoch FROM (now() - hp_at)) / 3)::integer
		ELSE 0 END)
$$;

-- An item instance is in exactly one place: a room, a character's
-- inventory (worn when worn_slot is set), or inside a container item.
CREATE TABLE items (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	proto_id	text NOT NULL REFERENCES item_protos ON DELETE CASCADE,
	room_id		integer REFERENCES rooms ON DELETE CASCADE,
	carrier_id	bigint REFERENCES characters ON DELETE CASCADE,
	container_id	bigint REFERENCES items ON DELETE CASCADE,
	worn_slot	text CHECK (worn_slot IN ('wield', 'head', 'body', 'legs',
			    'feet', 'hands', 'arms', 'shield', 'neck', 'waist',
			    'finger')),
	-- Per-instance names (a corpse is "the corpse of Alice").
	name		text CHECK (length(name) BETWEEN 1 AND 80),
	keywords	text CHECK (keywords ~ '^[a-z]+( [a-z]+)*$'),
	coins		bigint NOT NULL DEFAULT 0 CHECK (coins >= 0),
	reset_id	integer REFERENCES resets ON DELETE SET NULL,
	decay_at	timestamptz,
	created_at	timestamptz NOT NULL DEFAULT now(),
	CHECK (num_nonnulls(room_id, carrier_id, container_id) = 1),
	CHECK (worn_slot IS NULL OR carrier_id IS NOT NULL),
	CHECK (container_id IS NULL OR container_id <> id)
);
CREATE INDEX items_room ON items (room_id) WHERE room_id IS NOT NULL;
CREATE INDEX items_carrier ON items (carrier_id) WHERE carrier_id IS NOT NULL;
CREATE INDEX items_container ON items (container_id)
	WHERE container_id IS NOT NULL;
CREATE INDEX items_decay ON items (decay_at) WHERE decay_at IS NOT NULL;
CREATE INDEX items_reset ON items (reset_id) WHERE reset_id IS NOT NULL;
-- One item per equipment slot.
CREATE UNIQUE INDEX items_worn ON items (carrier_id, worn_slot)
	WHERE worn_slot IS NOT NULL;

-- Periodic world work: each row is due at next_at; the ticker that moves
-- next_at forward (under an advisory lock) is the one that runs it.
CREATE TABLE world_clock (
	name		text PRIMARY KEY,
	next_at		timestamptz NOT NULL DEFAULT now(),
	runs		bigint NOT NULL DEFAULT 0
);
INSERT INTO world_clock (name) VALUES ('combat'), ('npcs'), ('resets'),
	('decay');

-- The corpse every death leaves.
INSERT INTO item_protos (id, name, keywords, long_desc, description, type,
	weight, value, capacity)
VALUES ('corpse', 'a corpse', 'corpse', 'A corpse lies here.',
	'A lifeless body, already growing cold.', 'corpse', 50, 0, 10000);

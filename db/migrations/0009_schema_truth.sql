-- 0009_schema_truth: the schema says what the code assumes.  Rooms belong
-- to an area that exists; an NPC prototype's gear is rows with foreign keys
-- instead of arrays nothing checked; the wear slots are one type; and a
-- delete that would reach live things (items in players' packs, NPCs in the
-- world, items on a floor) is refused instead of cascading into them.
-- Existing data is kept.  See docs/schema.md ("Delete policy").

-- Every room's area is an areas row.  Rooms whose area has no row yet (a
-- room made with psql) get one, named after its id.
INSERT INTO areas (id, name)
	SELECT DISTINCT area, area FROM rooms ON CONFLICT (id) DO NOTHING;
ALTER TABLE rooms ADD CONSTRAINT rooms_area_fkey
	FOREIGN KEY (area) REFERENCES areas ON DELETE RESTRICT;

-- The wear slots, in the order the equipment command lists them: the one
-- list.  server/db/wear_slot.c holds the same names, in the same order, and
-- the schema test suite checks that they agree.
CREATE FUNCTION wear_slots() RETURNS text[] LANGUAGE sql IMMUTABLE
    PARALLEL SAFE AS $$
	SELECT ARRAY['head', 'neck', 'body', 'arms', 'hands', 'finger',
	    'waist', 'legs', 'feet', 'shield', 'wield']::text[]
$$;
CREATE DOMAIN wear_slot AS text
	CONSTRAINT wear_slot_check CHECK (VALUE = ANY (wear_slots()));
ALTER TABLE item_protos DROP CONSTRAINT item_protos_wear_slot_check,
	ALTER COLUMN wear_slot TYPE wear_slot;
ALTER TABLE items DROP CONSTRAINT items_worn_slot_check,
	ALTER COLUMN worn_slot TYPE wear_slot;

-- What an NPC is given when it spawns: kind 'equipment' is worn (in the
-- item's wear_slot), 'inventory' is carried; ord is the order within the
-- kind, equipment first.  A gear line is world data, like a reset or a
-- stock line: it goes with its NPC prototype, and with its item prototype.
CREATE TABLE npc_proto_gear (
	npc_proto	text NOT NULL REFERENCES npc_protos ON DELETE CASCADE,
	kind		text NOT NULL CHECK (kind IN ('equipment', 'inventory')),
	ord		integer NOT NULL CHECK (ord > 0),
	item_proto	text NOT NULL REFERENCES item_protos ON DELETE CASCADE,
	PRIMARY KEY (npc_proto, kind, ord)
);
CREATE INDEX npc_proto_gear_item ON npc_proto_gear (item_proto);

-- The arrays become rows, in their order.  An id naming no item prototype
-- (a prototype deleted with psql) was skipped by every reset; it is left
-- out here too.
INSERT INTO npc_proto_gear (npc_proto, kind, ord, item_proto)
	SELECT p.id, g.kind, g.ord, g.item
	FROM npc_protos p CROSS JOIN LATERAL (
		SELECT 'equipment', e.item, e.ord
		FROM unnest(p.equipment) WITH ORDINALITY e(item, ord)
		UNION ALL
		SELECT 'inventory', i.item, i.ord
		FROM unnest(p.inventory) WITH ORDINALITY i(item, ord)) g(kind,
		item, ord)
	WHERE EXISTS (SELECT 1 FROM item_protos ip WHERE ip.id = g.item);
ALTER TABLE npc_protos DROP COLUMN inventory, DROP COLUMN equipment;

-- Deleting a prototype or a room no longer reaches live things: an item
-- prototype with instances anywhere (a player's pack included), an NPC
-- prototype with NPCs in the world, or a room with items on its floor is
-- refused (foreign_key_violation, 23503).  Delete or move the instances
-- first.  Deleting instances (dead NPCs, decayed corpses) is unchanged.
ALTER TABLE items DROP CONSTRAINT items_proto_id_fkey,
	ADD CONSTRAINT items_proto_id_fkey FOREIGN KEY (proto_id)
	    REFERENCES item_protos ON DELETE RESTRICT,
	DROP CONSTRAINT items_room_id_fkey,
	ADD CONSTRAINT items_room_id_fkey FOREIGN KEY (room_id)
	    REFERENCES rooms ON DELETE RESTRICT;
ALTER TABLE characters DROP CONSTRAINT characters_proto_id_fkey,
	ADD CONSTRAINT characters_proto_id_fkey FOREIGN KEY (proto_id)
	    REFERENCES npc_protos ON DELETE RESTRICT;

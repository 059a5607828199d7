-- 0003_world: what area resets need beyond 0002.  Restocking finds the live
-- shopkeepers of a prototype (characters by proto_id); without this index
-- that is a scan of every character, players included.  See docs/world.md.
CREATE INDEX characters_npc_proto ON characters (proto_id)
	WHERE proto_id IS NOT NULL;

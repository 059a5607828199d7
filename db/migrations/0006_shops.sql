-- 0006_shops: a shop buys only item types that exist.  See docs/schema.md
-- (shops) and docs/commands.md (list, buy, sell, value, heal).
ALTER TABLE shops ADD CONSTRAINT shops_buys_types_check CHECK
	(buys_types <@ ARRAY['weapon', 'armor', 'container', 'food', 'treasure',
	 'light', 'key', 'corpse', 'misc']::text[]);

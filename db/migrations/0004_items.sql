-- 0004_items: what the item commands need from the database beyond 0002.
-- The weight of an item with everything inside it, and a trigger that keeps
-- containment a proper tree of real containers.  See docs/schema.md.

-- An item's weight plus the weight of everything inside it, however deep.
-- UNION (not UNION ALL) ends the walk even on a cycle made by hand.
CREATE FUNCTION item_weight(item bigint) RETURNS bigint LANGUAGE sql STABLE
AS $$
	WITH RECURSIVE t(id) AS (
		SELECT item
		UNION
		SELECT i.id FROM items i JOIN t ON i.container_id = t.id
	)
	SELECT coalesce(sum(p.weight), 0)::bigint
	FROM t JOIN items i ON i.id = t.id
	JOIN item_protos p ON p.id = i.proto_id
$$;

-- Only containers and corpses hold items, and nothing ends up inside
-- itself, however deep: the container chain above the new container must
-- not reach the item.
CREATE FUNCTION items_container_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM items c JOIN item_protos p
	    ON p.id = c.proto_id WHERE c.id = NEW.container_id
	    AND p.type IN ('container', 'corpse')) THEN
		RAISE EXCEPTION 'item % is not a container', NEW.container_id
			USING ERRCODE = 'check_violation';
	END IF;
	IF EXISTS (WITH RECURSIVE up(id) AS (
			SELECT NEW.container_id
			UNION
			SELECT c.container_id FROM items c
			JOIN up ON c.id = up.id
			WHERE c.container_id IS NOT NULL)
		SELECT 1 FROM up WHERE up.id = NEW.id) THEN
		RAISE EXCEPTION 'item % cannot go inside itself', NEW.id
			USING ERRCODE = 'check_violation';
	END IF;
	RETURN NEW;
END $$;
CREATE TRIGGER items_container_check
	BEFORE INSERT OR UPDATE OF container_id ON items
	FOR EACH ROW WHEN (NEW.container_id IS NOT NULL)
	EXECUTE FUNCTION items_container_check();

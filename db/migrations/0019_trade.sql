-- 0019_trade: a two-sided trade between players that lives in the database,
-- so a restart of keepd loses no item and duplicates none.  See
-- docs/schema.md ("trades") and docs/reliability.md ("Trading").
--
-- A trade is asked for by one character (asker) of another (asked) in a
-- room; it is open once the asked one agrees.  Each character taking part
-- has one trade_sides row (its offered coins and whether it accepted): the
-- primary key on char_id is "one trade per character".  An offered item is
-- a trade_offers row: the primary key on item_id is "an item is offered at
-- most once".  Nothing moves until the swap, which checks every offer
-- against the rows it locked and moves everything or nothing.

CREATE TABLE trades (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	asker_id	bigint NOT NULL REFERENCES characters ON DELETE CASCADE,
	asked_id	bigint NOT NULL REFERENCES characters ON DELETE CASCADE,
	room_id		integer NOT NULL REFERENCES rooms ON DELETE CASCADE,
	opened_at	timestamptz,	-- NULL while the asked one has not agreed
	created_at	timestamptz NOT NULL DEFAULT now(),
	CHECK (asker_id <> asked_id)
);
CREATE INDEX trades_asked ON trades (asked_id);
CREATE INDEX trades_asker ON trades (asker_id);

CREATE TABLE trade_sides (
	char_id		bigint PRIMARY KEY REFERENCES characters
			    ON DELETE CASCADE,
	trade_id	bigint NOT NULL REFERENCES trades ON DELETE CASCADE,
	coins		bigint NOT NULL DEFAULT 0
			    CHECK (coins >= 0 AND coins <= 1000000000000),
	accepted	boolean NOT NULL DEFAULT false,
	UNIQUE (trade_id, char_id)
);

CREATE TABLE trade_offers (
	item_id		bigint PRIMARY KEY REFERENCES items ON DELETE CASCADE,
	trade_id	bigint NOT NULL,
	char_id		bigint NOT NULL,
	created_at	timestamptz NOT NULL DEFAULT now(),
	FOREIGN KEY (trade_id, char_id) REFERENCES trade_sides (trade_id, char_id)
	    ON DELETE CASCADE
);
CREATE INDEX trade_offers_trade ON trade_offers (trade_id);

-- Any change to the terms clears both acceptances, whatever SQL makes it:
-- an offer added or withdrawn (also when its item is deleted and the offer
-- goes with it), or a side's coins changed.  Both must accept again.
CREATE FUNCTION trade_terms_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' THEN
		UPDATE trade_sides SET accepted = false
			WHERE trade_id = OLD.trade_id AND accepted;
	ELSE
		UPDATE trade_sides SET accepted = false
			WHERE trade_id = NEW.trade_id AND accepted;
	END IF;
	RETURN NULL;
END $$;
CREATE TRIGGER trade_offers_changed
	AFTER INSERT OR DELETE ON trade_offers
	FOR EACH ROW EXECUTE FUNCTION trade_terms_changed();
CREATE TRIGGER trade_sides_coins_changed
	AFTER UPDATE OF coins ON trade_sides
	FOR EACH ROW WHEN (OLD.coins IS DISTINCT FROM NEW.coins)
	EXECUTE FUNCTION trade_terms_changed();

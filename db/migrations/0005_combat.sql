-- 0005_combat: regeneration bookkeeping for combat.  See docs/schema.md.

-- char_hp as in 0002, but time never counts backwards: a transaction whose
-- now() is older than an hp_at written by a transaction that committed
-- while it waited for a row lock must not see negative regeneration.
CREATE OR REPLACE FUNCTION char_hp(hp integer, max_hp integer,
    hp_at timestamptz, fighting bigint) RETURNS integer LANGUAGE sql STABLE
AS $$
	SELECT LEAST(max_hp, hp + CASE WHEN fighting IS NULL THEN
		GREATEST(0, floor(extract(epoch FROM (now() - hp_at)) / 3))::integer
		ELSE 0 END)
$$;

-- Hit points regenerate only out of combat, counted from hp_at.  So when
-- fighting_id changes, what regenerated so far is written down and hp_at
-- restarts: entering a fight keeps what was regained, and leaving one does
-- not credit the time spent fighting.  Statements that write hp or hp_at
-- themselves (the combat round) are left alone.
CREATE FUNCTION characters_fight_hp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.fighting_id IS DISTINCT FROM OLD.fighting_id
	    AND NEW.hp = OLD.hp AND NEW.hp_at = OLD.hp_at THEN
		NEW.hp := LEAST(NEW.max_hp, char_hp(OLD.hp, OLD.max_hp,
		    OLD.hp_at, OLD.fighting_id));
		NEW.hp_at := now();
	END IF;
	RETURN NEW;
END $$;
CREATE TRIGGER characters_fight_hp BEFORE UPDATE OF fighting_id
	ON characters FOR EACH ROW EXECUTE FUNCTION characters_fight_hp();

-- 0014_help.sql — help topics in the database (issue 9, docs/admin/proto.md),
-- and the area of an item prototype.
--
-- help: one row per topic.  `help <word>` finds a topic by its name or by
-- a prefix of one of its keywords, hiding rows above the reader's role;
-- builders edit them with `hedit`.  Seeded here with one topic per command
-- of the command table (its usage line and help text); a command added
-- later without a row is answered from the table itself, so no migration
-- is needed for new commands.  The body may hold newlines but no other
-- control character, so psql cannot store an escape sequence either.
--
-- item_protos.area: where an item prototype belongs (builder scope, world
-- dumps).  NULL for prototypes made before this column (and for 'corpse'):
-- only builders without an area list may edit those.  The world loader
-- sets it from the file's area.

CREATE TABLE help (
	topic		text PRIMARY KEY CHECK (topic ~ '^[a-z][a-z0-9_-]{0,31}$'),
	keywords	text NOT NULL CHECK (length(keywords) <= 200 AND
			    keywords ~ '^[a-z0-9_-]+( [a-z0-9_-]+)*$'),
	min_role	text NOT NULL DEFAULT 'player' CHECK (min_role IN
			    ('player', 'builder', 'admin', 'owner')),
	body		text NOT NULL CHECK (length(body) BETWEEN 1 AND 8000 AND
			    translate(body, E'\n', '') !~ '[[:cntrl:]]')
);

-- Deleting an area leaves its item prototypes (and their instances, in
-- players' packs too) in place, of no area.
ALTER TABLE item_protos ADD COLUMN area text REFERENCES areas
	ON DELETE SET NULL;
CREATE INDEX item_protos_area ON item_protos (area) WHERE area IS NOT NULL;

INSERT INTO help (topic, keywords, min_role, body) VALUES
	('north', 'north', 'player', E'Usage: north\nWalk north (n).'),
	('east', 'east', 'player', E'Usage: east\nWalk east (e).'),
	('south', 'south', 'player', E'Usage: south\nWalk south (s).'),
	('west', 'west', 'player', E'Usage: west\nWalk west (w).'),
	('up', 'up', 'player', E'Usage: up\nClimb up (u).'),
	('down', 'down', 'player', E'Usage: down\nClimb down (d).'),
	('look', 'look', 'player', E'Usage: look [<target>]\nLook around the room, or at something (l).'),
	('inventory', 'inventory', 'player', E'Usage: inventory\nList what you carry (i).'),
	('kill', 'kill attack', 'player', E'Usage: kill <target>\nAttack someone (k).'),
	('get', 'get take', 'player', E'Usage: get <what> [from <container>]\nPick things up, or take them out of a container (g).'),
	('say', 'say', 'player', E'Usage: say <text>\nSpeak to everyone in the room (also '' <text>).'),
	('score', 'score', 'player', E'Usage: score\nShow your hit points, coins and role.'),
	('who', 'who', 'player', E'Usage: who\nList the players online.'),
	('give', 'give', 'player', E'Usage: give <what> to <name>\nGive an item or coins to someone in the room.'),
	('drop', 'drop', 'player', E'Usage: drop <what>\nDrop things on the floor.'),
	('put', 'put', 'player', E'Usage: put <what> in <container>\nPut things into a container.'),
	('equipment', 'equipment', 'player', E'Usage: equipment\nList what you wear and wield (eq).'),
	('examine', 'examine', 'player', E'Usage: examine <target>\nLook closely at an item or someone (exa).'),
	('wear', 'wear', 'player', E'Usage: wear <what>\nPut on armour (or all).'),
	('wield', 'wield', 'player', E'Usage: wield <weapon>\nWield a weapon.'),
	('remove', 'remove', 'player', E'Usage: remove <what>\nTake off something worn (or all).'),
	('flee', 'flee', 'player', E'Usage: flee\nTry to run away from a fight.'),
	('consider', 'consider', 'player', E'Usage: consider <target>\nJudge how a fight would go.'),
	('list', 'list', 'player', E'Usage: list\nWhat the shopkeeper here sells.'),
	('buy', 'buy', 'player', E'Usage: buy <item>\nBuy something from a shop.'),
	('sell', 'sell', 'player', E'Usage: sell <item>\nSell something to a shop.'),
	('value', 'value', 'player', E'Usage: value <item>\nWhat a shop would pay for it.'),
	('help', 'help', 'player', E'Usage: help\nList the commands.'),
	('heal', 'heal', 'player', E'Usage: heal\nPay a healer to mend your wounds.'),
	('dbstats', 'dbstats', 'admin', E'Usage: dbstats\nDatabase statement counters of this keepd (admin).'),
	('iedit', 'iedit', 'builder', E'Usage: iedit <proto> [new <type> <name>|<field> <value>|delete]\nCreate or edit an item prototype (builder).'),
	('medit', 'medit', 'builder', E'Usage: medit <proto> [new <name>|<field> <value>|delete]\nCreate or edit an NPC prototype (builder).'),
	('spawn', 'spawn', 'builder', E'Usage: spawn item|npc <proto> [<count>]\nConjure items (carried) or NPCs (here) (builder).'),
	('purge', 'purge', 'builder', E'Usage: purge [<target>|room]\nRemove the NPCs and items here, or one (builder).'),
	('reset', 'reset', 'builder', E'Usage: reset [list|add|change|delete|now] ...\nList, edit or run your area''s resets (builder).'),
	('hedit', 'hedit', 'builder', E'Usage: hedit <topic> [text|text+|keywords|role <value>|delete]\nShow or edit a help topic (builder).'),
	('quit', 'quit', 'player', E'Usage: quit\nLeave the game (type it in full).')
ON CONFLICT (topic) DO NOTHING;

-- Staff edit help with hedit: its changes are audited like the world's.
DO $$ BEGIN IF to_regprocedure('audit_attach(regclass)') IS NOT NULL THEN PERFORM audit_attach('help'); END IF; END $$;

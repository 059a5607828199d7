-- 0007_messages: messages to players become rows, written in the command's
-- own transaction; pg_notify only rings the bell.  Every keepd reads the
-- rows it has not delivered yet (docs/architecture.md, "Messages"), so a
-- message survives a LISTEN reconnect and is never cut to NOTIFY's 8000
-- bytes.  See docs/schema.md (messages).
--
-- Logged like every other table: a message a player was told had been
-- said survives a crash of PostgreSQL and is delivered after recovery.  A
-- say now writes WAL and waits for its flush (docs/performance.md).

CREATE TABLE messages (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	-- The writer's top-level transaction: readers order and page by it,
	-- because an id is taken at INSERT, not at COMMIT.
	xid		xid8 NOT NULL DEFAULT pg_current_xact_id(),
	created_at	timestamptz NOT NULL DEFAULT now(),
	-- say: room-wide player chatter (counted by the room rate);
	-- room, char, combat: other messages; kick: close one session.
	kind		text NOT NULL
			    CHECK (kind IN ('say', 'room', 'char', 'combat',
			    'kick')),
	-- The room a say or room message was spoken in (NULL otherwise).
	room_id		integer,
	-- The characters it is for, resolved when it was written.
	recipients	bigint[] NOT NULL DEFAULT '{}',
	-- For a kick: the session to close, on the instance that holds it.
	kick_instance	uuid,
	kick_session	bigint,
	text		text NOT NULL,
	CHECK ((kind = 'kick') = (kick_instance IS NOT NULL AND
	    kick_session IS NOT NULL))
);
-- The readers: rows of transactions at or after their cursor.
CREATE INDEX messages_xid ON messages (xid);
-- Pruning: the oldest rows first.
CREATE INDEX messages_created ON messages (created_at);
-- The room rate: a room's says of the last second.
CREATE INDEX messages_room_says ON messages (room_id, created_at)
	WHERE kind = 'say';

-- The ticker's pruning task (server/game/tick.c).
INSERT INTO world_clock (name) VALUES ('messages') ON CONFLICT DO NOTHING;

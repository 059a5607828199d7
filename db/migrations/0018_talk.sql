-- 0018_talk.sql — talking (issue 10; docs/commands.md "Talking",
-- docs/schema.md "Talking (0018)").
--
-- tell, reply, emote, shout and chat are messages rows like say: written
-- in the command's transaction with their recipients resolved, delivered by
-- every keepd after COMMIT.  A row now also says which channel it is and
-- who spoke (the GMCP Comm.Channel.Text a keepd sends with it), and the
-- character that sent it, so the per-sender rate can count a sender's
-- lines of the last second as the room rate counts a room's says.

ALTER TABLE messages
	-- say, tell, shout, chat, emote; NULL for the game's own messages.
	ADD COLUMN channel text
	    CHECK (channel IN ('say', 'tell', 'shout', 'chat', 'emote')),
	-- The speaker's name (Comm.Channel.Text "talker"), with channel.
	ADD COLUMN talker text,
	-- The speaking character, for the per-sender rate (tell/shout/chat).
	ADD COLUMN sender_id bigint,
	ADD CONSTRAINT messages_talker CHECK ((channel IS NULL) =
	    (talker IS NULL));
-- The sender rate: a character's lines of the last second.
CREATE INDEX messages_sender ON messages (sender_id, created_at)
	WHERE sender_id IS NOT NULL;

ALTER TABLE characters
	-- Who told this character something last (reply answers them).
	ADD COLUMN reply_to bigint REFERENCES characters (id)
	    ON DELETE SET NULL,
	-- Whether the global channel (chat) reaches this character.
	ADD COLUMN chat_on boolean NOT NULL DEFAULT true,
	-- Away: NULL when not, else the message ('' for none).  Cleared by
	-- the character's next command and at login.
	ADD COLUMN afk text
	    CONSTRAINT characters_afk_text CHECK (length(afk) <= 80
	    AND afk !~ '[[:cntrl:]]');

-- Tells to characters that were not online: shown at their next login and
-- deleted in the same transaction ("While you were away..."), so each is
-- shown once.  At most 50 wait per recipient (a further tell is refused).
CREATE TABLE offline_tells (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	recipient_id	bigint NOT NULL REFERENCES characters (id)
			    ON DELETE CASCADE,
	sender_id	bigint REFERENCES characters (id) ON DELETE SET NULL,
	-- The name as it was when told (the sender may be deleted).
	sender_name	text NOT NULL,
	created_at	timestamptz NOT NULL DEFAULT now(),
	text		text NOT NULL CHECK (length(text) <= 1000
			    AND text !~ '[[:cntrl:]]')
);
CREATE INDEX offline_tells_recipient ON offline_tells (recipient_id, id);
-- The sender rate counts offline tells too.
CREATE INDEX offline_tells_sender ON offline_tells (sender_id, created_at);

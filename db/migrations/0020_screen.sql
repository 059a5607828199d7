-- 0020_screen.sql — the player's screen (issue 10; docs/protocol.md,
-- "Colour" and "Prompt"): whether the server's text is coloured, and the
-- prompt's format, stored on the character so a relog (on any keepd)
-- keeps them.
--   color: 'auto' (the default: colour when the client's terminal type
--     says it has ANSI and no screen reader), 'on' or 'off'.
--   prompt: NULL for the default ("<%h/%Hhp> "), else the player's format:
--     at most 80 bytes, printable (no control characters).
ALTER TABLE characters
	ADD COLUMN color text NOT NULL DEFAULT 'auto'
		CHECK (color IN ('auto', 'on', 'off')),
	ADD COLUMN prompt text
		CHECK (octet_length(prompt) BETWEEN 1 AND 80
		    AND prompt !~ '[[:cntrl:]]');

-- 0010_roles.sql — the staff roles of issue 9 (docs/admin.md):
-- player < builder < admin < owner.  The role stays on the character row
-- and is read inside every command's transaction, so a demotion takes
-- effect on the next command on every keepd.  `owner` is made only with
-- `keepd role NAME owner` on the server's shell.
--
-- build_areas: the areas a builder may change (NULL: every area).

ALTER TABLE characters DROP CONSTRAINT characters_role_check;
ALTER TABLE characters ADD CONSTRAINT characters_role_check
	CHECK (role IN ('player', 'builder', 'admin', 'owner'));
ALTER TABLE characters ADD COLUMN build_areas text[];

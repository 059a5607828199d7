-- Text bounds of the prototypes' builder-editable text in the database
-- itself (issue 9): no control characters in a name or a long
-- description (one line each), none but newline in a description, so no
-- path around iedit/medit (psql, keepd world load, a future command) can
-- store an escape sequence that every player's terminal would then run.
-- keywords are already [a-z ] only (0002); the lengths are 0002's.
-- Existing rows are checked as the constraints are added: the migration
-- fails, naming the constraint, if a prototype holds such a character.
ALTER TABLE item_protos
	ADD CONSTRAINT item_protos_name_text CHECK (name !~ '[[:cntrl:]]'),
	ADD CONSTRAINT item_protos_long_desc_text
	    CHECK (long_desc !~ '[[:cntrl:]]'),
	ADD CONSTRAINT item_protos_description_text
	    CHECK (translate(description, E'\n', '') !~ '[[:cntrl:]]');
ALTER TABLE npc_protos
	ADD CONSTRAINT npc_protos_name_text CHECK (name !~ '[[:cntrl:]]'),
	ADD CONSTRAINT npc_protos_long_desc_text
	    CHECK (long_desc !~ '[[:cntrl:]]'),
	ADD CONSTRAINT npc_protos_description_text
	    CHECK (translate(description, E'\n', '') !~ '[[:cntrl:]]');

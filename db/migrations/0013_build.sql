-- 0013_build.sql — what the building commands of issue 9 (docs/admin/build.md)
-- need from the schema: text that reaches players' terminals carries no
-- control characters, whoever writes it (a command, load-world or psql).
-- Titles: none at all; descriptions: none but newline.  The lengths
-- (titles 1..80, descriptions 1..4000 characters) are 0001's CHECKs.
-- Rooms have no flags column, so there is no `redit flags`.

ALTER TABLE rooms ADD CONSTRAINT rooms_title_plain
	CHECK (title !~ '[[:cntrl:]]');
ALTER TABLE rooms ADD CONSTRAINT rooms_description_plain
	CHECK (description !~ '[\x01-\x09\x0b-\x1f\x7f]');

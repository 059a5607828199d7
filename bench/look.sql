-- look: one `look` command as keepd runs it, statement for statement.
--
-- Mirrors store_tx() in server/db/store_tx.c (BEGIN ISOLATION LEVEL
-- REPEATABLE READ READ ONLY ... COMMIT: look is CMD_READ), cmd_run() ->
-- store_char_load() (st_char_load, CHAR_COLS in server/db/store_char.c),
-- then cmd_look() -> cmd_show_room() -> store_room_look() (st_room_look in
-- server/db/store_room.c).  The SQL is copied from those statements, one C
-- string fragment per line, with $n replaced by pgbench variables.  When
-- any of them changes, update this file: bench/run.sh compares the text
-- and warns when they differ.
--
-- Round trips as in keepd (issue 12): cmd_run_spec() in
-- server/cmd/cmd_run.c queues the command's statements (store_exec_spec in
-- server/db/store.c) and store_spec_commit() lets COMMIT ride with them, so
-- BEGIN, the character's row, the command's statements and COMMIT go out in
-- one pipeline (store_q_flush): one round trip, which \startpipeline ...
-- \endpipeline reproduces.  Run with -M prepared, as keepd prepares its
-- statements.
--
-- Variables (bench/run.sh passes them with -D): lo, n = the pgbench
-- characters' ids lo .. lo+n-1, all online; rlo, nr = the block of rooms
-- rlo .. rlo+nr-1 they stand in, two by two: character id stands in room
-- rlo + ((id - lo) / 2) % nr (run.sh puts them there before each run).
\set id random(:lo, :lo + :n - 1)
\set room :rlo + ((:id - :lo) / 2) % :nr
\startpipeline
BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;
SELECT id, name, role, room_id,
 char_hp(hp, max_hp, hp_at, fighting_id), max_hp, coins,
 coalesce(session_instance::text, ''), coalesce(session_id, 0),
 level, xp, coalesce(fighting_id, 0), proto_id IS NOT NULL,
 CASE WHEN frozen_until > now() THEN mod_until(frozen_until)
  ELSE '' END,
 CASE WHEN muted_until > now() THEN mod_until(muted_until)
  ELSE '' END, afk IS NOT NULL,
 color, coalesce(prompt, '')
 FROM characters WHERE id = :id;
SELECT r.id, r.title, r.description,
 coalesce((SELECT string_agg(e.direction, ', ' ORDER BY
   array_position(ARRAY['north','east','south','west','up','down'],
   e.direction)) FROM exits e WHERE e.room_id = r.id), ''),
 coalesce((SELECT string_agg(n.name, E'\n' ORDER BY n.name) FROM
   (SELECT c.name FROM characters c WHERE c.room_id = r.id
    AND c.id <> :id AND c.session_instance IS NOT NULL
    ORDER BY c.name LIMIT 50) n), ''),
 (SELECT count(*) FROM characters c WHERE c.room_id = r.id
    AND c.id <> :id AND c.session_instance IS NOT NULL),
 coalesce((SELECT string_agg(CASE WHEN g.n > 1 THEN
   '[' || g.n || '] ' ELSE '' END || g.d, E'\n' ORDER BY g.first)
   FROM (SELECT np.long_desc AS d, count(*) AS n, min(c.id) AS first
    FROM characters c JOIN npc_protos np ON np.id = c.proto_id
    WHERE c.room_id = r.id GROUP BY c.proto_id, np.long_desc
    ORDER BY min(c.id) LIMIT 50) g), ''),
 (SELECT count(DISTINCT c.proto_id) FROM characters c
    WHERE c.room_id = r.id AND c.proto_id IS NOT NULL),
 coalesce((SELECT string_agg(CASE WHEN g.n > 1 THEN
   '[' || g.n || '] ' ELSE '' END || g.d, E'\n' ORDER BY g.first)
   FROM (SELECT CASE WHEN i.name IS NULL THEN p.long_desc
     ELSE upper(left(i.name, 1)) || substr(i.name, 2) ||
     ' lies here.' END AS d, count(*) AS n, min(i.id) AS first
    FROM items i JOIN item_protos p ON p.id = i.proto_id
    WHERE i.room_id = r.id GROUP BY i.proto_id, i.name, p.long_desc
    ORDER BY min(i.id) LIMIT 50) g), ''),
 (SELECT count(*) FROM (SELECT 1 FROM items i WHERE i.room_id = r.id
    GROUP BY i.proto_id, i.name) g),
 r.coins
 FROM rooms r WHERE r.id = :room;
COMMIT;
\endpipeline

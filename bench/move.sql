-- move: one successful `north` / `south` as keepd runs it, statement for
-- statement.
--
-- Mirrors store_tx() in server/db/store_tx.c (BEGIN ... COMMIT),
-- cmd_run() -> store_char_load() (st_char_load, CHAR_COLS in
-- server/db/store_char.c), then cmd_move(): store_char_move() (st_char_move,
-- same file), store_notify_room() twice (st_notify_room in
-- server/db/store_notify.c, NOTIFY_BELL written out: "X leaves <dir>." to
-- the room left, "X arrives from <the other side>." to the room entered;
-- $3 = 0) and cmd_show_room()
-- -> store_room_look() (st_room_look in server/db/store_room.c) of the room
-- entered.  The SQL is copied from those statements, one C string fragment
-- per line, with $n replaced by pgbench variables.  When any of them
-- changes, update this file: bench/run.sh compares the text and warns when
-- they differ.
--
-- Round trips as in keepd (issue 12): cmd_run_spec() in
-- server/cmd/cmd_run.c queues the move (st_char_move, from the room the
-- session's last command saw), so it goes out with BEGIN, the transaction
-- id (store_xid_sql) and the character's row in one pipeline (store_q_flush
-- in server/db/store.c).  The two room messages wait in the queue
-- (store_exec_defer) and go out with the look of the room entered and
-- COMMIT (store_commit_with_next): the second round trip.  \startpipeline
-- ... \endpipeline reproduces both.  Run with -M prepared, as keepd
-- prepares its statements.
--
-- A move needs the character's current room and an exit of it, and pgbench
-- cannot read the room from char_load (its unnamed column
-- "proto_id IS NOT NULL" is not a valid \gset variable name).  So every
-- pgbench client walks its own character, id wlo + client_id, back and
-- forth between two rooms joined both ways: from wfrom through wdir to wto,
-- then back through wback.  run.sh puts the walkers in wfrom before each
-- run; m counts this client's moves (odd: out, even: back).  (pgbench
-- allows no \gset in a pipeline: a move that failed would go unnoticed.)
--
-- Other variables: none = 0; go_leave, go_arrive, back_leave, back_arrive
-- = the texts keepd would send.
\set m :m + 1
\set id :wlo + :client_id
\startpipeline
BEGIN;
SELECT pg_current_xact_id(), pg_postmaster_start_time()::text || ' ' ||
 coalesce(pg_stat_get_bgwriter_stat_reset_time()::text, '');
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
\if :m % 2 = 1
UPDATE characters c SET room_id = e.to_room FROM exits e
 WHERE c.id = :id AND c.room_id = :wfrom AND e.room_id = :wfrom
  AND e.direction = :wdir
 RETURNING e.to_room;
\else
UPDATE characters c SET room_id = e.to_room FROM exits e
 WHERE c.id = :id AND c.room_id = :wto AND e.room_id = :wto
  AND e.direction = :wback
 RETURNING e.to_room;
\endif
\endpipeline
\startpipeline
\if :m % 2 = 1
WITH m AS (INSERT INTO messages (kind, room_id, recipients, text)
  SELECT 'room', :wfrom, r.ids, :go_leave FROM (SELECT array_agg(id) AS ids
   FROM characters WHERE room_id = :wfrom AND id <> :id AND id <> :none
   AND session_instance IS NOT NULL) r
  WHERE r.ids IS NOT NULL RETURNING 1)
 SELECT 1 WHERE EXISTS (SELECT 1 FROM m);
WITH m AS (INSERT INTO messages (kind, room_id, recipients, text)
  SELECT 'room', :wto, r.ids, :go_arrive FROM (SELECT array_agg(id) AS ids
   FROM characters WHERE room_id = :wto AND id <> :id AND id <> :none
   AND session_instance IS NOT NULL) r
  WHERE r.ids IS NOT NULL RETURNING 1)
 SELECT 1 WHERE EXISTS (SELECT 1 FROM m);
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
 FROM rooms r WHERE r.id = :wto;
\else
WITH m AS (INSERT INTO messages (kind, room_id, recipients, text)
  SELECT 'room', :wto, r.ids, :back_leave FROM (SELECT array_agg(id) AS ids
   FROM characters WHERE room_id = :wto AND id <> :id AND id <> :none
   AND session_instance IS NOT NULL) r
  WHERE r.ids IS NOT NULL RETURNING 1)
 SELECT 1 WHERE EXISTS (SELECT 1 FROM m);
WITH m AS (INSERT INTO messages (kind, room_id, recipients, text)
  SELECT 'room', :wfrom, r.ids, :back_arrive FROM (SELECT array_agg(id) AS ids
   FROM characters WHERE room_id = :wfrom AND id <> :id AND id <> :none
   AND session_instance IS NOT NULL) r
  WHERE r.ids IS NOT NULL RETURNING 1)
 SELECT 1 WHERE EXISTS (SELECT 1 FROM m);
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
 FROM rooms r WHERE r.id = :wfrom;
\endif
COMMIT;
\endpipeline

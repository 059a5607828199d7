-- say: one `say <text>` command as keepd runs it, statement for statement.
--
-- Mirrors store_tx() in server/db/store_tx.c (BEGIN ... COMMIT: say is not
-- CMD_READ, its message row must commit), cmd_run() -> store_char_load()
-- (st_char_load, CHAR_COLS in server/db/store_char.c), then cmd_say() ->
-- store_notify_say() (st_notify_say in server/db/store_notify.c, with
-- NOTIFY_BELL written out).  The SQL is
-- copied from those statements, one C string fragment per line, with $n
-- replaced by pgbench variables.  When any of them changes, update this
-- file: bench/run.sh compares the text and warns when they differ.
--
-- Round trips as in keepd (issue 12): cmd_run_spec() in
-- server/cmd/cmd_run.c queues the say's statement, its parameters from the
-- room and name the session's last command saw, so it goes out with BEGIN,
-- the transaction id (store_xid_sql: the in-doubt chase needs it before a
-- COMMIT whose answer may be lost) and the character's row in one pipeline
-- (store_q_flush in server/db/store.c); COMMIT is the second round trip
-- (store_commit in server/db/store_tx.c).  \startpipeline ... \endpipeline
-- reproduces the pipeline.  Run with -M prepared, as keepd prepares its
-- statements.
--
-- Variables (bench/run.sh passes them with -D): lo, n = the pgbench
-- characters' ids lo .. lo+n-1, all online; rlo, nr = the block of rooms
-- rlo .. rlo+nr-1 they stand in, two by two: character id stands in room
-- rlo + ((id - lo) / 2) % nr (run.sh puts them there before each run).
-- say_text = what keepd would send ("Name says, '...'", without the
-- colour markup); say_channel, say_talker = "say" and the name; rate = the room
-- rate (room_message_rate; run.sh sets it far above what pgbench reaches,
-- so the count is paid and nothing is refused).
\set id random(:lo, :lo + :n - 1)
\set room :rlo + ((:id - :lo) / 2) % :nr
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
WITH n AS (SELECT count(*) >= :rate AS noisy FROM (SELECT 1 FROM messages
  WHERE kind = 'say' AND room_id = :room
  AND created_at > now() - interval '1 second'
  ORDER BY room_id DESC, created_at DESC LIMIT :rate) x),
 m AS (INSERT INTO messages (kind, room_id, recipients, text, channel,
  talker) SELECT 'say', :room, r.ids, :say_text, :say_channel, :say_talker FROM n,
  (SELECT array_agg(id) AS ids
   FROM characters WHERE room_id = :room AND id <> :id
   AND session_instance IS NOT NULL) r
  WHERE r.ids IS NOT NULL AND NOT n.noisy RETURNING 1)
 SELECT n.noisy, (SELECT 1
 WHERE EXISTS (SELECT 1 FROM m)) IS NOT NULL FROM n;
\endpipeline
COMMIT;

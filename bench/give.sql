-- give: one successful `give 1 coins to NAME` as keepd runs it, statement
-- for statement.
--
-- Mirrors store_tx() in server/db/store_tx.c (BEGIN ... COMMIT),
-- cmd_run() -> store_char_load() (st_char_load, CHAR_COLS in
-- server/db/store_char.c), then cmd_give(): store_char_in_room()
-- (st_char_in_room), store_char_transfer_coins() (st_char_lock_pair, then
-- st_char_move_coins; all three in server/db/store_char.c) and
-- store_notify_char() (st_notify_char in server/db/store_notify.c).  The
-- SQL is copied from those statements, one C string fragment per line,
-- with $n replaced by pgbench variables.  When any of them changes, update
-- this file: bench/run.sh compares the text and warns when they differ.
--
-- Round trips as in keepd (issue 12): cmd_run_spec() in
-- server/cmd/cmd_run.c queues char_in_room (the receiver, in the room the
-- session's last command saw), so it goes out with BEGIN, the transaction
-- id (store_xid_sql) and the character's row in one pipeline (store_q_flush
-- in server/db/store.c); the lock and the transfer are a round trip each
-- (the rules read their answers); the message waits in the queue
-- (store_exec_defer) and goes out with the giver's row read again for the
-- prompt and COMMIT (store_commit_with_next in cmd_run_screen): four round
-- trips.  \startpipeline ... \endpipeline reproduces the pipelines.  Run
-- with -M prepared, as keepd prepares its statements.
--
-- char_in_room needs the receiver's name, and pgbench can only get strings
-- from -D (it cannot \gset a row with char_load's unnamed column).  So
-- pgbench client c (c < 8) has its own pair of characters, ids glo + 2c
-- (the giver) and glo + 2c + 1 (the receiver, whose name run.sh passes as
-- to_name<c>), standing together in room rlo + ((glo + 2c - lo) / 2) % nr;
-- the branches below differ only in that variable.  run.sh gives the givers
-- enough coins before each run, so every give succeeds, as the ones it
-- mirrors do.
--
-- Variables (bench/run.sh passes them with -D): lo, rlo, nr as in look.sql;
-- glo; to_name0 .. to_name7; amount = 1; give_text = what keepd would send
-- ("X gives you 1 coin.").
\set id :glo + 2 * :client_id
\set to :id + 1
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
\if :client_id = 0
SELECT id, name, role, room_id,
 char_hp(hp, max_hp, hp_at, fighting_id), max_hp, coins,
 coalesce(session_instance::text, ''), coalesce(session_id, 0),
 level, xp, coalesce(fighting_id, 0), proto_id IS NOT NULL,
 CASE WHEN frozen_until > now() THEN mod_until(frozen_until)
  ELSE '' END,
 CASE WHEN muted_until > now() THEN mod_until(muted_until)
  ELSE '' END, afk IS NOT NULL,
 color, coalesce(prompt, '')
 FROM characters
 WHERE room_id = :room AND lower(name) = lower(:to_name0)
  AND session_instance IS NOT NULL;
\elif :client_id = 1
SELECT id, name, role, room_id,
 char_hp(hp, max_hp, hp_at, fighting_id), max_hp, coins,
 coalesce(session_instance::text, ''), coalesce(session_id, 0),
 level, xp, coalesce(fighting_id, 0), proto_id IS NOT NULL,
 CASE WHEN frozen_until > now() THEN mod_until(frozen_until)
  ELSE '' END,
 CASE WHEN muted_until > now() THEN mod_until(muted_until)
  ELSE '' END, afk IS NOT NULL,
 color, coalesce(prompt, '')
 FROM characters
 WHERE room_id = :room AND lower(name) = lower(:to_name1)
  AND session_instance IS NOT NULL;
\elif :client_id = 2
SELECT id, name, role, room_id,
 char_hp(hp, max_hp, hp_at, fighting_id), max_hp, coins,
 coalesce(session_instance::text, ''), coalesce(session_id, 0),
 level, xp, coalesce(fighting_id, 0), proto_id IS NOT NULL,
 CASE WHEN frozen_until > now() THEN mod_until(frozen_until)
  ELSE '' END,
 CASE WHEN muted_until > now() THEN mod_until(muted_until)
  ELSE '' END, afk IS NOT NULL,
 color, coalesce(prompt, '')
 FROM characters
 WHERE room_id = :room AND lower(name) = lower(:to_name2)
  AND session_instance IS NOT NULL;
\elif :client_id = 3
SELECT id, name, role, room_id,
 char_hp(hp, max_hp, hp_at, fighting_id), max_hp, coins,
 coalesce(session_instance::text, ''), coalesce(session_id, 0),
 level, xp, coalesce(fighting_id, 0), proto_id IS NOT NULL,
 CASE WHEN frozen_until > now() THEN mod_until(frozen_until)
  ELSE '' END,
 CASE WHEN muted_until > now() THEN mod_until(muted_until)
  ELSE '' END, afk IS NOT NULL,
 color, coalesce(prompt, '')
 FROM characters
 WHERE room_id = :room AND lower(name) = lower(:to_name3)
  AND session_instance IS NOT NULL;
\elif :client_id = 4
SELECT id, name, role, room_id,
 char_hp(hp, max_hp, hp_at, fighting_id), max_hp, coins,
 coalesce(session_instance::text, ''), coalesce(session_id, 0),
 level, xp, coalesce(fighting_id, 0), proto_id IS NOT NULL,
 CASE WHEN frozen_until > now() THEN mod_until(frozen_until)
  ELSE '' END,
 CASE WHEN muted_until > now() THEN mod_until(muted_until)
  ELSE '' END, afk IS NOT NULL,
 color, coalesce(prompt, '')
 FROM characters
 WHERE room_id = :room AND lower(name) = lower(:to_name4)
  AND session_instance IS NOT NULL;
\elif :client_id = 5
SELECT id, name, role, room_id,
 char_hp(hp, max_hp, hp_at, fighting_id), max_hp, coins,
 coalesce(session_instance::text, ''), coalesce(session_id, 0),
 level, xp, coalesce(fighting_id, 0), proto_id IS NOT NULL,
 CASE WHEN frozen_until > now() THEN mod_until(frozen_until)
  ELSE '' END,
 CASE WHEN muted_until > now() THEN mod_until(muted_until)
  ELSE '' END, afk IS NOT NULL,
 color, coalesce(prompt, '')
 FROM characters
 WHERE room_id = :room AND lower(name) = lower(:to_name5)
  AND session_instance IS NOT NULL;
\elif :client_id = 6
SELECT id, name, role, room_id,
 char_hp(hp, max_hp, hp_at, fighting_id), max_hp, coins,
 coalesce(session_instance::text, ''), coalesce(session_id, 0),
 level, xp, coalesce(fighting_id, 0), proto_id IS NOT NULL,
 CASE WHEN frozen_until > now() THEN mod_until(frozen_until)
  ELSE '' END,
 CASE WHEN muted_until > now() THEN mod_until(muted_until)
  ELSE '' END, afk IS NOT NULL,
 color, coalesce(prompt, '')
 FROM characters
 WHERE room_id = :room AND lower(name) = lower(:to_name6)
  AND session_instance IS NOT NULL;
\elif :client_id = 7
SELECT id, name, role, room_id,
 char_hp(hp, max_hp, hp_at, fighting_id), max_hp, coins,
 coalesce(session_instance::text, ''), coalesce(session_id, 0),
 level, xp, coalesce(fighting_id, 0), proto_id IS NOT NULL,
 CASE WHEN frozen_until > now() THEN mod_until(frozen_until)
  ELSE '' END,
 CASE WHEN muted_until > now() THEN mod_until(muted_until)
  ELSE '' END, afk IS NOT NULL,
 color, coalesce(prompt, '')
 FROM characters
 WHERE room_id = :room AND lower(name) = lower(:to_name7)
  AND session_instance IS NOT NULL;
\endif
\endpipeline
SELECT id, coins FROM characters WHERE id = :id OR id = :to
 ORDER BY id FOR UPDATE;
UPDATE characters SET coins = coins +
  CASE WHEN id = :id THEN -:amount::bigint ELSE :amount::bigint END
 WHERE id = :id OR id = :to
 RETURNING id, coins;
\startpipeline
WITH m AS (INSERT INTO messages (kind, recipients, text)
  VALUES ('char', ARRAY[:to::bigint], :give_text) RETURNING 1)
 SELECT 1 WHERE EXISTS (SELECT 1 FROM m);
-- cmd_run_screen (issue 10): the actor's row again after the handler,
-- for the prompt and GMCP from the row the command leaves.
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
COMMIT;
\endpipeline

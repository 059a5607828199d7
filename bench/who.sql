-- who: one `who` command as keepd runs it, statement for statement.
--
-- Mirrors store_tx() in server/db/store_tx.c (BEGIN ISOLATION LEVEL
-- REPEATABLE READ READ ONLY ... COMMIT: who is CMD_READ), cmd_run() ->
-- store_char_load() (st_char_load, CHAR_COLS in server/db/store_char.c),
-- then cmd_who() -> store_char_who() (st_char_who, same file).  The SQL is
-- copied from those statements, one C string fragment per line, with $n
-- replaced by pgbench variables.  When any of them changes, update this
-- file: bench/run.sh compares the text and warns when they differ.
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
-- characters' ids lo .. lo+n-1, all online.
\set id random(:lo, :lo + :n - 1)
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
SELECT name || CASE WHEN afk IS NULL THEN ''
  WHEN afk = '' THEN ' [AFK]' ELSE ' [AFK: ' || afk || ']' END
 || CASE WHEN i.s < 60 THEN '' ELSE ' (idle ' || CASE
  WHEN i.s >= 86400 THEN i.s / 86400 || 'd'
  WHEN i.s >= 3600 THEN i.s / 3600 || 'h'
  ELSE i.s / 60 || 'm' END || ')' END,
 (SELECT count(*) FROM characters WHERE session_instance IS NOT NULL)
 FROM (SELECT name, afk, last_input_at, last_login_at FROM characters
  WHERE session_instance IS NOT NULL ORDER BY name LIMIT 200) c,
 LATERAL (SELECT greatest(0, extract(epoch FROM now() - coalesce(
  greatest(last_input_at, last_login_at), now())))::bigint AS s) i
 ORDER BY name;
COMMIT;
\endpipeline

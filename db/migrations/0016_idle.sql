-- 0016_idle.sql — idle time for `users` (issue 9; docs/admin.md, "users").
-- Each keepd knows when each of its sessions last sent a line (net/ keeps
-- it in memory: no write per command).  On its heartbeat (every 10 s) it
-- writes, in one UPDATE, this column for the characters whose last input
-- changed since the previous heartbeat; `users` shows now() minus it.  The
-- time is the database's clock (keepd sends "seconds ago"), so hosts'
-- clocks do not matter.  keepd's connections have keep.audit = 'off': the
-- write fires no audit trigger body.
ALTER TABLE characters ADD COLUMN last_input_at timestamptz;

-- 0015_shutdown.sql — the cluster-wide scheduled shutdown of issue 9
-- (docs/admin/ops.md, `shutdown`).  One row at most: when the game stops,
-- why, who asked.  Times are the database's clock, so every keepd of the
-- cluster counts down to the same instant whatever its host's clock says.
--
-- Every keepd reads the row on a pool worker twice a second; the one that
-- first moves `announced` down to the next countdown mark (300, 60, 30, 10,
-- 5, 4, 3, 2, 1 seconds) writes that mark's broadcast, so each line goes
-- out once however many keepd there are.  At `at` every keepd started
-- before `at` drains and exits 0.  A keepd clears a row whose time has
-- passed when it starts, so a supervisor's restart does not shut the game
-- down again; a new `shutdown` replaces such a row too.
--
-- Kept apart from any other one-row settings table on purpose: its
-- lifecycle (cleared at start-up, rewritten by the countdown) is its own.

CREATE TABLE shutdown_schedule (
	one		boolean PRIMARY KEY DEFAULT true CHECK (one),
	at		timestamptz NOT NULL,
	reason		text NOT NULL CHECK (length(reason) BETWEEN 1 AND 200
			    AND reason !~ '[[:cntrl:]]'),
	by_name		text NOT NULL CHECK (length(by_name) BETWEEN 1 AND 16),
	created		timestamptz NOT NULL DEFAULT now(),
	-- The last countdown mark broadcast, in seconds before `at` (the
	-- delay asked for, at first).
	announced	integer NOT NULL CHECK (announced >= 0)
);

-- Staff commands write this table: their changes go to the audit (0011).
SELECT audit_attach('shutdown_schedule');

-- 0011_audit.sql — the audit of issue 9 (docs/admin.md, "Audit"):
-- one audit_log entry per transaction that changes the world as staff (a
-- staff command, a psql session, load-world, a CLI run), and one
-- audit_change row per row it changed, with the old and new values (an
-- UPDATE keeps only the changed columns).  Written in the same
-- transaction as the change: a rolled-back command leaves nothing.
--
-- The gate: keepd's own connections SET keep.audit = 'off', so ordinary
-- play fires no trigger body (the trigger's WHEN is false).  A staff
-- command's dispatcher inserts the entry and sets keep.audit = 'on' and
-- keep.audit_id for its transaction only.  Any other session (psql) has
-- no keep.audit: the first trigger of its transaction makes the entry,
-- source keep.source (default 'sql'), actor keep.actor or session_user.
--
-- audit_attach(regclass) adds the trigger to a table (later migrations
-- call it for the tables staff commands change).

CREATE TABLE audit_log (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at		timestamptz NOT NULL DEFAULT now(),
	-- One entry per transaction.
	txid		xid8 NOT NULL UNIQUE DEFAULT pg_current_xact_id(),
	source		text NOT NULL
			    CHECK (source IN ('game', 'sql', 'load-world', 'cli')),
	-- Denormalised name: the entry outlives a deleted character.
	actor_id	bigint REFERENCES characters ON DELETE SET NULL,
	actor_name	text NOT NULL,
	actor_role	text,
	addr		inet,
	instance	uuid,
	-- The command row's name ('redit', 'undo', ...) or the source.
	action		text NOT NULL,
	-- The line as typed, or current_query() of a psql transaction.
	command		text NOT NULL,
	-- For an undo: the entry it reverted.
	undoes		bigint REFERENCES audit_log
);
CREATE INDEX audit_log_actor ON audit_log (actor_id);
CREATE INDEX audit_log_undoes ON audit_log (undoes) WHERE undoes IS NOT NULL;

CREATE TABLE audit_change (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	audit_id	bigint NOT NULL REFERENCES audit_log ON DELETE CASCADE,
	tbl		text NOT NULL,
	-- The primary key of the row, e.g. {"id": 1000}.
	pk		jsonb NOT NULL,
	op		char(1) NOT NULL CHECK (op IN ('I', 'U', 'D')),
	-- I: new only; D: old only; U: the changed columns, both sides.
	old		jsonb,
	new		jsonb
);
CREATE INDEX audit_change_row ON audit_change (tbl, pk);
CREATE INDEX audit_change_entry ON audit_change (audit_id);

-- The entry of the current transaction: the dispatcher's (keep.audit =
-- 'on', keep.audit_id) or, for any other session, found or created here.
CREATE FUNCTION audit_entry() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	v_id	bigint;
	v_src	text;
BEGIN
	IF current_setting('keep.audit', true) = 'on' THEN
		RETURN current_setting('keep.audit_id')::bigint;
	END IF;
	SELECT id INTO v_id FROM audit_log WHERE txid = pg_current_xact_id();
	IF FOUND THEN
		RETURN v_id;
	END IF;
	v_src := coalesce(nullif(current_setting('keep.source', true), ''),
	    'sql');
	INSERT INTO audit_log (source, actor_name, addr, action, command)
	VALUES (v_src,
	    coalesce(nullif(current_setting('keep.actor', true), ''),
	    session_user),
	    inet_client_addr(), v_src, left(coalesce(current_query(), ''), 4000))
	RETURNING id INTO v_id;
	RETURN v_id;
END $$;

-- The generic row trigger: TG_ARGV names the primary key's columns.
-- password_hash is never copied; an UPDATE that changes nothing else
-- (or nothing at all) records nothing.
CREATE FUNCTION audit_row() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	v_old	jsonb;
	v_new	jsonb;
	v_key	jsonb;
	v_pk	jsonb := '{}';
	v_col	text;
BEGIN
	IF TG_OP <> 'INSERT' THEN
		v_old := to_jsonb(OLD);
	END IF;
	IF TG_OP <> 'DELETE' THEN
		v_new := to_jsonb(NEW);
	END IF;
	v_key := coalesce(v_old, v_new);
	FOREACH v_col IN ARRAY TG_ARGV LOOP
		v_pk := v_pk || jsonb_build_object(v_col, v_key -> v_col);
	END LOOP;
	v_old := v_old - 'password_hash';
	v_new := v_new - 'password_hash';
	IF TG_OP = 'UPDATE' THEN
		SELECT jsonb_object_agg(o.key, o.value),
		    jsonb_object_agg(o.key, n.value)
		INTO v_old, v_new
		FROM jsonb_each(v_old) o JOIN jsonb_each(v_new) n USING (key)
		WHERE o.value IS DISTINCT FROM n.value;
		IF v_old IS NULL THEN
			RETURN NULL;
		END IF;
	END IF;
	INSERT INTO audit_change (audit_id, tbl, pk, op, old, new)
	VALUES (audit_entry(), TG_TABLE_NAME, v_pk, left(TG_OP, 1), v_old,
	    v_new);
	RETURN NULL;
END $$;

-- Attach the audit trigger to a table (idempotent).  The WHEN keeps
-- keepd's ordinary play (keep.audit = 'off') from running the body.
CREATE FUNCTION audit_attach(t regclass) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	v_cols	text;
BEGIN
	SELECT string_agg(quote_literal(a.attname), ', ' ORDER BY k.ord)
	INTO v_cols
	FROM pg_index i
	CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
	JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
	WHERE i.indrelid = t AND i.indisprimary;
	IF v_cols IS NULL THEN
		RAISE EXCEPTION 'audit_attach: % has no primary key', t;
	END IF;
	EXECUTE format('DROP TRIGGER IF EXISTS audit ON %s', t);
	EXECUTE format('CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE '
	    'ON %s FOR EACH ROW WHEN (current_setting(''keep.audit'', true) '
	    'IS DISTINCT FROM ''off'') EXECUTE FUNCTION audit_row(%s)',
	    t, v_cols);
END $$;

SELECT audit_attach('rooms');
SELECT audit_attach('exits');
SELECT audit_attach('areas');
SELECT audit_attach('item_protos');
SELECT audit_attach('npc_protos');
SELECT audit_attach('npc_proto_gear');
SELECT audit_attach('resets');
SELECT audit_attach('shops');
SELECT audit_attach('shop_stock');
SELECT audit_attach('characters');
SELECT audit_attach('items');

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

-- The name a row goes by in the audit's output: "room 1000", "exit 1000
-- north", "item prototype dagger".
CREATE FUNCTION audit_label(p_tbl text, p_pk jsonb) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE p_tbl WHEN 'rooms' THEN 'room' WHEN 'exits' THEN 'exit'
	    WHEN 'areas' THEN 'area' WHEN 'item_protos' THEN 'item prototype'
	    WHEN 'npc_protos' THEN 'NPC prototype'
	    WHEN 'npc_proto_gear' THEN 'NPC gear' WHEN 'resets' THEN 'reset'
	    WHEN 'shops' THEN 'shop' WHEN 'shop_stock' THEN 'shop stock'
	    WHEN 'characters' THEN 'character' WHEN 'items' THEN 'item'
	    ELSE p_tbl END || ' ' ||
	    (SELECT string_agg(value #>> '{}', ' ') FROM jsonb_each(p_pk))
$$;

-- A value as the audit shows it: text quoted, at most 60 characters,
-- control characters escaped.
CREATE FUNCTION audit_value(v jsonb) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN v IS NULL OR v = 'null' THEN 'null'
	    WHEN jsonb_typeof(v) = 'string' THEN '''' ||
	    left(regexp_replace(v #>> '{}', '[[:cntrl:]]', '?', 'g'), 60) ||
	    CASE WHEN length(v #>> '{}') > 60 THEN '...' ELSE '' END || ''''
	    ELSE left(v::text, 60) END
$$;

-- One change as a line: "title 'a' -> 'b', hp 3 -> 4", "created",
-- "deleted".
CREATE FUNCTION audit_change_text(p_op char, p_old jsonb, p_new jsonb)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE p_op WHEN 'I' THEN 'created' WHEN 'D' THEN 'deleted'
	    ELSE (SELECT string_agg(n.key || ' ' || audit_value(p_old -> n.key)
	    || ' -> ' || audit_value(n.value), ', ' ORDER BY n.key)
	    FROM jsonb_each(p_new) n) END
$$;

-- What an entry changed, counted: "+1 room, ~2 exits, -1 item".
CREATE FUNCTION audit_summary(p_id bigint) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT coalesce(string_agg(CASE op WHEN 'I' THEN '+' WHEN 'D' THEN '-'
	    ELSE '~' END || n || ' ' || tbl, ', ' ORDER BY tbl, op), '')
	FROM (SELECT tbl, op, count(*) AS n FROM audit_change
	    WHERE audit_id = p_id GROUP BY tbl, op) x
$$;

-- The tables undo may write: identifiers only from this list.
CREATE FUNCTION audit_undoable(p_tbl text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
	SELECT p_tbl IN ('rooms', 'exits', 'areas', 'item_protos',
	    'npc_protos', 'npc_proto_gear', 'resets', 'shops', 'shop_stock',
	    'characters', 'items', 'help', 'bans', 'game')
$$;

-- The WHERE clause matching a row of p_tbl by the primary key in $1.
CREATE FUNCTION audit_pk_where(p_tbl text, p_pk jsonb) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT string_agg(format('t.%I = (jsonb_populate_record(NULL::%I, $1)).%I',
	    key, p_tbl, key), ' AND ') FROM jsonb_object_keys(p_pk) AS key
$$;

-- Undo entry p_id in the current transaction: check every row it
-- changed (locked FOR UPDATE) still holds what the entry wrote, then
-- apply the inverse, newest change first.  NULL when done; else the
-- reason it was refused (nothing applied: the caller rolls back).  Only
-- the columns the entry changed are compared, so play (hp, room) on a
-- character does not block an undo of something else.
CREATE FUNCTION audit_undo(p_id bigint) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	c	record;
	v_cur	jsonb;
	v_where	text;
	v_set	text;
	v_by	record;
	v_diff	boolean;
BEGIN
	SELECT id INTO v_by FROM audit_log WHERE undoes = p_id
	    ORDER BY id LIMIT 1;
	IF v_by.id IS NOT NULL THEN
		RETURN format('#%s was already undone by #%s.', p_id, v_by.id);
	END IF;
	FOR c IN SELECT * FROM audit_change WHERE audit_id = p_id
	    ORDER BY id DESC LOOP
		IF NOT audit_undoable(c.tbl) THEN
			RETURN format('%s can''t be undone.',
			    audit_label(c.tbl, c.pk));
		END IF;
		v_where := audit_pk_where(c.tbl, c.pk);
		EXECUTE format('SELECT to_jsonb(t) FROM %I t WHERE %s FOR UPDATE',
		    c.tbl, v_where) INTO v_cur USING c.pk;
		IF c.op = 'D' THEN
			v_diff := v_cur IS NOT NULL;
		ELSIF v_cur IS NULL THEN
			v_diff := true;
		ELSE
			SELECT bool_or(v_cur -> n.key IS DISTINCT FROM n.value)
			INTO v_diff FROM jsonb_each(c.new) n;
		END IF;
		IF v_diff THEN
			SELECT l.id, l.actor_name, l.action INTO v_by
			FROM audit_change x JOIN audit_log l ON l.id = x.audit_id
			WHERE x.tbl = c.tbl AND x.pk = c.pk AND x.audit_id > p_id
			ORDER BY x.id DESC LIMIT 1;
			IF v_by.id IS NOT NULL THEN
				RETURN format('%s has changed since (#%s by %s, %s). '
				    'Undo #%s first.', audit_label(c.tbl, c.pk),
				    v_by.id, v_by.actor_name, v_by.action, v_by.id);
			END IF;
			RETURN format('%s has changed since.',
			    audit_label(c.tbl, c.pk));
		END IF;
		IF c.op = 'I' THEN
			EXECUTE format('DELETE FROM %I t WHERE %s', c.tbl, v_where)
			    USING c.pk;
		ELSIF c.op = 'D' THEN
			EXECUTE format('INSERT INTO %I OVERRIDING SYSTEM VALUE '
			    'SELECT * FROM jsonb_populate_record(NULL::%I, $1)',
			    c.tbl, c.tbl) USING c.old;
		ELSE
			SELECT string_agg(format('%I = r.%I', key, key), ', ')
			INTO v_set FROM jsonb_object_keys(c.old) AS key;
			EXECUTE format('UPDATE %I t SET %s FROM '
			    'jsonb_populate_record(NULL::%I, $2) r WHERE %s',
			    c.tbl, v_set, c.tbl, v_where) USING c.pk, c.old;
		END IF;
	END LOOP;
	-- This transaction's entry (made now if nothing above made one).
	UPDATE audit_log SET undoes = p_id WHERE id = audit_entry();
	RETURN NULL;
EXCEPTION WHEN integrity_constraint_violation THEN
	-- A row it would bring back refers to one that is gone, or the like.
	RETURN 'the database refuses it: ' || SQLERRM || '.';
END $$;

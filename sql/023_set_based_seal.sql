-- Downstream work by the set, not the row (issue #19, at a million journal rows).

-- ---- the relay's queue: what waits, and nothing else ------------------------
-- relay_assign found the rows to seal by journal_unsequenced (001: id WHERE
-- seq IS NULL). Sealing a row leaves its old version's entry in that index
-- until VACUUM reaches the journal (rows are never updated again, so no page
-- split cleans them up), and every pass walked from the oldest entry: after a
-- bulk load, 158 ms to find 500 rows. The queue holds the ids of the rows
-- waiting; the seal deletes its entries in the statement that seals them, and
-- the table is small enough for autovacuum to keep up (thresholds below), so
-- a pass costs the rows it takes, not the rows sealed before it.
-- The writers fill it through the trigger (statement level: one INSERT per
-- COPY or batch, not one per row); they hold no privilege on it themselves.
CREATE TABLE bus.journal_unsealed (
    id bigint PRIMARY KEY               -- bus.journal.id of a row not yet sealed
);
ALTER TABLE bus.journal_unsealed SET (autovacuum_vacuum_scale_factor = 0,
    autovacuum_vacuum_threshold = 2000, autovacuum_vacuum_cost_delay = 0);
INSERT INTO bus.journal_unsealed (id) SELECT id FROM bus.journal WHERE seq IS NULL;
-- The relay takes entries out. hj-tallyd (whether a row older than a read
-- waits: tally_db_caught_up) and hj-interviewsd (its roster's freshness) ask
-- the queue instead of `seq IS NULL`, which walks what sealed rows leave in
-- journal_unsequenced until VACUUM. Ids only: what the rows say stays under
-- the journal's row-level security.
GRANT SELECT, DELETE ON bus.journal_unsealed TO hj_busd;
GRANT SELECT ON bus.journal_unsealed TO hj_tally, hj_interviews;

CREATE FUNCTION bus.journal_enqueue() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, bus AS $$
BEGIN
    INSERT INTO bus.journal_unsealed (id) SELECT a.id FROM added a;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION bus.journal_enqueue() FROM PUBLIC;
CREATE TRIGGER journal_enqueue AFTER INSERT ON bus.journal REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION bus.journal_enqueue();

-- ---- the seal: one pass, one UPDATE ------------------------------------------
-- The chain is sequential (each hash covers the one before), the writes are
-- not: the batch's inputs are computed in one query (journal_digest_input of
-- each row with its seq, as `hj admin journal verify` computes them), the
-- links in a loop over bytea arrays, and the rows sealed by ONE UPDATE FROM
-- unnest(...), where 017 ran an UPDATE (and its executor start-up) per row.
-- Still one statement and one transaction; rows come back in seq order; a
-- pass that finds the queue empty takes no lock and writes nothing. The
-- relay's rights are unchanged: it sets seq, prev_hash and hash on unsealed
-- rows (journal_guard, sql/007) and removes queue entries, nothing else.
-- A row committed while a pass runs is not in its snapshot: its entry stays
-- and the next pass seals it.
CREATE OR REPLACE FUNCTION bus.relay_assign(batch integer) RETURNS SETOF bus.journal
LANGUAGE plpgsql AS $$
DECLARE
    v_head bus.relay_head;
    v_ids bigint[];
    v_inputs bytea[];
    v_prevs bytea[];
    v_hashes bytea[];
    v_hash bytea;
    v_n integer;
BEGIN
    -- The queue's oldest entries, taken out first: a pass that finds none has
    -- written nothing and takes no lock. relay_head's lock (next) keeps two
    -- relays apart: the second one's DELETE waits for the first one's entries
    -- and finds them gone. = ANY(ARRAY(...)): an index lookup per entry, where
    -- IN (subquery) hashed the whole queue.
    WITH taken AS (
        DELETE FROM bus.journal_unsealed q
         WHERE q.id = ANY (ARRAY(SELECT u.id FROM bus.journal_unsealed u ORDER BY u.id LIMIT batch))
        RETURNING q.id)
    SELECT array_agg(t.id ORDER BY t.id) INTO v_ids FROM taken t;
    IF v_ids IS NULL THEN
        RETURN;
    END IF;
    SELECT * INTO v_head FROM bus.relay_head FOR UPDATE;
    -- Each row looked up by its id (a nested loop: OFFSET 0 keeps the lookup
    -- a subquery); entries of rows already sealed drop out. As a join, the
    -- planner hashed a scan of the whole of journal_unsequenced, entries
    -- left by sealed rows included: 1.5 s at 1 M rows.
    WITH waiting AS (
        SELECT x.r, row_number() OVER (ORDER BY t.id) AS pos
          FROM unnest(v_ids) AS t(id)
         CROSS JOIN LATERAL (SELECT j AS r FROM bus.journal j
                              WHERE j.id = t.id AND j.seq IS NULL OFFSET 0) x)
    SELECT array_agg((w.r).id ORDER BY w.pos),
           array_agg(bus.journal_digest_input(
                         jsonb_populate_record(w.r, jsonb_build_object('seq', v_head.seq + w.pos)))
                     ORDER BY w.pos)
      INTO v_ids, v_inputs
      FROM waiting w;
    v_n := coalesce(array_length(v_ids, 1), 0);
    IF v_n = 0 THEN
        RETURN; -- entries of rows already sealed, now gone
    END IF;
    v_hash := v_head.hash;
    FOR i IN 1 .. v_n LOOP
        v_prevs[i] := v_hash;
        v_hash := sha256(v_hash || v_inputs[i]);
        v_hashes[i] := v_hash;
    END LOOP;
    RETURN QUERY
        WITH sealed AS (
            UPDATE bus.journal j SET seq = v_head.seq + u.pos, prev_hash = u.prev, hash = u.link
              FROM unnest(v_ids, v_prevs, v_hashes) WITH ORDINALITY AS u(row_id, prev, link, pos)
             WHERE j.id = u.row_id
            RETURNING j.*)
        SELECT * FROM sealed ORDER BY seq;
    UPDATE bus.relay_head SET seq = v_head.seq + v_n, hash = v_hash;
END
$$;

-- ---- indexes found at a million rows ------------------------------------------
-- interviews' roster freshness (s_roster_sync) asks whether a registry row of
-- the roster's kinds came after its cursor or is unsealed: a range of this
-- index per kind, where it counted every row after the cursor (12.2 s with
-- the cursor 780,000 rows behind after a bulk load).
-- Sealed rows only: a row enters it when sealed, not when written (the write
-- path does not pay for it), and no `seq IS NULL` plan can pick it for a
-- scan of the whole index (2.2 s at 1 M rows, measured, when it could).
CREATE INDEX journal_service_kind ON bus.journal (service, kind, seq) WHERE seq IS NOT NULL;

-- The snapshots' talk counts (sql/021's talk_snap_counts) were lost whenever a
-- later migration called tally.make_asof(), which drops and makes tally_snap
-- again: it makes the index with the tables now.
CREATE OR REPLACE FUNCTION tally.make_asof() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    t text;
BEGIN
    DROP SCHEMA IF EXISTS tally_asof CASCADE;
    CREATE SCHEMA tally_asof;
    FOR t IN SELECT tally.projection_tables() LOOP
        EXECUTE format('CREATE TABLE tally_asof.%I (LIKE tally.%I INCLUDING ALL)', t, t);
    END LOOP;
    PERFORM bus.grant_service('hj_tally', 'tally_asof');
    PERFORM tally.make_snapshots();
    CREATE INDEX talk_snap_counts ON tally_snap.talk (snap_seq, community, phase, day)
        INCLUDE (outside, open_follow_ups, person_id);
END
$$;

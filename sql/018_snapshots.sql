-- hj-tallyd, bounded "as of": dated snapshots of the projection (issue #19
-- item 5, issue #20 item 10).
--
-- A report of the past must not replay the journal from row 1. hj-tallyd's
-- consumer keeps one snapshot a day: when it is about to apply the first
-- journal row of a later day (Asia/Shanghai, by committed_at), the projection
-- is exactly "what the system knew at the end of" the day before, and it is
-- copied into tally_snap under that day and its journal sequence. The copy
-- costs the projection's size once a day; a report then reads the snapshot
-- of the nearest day at or before the one asked, through the views of
-- tally_known, by index (snap_seq first), never the journal.
--
-- Two meanings of a past day (the briefing says which):
--   as known on D  the projection of the snapshot at or before D (the live
--                  projection when no row of a later day has been applied);
--   as of D        the work dated on or before D by the date on its record
--                  (talks, publicity pushes, training sessions: a talk
--                  recorded later counts), everything else as known on D.
-- The views read two settings of the transaction: hj.snap_seq (the
-- snapshot's journal sequence) and hj.dated_on. While no row of a later day
-- has been applied, "known on D" is the live projection: tally itself.

ALTER TABLE tally.cursor ADD COLUMN journal_day date;   -- the day of the last row applied

-- The board counts a community's talks by phase: by index, not by reading
-- every talk of the district (tally_asof gets it too: LIKE ... INCLUDING ALL).
CREATE INDEX talk_community ON tally.talk (community, phase);

CREATE TABLE tally.snapshot (
    day         date PRIMARY KEY,       -- the projection at the end of this day
    journal_seq bigint NOT NULL,        -- the last journal row it counts
    made_at     timestamptz NOT NULL DEFAULT now()
);

-- The projection's columns of a table, in order, quoted, for a select list.
CREATE FUNCTION tally.projection_columns(t text, alias text DEFAULT '') RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT string_agg(CASE WHEN alias = '' THEN '' ELSE alias || '.' END || quote_ident(attname), ', '
                    ORDER BY attnum)
  FROM pg_attribute WHERE attrelid = format('tally.%I', t)::regclass AND attnum > 0
  AND NOT attisdropped
$$;

-- (Re)makes tally_snap, tally_known and tally_dated in the shape of the
-- projection's tables. Called by tally.make_asof(), which every migration
-- that changes a projection table calls (and then tally.rebuild(), which
-- makes the snapshots again).
CREATE FUNCTION tally.make_snapshots() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    t text;
    cols text;
BEGIN
    DROP SCHEMA IF EXISTS tally_dated CASCADE;
    DROP SCHEMA IF EXISTS tally_known CASCADE;
    DROP SCHEMA IF EXISTS tally_snap CASCADE;
    CREATE SCHEMA tally_snap;
    CREATE SCHEMA tally_known;
    CREATE SCHEMA tally_dated;
    TRUNCATE tally.snapshot;
    FOR t IN SELECT tally.projection_tables() LOOP
        cols := tally.projection_columns(t);
        EXECUTE format('CREATE TABLE tally_snap.%I (snap_seq bigint NOT NULL, LIKE tally.%I)', t, t);
        -- What the board and the briefing look rows up by, within one snapshot.
        EXECUTE format('CREATE INDEX ON tally_snap.%I (snap_seq, %s)', t,
                       (SELECT quote_ident(a.attname) FROM pg_attribute a
                        WHERE a.attrelid = format('tally.%I', t)::regclass AND a.attnum = 1));
        IF EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = format('tally.%I', t)::regclass
                   AND attname = 'community' AND attnum > 1) THEN
            EXECUTE format('CREATE INDEX ON tally_snap.%I (snap_seq, community)', t);
        END IF;
        -- The snapshot asked for.
        EXECUTE format('CREATE VIEW tally_known.%I AS SELECT %s FROM tally_snap.%I '
                       'WHERE snap_seq = current_setting(''hj.snap_seq'')::bigint', t, cols, t);
    END LOOP;
    CREATE INDEX ON tally_snap.assessment (snap_seq, seat_id);
    CREATE INDEX ON tally_snap.body_member (snap_seq, person_id);
    CREATE INDEX ON tally_snap.training_attendee (snap_seq, person_id);
    -- Dated work: what stands now, by the date on its record.
    EXECUTE format('CREATE VIEW tally_dated.talk AS SELECT %s FROM tally.talk '
                   'WHERE day <= current_setting(''hj.dated_on'')', tally.projection_columns('talk'));
    EXECUTE format('CREATE VIEW tally_dated.publicity AS SELECT %s FROM tally.publicity '
                   'WHERE day <= current_setting(''hj.dated_on'')', tally.projection_columns('publicity'));
    EXECUTE format('CREATE VIEW tally_dated.training AS SELECT %s FROM tally.training '
                   'WHERE day <= current_setting(''hj.dated_on'')', tally.projection_columns('training'));
    EXECUTE format('CREATE VIEW tally_dated.training_attendee AS SELECT %s FROM '
                   'tally.training_attendee a JOIN tally.training t ON t.id = a.training_id '
                   'WHERE t.day <= current_setting(''hj.dated_on'')',
                   tally.projection_columns('training_attendee', 'a'));
    GRANT USAGE ON SCHEMA tally_snap, tally_known, tally_dated TO hj_tally;
    GRANT SELECT, INSERT, DELETE ON ALL TABLES IN SCHEMA tally_snap TO hj_tally;
    GRANT SELECT ON ALL TABLES IN SCHEMA tally_known, tally_dated TO hj_tally;
END
$$;

-- The snapshot of `day`: the live projection as it is now, which the
-- consumer calls at exactly the end of that day's rows. One of a day.
CREATE FUNCTION tally.make_snapshot(snap_day date, seq bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    t text;
    old bigint;
BEGIN
    SELECT journal_seq INTO old FROM tally.snapshot WHERE day = snap_day;
    FOR t IN SELECT tally.projection_tables() LOOP
        IF old IS NOT NULL THEN
            EXECUTE format('DELETE FROM tally_snap.%I WHERE snap_seq = $1', t) USING old;
        END IF;
        EXECUTE format('INSERT INTO tally_snap.%I SELECT $1, %s FROM tally.%I', t,
                       tally.projection_columns(t), t) USING seq;
    END LOOP;
    INSERT INTO tally.snapshot (day, journal_seq) VALUES (snap_day, seq)
    ON CONFLICT (day) DO UPDATE SET journal_seq = EXCLUDED.journal_seq, made_at = now();
END
$$;
-- hj-tallyd runs it with its own rights on the snapshot tables.
GRANT EXECUTE ON FUNCTION tally.make_snapshot(date, bigint) TO hj_tally;

-- As in sql/010, and the snapshots' shape with it.
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
END
$$;

-- As in sql/010; the snapshots are made again as the journal is read again.
CREATE OR REPLACE FUNCTION tally.rebuild() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    t text;
BEGIN
    PERFORM 1 FROM tally.cursor FOR UPDATE;   -- after a catch-up in flight
    FOR t IN SELECT tally.projection_tables() LOOP
        EXECUTE format('TRUNCATE tally.%I', t);
        EXECUTE format('TRUNCATE tally_snap.%I', t);
    END LOOP;
    TRUNCATE tally.board;
    TRUNCATE tally.snapshot;
    UPDATE tally.cursor SET journal_seq = 0, journal_day = NULL, district = NULL;
END
$$;

SELECT tally.make_asof();
SELECT bus.grant_service('hj_tally', 'tally');
SELECT tally.rebuild();

-- hj-auditd's view of the communities (issue #19 item 2): the registry's
-- table, two columns, read-only, instead of reading the registry's journal
-- rows on every call (`audit status --all` read the whole journal). The
-- journal's row-level security (sql/011) is unchanged: hj_audit still reads
-- only audit's journal rows.
GRANT USAGE ON SCHEMA registry TO hj_audit;
GRANT SELECT (code, name) ON registry.community TO hj_audit;

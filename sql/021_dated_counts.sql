-- Issue #19 leftovers: the as-of briefing's talk counts by index alone.
--
-- `hj report briefing --as-of DAY` reads talks through tally_dated.talk
-- (sql/018: the live rows with day <= DAY). The board's covering index
-- (sql/019: community, phase INCLUDE outside, open_follow_ups) lacked `day`,
-- so every as-of count went to the heap for each talk of the community to
-- test its day. With `day` in the key the count is an index-only range scan,
-- and the board of now reads the same index by its (community, phase) prefix.
CREATE INDEX talk_community_counts_day ON tally.talk (community, phase, day)
    INCLUDE (outside, open_follow_ups);
DROP INDEX tally.talk_community_counts;   -- its prefix

-- Talk coverage (a sitting member talked to in the preparation phase), as of
-- a day: the same index with the day.
CREATE INDEX talk_coverage_day ON tally.talk (community, person_id, day) WHERE phase = 2;
DROP INDEX tally.talk_coverage;           -- its prefix

-- A snapshot's talk counts (as known on a day, tally_known.talk over
-- tally_snap.talk): the same columns after the snapshot's sequence, instead
-- of a bitmap over the community's rows of that snapshot and their heap pages.
CREATE INDEX talk_snap_counts ON tally_snap.talk (snap_seq, community, phase, day)
    INCLUDE (outside, open_follow_ups, person_id);

-- tally_asof (the full replay's scratch tables, LIKE tally INCLUDING ALL)
-- takes the new indexes; it is empty outside a briefing's rolled-back
-- savepoint. Unlike tally.make_asof() this leaves the snapshots alone.
DO $$
DECLARE
    t text;
BEGIN
    DROP SCHEMA IF EXISTS tally_asof CASCADE;
    CREATE SCHEMA tally_asof;
    FOR t IN SELECT tally.projection_tables() LOOP
        EXECUTE format('CREATE TABLE tally_asof.%I (LIKE tally.%I INCLUDING ALL)', t, t);
    END LOOP;
    PERFORM bus.grant_service('hj_tally', 'tally_asof');
END
$$;

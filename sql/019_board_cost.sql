-- hj-tallyd, the board's cost (issue #19 item 4): a board's judgement reads
-- the rows of its community from an index alone, and the district totals no
-- longer add up the whole publicity table on every batch.
--
-- Measured (EXPLAIN ANALYZE, 40 communities, 140,000 talks, 30,000 pushes):
-- the journal's rows come round-robin over the communities, so one
-- community's 3,500 talks lay on 1,591 of the table's pages; the bitmap heap
-- scan behind the board's talk counts visited every one of them (~55 ms a
-- board, loaded machine), its publicity (BitmapOr of the two indexes, then the
-- heap) ~40 ms. Covering indexes answer both from a few index pages (index
-- only scans, ~1 ms).

-- The board's talk counts by phase, outside parties and open follow-ups.
CREATE INDEX talk_community_counts ON tally.talk (community, phase)
    INCLUDE (outside, open_follow_ups);
DROP INDEX tally.talk_community;   -- its prefix

-- The board's publicity: a community's pushes, and its subdistrict's
-- subdistrict-wide ones, each by its own index (board_db.c's UNION ALL).
CREATE INDEX publicity_community_kind ON tally.publicity (community, kind) INCLUDE (count);
DROP INDEX tally.publicity_community;   -- its prefix
CREATE INDEX publicity_subdistrict_kind ON tally.publicity (subdistrict, kind) INCLUDE (count)
    WHERE community IS NULL;
DROP INDEX tally.publicity_subdistrict;   -- its prefix

-- The board's ledger states: the closed rectifications and decided upgrades
-- of one community (the older indexes hold only the open ones).
CREATE INDEX rectification_state ON tally.rectification (community, state);
CREATE INDEX upgrade_state ON tally.upgrade (community, state);

-- The district's pushes by kind, kept as the projection changes (a push is
-- counted once, though a subdistrict-wide one is on several boards): the
-- district totals read these few rows instead of the whole table.
CREATE TABLE tally.publicity_total (
    kind   text PRIMARY KEY,
    pushes bigint NOT NULL,             -- rows of that kind (0: the kind is gone)
    count  bigint NOT NULL
);
INSERT INTO tally.publicity_total (kind, pushes, count)
SELECT kind, count(*), sum(count) FROM tally.publicity GROUP BY kind;

CREATE FUNCTION tally.publicity_total_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE tally.publicity_total SET pushes = pushes - 1, count = count - OLD.count
        WHERE kind = OLD.kind;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO tally.publicity_total AS t (kind, pushes, count) VALUES (NEW.kind, 1, NEW.count)
        ON CONFLICT (kind) DO UPDATE SET pushes = t.pushes + 1, count = t.count + EXCLUDED.count;
    END IF;
    RETURN NULL;
END
$$;
CREATE FUNCTION tally.publicity_total_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM tally.publicity_total;
    RETURN NULL;
END
$$;
CREATE TRIGGER publicity_total AFTER INSERT OR UPDATE OR DELETE ON tally.publicity
    FOR EACH ROW EXECUTE FUNCTION tally.publicity_total_row();
CREATE TRIGGER publicity_total_truncate AFTER TRUNCATE ON tally.publicity
    FOR EACH STATEMENT EXECUTE FUNCTION tally.publicity_total_truncate();

SELECT bus.grant_service('hj_tally', 'tally');

-- hj-tallyd, part 3: what the reports need (the progress briefing, the
-- per-community dossier), and reading the projection "as of" a past day.
--
-- The projection keeps a few more facts of the records it already reads:
-- publicity channels and days, the talk's day and whom it was with, the
-- rectification problem and closing day, the upgrade decision day, the
-- working bodies' leaders, the subdistrict plan and every plan's approval
-- steps, and training sessions. Like 008, the facts are read again from the
-- journal (tally.rebuild below); the boards stay.

ALTER TABLE tally.publicity
    ADD COLUMN channel text NOT NULL DEFAULT '',
    ADD COLUMN day     text NOT NULL DEFAULT '';
ALTER TABLE tally.talk
    ADD COLUMN day          text NOT NULL DEFAULT '',
    ADD COLUMN outside_role smallint NOT NULL DEFAULT 0,   -- interviews.proto OutsideRole
    ADD COLUMN sitting      boolean NOT NULL DEFAULT false; -- a sitting member when recorded
ALTER TABLE tally.rectification
    ADD COLUMN problem   text NOT NULL DEFAULT '',
    ADD COLUMN closed_on text NOT NULL DEFAULT '';
ALTER TABLE tally.upgrade
    ADD COLUMN decided_on text NOT NULL DEFAULT '';
ALTER TABLE tally.body
    ADD COLUMN subdistrict text NOT NULL DEFAULT '',
    ADD COLUMN leader_name text NOT NULL DEFAULT '',
    ADD COLUMN formed_on   text NOT NULL DEFAULT '';
-- The subdistrict plan too (community NULL): its approvals go in the briefing.
ALTER TABLE tally.plan
    ALTER COLUMN community DROP NOT NULL,
    ADD COLUMN subdistrict  text NOT NULL DEFAULT '',
    ADD COLUMN title        text NOT NULL DEFAULT '',
    ADD COLUMN submitted_on text NOT NULL DEFAULT '';
CREATE TABLE tally.plan_step (
    plan     uuid NOT NULL,
    position integer NOT NULL,
    name     text NOT NULL,
    state    text NOT NULL,             -- pending | approved | returned
    day      text NOT NULL,
    PRIMARY KEY (plan, position)
);
-- registry: subdistrict_added (the briefing names its subdistrict)
CREATE TABLE tally.subdistrict (
    code text PRIMARY KEY,
    name text NOT NULL
);
-- registry: training_added (the attendees stay in tally.training_attendee)
CREATE TABLE tally.training (
    id          uuid PRIMARY KEY,
    day         text NOT NULL,
    subdistrict text NOT NULL,
    community   text,
    topics      text NOT NULL,          -- joined with '、'
    trainer     text NOT NULL,
    attendees   integer NOT NULL
);

-- The projection's tables: what tally.rebuild() empties and tally_asof copies.
CREATE FUNCTION tally.projection_tables() RETURNS SETOF text LANGUAGE sql IMMUTABLE AS $$
  SELECT unnest(ARRAY['subdistrict', 'community', 'seat', 'assessment', 'publicity', 'reserve',
                      'rectification', 'upgrade', 'plan', 'plan_step', 'task', 'body',
                      'body_member', 'guidance', 'training', 'training_attendee', 'audit',
                      'audit_scope', 'audit_finding', 'talk'])
$$;

-- Reads the projection again from the first journal row: empties the facts
-- and the stored boards and moves the cursor to 0. The tally sequence goes
-- on (a subscriber never sees it go back); hj-tallyd, running or started
-- later, applies the journal again and publishes every board anew. Used by
-- migrations that add facts, and by the fault run to prove that the board
-- equals one rebuilt from the journal.
CREATE FUNCTION tally.rebuild() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    t text;
BEGIN
    PERFORM 1 FROM tally.cursor FOR UPDATE;   -- after a catch-up in flight
    FOR t IN SELECT tally.projection_tables() LOOP
        EXECUTE format('TRUNCATE tally.%I', t);
    END LOOP;
    TRUNCATE tally.board;
    UPDATE tally.cursor SET journal_seq = 0, district = NULL;
END
$$;

-- tally_asof: empty tables of the projection's shape. A report "as of" a
-- past day runs inside a savepoint with search_path tally_asof first,
-- applies the journal up to that day into them with the very code that
-- keeps the live projection, reads the report from them, and rolls the
-- savepoint back: nothing written here is ever committed. (hj-tallyd names
-- the projection's tables without a schema for this; its connections run
-- with search_path tally.) A migration that changes a projection table
-- calls tally.make_asof() again.
CREATE FUNCTION tally.make_asof() RETURNS void LANGUAGE plpgsql AS $$
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

SELECT tally.make_asof();
SELECT bus.grant_service('hj_tally', 'tally');
SELECT tally.rebuild();

-- Persons by name or code, corrections without deletion (issue #20 items 1-3).

-- Every person gets a short human code (P0001, P0002, ...), unique in the
-- district, taken from a sequence at insert; existing persons are numbered
-- in the order they were recorded.
CREATE SEQUENCE registry.person_code_seq;
ALTER TABLE registry.person ADD COLUMN code text;
-- P + at least four digits: P0042, ..., P9999, P10000 (never cut short).
CREATE FUNCTION registry.person_code(n bigint) RETURNS text LANGUAGE sql IMMUTABLE
    AS $$ SELECT 'P' || lpad(n::text, greatest(4, length(n::text)), '0') $$;
UPDATE registry.person p SET code = registry.person_code(n)
  FROM (SELECT id, row_number() OVER (ORDER BY created_at, id) AS n FROM registry.person) o
 WHERE o.id = p.id;
SELECT setval('registry.person_code_seq', GREATEST((SELECT count(*) FROM registry.person), 1),
              (SELECT count(*) FROM registry.person) > 0);
ALTER TABLE registry.person
  ALTER COLUMN code SET DEFAULT registry.person_code(nextval('registry.person_code_seq')),
  ALTER COLUMN code SET NOT NULL,
  ADD CONSTRAINT person_code_unique UNIQUE (code);
ALTER SEQUENCE registry.person_code_seq OWNED BY registry.person.code;

-- A person recorded by mistake is voided, never deleted: the row and its
-- journal rows stay; lists hide it unless asked.
ALTER TABLE registry.person ADD COLUMN voided_at timestamptz, ADD COLUMN void_reason text;
-- The name filter and name resolution: persons that stand, by name then id.
CREATE INDEX person_standing_name ON registry.person (name, id) WHERE voided_at IS NULL;
CREATE INDEX person_standing_id ON registry.person (id) WHERE voided_at IS NULL;

-- The interviews roster knows codes too (coverage shows them).
ALTER TABLE interviews.person ADD COLUMN code text NOT NULL DEFAULT '';
UPDATE interviews.person i SET code = p.code FROM registry.person p WHERE p.id = i.id;

-- A talk recorded by mistake is voided: it stays, but no longer counts
-- (coverage, lists, the board) unless asked for.
ALTER TABLE interviews.talk ADD COLUMN voided_at timestamptz, ADD COLUMN void_reason text;
CREATE INDEX talk_standing_by_date ON interviews.talk (talk_date, id) WHERE voided_at IS NULL;
CREATE INDEX talk_standing_by_community ON interviews.talk (community, talk_date, id)
    WHERE voided_at IS NULL;

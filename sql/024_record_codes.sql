-- Short human codes for the records a field team voids and corrects (issue
-- #20 leftovers, as persons' P0042 in 015): every list and every `add`
-- confirmation shows the code, and `hj KIND show|void|update` take the code
-- or the UUID (the CLI looks the code up: RecordResolve / TalkResolve).
--
--   T talk (谈心谈话)       X publicity push (宣传)   A assessment (研判)
--   E training session (培训) J task (任务)            R reserve entry (后备人选)
--
-- A letter + at least four digits (X0042 ... X9999, X10000: never cut short),
-- unique per kind, taken from the kind's sequence at insert; existing rows are
-- numbered by the record's date, then id. No code is ever reused: a voided
-- record keeps its code.

CREATE FUNCTION registry.record_code(letter text, n bigint) RETURNS text LANGUAGE sql IMMUTABLE
    AS $$ SELECT letter || lpad(n::text, greatest(4, length(n::text)), '0') $$;

-- One kind: sequence, backfill in (sort, id) order, default, NOT NULL, unique.
CREATE FUNCTION pg_temp.add_code(tab text, letter text, sort text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    seq text := tab || '_code_seq';
BEGIN
    EXECUTE format('CREATE SEQUENCE %s', seq);
    EXECUTE format('ALTER TABLE %s ADD COLUMN code text', tab);
    EXECUTE format('UPDATE %1$s t SET code = registry.record_code(%2$L, o.n) FROM '
                   '(SELECT id, row_number() OVER (ORDER BY %3$s, id) AS n FROM %1$s) o '
                   'WHERE o.id = t.id', tab, letter, sort);
    EXECUTE format('SELECT setval(%1$L, GREATEST((SELECT count(*) FROM %2$s), 1), '
                   '(SELECT count(*) FROM %2$s) > 0)', seq, tab);
    EXECUTE format('ALTER TABLE %s ALTER COLUMN code SET DEFAULT registry.record_code(%L, '
                   'nextval(%L)), ALTER COLUMN code SET NOT NULL', tab, letter, seq);
    EXECUTE format('CREATE UNIQUE INDEX %s_code ON %s (code)', replace(tab, '.', '_'), tab);
    EXECUTE format('ALTER SEQUENCE %s OWNED BY %s.code', seq, tab);
END $$;

SELECT pg_temp.add_code('registry.publicity', 'X', 'pushed_on');
SELECT pg_temp.add_code('registry.assessment', 'A', 'assessed_on');
SELECT pg_temp.add_code('registry.training', 'E', 'held_on');
SELECT pg_temp.add_code('registry.task', 'J', 'due');
SELECT pg_temp.add_code('registry.reserve', 'R', 'added_on');

-- The talk's code lives in its own schema (hj-interviewsd may not read or
-- call registry's): the same rule, its own function.
CREATE FUNCTION interviews.record_code(letter text, n bigint) RETURNS text LANGUAGE sql IMMUTABLE
    AS $$ SELECT letter || lpad(n::text, greatest(4, length(n::text)), '0') $$;
CREATE SEQUENCE interviews.talk_code_seq;
ALTER TABLE interviews.talk ADD COLUMN code text;
UPDATE interviews.talk t SET code = interviews.record_code('T', o.n)
  FROM (SELECT id, row_number() OVER (ORDER BY recorded_at, id) AS n FROM interviews.talk) o
 WHERE o.id = t.id;
SELECT setval('interviews.talk_code_seq', GREATEST((SELECT count(*) FROM interviews.talk), 1),
              (SELECT count(*) FROM interviews.talk) > 0);
ALTER TABLE interviews.talk
  ALTER COLUMN code SET DEFAULT interviews.record_code('T', nextval('interviews.talk_code_seq')),
  ALTER COLUMN code SET NOT NULL;
CREATE UNIQUE INDEX interviews_talk_code ON interviews.talk (code);
ALTER SEQUENCE interviews.talk_code_seq OWNED BY interviews.talk.code;

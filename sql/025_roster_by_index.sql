-- The roster's freshness, asked one way, by index (issue #19, at a million
-- journal rows).
--
-- After a bulk load of 1,000,000 rows a talk took 247 ms at one client and
-- nothing got through at 32. talk_record (017) still asked `seq IS NULL` for
-- roster rows waiting for the relay: the planner, seeing journal_unsequenced
-- full of what the seal left until VACUUM, scanned the whole journal (1.09 s,
-- 150 ms of it JIT compilation), and asked `head - cursor >= 256`, so after
-- any burst of other rows every call took the roster's catch-up, which
-- materialised every journal row after the cursor (5 s at 1 M rows).
--
-- Now there is one check, here, used by talk_record and by hj-interviewsd's
-- s_roster_sync: the registry's roster rows after the cursor (the index
-- journal_service_kind, 023) or waiting in the relay's queue (023, each entry
-- into the journal by id). Its cost is the roster rows not yet applied and
-- the rows waiting for the relay, never the rows after the cursor. The
-- cursor no longer has to follow the head: rows of other kinds are never read.

-- The registry journal rows the roster projection is made of: the one list
-- (services/interviews/interviews_db.c asks for it, never spells it).
CREATE FUNCTION interviews.roster_kinds() RETURNS text[] LANGUAGE sql IMMUTABLE
    AS $$ SELECT '{community_added,community_updated,person_added,person_updated,persons_imported,seat_added,seat_ended}'::text[] $$;

-- Whether a roster row after `p_cursor` has not been applied yet. PL/pgSQL so
-- the plan is kept per connection; both parts are index probes whatever the
-- statistics say (the queue's LATERAL with LIMIT is not flattened).
CREATE FUNCTION interviews.roster_fresh(p_cursor bigint) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM bus.journal j
                    WHERE j.service = 'registry' AND j.kind = ANY (interviews.roster_kinds())
                      AND j.seq > p_cursor)
        OR EXISTS (SELECT 1 FROM bus.journal_unsealed q
                   CROSS JOIN LATERAL (SELECT 1 FROM bus.journal j
                                        WHERE j.id = q.id AND j.service = 'registry'
                                          AND j.kind = ANY (interviews.roster_kinds())
                                        LIMIT 1) r);
END
$$;

-- The rows to apply: the roster rows after the cursor and those waiting for
-- the relay, in id order (the order they committed in one writer), with the
-- head the cursor moves to: every row sealed up to it is in this statement's
-- snapshot (the seal moves the head in the transaction that numbers rows).
CREATE FUNCTION interviews.roster_rows(p_cursor bigint)
RETURNS TABLE (id bigint, kind text, payload bytea, head bigint)
LANGUAGE sql STABLE AS $$
    SELECT NULL::bigint, NULL::text, NULL::bytea, (SELECT h.seq FROM bus.relay_head h)
    UNION ALL
    SELECT f.id, f.kind, f.payload, NULL FROM (
        SELECT j.id, j.kind, j.payload FROM bus.journal j
         WHERE j.service = 'registry' AND j.kind = ANY (interviews.roster_kinds())
           AND j.seq > p_cursor
        UNION ALL
        SELECT r.id, r.kind, r.payload FROM bus.journal_unsealed q
         CROSS JOIN LATERAL (SELECT j.id, j.kind, j.payload FROM bus.journal j
                              WHERE j.id = q.id AND j.service = 'registry'
                                AND j.kind = ANY (interviews.roster_kinds())
                              LIMIT 1) r) f
    ORDER BY 1 NULLS FIRST
$$;

-- talk_record with that check, returning the talk's short code (024) too,
-- so hj-interviewsd no longer reads it back (one round trip a talk fewer).
DROP FUNCTION interviews.talk_record(uuid, text, smallint, date, uuid, smallint, text, text,
    boolean, text, uuid[], text[], text[], text[], date[], boolean);
CREATE FUNCTION interviews.talk_record(
    p_id uuid, p_community text, p_phase smallint, p_date date,
    p_person uuid, p_role smallint, p_name text, p_summary text, p_concern boolean,
    p_actor text, p_interviewers uuid[], p_topics text[],
    p_actions text[], p_owners text[], p_dues date[], roster_checked boolean)
RETURNS TABLE (outcome text, detail text, talk_id text, person_id text, interviewee_name text,
               sitting_member boolean, interviewer_ids text[], interviewer_names text[],
               recorded_at text, interviewee_code text, talk_code text)
LANGUAGE plpgsql AS $$
DECLARE
    v_name text;
    v_sitting boolean := false;
    v_ids text[];
    v_names text[];
    v_missing uuid;
    v_at text;
    v_code text := '';
    v_talk_code text;
BEGIN
    IF NOT roster_checked
       AND (SELECT interviews.roster_fresh(c.seq) FROM interviews.roster_cursor c) THEN
        RETURN QUERY SELECT 'roster'::text, NULL::text, NULL::text, NULL::text, NULL::text,
                            NULL::boolean, NULL::text[], NULL::text[], NULL::text, NULL::text,
                            NULL::text;
        RETURN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM interviews.community m WHERE m.code = p_community) THEN
        RETURN QUERY SELECT 'community'::text, p_community, NULL::text, NULL::text, NULL::text,
                            NULL::boolean, NULL::text[], NULL::text[], NULL::text, NULL::text,
                            NULL::text;
        RETURN;
    END IF;
    IF p_person IS NOT NULL THEN
        SELECT p.name, coalesce(p.code, ''), EXISTS (SELECT 1 FROM interviews.seat s WHERE s.person_id = p.id
                               AND s.community = p_community AND s.term_end IS NULL)
          INTO v_name, v_code, v_sitting
          FROM interviews.person p WHERE p.id = p_person;
        IF NOT FOUND THEN
            RETURN QUERY SELECT 'interviewee'::text, p_person::text, NULL::text, NULL::text,
                                NULL::text, NULL::boolean, NULL::text[], NULL::text[], NULL::text,
                                NULL::text, NULL::text;
            RETURN;
        END IF;
    ELSE
        v_name := p_name;
    END IF;
    SELECT array_agg(i.id::text ORDER BY i.ord), array_agg(p.name ORDER BY i.ord),
           (array_agg(i.id ORDER BY i.ord) FILTER (WHERE p.id IS NULL))[1]
      INTO v_ids, v_names, v_missing
      FROM unnest(p_interviewers) WITH ORDINALITY AS i(id, ord)
      LEFT JOIN interviews.person p ON p.id = i.id;
    IF v_missing IS NOT NULL THEN
        RETURN QUERY SELECT 'interviewer'::text, v_missing::text, NULL::text, NULL::text,
                            NULL::text, NULL::boolean, NULL::text[], NULL::text[], NULL::text,
                            NULL::text, NULL::text;
        RETURN;
    END IF;
    INSERT INTO interviews.talk (id, community, phase, talk_date, interviewee_person,
                                 interviewee_role, interviewee_name, sitting_member, summary,
                                 concern_raised, recorded_by)
    VALUES (p_id, p_community, p_phase, p_date, p_person, NULLIF(p_role, 0), v_name, v_sitting,
            p_summary, p_concern, p_actor)
    RETURNING to_char(talk.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
              talk.code
      INTO v_at, v_talk_code;
    INSERT INTO interviews.talk_interviewer (talk_id, position, person_id, name)
    SELECT p_id, i.ord, i.id, n.name
      FROM unnest(p_interviewers) WITH ORDINALITY AS i(id, ord)
      JOIN unnest(v_names) WITH ORDINALITY AS n(name, ord) ON n.ord = i.ord;
    INSERT INTO interviews.talk_topic (talk_id, position, topic)
    SELECT p_id, t.ord, t.topic FROM unnest(p_topics) WITH ORDINALITY AS t(topic, ord);
    INSERT INTO interviews.follow_up (talk_id, number, action, owner, due_date)
    SELECT p_id, f.ord, f.action, f.owner, f.due
      FROM unnest(p_actions, p_owners, p_dues) WITH ORDINALITY AS f(action, owner, due, ord);
    RETURN QUERY SELECT 'ok'::text, NULL::text, p_id::text, p_person::text, v_name, v_sitting,
                        v_ids, v_names, v_at, v_code, v_talk_code;
END
$$;
GRANT EXECUTE ON FUNCTION interviews.talk_record(uuid, text, smallint, date, uuid, smallint, text,
    text, boolean, text, uuid[], text[], text[], text[], date[], boolean) TO hj_interviews;
GRANT EXECUTE ON FUNCTION interviews.roster_kinds(), interviews.roster_fresh(bigint),
    interviews.roster_rows(bigint) TO hj_interviews;

-- No JIT for the services' own logins. A plan's cost, not its run time,
-- decides JIT: the queue's statistics after a bulk load (262,000 rows
-- estimated, 14 there) made a 2 ms check cost 6.5 M, and every execution of
-- its cached plan compiled for 150-760 ms. The services run index probes and
-- bounded batches, which JIT never pays back; hj-tallyd's reports included
-- (their history-sized work is the dated snapshots, sql/018 and 021).
DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['hj_busd', 'hj_registry', 'hj_audit', 'hj_interviews', 'hj_tally'] LOOP
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('ALTER ROLE %I SET jit = off', r);
        END IF;
    END LOOP;
END
$$;

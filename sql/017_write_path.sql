-- The write path in fewer round trips and fewer transactions (issue #19).

-- ---- the relay: an empty pass writes nothing ---------------------------------
-- relay_assign locked and rewrote relay_head even when no row was waiting, so
-- every pass that found nothing (the pass after one that sealed, a NOTIFY for
-- rows already sealed) was a write transaction with its own WAL flush. Now a
-- pass that finds no unsealed row takes no lock and writes nothing; one that
-- finds rows seals up to `batch` of them in one transaction, as before.
CREATE OR REPLACE FUNCTION bus.relay_assign(batch integer) RETURNS SETOF bus.journal
LANGUAGE plpgsql AS $$
DECLARE
    head bus.relay_head;
    r bus.journal;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM bus.journal WHERE seq IS NULL) THEN
        RETURN;
    END IF;
    SELECT * INTO head FROM bus.relay_head FOR UPDATE;
    FOR r IN SELECT * FROM bus.journal WHERE seq IS NULL ORDER BY id LIMIT batch FOR UPDATE LOOP
        head.seq := head.seq + 1;
        r.seq := head.seq;
        r.prev_hash := head.hash;
        r.hash := sha256(head.hash || bus.journal_digest_input(r));
        UPDATE bus.journal SET seq = r.seq, prev_hash = r.prev_hash, hash = r.hash WHERE id = r.id;
        head.hash := r.hash;
        RETURN NEXT r;
    END LOOP;
    IF head.seq IS DISTINCT FROM (SELECT h.seq FROM bus.relay_head h) THEN
        UPDATE bus.relay_head SET seq = head.seq, hash = head.hash;
    END IF;
END
$$;

-- ---- recording a talk: one statement -------------------------------------------
-- What hj-interviewsd did in a dozen round trips (the roster's freshness, the
-- community, the interviewee and each interviewer looked up, the talk, its
-- interviewers, topics and follow-ups inserted, the talk read back) as one
-- call. It returns what the reply needs that the request does not say: the
-- stored ids (canonical text), the interviewee's registry name and whether
-- they sit on a committee of the community now, the interviewers' registry
-- names, the arrival time. outcome:
--   'ok'           recorded
--   'roster'       the roster projection is behind (registry rows after its
--                  cursor, sealed or not, or the cursor trails the head by
--                  256 or more): nothing written; the caller brings the
--                  roster up to date and calls again with roster_checked
--   'community'    detail = the community code: not in the registry
--   'interviewee'  detail = the person id: not in the registry
--   'interviewer'  detail = the first interviewer id not in the registry
-- A duplicate talk id (a replay) or another constraint raises as the INSERTs
-- would (23505, 23503 ...), so the caller answers it the same way.
-- The freshness test reads the journal by a range bounded on both sides
-- (cursor, head]: an index range scan whatever the journal's size, also
-- under a generic plan.
GRANT SELECT ON bus.relay_head TO hj_interviews;

CREATE FUNCTION interviews.talk_record(
    p_id uuid, p_community text, p_phase smallint, p_date date,
    p_person uuid, p_role smallint, p_name text, p_summary text, p_concern boolean,
    p_actor text, p_interviewers uuid[], p_topics text[],
    p_actions text[], p_owners text[], p_dues date[], roster_checked boolean)
RETURNS TABLE (outcome text, detail text, talk_id text, person_id text, interviewee_name text,
               sitting_member boolean, interviewer_ids text[], interviewer_names text[],
               recorded_at text, interviewee_code text)
LANGUAGE plpgsql AS $$
DECLARE
    -- the same list as S_ROSTER_KINDS in services/interviews/interviews_db.c
    roster_kinds constant text[] :=
        '{community_added,community_updated,person_added,person_updated,persons_imported,seat_added,seat_ended}';
    cur bigint;
    head bigint;
    v_name text;
    v_sitting boolean := false;
    v_ids text[];
    v_names text[];
    v_missing uuid;
    v_at text;
    v_code text := '';
BEGIN
    IF NOT roster_checked THEN
        SELECT c.seq INTO cur FROM interviews.roster_cursor c;
        SELECT h.seq INTO head FROM bus.relay_head h;
        IF head - cur >= 256
           OR EXISTS (SELECT 1 FROM bus.journal j WHERE j.seq > cur AND j.seq <= head
                      AND j.service = 'registry' AND j.kind = ANY (roster_kinds))
           OR EXISTS (SELECT 1 FROM bus.journal j WHERE j.seq IS NULL
                      AND j.service = 'registry' AND j.kind = ANY (roster_kinds)) THEN
            RETURN QUERY SELECT 'roster'::text, NULL::text, NULL::text, NULL::text, NULL::text,
                                NULL::boolean, NULL::text[], NULL::text[], NULL::text, NULL::text;
            RETURN;
        END IF;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM interviews.community m WHERE m.code = p_community) THEN
        RETURN QUERY SELECT 'community'::text, p_community, NULL::text, NULL::text, NULL::text,
                            NULL::boolean, NULL::text[], NULL::text[], NULL::text, NULL::text;
        RETURN;
    END IF;
    IF p_person IS NOT NULL THEN
        SELECT p.name, coalesce(p.code, ''), EXISTS (SELECT 1 FROM interviews.seat s WHERE s.person_id = p.id
                               AND s.community = p_community AND s.term_end IS NULL)
          INTO v_name, v_code, v_sitting
          FROM interviews.person p WHERE p.id = p_person;
        IF NOT FOUND THEN
            RETURN QUERY SELECT 'interviewee'::text, p_person::text, NULL::text, NULL::text,
                                NULL::text, NULL::boolean, NULL::text[], NULL::text[], NULL::text, NULL::text;
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
                            NULL::text, NULL::boolean, NULL::text[], NULL::text[], NULL::text, NULL::text;
        RETURN;
    END IF;
    INSERT INTO interviews.talk (id, community, phase, talk_date, interviewee_person,
                                 interviewee_role, interviewee_name, sitting_member, summary,
                                 concern_raised, recorded_by)
    VALUES (p_id, p_community, p_phase, p_date, p_person, NULLIF(p_role, 0), v_name, v_sitting,
            p_summary, p_concern, p_actor)
    RETURNING to_char(talk.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
      INTO v_at;
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
                        v_ids, v_names, v_at, v_code;
END
$$;
GRANT EXECUTE ON FUNCTION interviews.talk_record(uuid, text, smallint, date, uuid, smallint, text,
    text, boolean, text, uuid[], text[], text[], text[], date[], boolean) TO hj_interviews;

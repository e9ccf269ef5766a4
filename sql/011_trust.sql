-- Trust (issue 18): no service login writes in another service's name, the
-- internal bus admits only Huanjie's own daemons, and the chain covers every
-- column a reader relies on.

-- ---- who reads and writes which journal rows ---------------------------------
-- One row per database role. `writes`: the only service name its journal
-- rows may carry (NULL: it inserts none). `reads`: the services whose rows it
-- may read ('*': all). Data, not code: a new service adds its row.
CREATE TABLE bus.journal_access (
    role    name PRIMARY KEY,
    writes  text,
    reads   text[] NOT NULL
);
INSERT INTO bus.journal_access VALUES
    ('hj_registry',   'registry',   '{registry}'),
    -- audit checks that a community exists (the registry's rows)
    ('hj_audit',      'audit',      '{audit,registry}'),
    -- interviews keeps its roster from the registry's rows
    ('hj_interviews', 'interviews', '{interviews,registry}'),
    -- tally projects every service's record onto the board
    ('hj_tally',      'tally',      '{*}'),
    -- the relay seals and publishes every row; `hj admin journal verify` reads all
    ('hj_busd',       NULL,         '{*}'),
    ('hj_admin',      NULL,         '{*}');

-- Row-level security: the owner (hj-migrate) is exempt, as PostgreSQL makes
-- it; every daemon's role is held to its row above. The subqueries run once
-- per statement (an InitPlan), not once per row.
ALTER TABLE bus.journal ENABLE ROW LEVEL SECURITY;
CREATE POLICY journal_read ON bus.journal FOR SELECT USING (
    service = ANY ((SELECT a.reads FROM bus.journal_access a WHERE a.role = current_user)::text[])
    OR '*' = ANY ((SELECT a.reads FROM bus.journal_access a WHERE a.role = current_user)::text[]));
CREATE POLICY journal_write ON bus.journal FOR INSERT WITH CHECK (
    service = (SELECT a.writes FROM bus.journal_access a WHERE a.role = current_user));
-- Sealing: the column grants (seq, prev_hash, hash to hj_busd only) and the
-- guard trigger of 007 say what may change; this lets the relay's UPDATE see rows.
CREATE POLICY journal_seal ON bus.journal FOR UPDATE TO hj_busd USING (true) WITH CHECK (true);

GRANT SELECT ON bus.journal_access TO hj_registry, hj_audit, hj_interviews, hj_tally, hj_busd,
    hj_admin;

-- ---- the daemons' own CURVE keys ---------------------------------------------
-- A daemon's key is a row of bus.devices with role 'service' and the service
-- it serves in scope_ref: hj-busd loads it with the devices, `hj admin device
-- list` shows it and `hj admin device revoke` revokes it. The broker admits a
-- worker only for that service, events-in only hj-tallyd's keys.
ALTER TABLE bus.devices DROP CONSTRAINT devices_role, DROP CONSTRAINT devices_scope;
ALTER TABLE bus.devices
    ADD CONSTRAINT devices_role CHECK (role IN ('district-admin', 'subdistrict-office',
        'guidance-group', 'auditor', 'election-committee', 'observer', 'service')),
    ADD CONSTRAINT devices_scope CHECK
        ((role IN ('guidance-group', 'election-committee', 'service')) = (scope_ref IS NOT NULL)),
    ADD CONSTRAINT devices_service CHECK
        (role <> 'service' OR scope_ref IN ('registry', 'audit', 'interviews', 'tally'));

-- The device registry as hj-busd loads it, now with the service a daemon's key
-- is enrolled for (appended: a view keeps its columns' order).
CREATE OR REPLACE VIEW bus.device_grants AS
SELECT d.public_key, d.name, d.team, d.role, d.revoked_at IS NOT NULL AS revoked,
       CASE d.role
           WHEN 'guidance-group' THEN
               ARRAY(SELECT bc.community FROM registry.body_community bc
                     WHERE bc.body_id::text = d.scope_ref ORDER BY bc.community)
           WHEN 'election-committee' THEN ARRAY[d.scope_ref]
       END AS communities,
       CASE WHEN d.role = 'service' THEN d.scope_ref END AS service
FROM bus.devices d;

-- A daemon enrols its own key on start, vouched for by its database login:
-- the service comes from the role (hj_registry -> registry), never from the
-- caller, so a login can enrol keys for its own service only. Returns the
-- key's name (the worker's identity in the broker's log). A key enrolled for
-- another service, or revoked, is refused.
CREATE FUNCTION bus.enrol_service_key(key text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, bus AS $$
DECLARE
    svc text := (SELECT a.writes FROM bus.journal_access a WHERE a.role = session_user);
    d bus.devices;
BEGIN
    IF svc IS NULL OR svc NOT IN ('registry', 'audit', 'interviews', 'tally') THEN
        RAISE EXCEPTION 'role % serves no service: it cannot enrol a service key', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO bus.devices (public_key, name, team, role, scope_ref)
    VALUES (key, 'service.' || svc || '.' || left(encode(sha256(convert_to(key, 'UTF8')), 'hex'), 12),
            'hj-' || svc || 'd', 'service', svc)
    ON CONFLICT (public_key) DO NOTHING;
    SELECT * INTO d FROM bus.devices WHERE public_key = key;
    IF d.role <> 'service' OR d.scope_ref <> svc THEN
        RAISE EXCEPTION 'this key is enrolled as %, not for service %', d.name, svc
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF d.revoked_at IS NOT NULL THEN
        RAISE EXCEPTION 'service key % was revoked at %: make a new one', d.name, d.revoked_at
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN d.name;
END
$$;
REVOKE ALL ON FUNCTION bus.enrol_service_key(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION bus.enrol_service_key(text) TO hj_registry, hj_audit, hj_interviews,
    hj_tally;

-- hj-busd's public key, published by hj-busd when it starts, so a daemon
-- learns whom it talks to from its own database login (no file to share).
CREATE TABLE bus.server_key (
    one        boolean PRIMARY KEY DEFAULT true CHECK (one),
    public_key text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT, UPDATE ON bus.server_key TO hj_busd;
GRANT SELECT ON bus.server_key TO hj_registry, hj_audit, hj_interviews, hj_tally, hj_admin;

-- ---- the chain, version 2 ----------------------------------------------------
-- Version 1 (001) left out id, request_digest and reply: a rewritten reply
-- (what a replay answers) or request digest went unnoticed. From the row after
-- the head at this migration on, the link covers them too:
--   v1: seq, request_id, service, kind, community, actor, committed_at (UTC,
--       microseconds) joined by U+001F, then the payload bytes
--   v2: the same text fields, U+001F, "v2", then SHA-256(payload),
--       request_digest (32 bytes) and SHA-256(reply): fixed lengths, so no
--       two rows share an input.
-- hash = sha256(prev_hash || input). id is left out on purpose: it is the
-- insertion order inside one database and changes under a dump and restore;
-- seq is the order the chain vouches for.
CREATE TABLE bus.chain (
    one      boolean PRIMARY KEY DEFAULT true CHECK (one),
    v2_after bigint NOT NULL
);
INSERT INTO bus.chain SELECT true, seq FROM bus.relay_head;
GRANT SELECT ON bus.chain TO hj_busd, hj_admin;

CREATE OR REPLACE FUNCTION bus.journal_digest_input(j bus.journal) RETURNS bytea
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT convert_to(concat_ws(E'\x1f', j.seq::text, j.request_id::text, j.service,
                              j.kind, j.community, j.actor,
                              to_char(j.committed_at AT TIME ZONE 'UTC',
                                      'YYYY-MM-DD"T"HH24:MI:SS.US')), 'UTF8')
         || CASE WHEN j.seq > (SELECT c.v2_after FROM bus.chain c)
                 THEN convert_to(E'\x1fv2', 'UTF8') || sha256(j.payload) || j.request_digest
                      || sha256(j.reply)
                 ELSE j.payload END
$$;

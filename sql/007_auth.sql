-- Who may do what (issue 9): enrolled devices with their role and scope, a
-- login role per daemon with only the privileges it needs, and a journal that
-- nobody can rewrite quietly.

-- ---- devices ---------------------------------------------------------------
-- One row per enrolled laptop or operator (`hj admin device enrol`). Only the
-- public key is kept; the secret key lives in the device file alone.
-- scope_ref anchors a scoped role: a guidance group's body id (its scope is
-- the communities that body guides, now) or an election committee's community.
ALTER TABLE bus.devices
    ADD COLUMN scope_ref text,
    ADD CONSTRAINT devices_role CHECK (role IN ('district-admin', 'subdistrict-office',
        'guidance-group', 'auditor', 'election-committee', 'observer')),
    -- The name is the journal's actor and a file name: a plain word.
    ADD CONSTRAINT devices_name CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._@-]{0,62}$'),
    ADD CONSTRAINT devices_key CHECK (public_key ~ '^[0-9A-Za-z.:+=^!/*?&<>()\[\]{}@%$#-]{40}$'),
    ADD CONSTRAINT devices_scope CHECK
        ((role IN ('guidance-group', 'election-committee')) = (scope_ref IS NOT NULL));

-- What hj-busd keeps in memory: every device with the communities it may
-- write for (NULL = not scoped). A guidance group's scope follows the
-- registry, so a community handed to another group leaves the old one's scope.
CREATE VIEW bus.device_grants AS
SELECT d.public_key, d.name, d.team, d.role, d.revoked_at IS NOT NULL AS revoked,
       CASE d.role
           WHEN 'guidance-group' THEN
               ARRAY(SELECT bc.community FROM registry.body_community bc
                     WHERE bc.body_id::text = d.scope_ref ORDER BY bc.community)
           WHEN 'election-committee' THEN ARRAY[d.scope_ref]
       END AS communities
FROM bus.devices d;

-- hj-busd reloads its copy on this NOTIFY (sent at COMMIT of an enrolment, a
-- revocation or a change of what a guidance group guides) and periodically.
CREATE FUNCTION bus.devices_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('hj_devices', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER devices_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON bus.devices
    FOR EACH STATEMENT EXECUTE FUNCTION bus.devices_changed();
CREATE TRIGGER guidance_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON registry.body_community FOR EACH STATEMENT EXECUTE FUNCTION bus.devices_changed();

-- ---- the journal: append-only, sealed once ---------------------------------
-- For everyone, the owner included: a row arrives unsealed; the relay may set
-- seq, prev_hash and hash once, on a row not yet sealed, and nothing else;
-- no row is ever deleted. Only a superuser who switches triggers off
-- (session_replication_role) can get past this, and `hj admin journal
-- verify` names the first row such a person changed.
CREATE FUNCTION bus.journal_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    o bus.journal;
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.seq IS NOT NULL OR NEW.prev_hash IS NOT NULL OR NEW.hash IS NOT NULL THEN
            RAISE EXCEPTION 'bus.journal: a new row arrives unsealed (seq, prev_hash and hash are the relay''s)'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    ELSIF TG_OP = 'UPDATE' THEN
        IF OLD.seq IS NOT NULL THEN
            RAISE EXCEPTION 'bus.journal: seq % is sealed; the journal is append-only', OLD.seq
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        o := OLD;
        o.seq := NEW.seq;
        o.prev_hash := NEW.prev_hash;
        o.hash := NEW.hash;
        IF o IS DISTINCT FROM NEW OR NEW.seq IS NULL OR NEW.prev_hash IS NULL OR NEW.hash IS NULL THEN
            RAISE EXCEPTION 'bus.journal: sealing sets seq, prev_hash and hash, and nothing else'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'bus.journal is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER journal_guard BEFORE INSERT OR UPDATE OR DELETE ON bus.journal
    FOR EACH ROW EXECUTE FUNCTION bus.journal_guard();
CREATE TRIGGER journal_no_truncate BEFORE TRUNCATE ON bus.journal
    FOR EACH STATEMENT EXECUTE FUNCTION bus.journal_guard();

-- The same bytes as 001's definition, declared STABLE (to_char and concat_ws
-- are) so the planner inlines it, and PARALLEL SAFE so `journal verify`
-- recomputes a million hashes on every core: about 1.4 s instead of 5.8 s.
CREATE OR REPLACE FUNCTION bus.journal_digest_input(j bus.journal) RETURNS bytea
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT convert_to(concat_ws(E'\x1f', j.seq::text, j.request_id::text, j.service,
                              j.kind, j.community, j.actor,
                              to_char(j.committed_at AT TIME ZONE 'UTC',
                                      'YYYY-MM-DD"T"HH24:MI:SS.US')), 'UTF8')
         || j.payload
$$;

-- ---- a login role per daemon -------------------------------------------------
-- Each daemon connects as hj_<service> (hj_busd for the broker and relay,
-- hj_admin for `hj admin`). No passwords here: give them with ALTER ROLE ...
-- PASSWORD and ~/.pgpass, or certificate / peer rules in pg_hba.conf.
CREATE FUNCTION bus.ensure_role(role_name text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = role_name) THEN
        EXECUTE format('CREATE ROLE %I LOGIN', role_name);
    END IF;
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), role_name);
END
$$;

-- What every service's role gets: its own schema (tables made by later
-- migrations included), reading the journal (replies to replays, catching
-- up on other services' records) and inserting unsealed rows into it.
-- Never UPDATE or DELETE on the journal. A new service calls this from its
-- migration (after 007): SELECT bus.grant_service('hj_tally', 'tally');
CREATE FUNCTION bus.grant_service(role_name text, own_schema text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bus.ensure_role(role_name);
    EXECUTE format('GRANT USAGE ON SCHEMA bus TO %I', role_name);
    EXECUTE format('GRANT SELECT ON bus.journal TO %I', role_name);
    EXECUTE format('GRANT INSERT (request_id, request_digest, service, kind, community, actor, '
                   'payload, reply) ON bus.journal TO %I', role_name);
    EXECUTE format('GRANT USAGE ON SEQUENCE bus.journal_id_seq TO %I', role_name);
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', own_schema, role_name);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO %I',
                   own_schema, role_name);
    EXECUTE format('GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA %I TO %I',
                   own_schema, role_name);
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE '
                   'ON TABLES TO %I', own_schema, role_name);
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT USAGE, SELECT, UPDATE '
                   'ON SEQUENCES TO %I', own_schema, role_name);
END
$$;

SELECT bus.grant_service('hj_registry', 'registry');
SELECT bus.grant_service('hj_audit', 'audit');
SELECT bus.grant_service('hj_interviews', 'interviews');

-- hj-busd: the relay seals rows (column privileges: seq, prev_hash, hash
-- only; the guard above: only rows not yet sealed) and the ZAP handler reads
-- the devices.
SELECT bus.ensure_role('hj_busd');
GRANT USAGE ON SCHEMA bus TO hj_busd;
GRANT SELECT, UPDATE (seq, prev_hash, hash) ON bus.journal TO hj_busd;
GRANT SELECT, UPDATE ON bus.relay_head TO hj_busd;
GRANT SELECT ON bus.device_grants TO hj_busd;

-- `hj admin` on the server: enrol and revoke devices, verify the journal.
SELECT bus.ensure_role('hj_admin');
GRANT USAGE ON SCHEMA bus, registry TO hj_admin;
GRANT SELECT ON bus.journal, bus.relay_head, bus.device_grants TO hj_admin;
GRANT SELECT, INSERT, UPDATE (revoked_at) ON bus.devices TO hj_admin;
GRANT SELECT ON registry.body, registry.community TO hj_admin;

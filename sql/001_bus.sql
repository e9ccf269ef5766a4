-- The backbone: the journal every write appends to, and the device registry
-- (filled by the authentication issue; the broker's ZAP seam reads it).
CREATE SCHEMA IF NOT EXISTS bus;

-- One row per acknowledged write, inserted in the same transaction as the
-- domain rows. request_id is the client-made UUID: its uniqueness is what
-- makes every write idempotent, and `reply` is the first answer, returned
-- again to a replay. seq/prev_hash/hash are set by the journal relay in
-- hj-busd after COMMIT: seq is contiguous and in the order the relay saw
-- the commits; hash = sha256(prev_hash || bus.journal_digest_input(row)).
CREATE TABLE bus.journal (
    id          bigserial PRIMARY KEY,
    request_id  uuid NOT NULL UNIQUE,
    request_digest bytea NOT NULL,     -- SHA-256 of the request body: a reused id with another body is refused
    service     text NOT NULL,
    kind        text NOT NULL,
    community   text NOT NULL DEFAULT '-',
    actor       text NOT NULL,
    payload     bytea NOT NULL,
    reply       bytea NOT NULL,
    committed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    seq         bigint UNIQUE,
    prev_hash   bytea,
    hash        bytea
);
CREATE INDEX journal_unsequenced ON bus.journal (id) WHERE seq IS NULL;
CREATE INDEX journal_community ON bus.journal (community, seq);

-- What the hash chain covers: everything but the chain columns themselves.
CREATE FUNCTION bus.journal_digest_input(j bus.journal) RETURNS bytea
LANGUAGE sql IMMUTABLE AS $$
  SELECT convert_to(concat_ws(E'\x1f', j.seq::text, j.request_id::text, j.service,
                              j.kind, j.community, j.actor,
                              to_char(j.committed_at AT TIME ZONE 'UTC',
                                      'YYYY-MM-DD"T"HH24:MI:SS.US')), 'UTF8')
         || j.payload
$$;

-- Relay state: the head of the chain.
CREATE TABLE bus.relay_head (
    one       boolean PRIMARY KEY DEFAULT true CHECK (one),
    seq       bigint NOT NULL,
    hash      bytea NOT NULL
);
INSERT INTO bus.relay_head VALUES (true, 0, '\x'::bytea);

CREATE TABLE bus.devices (
    public_key  text PRIMARY KEY,      -- Z85 CURVE public key
    name        text NOT NULL UNIQUE,
    team        text NOT NULL,
    role        text NOT NULL,
    enrolled_at timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);

-- The relay's one step, in one round trip: give the next committed but
-- unsequenced rows (in the order the relay finds them committed) their
-- contiguous sequence numbers and hash-chain links, and return them.
CREATE FUNCTION bus.relay_assign(batch integer) RETURNS SETOF bus.journal
LANGUAGE plpgsql AS $$
DECLARE
    head bus.relay_head;
    r bus.journal;
BEGIN
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
    UPDATE bus.relay_head SET seq = head.seq, hash = head.hash;
END
$$;

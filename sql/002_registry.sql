-- hj-registryd core: the administrative tree, persons, committee seats.
CREATE SCHEMA IF NOT EXISTS registry;

CREATE TABLE registry.district (
    code text PRIMARY KEY,
    name text NOT NULL
);

CREATE TABLE registry.subdistrict (
    code     text PRIMARY KEY,
    name     text NOT NULL,
    district text NOT NULL REFERENCES registry.district(code)
);

CREATE TABLE registry.community (
    code        text PRIMARY KEY,                 -- e.g. KBS-BH-01
    name        text NOT NULL,
    subdistrict text NOT NULL REFERENCES registry.subdistrict(code),
    org_type    smallint NOT NULL CHECK (org_type BETWEEN 1 AND 3), -- 1 branch, 2 general branch, 3 committee
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX community_subdistrict ON registry.community (subdistrict, code);

CREATE TABLE registry.person (
    id           uuid PRIMARY KEY,
    name         text NOT NULL,
    gender       text NOT NULL CHECK (gender IN ('male', 'female')),
    ethnicity    text NOT NULL DEFAULT '',
    birth_date   date,
    party_member boolean NOT NULL DEFAULT false,
    id_hash      bytea UNIQUE,      -- HMAC-SHA256 of the identity-card number, key outside the database
    id_mask      text,              -- first 6 and last 4 characters
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE registry.seat (
    id         uuid PRIMARY KEY,
    community  text NOT NULL REFERENCES registry.community(code),
    person_id  uuid NOT NULL REFERENCES registry.person(id),
    committee  smallint NOT NULL CHECK (committee IN (1, 2)),  -- 1 party, 2 residents
    role       text NOT NULL,
    term_start date NOT NULL,
    term_end   date,
    CHECK (term_end IS NULL OR term_end >= term_start)
);
CREATE INDEX seat_community ON registry.seat (community, id);
-- One open seat per person per committee of a community.
CREATE UNIQUE INDEX seat_sitting ON registry.seat (community, committee, person_id) WHERE term_end IS NULL;

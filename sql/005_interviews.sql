-- hj-interviewsd: talks (谈心谈话) and the roster they are measured against.
CREATE SCHEMA IF NOT EXISTS interviews;

-- The registry's communities, persons and committee seats as this service
-- knows them: a projection of the registry's journal rows (community_added,
-- community_updated, person_added, seat_added, seat_ended), never read from
-- the registry's own tables. Every call catches up inside its own
-- transaction before it reads, so the roster is current as of the call.
-- Applying a journal row is idempotent and order-independent (each payload
-- carries the whole record), so a row may safely be applied twice.
CREATE TABLE interviews.community (
    code text PRIMARY KEY,
    name text NOT NULL
);

CREATE TABLE interviews.person (
    id   uuid PRIMARY KEY,
    name text NOT NULL
);

CREATE TABLE interviews.seat (
    id         uuid PRIMARY KEY,
    community  text NOT NULL,
    person_id  uuid NOT NULL,
    committee  smallint NOT NULL,      -- 1 party, 2 residents (registry.proto Committee)
    role       text NOT NULL,
    term_start date NOT NULL,
    term_end   date                    -- NULL while sitting: the roster is the seats without one
);
CREATE INDEX seat_sitting ON interviews.seat (community, person_id) WHERE term_end IS NULL;

-- Every journal row with seq <= this has been applied to the projection.
-- Rows above it, or not yet sequenced by the relay (seq IS NULL: the relay
-- numbers rows a few milliseconds after they commit), are looked at again.
CREATE TABLE interviews.roster_cursor (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    seq bigint NOT NULL
);
INSERT INTO interviews.roster_cursor VALUES (true, 0);

-- One talk. id is the client-made UUID (the request id of the write), so a
-- record submitted twice from a laptop is stored once.
CREATE TABLE interviews.talk (
    id                 uuid PRIMARY KEY,
    community          text NOT NULL REFERENCES interviews.community(code),
    phase              smallint NOT NULL CHECK (phase BETWEEN 1 AND 3), -- 1 survey, 2 preparation, 3 other
    talk_date          date NOT NULL,          -- when it took place, not when it arrived
    interviewee_person uuid REFERENCES interviews.person(id),
    interviewee_role   smallint CHECK (interviewee_role BETWEEN 1 AND 5), -- OutsideRole
    interviewee_name   text NOT NULL,          -- the registry's name, or the outside party's
    sitting_member     boolean NOT NULL DEFAULT false,
    summary            text NOT NULL CHECK (summary <> ''),
    concern_raised     boolean NOT NULL DEFAULT false,
    recorded_by        text NOT NULL,
    recorded_at        timestamptz NOT NULL DEFAULT now(),
    CHECK ((interviewee_person IS NULL) <> (interviewee_role IS NULL))
);
CREATE INDEX talk_by_date ON interviews.talk (talk_date, id);
CREATE INDEX talk_by_community ON interviews.talk (community, talk_date, id);
-- Coverage: the last preparation-phase talk of each person in a community.
CREATE INDEX talk_coverage ON interviews.talk (community, interviewee_person, talk_date)
    WHERE phase = 2 AND interviewee_person IS NOT NULL;

CREATE TABLE interviews.talk_interviewer (
    talk_id   uuid NOT NULL REFERENCES interviews.talk(id),
    position  smallint NOT NULL,
    person_id uuid NOT NULL REFERENCES interviews.person(id),
    name      text NOT NULL,
    PRIMARY KEY (talk_id, position),
    UNIQUE (talk_id, person_id)
);
CREATE INDEX talk_interviewer_person ON interviews.talk_interviewer (person_id);

CREATE TABLE interviews.talk_topic (
    talk_id  uuid NOT NULL REFERENCES interviews.talk(id),
    position smallint NOT NULL,
    topic    text NOT NULL CHECK (topic <> ''),
    PRIMARY KEY (talk_id, position)
);

CREATE TABLE interviews.follow_up (
    talk_id   uuid NOT NULL REFERENCES interviews.talk(id),
    number    smallint NOT NULL CHECK (number >= 1),
    action    text NOT NULL CHECK (action <> ''),
    owner     text NOT NULL CHECK (owner <> ''),
    due_date  date NOT NULL,
    closed_on date,
    PRIMARY KEY (talk_id, number)
);
CREATE INDEX follow_up_open ON interviews.follow_up (due_date) WHERE closed_on IS NULL;

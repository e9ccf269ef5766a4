-- hj-tallyd, part 1: the readiness board and the election gates.
--
-- The projection. hj-tallyd reads bus.journal in sequence order and keeps, in
-- these tables, the facts of the other services' records that the board
-- counts: never their own tables. Each row is applied exactly once: the
-- projection change and the new cursor commit in one transaction. Each
-- payload carries the whole record, so applying one is an upsert by id.
CREATE SCHEMA IF NOT EXISTS tally;

-- The consumer's state: the last journal event applied, the last board
-- change published (tally_seq: contiguous, one step per published event),
-- the day overdue tasks were counted against, and the district totals.
CREATE TABLE tally.cursor (
    one          boolean PRIMARY KEY DEFAULT true CHECK (one),
    journal_seq  bigint NOT NULL,
    tally_seq    bigint NOT NULL,
    today        date,
    district     bytea,                 -- hj.tally.DistrictTotals (tally_seq 0)
    district_seq bigint NOT NULL DEFAULT 0
);
INSERT INTO tally.cursor (one, journal_seq, tally_seq) VALUES (true, 0, 0);

-- One board per community: hj.tally.CommunityBoard packed with tally_seq 0
-- (so an unchanged board packs to the same bytes), and the change that last
-- touched it.
CREATE TABLE tally.board (
    community text PRIMARY KEY,
    board     bytea NOT NULL,
    tally_seq bigint NOT NULL
);

-- registry: community_added / community_updated
CREATE TABLE tally.community (
    code        text PRIMARY KEY,
    name        text NOT NULL,
    subdistrict text NOT NULL
);
CREATE INDEX community_subdistrict ON tally.community (subdistrict);

-- registry: seat_added / seat_ended (sitting = no term_end)
CREATE TABLE tally.seat (
    id        uuid PRIMARY KEY,
    community text NOT NULL,
    person_id uuid NOT NULL,
    committee smallint NOT NULL,        -- 1 party, 2 residents
    sitting   boolean NOT NULL
);
CREATE INDEX seat_community ON tally.seat (community, person_id) WHERE sitting;

-- registry: assessment_added
CREATE TABLE tally.assessment (
    id        uuid PRIMARY KEY,
    seat_id   uuid NOT NULL,
    community text NOT NULL
);
CREATE INDEX assessment_seat ON tally.assessment (seat_id);

-- registry: publicity_added (community NULL: the whole subdistrict)
CREATE TABLE tally.publicity (
    id          uuid PRIMARY KEY,
    community   text,
    subdistrict text NOT NULL,
    kind        text NOT NULL,
    count       integer NOT NULL
);
CREATE INDEX publicity_community ON tally.publicity (community);
CREATE INDEX publicity_subdistrict ON tally.publicity (subdistrict) WHERE community IS NULL;

-- registry: reserve_added / reserve_updated / reserve_imported
CREATE TABLE tally.reserve (
    id        uuid PRIMARY KEY,
    community text NOT NULL,
    committee smallint NOT NULL,
    status    text NOT NULL,            -- active | withdrawn | nominated
    vetting   text NOT NULL             -- pending | cleared | barred
);
CREATE INDEX reserve_community ON tally.reserve (community);

-- registry: rectification_opened / _advanced / _closed
CREATE TABLE tally.rectification (
    id        uuid PRIMARY KEY,
    community text NOT NULL,
    state     text NOT NULL             -- open | in_progress | closed
);
CREATE INDEX rectification_community ON tally.rectification (community) WHERE state <> 'closed';

-- registry: upgrade_requested / upgrade_decided
CREATE TABLE tally.upgrade (
    id           uuid PRIMARY KEY,
    community    text NOT NULL,
    to_type      smallint NOT NULL,     -- registry.proto OrgType
    state        text NOT NULL,         -- requested | approved | rejected
    requested_on text NOT NULL
);
CREATE INDEX upgrade_community ON tally.upgrade (community) WHERE state = 'requested';

-- registry: plan_added / _edited / _revised / plan_step_decided (community plans only)
CREATE TABLE tally.plan (
    id             uuid PRIMARY KEY,
    community      text NOT NULL,
    version        integer NOT NULL,
    state          text NOT NULL,       -- draft | returned | in_force | superseded
    steps_total    integer NOT NULL,
    steps_approved integer NOT NULL,
    next_step      text NOT NULL,       -- the first pending step's approver body
    returned_step  text NOT NULL,       -- "N name" of a returned step
    in_force_on    text NOT NULL
);
CREATE INDEX plan_community ON tally.plan (community, version);

-- registry: task_added / task_done
CREATE TABLE tally.task (
    id        uuid PRIMARY KEY,
    community text,
    due       date NOT NULL,
    done      boolean NOT NULL
);
CREATE INDEX task_open ON tally.task (community, due) WHERE NOT done;

-- registry: body_added / body_changed: election committees (their members)
-- and guidance groups (the communities each guides).
CREATE TABLE tally.body (
    id        uuid PRIMARY KEY,
    kind      text NOT NULL,
    name      text NOT NULL,
    community text
);
CREATE INDEX body_committee ON tally.body (community) WHERE kind = 'election_committee';
CREATE TABLE tally.body_member (
    body_id   uuid NOT NULL,
    person_id uuid NOT NULL,
    PRIMARY KEY (body_id, person_id)
);
CREATE INDEX body_member_person ON tally.body_member (person_id);
CREATE TABLE tally.guidance (
    community text PRIMARY KEY,
    body_id   uuid NOT NULL
);

-- registry: training_added: who attended (trained = attended any session)
CREATE TABLE tally.training_attendee (
    training_id uuid NOT NULL,
    person_id   uuid NOT NULL,
    PRIMARY KEY (training_id, person_id)
);
CREATE INDEX training_attendee_person ON tally.training_attendee (person_id);

-- audit: audit_opened / _advanced / _published, audit_scope_updated,
-- audit_finding_added / _updated
CREATE TABLE tally.audit (
    id          uuid PRIMARY KEY,
    community   text NOT NULL,
    term        text NOT NULL,
    state       smallint NOT NULL,      -- audit.proto State
    period_to   text NOT NULL,
    opened_on   text NOT NULL,
    published_on text NOT NULL
);
CREATE INDEX audit_latest ON tally.audit (community, period_to DESC, opened_on DESC, id);
CREATE TABLE tally.audit_scope (
    audit  uuid NOT NULL,
    no     integer NOT NULL,
    status smallint NOT NULL,           -- audit.proto ScopeStatus
    PRIMARY KEY (audit, no)
);
CREATE TABLE tally.audit_finding (
    audit    uuid NOT NULL,
    no       integer NOT NULL,
    severity smallint NOT NULL,         -- audit.proto Severity
    remedy   smallint NOT NULL,         -- audit.proto Remedy
    PRIMARY KEY (audit, no)
);

-- interviews: talk_recorded / followup_closed
CREATE TABLE tally.talk (
    id              uuid PRIMARY KEY,
    community       text NOT NULL,
    phase           smallint NOT NULL,  -- 1 survey, 2 preparation, 3 other
    person_id       uuid,               -- a registry person talked to, else NULL
    outside         boolean NOT NULL,   -- an outside party (property company, ...)
    open_follow_ups integer NOT NULL
);
CREATE INDEX talk_coverage ON tally.talk (community, person_id) WHERE phase = 2;

-- ---- hj-tallyd's own record: elections and gate overrides -----------------
-- An election is scheduled for one body of one community; at most one per
-- body is running (not yet finished) at a time. id = the request id of the
-- first schedule. Opening it is refused while a gate is red, unless the
-- district overrides that gate with a reason (kept with its actor).
CREATE TABLE tally.election (
    id            uuid PRIMARY KEY,
    community     text NOT NULL,
    body          text NOT NULL CHECK (body IN ('party', 'residents')),
    election_date date NOT NULL,
    seats         integer NOT NULL CHECK (seats BETWEEN 1 AND 30),
    profile       text NOT NULL,        -- the counting-rules profile (services/tally/profiles)
    state         text NOT NULL DEFAULT 'scheduled' CHECK (state IN ('scheduled', 'open')),
    scheduled_by  text NOT NULL,
    opened_by     text NOT NULL DEFAULT '',
    opened_at     timestamptz
);
CREATE UNIQUE INDEX election_running ON tally.election (community, body);
CREATE INDEX election_community ON tally.election (community, election_date);

CREATE TABLE tally.gate_override (
    election uuid NOT NULL REFERENCES tally.election(id),
    gate     smallint NOT NULL CHECK (gate BETWEEN 1 AND 8),  -- tally.proto GateId
    reason   text NOT NULL CHECK (reason <> ''),
    actor    text NOT NULL,
    at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (election, gate)
);

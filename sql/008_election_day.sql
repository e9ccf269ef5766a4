-- hj-tallyd, part 2: election day. The voter roll (选民登记) with its
-- objections and proxies, the candidate list, rounds with their ballot
-- papers, ballot boxes, ballots entered one by one or as box totals, the
-- certification of a result and its amendments.

-- The reserve ledger's entries now carry their person (the candidate list
-- names them). The projection is read again from the journal: facts only,
-- the boards and the tally sequence stay (a dashboard never sees it go back).
ALTER TABLE tally.reserve ADD COLUMN person_id uuid, ADD COLUMN person_name text NOT NULL DEFAULT '';
TRUNCATE tally.community, tally.seat, tally.assessment, tally.publicity, tally.reserve,
         tally.rectification, tally.upgrade, tally.plan, tally.task, tally.body, tally.body_member,
         tally.guidance, tally.training_attendee, tally.audit, tally.audit_scope,
         tally.audit_finding, tally.talk;
UPDATE tally.cursor SET journal_seq = 0;

-- An election is voted on in one mode; certified locks its result.
ALTER TABLE tally.election
    ADD COLUMN mode text NOT NULL DEFAULT 'ordinary'
        CHECK (mode IN ('ordinary', 'household', 'representative')),
    ADD COLUMN certified_by text NOT NULL DEFAULT '',
    ADD COLUMN certified_at timestamptz,
    DROP CONSTRAINT election_state_check,
    ADD CONSTRAINT election_state_check CHECK (state IN ('scheduled', 'open', 'certified'));

-- 选民登记: one roll per community. published_on feeds gate 8.
CREATE TABLE tally.voter_roll (
    community       text PRIMARY KEY,
    voters          integer NOT NULL CHECK (voters >= 0),
    households      integer NOT NULL CHECK (households >= 0),
    representatives integer NOT NULL CHECK (representatives >= 0),
    published_on    date,
    recorded_by     text NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- Objections to the published list (申诉), within the profile's days.
CREATE TABLE tally.objection (
    id         uuid PRIMARY KEY,          -- the request id of the filing
    community  text NOT NULL REFERENCES tally.voter_roll(community),
    filed_by   text NOT NULL,
    filed_on   date NOT NULL,
    about      text NOT NULL,
    decision   text NOT NULL DEFAULT '' CHECK (decision IN ('', 'upheld', 'dismissed')),
    decided_on date,
    note       text NOT NULL DEFAULT '',
    decided_by text NOT NULL DEFAULT '',
    CHECK ((decision = '') = (decided_on IS NULL))
);
CREATE INDEX objection_community ON tally.objection (community, filed_on);

-- 委托投票: a voter (principal) lets another (holder) cast their ballot.
-- Voters are named by their voter number (选民证号) on the roll.
CREATE TABLE tally.proxy (
    election       uuid NOT NULL REFERENCES tally.election(id),
    principal      text NOT NULL,
    principal_name text NOT NULL,
    holder         text NOT NULL,
    holder_name    text NOT NULL,
    recorded_by    text NOT NULL,
    PRIMARY KEY (election, principal),
    CHECK (principal <> holder)
);
CREATE INDEX proxy_holder ON tally.proxy (election, holder);

-- The candidate list of the first round, in ballot order (the order given).
CREATE TABLE tally.candidate (
    election  uuid NOT NULL REFERENCES tally.election(id),
    position  integer NOT NULL CHECK (position >= 1),
    person_id uuid NOT NULL,
    name      text NOT NULL,
    PRIMARY KEY (election, position),
    UNIQUE (election, person_id)
);

-- Rounds: the first vote, further rounds (另行选举), re-votes among the tied,
-- and re-runs of a void round. Each has its own ballot paper.
CREATE TABLE tally.round (
    election      uuid NOT NULL REFERENCES tally.election(id),
    no            integer NOT NULL CHECK (no >= 1),
    kind          text NOT NULL CHECK (kind IN ('first', 'further', 'revote')),
    seats_to_fill integer NOT NULL CHECK (seats_to_fill >= 1),
    electorate    integer NOT NULL CHECK (electorate >= 1),
    present       integer NOT NULL CHECK (present >= 0),
    opened_by     text NOT NULL,
    opened_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (election, no)
);

-- A round's ballot paper: candidates in order; person_id NULL for a write-in
-- who stands in a further round.
CREATE TABLE tally.paper (
    election  uuid NOT NULL,
    round     integer NOT NULL,
    position  integer NOT NULL CHECK (position >= 1),
    person_id uuid,
    name      text NOT NULL,
    PRIMARY KEY (election, round, position),
    FOREIGN KEY (election, round) REFERENCES tally.round(election, no)
);

-- Names written in (另选他人) in a round; id 0.. is the person n_candidates + id.
CREATE TABLE tally.writein (
    election uuid NOT NULL,
    round    integer NOT NULL,
    id       integer NOT NULL CHECK (id >= 0),
    name     text NOT NULL,
    PRIMARY KEY (election, round, id),
    UNIQUE (election, round, name),
    FOREIGN KEY (election, round) REFERENCES tally.round(election, no)
);

-- Ballot boxes (main and mobile) with what they held, and their count:
-- either ballots entered one by one (entry 'ballots', summed as they come)
-- or a total counted by hand (entry 'total'). votes: one a person, the
-- paper's candidates first, then write-ins by id.
CREATE TABLE tally.box (
    election    uuid NOT NULL,
    round       integer NOT NULL,
    name        text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('main', 'mobile')),
    issued      integer NOT NULL CHECK (issued >= 0),
    returned    integer NOT NULL CHECK (returned >= 0),
    entry       text NOT NULL DEFAULT '' CHECK (entry IN ('', 'ballots', 'total')),
    counted     integer NOT NULL DEFAULT 0,   -- ballots counted so far
    valid       integer NOT NULL DEFAULT 0,
    invalid     integer NOT NULL DEFAULT 0,
    votes       bigint[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (election, round, name),
    FOREIGN KEY (election, round) REFERENCES tally.round(election, no),
    CHECK (counted = valid + invalid AND counted <= returned)
);

-- Every ballot entered one by one, as entered: one mark a candidate
-- (0 none, 1 yes, 2 no, 3 abstain) and its write-ins ("name>beside", \x1f
-- between them). batch = the request id of the entry, so a resubmission
-- is stored (and counted) once.
CREATE TABLE tally.ballot (
    batch    uuid NOT NULL,
    no       integer NOT NULL,
    election uuid NOT NULL,
    round    integer NOT NULL,
    box      text NOT NULL,
    marks    bytea NOT NULL,
    writeins text NOT NULL DEFAULT '',
    valid    boolean NOT NULL,
    PRIMARY KEY (batch, no),
    FOREIGN KEY (election, round, box) REFERENCES tally.box(election, round, name)
);

-- After certification a correction is an amendment with its reason: a box's
-- count as it was and as corrected (hj.tally.BoxTotal each), never an edit.
CREATE TABLE tally.amendment (
    id       uuid PRIMARY KEY,            -- the request id
    election uuid NOT NULL REFERENCES tally.election(id),
    round    integer NOT NULL,
    box      text NOT NULL,
    reason   text NOT NULL CHECK (reason <> ''),
    before   bytea NOT NULL,
    after    bytea NOT NULL,
    actor    text NOT NULL,
    at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX amendment_election ON tally.amendment (election, at);

-- The live count of each election as last published (hj.tally.Count,
-- tally_seq 0), so an unchanged count is not published again.
CREATE TABLE tally.count (
    election  uuid PRIMARY KEY REFERENCES tally.election(id),
    count     bytea NOT NULL,
    tally_seq bigint NOT NULL
);

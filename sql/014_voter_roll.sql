-- 选民登记 by name (issue 21): the roll of one election, one row a voter.
-- The counts-only roll (tally.voter_roll) stays for a quick start; once an
-- election has a named roll, its community's voters count is derived from
-- the entries on it (roll_db.c keeps them equal in the same transaction).
CREATE TABLE tally.voter (
    election    uuid NOT NULL REFERENCES tally.election(id),
    no          integer NOT NULL CHECK (no >= 1),  -- 选民证号: file order, then additions
    name        text NOT NULL CHECK (name <> ''),
    gender      text NOT NULL CHECK (gender IN ('male', 'female')),
    birth_date  date NOT NULL,                     -- the age check; personal (hj_auth_personal)
    group_name  text NOT NULL CHECK (group_name <> ''),  -- residents' group (居民小组) or household
    person_id   uuid,                              -- the registry person, when known: a candidate's identity
    on_roll     boolean NOT NULL DEFAULT true,     -- false: removed by an upheld objection
    recorded_by text NOT NULL,
    PRIMARY KEY (election, no)
);
CREATE UNIQUE INDEX voter_person ON tally.voter (election, person_id) WHERE person_id IS NOT NULL;
CREATE INDEX voter_name ON tally.voter (election, name);

-- An objection by name against an election's named roll: 'remove' (the
-- person is on it and should not be) or 'add' (missing; the entry to add
-- when upheld). Objections to a counts-only roll keep these empty.
ALTER TABLE tally.objection
    ADD COLUMN election   uuid REFERENCES tally.election(id),
    ADD COLUMN voter_name text NOT NULL DEFAULT '',
    ADD COLUMN action     text NOT NULL DEFAULT '' CHECK (action IN ('', 'remove', 'add')),
    ADD COLUMN gender     text NOT NULL DEFAULT '',
    ADD COLUMN birth_date date,
    ADD COLUMN group_name text NOT NULL DEFAULT '',
    ADD CHECK ((election IS NULL) = (action = ''));
CREATE INDEX objection_voter ON tally.objection (election, voter_name) WHERE election IS NOT NULL;

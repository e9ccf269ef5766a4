-- hj-registryd, the preparation record: publicity, survey (assessments, risk
-- notes, reserve ledger), rectification and upgrades, working bodies, plans
-- and tasks, training. Ids are UUIDs derived from the client's request id.
-- Every list pages by (its date, id): each table has that index, and one
-- with the community (or subdistrict) in front for the filtered lists.
-- *_by columns hold the actor of the write (the journal holds it too).

-- 宣传动员
CREATE TABLE registry.publicity (
    id          uuid PRIMARY KEY,
    subdistrict text NOT NULL REFERENCES registry.subdistrict(code),
    community   text REFERENCES registry.community(code),       -- NULL: the whole subdistrict
    channel     text NOT NULL CHECK (channel IN ('screen', 'wechat_group', 'notice_board', 'other')),
    kind        text NOT NULL CHECK (kind IN ('slogan', 'policy_reading', 'election_discipline',
                                              'good_practice', 'other')),
    pushed_on   date NOT NULL,
    count       integer NOT NULL CHECK (count BETWEEN 1 AND 100000),
    title       text NOT NULL,
    recorded_by text NOT NULL
);
CREATE INDEX publicity_page ON registry.publicity (pushed_on, id);
CREATE INDEX publicity_community ON registry.publicity (community, pushed_on, id);
CREATE INDEX publicity_subdistrict ON registry.publicity (subdistrict, pushed_on, id);

-- 调研摸底: assessments of sitting members
CREATE TABLE registry.assessment (
    id               uuid PRIMARY KEY,
    seat_id          uuid NOT NULL REFERENCES registry.seat(id),
    community        text NOT NULL REFERENCES registry.community(code),
    structure_note   text NOT NULL DEFAULT '',
    ability          smallint NOT NULL CHECK (ability BETWEEN 1 AND 5),
    ability_note     text NOT NULL DEFAULT '',
    performance      smallint NOT NULL CHECK (performance BETWEEN 1 AND 5),
    performance_note text NOT NULL DEFAULT '',
    practice         smallint NOT NULL CHECK (practice BETWEEN 1 AND 5),
    practice_note    text NOT NULL DEFAULT '',
    trust            smallint NOT NULL CHECK (trust BETWEEN 1 AND 5),
    trust_note       text NOT NULL DEFAULT '',
    assessor         text NOT NULL,
    assessed_on      date NOT NULL,
    recorded_by      text NOT NULL
);
CREATE INDEX assessment_page ON registry.assessment (assessed_on, id);
CREATE INDEX assessment_community ON registry.assessment (community, assessed_on, id);

-- Risk notes and the contingency plan (工作预案) of a community.
CREATE TABLE registry.community_risk (
    community        text PRIMARY KEY REFERENCES registry.community(code),
    risk_notes       text NOT NULL,
    contingency_plan text NOT NULL,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    updated_by       text NOT NULL
);

-- 后备人选台账 (an import names persons by name when it has no person_id)
CREATE INDEX person_name ON registry.person (name);
CREATE TABLE registry.reserve (
    id         uuid PRIMARY KEY,
    person_id  uuid NOT NULL REFERENCES registry.person(id),
    community  text NOT NULL REFERENCES registry.community(code),
    committee  smallint NOT NULL CHECK (committee IN (1, 2)),   -- 1 party, 2 residents
    source     text NOT NULL DEFAULT '',
    added_on   date NOT NULL,
    status     text NOT NULL CHECK (status IN ('active', 'withdrawn', 'nominated')),
    vetting    text NOT NULL CHECK (vetting IN ('pending', 'cleared', 'barred')),
    bar_reason text NOT NULL DEFAULT '' CHECK (bar_reason IN ('', 'criminal_record', 'gang_involvement',
                                               'illegal_religion', 'expelled_from_party', 'other')),
    note       text NOT NULL DEFAULT '',
    updated_by text NOT NULL,
    CHECK ((vetting = 'barred') = (bar_reason <> '')),
    CHECK (status <> 'nominated' OR vetting = 'cleared')
);
CREATE UNIQUE INDEX reserve_one_entry ON registry.reserve (community, committee, person_id);
CREATE INDEX reserve_page ON registry.reserve (added_on, id);
CREATE INDEX reserve_community ON registry.reserve (community, added_on, id);

-- 集中整顿
CREATE TABLE registry.rectification (
    id           uuid PRIMARY KEY,
    community    text NOT NULL REFERENCES registry.community(code),
    problem      text NOT NULL CHECK (problem IN ('complex_situation', 'gang_interference',
                     'religious_interference', 'petitions', 'weak_party_organisation', 'other')),
    description  text NOT NULL DEFAULT '',
    plan         text NOT NULL,
    owner        text NOT NULL,
    due          date NOT NULL,
    opened_on    date NOT NULL,
    state        text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'in_progress', 'closed')),
    started_on   date,
    closed_on    date,
    closing_note text NOT NULL DEFAULT '',
    verified_by  text NOT NULL DEFAULT '',
    opened_by    text NOT NULL,
    started_by   text NOT NULL DEFAULT '',
    closed_by    text NOT NULL DEFAULT '',
    CHECK (due >= opened_on),
    CHECK (started_on >= opened_on),
    CHECK (closed_on >= started_on),
    CHECK (state <> 'closed' OR (closing_note <> '' AND verified_by <> '' AND closed_on IS NOT NULL))
);
CREATE INDEX rectification_page ON registry.rectification (opened_on, id);
CREATE INDEX rectification_community ON registry.rectification (community, opened_on, id);

-- Party-organisation upgrades (党支部 -> 党总支 -> 党委)
CREATE TABLE registry.upgrade (
    id            uuid PRIMARY KEY,
    community     text NOT NULL REFERENCES registry.community(code),
    from_type     smallint NOT NULL CHECK (from_type BETWEEN 1 AND 3),
    to_type       smallint NOT NULL CHECK (to_type BETWEEN 2 AND 3 AND to_type > from_type),
    reason        text NOT NULL DEFAULT '',
    requested_on  date NOT NULL,
    state         text NOT NULL DEFAULT 'requested' CHECK (state IN ('requested', 'approved', 'rejected')),
    decided_on    date,
    decision_note text NOT NULL DEFAULT '',
    requested_by  text NOT NULL,
    decided_by    text NOT NULL DEFAULT '',
    CHECK (decided_on >= requested_on)
);
-- One undecided request per community.
CREATE UNIQUE INDEX upgrade_pending ON registry.upgrade (community) WHERE state = 'requested';
CREATE INDEX upgrade_page ON registry.upgrade (requested_on, id);
CREATE INDEX upgrade_community ON registry.upgrade (community, requested_on, id);

-- 健全机构: leadership group, its office, guidance groups, election committees
CREATE TABLE registry.body (
    id          uuid PRIMARY KEY,
    kind        text NOT NULL CHECK (kind IN ('leadership_group', 'office', 'guidance_group',
                                              'election_committee')),
    name        text NOT NULL,
    subdistrict text NOT NULL REFERENCES registry.subdistrict(code),
    community   text REFERENCES registry.community(code),
    formed_on   date,
    recorded_by text NOT NULL,
    CHECK ((kind = 'election_committee') = (community IS NOT NULL))
);
-- One leadership group and one office per subdistrict, one election committee per community.
CREATE UNIQUE INDEX body_one_per_subdistrict ON registry.body (subdistrict, kind)
    WHERE kind IN ('leadership_group', 'office');
CREATE UNIQUE INDEX body_one_election_committee ON registry.body (community)
    WHERE kind = 'election_committee';
CREATE INDEX body_page ON registry.body (kind, id);
CREATE INDEX body_subdistrict ON registry.body (subdistrict, kind, id);

CREATE TABLE registry.body_member (
    body_id   uuid NOT NULL REFERENCES registry.body(id),
    person_id uuid NOT NULL REFERENCES registry.person(id),
    role      text NOT NULL CHECK (role IN ('leader', 'member')),
    PRIMARY KEY (body_id, person_id)
);
CREATE UNIQUE INDEX body_one_leader ON registry.body_member (body_id) WHERE role = 'leader';
CREATE INDEX body_member_person ON registry.body_member (person_id);

-- The communities a guidance group guides: a community has at most one group.
CREATE TABLE registry.body_community (
    community text PRIMARY KEY REFERENCES registry.community(code),
    body_id   uuid NOT NULL REFERENCES registry.body(id)
);
CREATE INDEX body_community_body ON registry.body_community (body_id);

-- 制定方案: plans (a version each), their approval chains and tasks
CREATE TABLE registry.plan (
    id           uuid PRIMARY KEY,
    subdistrict  text NOT NULL REFERENCES registry.subdistrict(code),
    community    text REFERENCES registry.community(code),       -- NULL: the subdistrict plan
    scope        text NOT NULL,   -- the community code, or 'subdistrict:' || code
    version      integer NOT NULL CHECK (version >= 1),
    title        text NOT NULL,
    body         text NOT NULL DEFAULT '',
    document     text NOT NULL DEFAULT '',
    submitted_on date NOT NULL,
    state        text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'returned', 'in_force', 'superseded')),
    previous_id  uuid REFERENCES registry.plan(id),
    in_force_on  date,
    recorded_by  text NOT NULL,
    UNIQUE (scope, version),
    CHECK (body <> '' OR document <> '')
);
CREATE INDEX plan_page ON registry.plan (submitted_on, id);
CREATE INDEX plan_community ON registry.plan (community, submitted_on, id);
CREATE INDEX plan_subdistrict ON registry.plan (subdistrict, submitted_on, id);

CREATE TABLE registry.plan_step (
    plan_id    uuid NOT NULL REFERENCES registry.plan(id),
    position   smallint NOT NULL CHECK (position BETWEEN 1 AND 10),
    name       text NOT NULL,
    state      text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'returned')),
    decided_on date,
    approver   text NOT NULL DEFAULT '',
    note       text NOT NULL DEFAULT '',
    decided_by text NOT NULL DEFAULT '',
    PRIMARY KEY (plan_id, position)
);

CREATE TABLE registry.task (
    id              uuid PRIMARY KEY,
    plan_id         uuid NOT NULL REFERENCES registry.plan(id),
    community       text REFERENCES registry.community(code),  -- the plan's, for the community filter
    title           text NOT NULL,
    owner           text NOT NULL,
    due             date NOT NULL,
    state           text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done')),
    done_on         date,
    due_before_plan boolean NOT NULL,   -- flagged: due before the plan was submitted
    recorded_by     text NOT NULL,
    done_by         text NOT NULL DEFAULT ''
);
CREATE INDEX task_page ON registry.task (due, id);
CREATE INDEX task_community ON registry.task (community, due, id);
CREATE INDEX task_plan ON registry.task (plan_id, due, id);
CREATE INDEX task_open ON registry.task (due, id) WHERE state = 'open';

-- 培训骨干
CREATE TABLE registry.training (
    id          uuid PRIMARY KEY,
    subdistrict text NOT NULL REFERENCES registry.subdistrict(code),
    community   text REFERENCES registry.community(code),
    held_on     date NOT NULL,
    trainer     text NOT NULL,
    recorded_by text NOT NULL
);
CREATE INDEX training_page ON registry.training (held_on, id);
CREATE INDEX training_community ON registry.training (community, held_on, id);
CREATE INDEX training_subdistrict ON registry.training (subdistrict, held_on, id);

CREATE TABLE registry.training_topic (
    training_id uuid NOT NULL REFERENCES registry.training(id),
    position    smallint NOT NULL,
    topic       text NOT NULL,
    PRIMARY KEY (training_id, position)
);

CREATE TABLE registry.training_attendee (
    training_id uuid NOT NULL REFERENCES registry.training(id),
    person_id   uuid NOT NULL REFERENCES registry.person(id),
    role        text NOT NULL CHECK (role IN ('election_committee_member', 'guidance_group_member',
                                               'community_staff', 'leadership_group_member')),
    PRIMARY KEY (training_id, person_id)
);
CREATE INDEX training_attendee_person ON registry.training_attendee (person_id);

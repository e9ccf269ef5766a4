-- hj-auditd: term-end audits (任期审计). A community is named by its code and
-- exists when the shared journal has the registry's community_added row; this
-- schema never reads the registry's tables.
CREATE SCHEMA IF NOT EXISTS audit;

-- The scope every new audit starts with (seeded into audit.scope_item on open).
-- Data, not code: a province that audits more adds a row.
CREATE TABLE audit.standard_scope (
    position smallint PRIMARY KEY,
    code     text NOT NULL UNIQUE,
    title    text NOT NULL
);
INSERT INTO audit.standard_scope (position, code, title) VALUES
    (1, 'committee_finances', '社区两委自身收支情况'),
    (2, 'service_funds',      '为民服务专项经费'),
    (3, 'collective_assets',  '集体财务、资产和资源'),
    (4, 'grants_donations',   '政府拨款和社会捐赠（资金和物资）'),
    (5, 'contracts',          '生产和建设项目发包'),
    (6, 'claims_debts',       '债权债务'),
    (7, 'resident_concerns',  '居民群众反映强烈的事项');

-- Who may ask for an item to be audited: at least num/den of them must ask.
CREATE TABLE audit.request_basis (
    basis smallint PRIMARY KEY,          -- hj.audit.Basis
    name  text NOT NULL,
    num   integer NOT NULL CHECK (num > 0),
    den   integer NOT NULL CHECK (den >= num)
);
INSERT INTO audit.request_basis VALUES
    (1, '三分之一以上居民代表 (one-third of resident representatives)', 1, 3),
    (2, '十分之一以上居民 (one-tenth of residents)', 1, 10);

-- One audit per community and term.
CREATE TABLE audit.engagement (
    id           uuid PRIMARY KEY,            -- the request id of the open
    community    text NOT NULL,               -- community code (see the journal)
    term         text NOT NULL,               -- e.g. 2021-2026
    period_from  date NOT NULL,
    period_to    date NOT NULL,
    auditors     text[] NOT NULL CHECK (cardinality(auditors) >= 1),
    opened_on    date NOT NULL,
    state        smallint NOT NULL DEFAULT 1 CHECK (state BETWEEN 1 AND 5), -- hj.audit.State
    completed_on date,
    published_on date,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (community, term),
    CHECK (period_to >= period_from),
    CHECK ((state >= 4) = (completed_on IS NOT NULL)),
    CHECK ((state = 5) = (published_on IS NOT NULL))
);
CREATE INDEX engagement_latest ON audit.engagement (community, period_to DESC, opened_on DESC, id);

-- Every move of the state machine, with its actor (also a journal event).
CREATE TABLE audit.move (
    id          uuid PRIMARY KEY,             -- the request id of the move
    engagement  uuid NOT NULL REFERENCES audit.engagement(id),
    from_state  smallint NOT NULL,
    to_state    smallint NOT NULL,
    reason      text NOT NULL DEFAULT '',
    on_date     date NOT NULL,
    actor       text NOT NULL,
    at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    CHECK (to_state > from_state OR reason <> '')
);
CREATE INDEX move_engagement ON audit.move (engagement, at);

CREATE TABLE audit.scope_item (
    id           uuid PRIMARY KEY,
    engagement   uuid NOT NULL REFERENCES audit.engagement(id),
    no           integer NOT NULL,
    kind         smallint NOT NULL CHECK (kind BETWEEN 1 AND 3),   -- hj.audit.ScopeKind
    code         text NOT NULL DEFAULT '',                          -- standard items: their key
    title        text NOT NULL,
    status       smallint NOT NULL DEFAULT 1 CHECK (status BETWEEN 1 AND 4), -- hj.audit.ScopeStatus
    note         text NOT NULL DEFAULT '',
    basis        smallint REFERENCES audit.request_basis(basis),
    signers      integer,
    eligible     integer,
    requested_by text,
    requested_on date,
    UNIQUE (engagement, no),
    CHECK ((kind = 3) = (basis IS NOT NULL)),
    CHECK (kind <> 3 OR (signers > 0 AND eligible >= signers AND requested_by <> ''
                         AND requested_on IS NOT NULL))
);

CREATE TABLE audit.finding (
    id          uuid PRIMARY KEY,
    engagement  uuid NOT NULL REFERENCES audit.engagement(id),
    no          integer NOT NULL,
    scope_item  uuid NOT NULL REFERENCES audit.scope_item(id),
    severity    smallint NOT NULL CHECK (severity BETWEEN 1 AND 3),  -- hj.audit.Severity
    amount_fen  bigint CHECK (amount_fen >= 0),                       -- NULL: no money involved
    text        text NOT NULL,
    responsible text NOT NULL DEFAULT '',
    remedy      smallint NOT NULL DEFAULT 1 CHECK (remedy BETWEEN 1 AND 3), -- hj.audit.Remedy
    remedy_note text NOT NULL DEFAULT '',
    evidence    text[] NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (engagement, no)
);
CREATE INDEX finding_scope_item ON audit.finding (scope_item);
-- Open serious findings are looked up on every status view.
CREATE INDEX finding_serious_open ON audit.finding (engagement) WHERE severity = 3 AND remedy = 1;

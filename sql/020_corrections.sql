-- Corrections without deletion for the rest of the field record (issue #20
-- item 3; persons and talks were 015): publicity pushes, assessments,
-- reserve-ledger entries, training sessions and plan tasks. A record entered
-- by mistake is voided: the row and its journal rows stay; lists, totals and
-- coverage read only what stands (the indexes below), and hj-tallyd's
-- projection drops it (*_voided events).
ALTER TABLE registry.publicity ADD COLUMN voided_at timestamptz, ADD COLUMN void_reason text;
ALTER TABLE registry.assessment ADD COLUMN voided_at timestamptz, ADD COLUMN void_reason text;
ALTER TABLE registry.reserve ADD COLUMN voided_at timestamptz, ADD COLUMN void_reason text;
ALTER TABLE registry.training ADD COLUMN voided_at timestamptz, ADD COLUMN void_reason text;
ALTER TABLE registry.task ADD COLUMN voided_at timestamptz, ADD COLUMN void_reason text;

-- The lists' pages (sort column, id) of what stands, as 003's page indexes.
CREATE INDEX publicity_standing ON registry.publicity (pushed_on, id) WHERE voided_at IS NULL;
CREATE INDEX publicity_standing_community ON registry.publicity (community, pushed_on, id)
    WHERE voided_at IS NULL;
CREATE INDEX assessment_standing ON registry.assessment (assessed_on, id) WHERE voided_at IS NULL;
CREATE INDEX assessment_standing_community ON registry.assessment (community, assessed_on, id)
    WHERE voided_at IS NULL;
CREATE INDEX reserve_standing ON registry.reserve (added_on, id) WHERE voided_at IS NULL;
CREATE INDEX reserve_standing_community ON registry.reserve (community, added_on, id)
    WHERE voided_at IS NULL;
CREATE INDEX training_standing ON registry.training (held_on, id) WHERE voided_at IS NULL;
CREATE INDEX training_standing_community ON registry.training (community, held_on, id)
    WHERE voided_at IS NULL;
CREATE INDEX task_standing ON registry.task (due, id) WHERE voided_at IS NULL;
CREATE INDEX task_standing_plan ON registry.task (plan_id, due, id) WHERE voided_at IS NULL;

-- One entry per person, community and committee among those that stand: a
-- voided entry no longer stops the person being entered again.
DROP INDEX registry.reserve_one_entry;
CREATE UNIQUE INDEX reserve_one_entry ON registry.reserve (community, committee, person_id)
    WHERE voided_at IS NULL;

/* What each preparation record is, for its reads: the SELECT that fills its
 * message (columns named as the fields), its table, the order its pages
 * follow and the filters of its list. show, list, void and the reply after
 * every write are the same code for all of them (preparation_db.c); a new
 * record kind is one entry here. The writes stay in the *_db.c file of their
 * measure. */
#include "preparation.h"

/* ---- publicity (宣传动员) -------------------------------------------------------- */

static const prep_filter_t s_publicity_filters[] = {
    {"community", "t.community = $%d"},
    {"subdistrict", "t.subdistrict = $%d"},
    {"kind", "t.kind = $%d"},
    {NULL, NULL},
};

const prep_record_t publicity_record = {
    .select = "SELECT t.id, COALESCE(t.community, '') AS community, t.subdistrict, t.channel, "
              "t.kind, to_char(t.pushed_on, 'YYYY-MM-DD') AS date, t.count, t.title, "
              "t.recorded_by, " PREP_VOID_COLS " FROM registry.publicity t",
    .table = "registry.publicity",
    .sort = "pushed_on",
    .filters = s_publicity_filters,
    .item = &hj__registry__publicity__descriptor,
    .list = &hj__registry__publicities__descriptor,
    .voided = "publicity_voided",
    .correct = publicity_db_correct,
    .corrected = "publicity_updated",
};

/* ---- assessments of sitting members (调研摸底) ----------------------------------- */

static const prep_filter_t s_assessment_filters[] = {
    {"community", "t.community = $%d"},
    {"subdistrict", PREP_IN_SUBDISTRICT},
    {NULL, NULL},
};

const prep_record_t assessment_record = {
    .select =
        "SELECT t.id, t.seat_id, t.community, s.person_id, p.name AS person_name, "
        "t.structure_note, t.ability, t.ability_note, t.performance, t.performance_note, "
        "t.practice, t.practice_note, t.trust, t.trust_note, t.assessor, "
        "to_char(t.assessed_on, 'YYYY-MM-DD') AS date, t.recorded_by, " PREP_VOID_COLS
        " FROM registry.assessment t "
        "JOIN registry.seat s ON s.id = t.seat_id JOIN registry.person p ON p.id = s.person_id",
    .table = "registry.assessment",
    .sort = "assessed_on",
    .filters = s_assessment_filters,
    .item = &hj__registry__assessment__descriptor,
    .list = &hj__registry__assessments__descriptor,
    .voided = "assessment_voided",
};

/* ---- the reserve-candidate ledger (后备人选台账) ----------------------------------- */

static const prep_filter_t s_reserve_filters[] = {
    {"community", "t.community = $%d"},
    {"subdistrict", PREP_IN_SUBDISTRICT},
    {"state", "t.status = $%d"},
    {NULL, NULL},
};

const prep_record_t reserve_record = {
    .select = "SELECT t.id, t.person_id, p.name AS person_name, t.community, t.committee, "
              "t.source, to_char(t.added_on, 'YYYY-MM-DD') AS added, t.status, t.vetting, "
              "t.bar_reason, t.note, t.updated_by, " PREP_VOID_COLS
              " FROM registry.reserve t JOIN registry.person p ON p.id = t.person_id",
    .table = "registry.reserve",
    .sort = "added_on",
    .filters = s_reserve_filters,
    .item = &hj__registry__reserve__descriptor,
    .list = &hj__registry__reserves__descriptor,
    .voided = "reserve_voided",
};

/* ---- rectification (集中整顿) ---------------------------------------------------- */

static const prep_filter_t s_rectification_filters[] = {
    {"community", "t.community = $%d"},
    {"subdistrict", PREP_IN_SUBDISTRICT},
    {"state", "t.state = $%d"},
    {"kind", "t.problem = $%d"},
    {NULL, NULL},
};

const prep_record_t rectification_record = {
    .select =
        "SELECT t.id, t.community, t.problem, t.description, t.plan, t.owner, "
        "to_char(t.due, 'YYYY-MM-DD') AS due, to_char(t.opened_on, 'YYYY-MM-DD') AS opened_on, "
        "t.state, COALESCE(to_char(t.started_on, 'YYYY-MM-DD'), '') AS started_on, "
        "COALESCE(to_char(t.closed_on, 'YYYY-MM-DD'), '') AS closed_on, t.closing_note, "
        "t.verified_by, t.opened_by, t.started_by, t.closed_by FROM registry.rectification t",
    .table = "registry.rectification",
    .sort = "opened_on",
    .filters = s_rectification_filters,
    .item = &hj__registry__rectification__descriptor,
    .list = &hj__registry__rectifications__descriptor,
};

/* ---- party-organisation upgrades --------------------------------------------- */

static const prep_filter_t s_upgrade_filters[] = {
    {"community", "t.community = $%d"},
    {"subdistrict", PREP_IN_SUBDISTRICT},
    {"state", "t.state = $%d"},
    {NULL, NULL},
};

const prep_record_t upgrade_record = {
    .select = "SELECT t.id, t.community, t.from_type, t.to_type, t.reason, "
              "to_char(t.requested_on, 'YYYY-MM-DD') AS requested_on, t.state, "
              "COALESCE(to_char(t.decided_on, 'YYYY-MM-DD'), '') AS decided_on, t.decision_note, "
              "t.requested_by, t.decided_by FROM registry.upgrade t",
    .table = "registry.upgrade",
    .sort = "requested_on",
    .filters = s_upgrade_filters,
    .item = &hj__registry__upgrade__descriptor,
    .list = &hj__registry__upgrades__descriptor,
};

/* ---- working bodies (健全机构) --------------------------------------------------- */

static const prep_filter_t s_body_filters[] = {
    {"community", "(t.community = $%1$d OR EXISTS (SELECT 1 FROM registry.body_community bc "
                  "WHERE bc.body_id = t.id AND bc.community = $%1$d))"},
    {"subdistrict", "t.subdistrict = $%d"},
    {"kind", "t.kind = $%d"},
    {NULL, NULL},
};

const prep_record_t body_record = {
    .select =
        "SELECT t.id, t.kind, t.name, t.subdistrict, COALESCE(t.community, '') AS community, "
        "COALESCE((SELECT l.person_id::text FROM registry.body_member l WHERE l.body_id = t.id "
        "AND l.role = 'leader'), '') AS leader_id, "
        "COALESCE(to_char(t.formed_on, 'YYYY-MM-DD'), '') AS formed_on, t.recorded_by, "
        "COALESCE((SELECT string_agg(m.person_id || E'\\x1f' || p.name || E'\\x1f' || m.role, "
        "E'\\x1e' ORDER BY m.role = 'member', p.name, m.person_id) FROM registry.body_member m "
        "JOIN registry.person p ON p.id = m.person_id WHERE m.body_id = t.id), '') AS members, "
        "COALESCE((SELECT string_agg(bc.community, E'\\x1e' ORDER BY bc.community) FROM "
        "registry.body_community bc WHERE bc.body_id = t.id), '') AS communities "
        "FROM registry.body t",
    .table = "registry.body",
    .sort = "kind",
    .filters = s_body_filters,
    .item = &hj__registry__body__descriptor,
    .list = &hj__registry__bodies__descriptor,
};

/* ---- plans (制定方案) ------------------------------------------------------------ */

static const prep_filter_t s_plan_filters[] = {
    {"community", "t.community = $%d"},
    {"subdistrict", "t.subdistrict = $%d"},
    {"state", "t.state = $%d"},
    {NULL, NULL},
};

const prep_record_t plan_record = {
    .select =
        "SELECT t.id, t.subdistrict, COALESCE(t.community, '') AS community, t.version, t.title, "
        "t.body AS text, t.document, to_char(t.submitted_on, 'YYYY-MM-DD') AS submitted_on, "
        "t.state, COALESCE(t.previous_id::text, '') AS previous_id, "
        "COALESCE(to_char(t.in_force_on, 'YYYY-MM-DD'), '') AS in_force_on, t.recorded_by, "
        "COALESCE((SELECT string_agg(concat_ws(E'\\x1f', s.position, s.name, "
        "s.state, COALESCE(to_char(s.decided_on, 'YYYY-MM-DD'), ''), s.approver, s.note, "
        "s.decided_by), E'\\x1e' ORDER BY s.position) FROM registry.plan_step s "
        "WHERE s.plan_id = t.id), '') AS steps FROM registry.plan t",
    .table = "registry.plan",
    .sort = "submitted_on",
    .filters = s_plan_filters,
    .item = &hj__registry__plan__descriptor,
    .list = &hj__registry__plans__descriptor,
};

/* ---- tasks ------------------------------------------------------------------- */

static const prep_filter_t s_task_filters[] = {
    {"community", "t.community = $%d"},
    /* The subdistrict plan's tasks and those of its communities' plans. */
    {"subdistrict", "EXISTS (SELECT 1 FROM registry.plan p LEFT JOIN registry.community c ON "
                    "c.code = p.community WHERE p.id = t.plan_id AND "
                    "COALESCE(c.subdistrict, p.subdistrict) = $%d)"},
    {"plan", "t.plan_id = $%d::uuid"},
    {"state", "t.state = $%d"},
    {"overdue", "t.state = 'open' AND t.due < $%d::date"},
    {NULL, NULL},
};

/* Overdue: open and due before today on the election calendar (Asia/Shanghai). */
const prep_record_t task_record = {
    .select = "SELECT t.id, t.plan_id, COALESCE(t.community, '') AS community, t.title, t.owner, "
              "to_char(t.due, 'YYYY-MM-DD') AS due, t.state, "
              "COALESCE(to_char(t.done_on, 'YYYY-MM-DD'), '') AS done_on, t.due_before_plan, "
              "t.state = 'open' AND t.due < (now() AT TIME ZONE 'Asia/Shanghai')::date AS overdue, "
              "t.recorded_by, t.done_by, " PREP_VOID_COLS " FROM registry.task t",
    .table = "registry.task",
    .sort = "due",
    .filters = s_task_filters,
    .item = &hj__registry__task__descriptor,
    .list = &hj__registry__tasks__descriptor,
    .voided = "task_voided",
    .correct = task_db_correct,
    .corrected = "task_updated",
};

/* ---- training (培训骨干) --------------------------------------------------------- */

static const prep_filter_t s_training_filters[] = {
    {"community", "t.community = $%d"},
    {"subdistrict", "t.subdistrict = $%d"},
    {NULL, NULL},
};

const prep_record_t training_record = {
    .select = "SELECT t.id, to_char(t.held_on, 'YYYY-MM-DD') AS date, t.subdistrict, "
              "COALESCE(t.community, '') AS community, t.trainer, t.recorded_by, "
              "COALESCE((SELECT string_agg(x.topic, E'\\x1e' ORDER BY x.position) FROM "
              "registry.training_topic x WHERE x.training_id = t.id), '') AS topics, "
              "COALESCE((SELECT string_agg(concat_ws(E'\\x1f', a.person_id, p.name, a.role), "
              "E'\\x1e' ORDER BY p.name, a.person_id) FROM registry.training_attendee a JOIN "
              "registry.person p ON p.id = a.person_id WHERE a.training_id = t.id), '') AS "
              "attendees, " PREP_VOID_COLS " FROM registry.training t",
    .table = "registry.training",
    .sort = "held_on",
    .filters = s_training_filters,
    .item = &hj__registry__training__descriptor,
    .list = &hj__registry__trainings__descriptor,
    .voided = "training_voided",
    .correct = training_db_correct,
    .corrected = "training_updated",
};

/* Bad input, on purpose, to every service (registry, audit, interviews): one
 * table of malformed, hostile and absurd requests on the real wire. Each gets
 * the right status naming the field, every daemon keeps serving, and the
 * database is byte for byte what it was. SQL metacharacters in every text
 * field are stored as text, never run. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "audit.pb-c.h"
#include "hj_envelope.h"
#include "hj_frames.h"
#include "hj_mdp.h"
#include "hj_stack.h"
#include "interviews.pb-c.h"
#include "registry.pb-c.h"

#define MAX_MSG (16L * 1024 * 1024)
#define NO_ANSWER (-1)

static hj_stack_t stack;
static char p1[37], p2[37]; /* two registry persons */

typedef struct {
    uint8_t *data;
    size_t len;
} s_bytes_t;

static s_bytes_t s_pack(const ProtobufCMessage *m)
{
    s_bytes_t b = {NULL, protobuf_c_message_get_packed_size(m)};
    b.data = malloc(b.len + 64);
    protobuf_c_message_pack(m, b.data);
    return b;
}

static s_bytes_t s_raw_bytes(const void *p, size_t n)
{
    s_bytes_t b = {malloc(n + 1), n};
    memcpy(b.data, p, n);
    return b;
}

/* Appends unknown fields (number 500: varint; 501: bytes), as a newer client might send. */
static s_bytes_t s_with_unknown(s_bytes_t b)
{
    static const uint8_t extra[] = {0xa0, 0x1f, 0x01, 0xaa, 0x1f, 0x03, 'a', 'b', 'c'};
    memcpy(b.data + b.len, extra, sizeof extra);
    b.len += sizeof extra;
    return b;
}

/* The first '#' of the packed bytes becomes a NUL (same length, so still well-formed). */
static s_bytes_t s_nul(s_bytes_t b)
{
    uint8_t *at = memchr(b.data, '#', b.len);
    cr_assert(at, "no '#' to replace");
    *at = 0;
    return b;
}

static s_bytes_t s_cut(s_bytes_t b)
{
    b.len -= 1;
    return b;
}

/* A message holding one field: `outer` (length-delimited) around `inner` varint -1
 * encoded as protobuf writes a negative int32 (ten bytes). */
static s_bytes_t s_negative(int outer, int inner)
{
    uint8_t v[16] = {(uint8_t)(inner << 3)}, m[32];
    size_t n = 1;
    for (int i = 0; i < 9; i++)
        v[n++] = 0xff;
    v[n++] = 0x01;
    m[0] = (uint8_t)(outer << 3 | 2);
    m[1] = (uint8_t)n;
    memcpy(m + 2, v, n);
    return s_raw_bytes(m, n + 2);
}

static char *s_big_text(size_t n)
{
    char *s = malloc(n + 1);
    memset(s, 'x', n);
    s[n] = 0;
    return s;
}

/* ---- the table ------------------------------------------------------------ */

typedef struct {
    const char *service;  /* what the request names */
    const char *what;
    const char *version;  /* MDP header; NULL: MDPC01 */
    int no_body;          /* the request stops after the service frame */
    s_bytes_t body;
    int want;             /* expected code, or NO_ANSWER */
    const char *field;
} s_case_t;

#define S_MAX_CASES 128
static s_case_t cases[S_MAX_CASES];
static int ncases;

static void s_case(const char *service, const char *what, s_bytes_t body, int want, const char *field)
{
    cr_assert_lt(ncases, S_MAX_CASES);
    cases[ncases++] = (s_case_t){service, what, NULL, 0, body, want, field};
}

/* What every service gets, whatever its messages: broken frames and bytes. */
static void s_wire_cases(const char *service, s_bytes_t valid_write)
{
    static char unknown[3][32];
    static int n;
    cr_assert_lt(ncases + 6, S_MAX_CASES);
    cases[ncases++] = (s_case_t){service, "request without its body frame (truncated frames)", NULL, 1,
                                 {NULL, 0}, HJ__CODE__INVALID_ARGUMENT, "service"};
    cases[ncases++] = (s_case_t){service, "wrong MDP version", "MDPC02", 0, s_raw_bytes(valid_write.data,
                                 valid_write.len), HJ__CODE__INVALID_ARGUMENT, "protocol"};
    snprintf(unknown[n], sizeof unknown[n], "%s.v2", service);
    s_case(unknown[n++], "unknown service", s_raw_bytes(valid_write.data, valid_write.len),
           HJ__CODE__NOT_FOUND, "service");
    s_case(service, "truncated protobuf (last byte cut)", s_cut(s_raw_bytes(valid_write.data, valid_write.len)),
           HJ__CODE__INVALID_ARGUMENT, "body");
    s_case(service, "not protobuf at all", s_raw_bytes("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x0f", 11),
           HJ__CODE__INVALID_ARGUMENT, "body");
    uint8_t *huge = calloc(1, (size_t)MAX_MSG + 4096);
    s_case(service, "oversized frame (over the broker's maximum)", (s_bytes_t){huge, (size_t)MAX_MSG + 4096},
           NO_ANSWER, "");
}

static void s_registry_cases(void)
{
    Hj__Registry__Request req = HJ__REGISTRY__REQUEST__INIT;
    Hj__Registry__Community m = HJ__REGISTRY__COMMUNITY__INIT;
    Hj__Registry__ListQuery q = HJ__REGISTRY__LIST_QUERY__INIT;
    Hj__Registry__Seat seat = HJ__REGISTRY__SEAT__INIT;
    m.code = "KBS-BH-09";
    m.name = "测试社区";
    m.subdistrict = "KBS-BH";
    m.org_type = HJ__REGISTRY__ORG_TYPE__BRANCH;
    req.request_id = "6f0e3b1a-1111-4222-8333-000000000001";
    req.op_case = HJ__REGISTRY__REQUEST__OP_COMMUNITY_ADD;
    req.community_add = &m;
    s_bytes_t valid = s_pack(&req.base);
    s_wire_cases("registry", valid);

    m.name = "测试\xe6\xbb";
    s_case("registry", "invalid UTF-8 in a name", s_pack(&req.base), HJ__CODE__INVALID_ARGUMENT, "name");
    m.name = "测试#社区";
    s_case("registry", "NUL byte in a name", s_nul(s_pack(&req.base)), HJ__CODE__INVALID_ARGUMENT, "name");
    m.name = s_big_text(10u * 1024 * 1024);
    s_case("registry", "10 MB name", s_pack(&req.base), HJ__CODE__INVALID_ARGUMENT, "name");
    free(m.name);
    m.name = "测试社区";
    m.code = "x'; DROP TABLE registry.community; --";
    s_case("registry", "SQL metacharacters in a code", s_pack(&req.base), HJ__CODE__INVALID_ARGUMENT, "code");
    m.code = "KBS-BH-09";
    m.org_type = (Hj__Registry__OrgType)-1;
    s_case("registry", "negative enum (org_type -1)", s_pack(&req.base), HJ__CODE__INVALID_ARGUMENT, "org_type");
    m.org_type = HJ__REGISTRY__ORG_TYPE__BRANCH;
    req.request_id = "'; DELETE FROM bus.journal; --";
    s_case("registry", "SQL metacharacters as the request id", s_pack(&req.base), HJ__CODE__INVALID_ARGUMENT,
           "request_id");
    req.request_id = "";
    s_case("registry", "a write without its UUID", s_pack(&req.base), HJ__CODE__INVALID_ARGUMENT, "request_id");

    seat.community = "KBS-BH-01";
    seat.person_id = p1;
    seat.committee = HJ__REGISTRY__COMMITTEE__PARTY;
    seat.role = "member";
    seat.term_start = "2026-02-30";
    req.request_id = "6f0e3b1a-1111-4222-8333-000000000002";
    req.op_case = HJ__REGISTRY__REQUEST__OP_SEAT_ADD;
    req.seat_add = &seat;
    s_case("registry", "date 2026-02-30", s_pack(&req.base), HJ__CODE__INVALID_ARGUMENT, "term_start");

    s_case("registry", "negative count (list limit -1)", s_negative(15, 2), HJ__CODE__INVALID_ARGUMENT, "limit");
    Hj__Registry__Request none = HJ__REGISTRY__REQUEST__INIT;
    s_case("registry", "no operation, unknown fields", s_with_unknown(s_pack(&none.base)),
           HJ__CODE__INVALID_ARGUMENT, "op");
    q.limit = 5;
    req.request_id = "";
    req.op_case = HJ__REGISTRY__REQUEST__OP_COMMUNITY_LIST;
    req.community_list = &q;
    s_case("registry", "a read with unknown fields (ignored)", s_with_unknown(s_pack(&req.base)), HJ__CODE__OK, "");
    free(valid.data);
}

static void s_audit_cases(void)
{
    Hj__Audit__Request req = HJ__AUDIT__REQUEST__INIT;
    Hj__Audit__Engagement e = HJ__AUDIT__ENGAGEMENT__INIT;
    Hj__Audit__ScopeAdd add = HJ__AUDIT__SCOPE_ADD__INIT;
    Hj__Audit__AuditRef ref = HJ__AUDIT__AUDIT_REF__INIT;
    Hj__Audit__ScopeItem item = HJ__AUDIT__SCOPE_ITEM__INIT;
    Hj__Audit__FindingAdd fadd = HJ__AUDIT__FINDING_ADD__INIT;
    Hj__Audit__Finding f = HJ__AUDIT__FINDING__INIT;
    Hj__Audit__ListQuery q = HJ__AUDIT__LIST_QUERY__INIT;
    char *auditors[] = {"张审计"};
    e.community = "KBS-BH-01";
    e.term = "2021-2026";
    e.period_from = "2021-01-01";
    e.period_to = "2025-12-31";
    e.auditors = auditors;
    e.n_auditors = 1;
    req.request_id = "6f0e3b1a-1111-4222-8333-000000000011";
    req.op_case = HJ__AUDIT__REQUEST__OP_OPEN;
    req.open = &e;
    s_bytes_t valid = s_pack(&req.base);
    s_wire_cases("audit", valid);

    e.term = "2021\xff" "2026";
    s_case("audit", "invalid UTF-8 in the term", s_pack(&req.base), HJ__CODE__INVALID_ARGUMENT, "term");
    e.term = "2021-2026";
    auditors[0] = "张#审计";
    s_case("audit", "NUL byte in an auditor", s_nul(s_pack(&req.base)), HJ__CODE__INVALID_ARGUMENT, "auditors");
    auditors[0] = "张审计";
    e.period_from = "2026-02-30";
    s_case("audit", "date 2026-02-30", s_pack(&req.base), HJ__CODE__INVALID_ARGUMENT, "period_from");
    e.period_from = "2021-01-01";
    e.community = "'; DROP SCHEMA audit CASCADE; --";
    s_case("audit", "SQL metacharacters in a community code", s_pack(&req.base), HJ__CODE__NOT_FOUND, "community");
    e.community = "KBS-BH-01";

    ref.key = "KBS-BH-01";
    item.title = "停车费收支";
    item.basis = HJ__AUDIT__BASIS__REPRESENTATIVES;
    item.signers = 12;
    item.eligible = 30;
    item.requested_by = "居民代表";
    item.requested_on = "2026-01-10";
    add.audit = &ref;
    add.item = &item;
    req.request_id = "6f0e3b1a-1111-4222-8333-000000000012";
    req.op_case = HJ__AUDIT__REQUEST__OP_SCOPE_ADD;
    req.scope_add = &add;
    item.signers = UINT32_MAX; /* -1 as the count of residents who asked */
    s_case("audit", "negative count (signers -1)", s_pack(&req.base), HJ__CODE__INVALID_ARGUMENT, "eligible");
    s_case("audit", "negative count (list limit -1)", s_negative(12, 3), HJ__CODE__INVALID_ARGUMENT, "limit");

    f.scope_item = 1;
    f.severity = HJ__AUDIT__SEVERITY__OBSERVATION;
    f.text = s_big_text(10u * 1024 * 1024);
    fadd.audit = &ref;
    fadd.finding = &f;
    req.request_id = "6f0e3b1a-1111-4222-8333-000000000013";
    req.op_case = HJ__AUDIT__REQUEST__OP_FINDING_ADD;
    req.finding_add = &fadd;
    s_case("audit", "10 MB finding text", s_pack(&req.base), HJ__CODE__INVALID_ARGUMENT, "text");
    free(f.text);
    f.text = "票据不全";
    f.amount = "-12.00";
    s_case("audit", "negative amount", s_pack(&req.base), HJ__CODE__INVALID_ARGUMENT, "amount");

    Hj__Audit__Request none = HJ__AUDIT__REQUEST__INIT;
    s_case("audit", "no operation, unknown fields", s_with_unknown(s_pack(&none.base)),
           HJ__CODE__INVALID_ARGUMENT, "op");
    q.limit = 5;
    req.request_id = "";
    req.op_case = HJ__AUDIT__REQUEST__OP_LIST;
    req.list = &q;
    s_case("audit", "a read with unknown fields (ignored)", s_with_unknown(s_pack(&req.base)), HJ__CODE__OK, "");
    free(valid.data);
}

static void s_interviews_cases(void)
{
    Hj__Interviews__Request req = HJ__INTERVIEWS__REQUEST__INIT;
    Hj__Interviews__Talk t = HJ__INTERVIEWS__TALK__INIT;
    Hj__Interviews__Interviewee who = HJ__INTERVIEWS__INTERVIEWEE__INIT;
    Hj__Interviews__TalkQuery q = HJ__INTERVIEWS__TALK_QUERY__INIT;
    char *interviewers[] = {p1};
    t.community = "KBS-BH-01";
    t.phase = HJ__INTERVIEWS__PHASE__PREPARATION;
    t.date = "2026-01-10";
    t.interviewers = interviewers;
    t.n_interviewers = 1;
    who.person_id = p2;
    t.interviewee = &who;
    t.summary = "愿意继续服务居民";
    req.request_id = "6f0e3b1a-1111-4222-8333-000000000021";
    req.op_case = HJ__INTERVIEWS__REQUEST__OP_TALK_ADD;
    req.talk_add = &t;
    s_bytes_t valid = s_pack(&req.base);
    s_wire_cases("interviews", valid);

    t.summary = "愿意\xc3\x28";
    s_case("interviews", "invalid UTF-8 in the summary", s_pack(&req.base), HJ__CODE__INVALID_ARGUMENT, "summary");
    t.summary = "愿意#继续";
    s_case("interviews", "NUL byte in the summary", s_nul(s_pack(&req.base)), HJ__CODE__INVALID_ARGUMENT,
           "summary");
    t.summary = s_big_text(10u * 1024 * 1024);
    s_case("interviews", "10 MB summary", s_pack(&req.base), HJ__CODE__INVALID_ARGUMENT, "summary");
    free(t.summary);
    t.summary = "愿意继续服务居民";
    t.date = "2026-02-30";
    s_case("interviews", "date 2026-02-30", s_pack(&req.base), HJ__CODE__INVALID_ARGUMENT, "date");
    t.date = "2026-01-10";
    t.community = "KBS' OR '1'='1";
    s_case("interviews", "SQL metacharacters in a community code", s_pack(&req.base), HJ__CODE__INVALID_ARGUMENT,
           "community");
    t.community = "KBS-BH-01";
    t.phase = (Hj__Interviews__Phase)-1;
    s_case("interviews", "negative enum (phase -1)", s_pack(&req.base), HJ__CODE__INVALID_ARGUMENT, "phase");
    s_case("interviews", "negative count (list limit -1)", s_negative(12, 6), HJ__CODE__INVALID_ARGUMENT, "limit");

    Hj__Interviews__Request none = HJ__INTERVIEWS__REQUEST__INIT;
    s_case("interviews", "no operation, unknown fields", s_with_unknown(s_pack(&none.base)),
           HJ__CODE__INVALID_ARGUMENT, "op");
    q.limit = 5;
    req.request_id = "";
    req.op_case = HJ__INTERVIEWS__REQUEST__OP_TALK_LIST;
    req.talk_list = &q;
    s_case("interviews", "a read with unknown fields (ignored)", s_with_unknown(s_pack(&req.base)), HJ__CODE__OK,
           "");
    free(valid.data);
}

/* ---- the wire ------------------------------------------------------------- */

static hj_status_t s_send(const s_case_t *c, int timeout_ms)
{
    hj_status_t st = {.code = NO_ANSWER};
    void *ctx = zmq_ctx_new(), *s = zmq_socket(ctx, ZMQ_DEALER);
    int linger = 0;
    zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
    cr_assert_eq(hj_stack_curve(&stack, s), 0);
    zmq_connect(s, stack.bus);
    hj_frames_t f;
    hj_frames_init(&f);
    hj_frames_add(&f, "", 0);
    hj_frames_addstr(&f, c->version ? c->version : HJ_MDPC);
    hj_frames_addstr(&f, c->service);
    if (!c->no_body)
        hj_frames_add(&f, c->body.data ? (const void *)c->body.data : "", c->body.len);
    hj_frames_send(s, &f);
    zmq_pollitem_t item = {s, 0, ZMQ_POLLIN, 0};
    if (zmq_poll(&item, 1, timeout_ms) == 1 && hj_frames_recv(s, &f, 0) == 0) {
        if (f.count == 4 && hj_status_unpack(hj_frames_data(&f, 3), hj_frames_size(&f, 3), &st) != 0)
            st.code = -2;
        hj_frames_close(&f);
    }
    zmq_close(s);
    zmq_ctx_term(ctx);
    return st;
}

/* Everything the services keep, as one text: equal texts, same database. */
static char *s_database(void)
{
    PGconn *c = hj_stack_pg(&stack);
    PGresult *r = PQexec(c, "SELECT format('%I.%I', table_schema, table_name) FROM information_schema.tables "
                            "WHERE table_schema IN ('bus', 'registry', 'audit', 'interviews') "
                            "AND table_type = 'BASE TABLE' ORDER BY 1");
    cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s", PQerrorMessage(c));
    cr_assert_gt(PQntuples(r), 10, "the tables are all there");
    size_t cap = 4096, len = 0;
    char *all = malloc(cap);
    all[0] = 0;
    for (int i = 0; i < PQntuples(r); i++) {
        char sql[512];
        snprintf(sql, sizeof sql, "SELECT '%s ' || count(*) || ' ' || coalesce(md5(string_agg(t::text, '|' "
                 "ORDER BY t::text)), '') FROM %s t", PQgetvalue(r, i, 0), PQgetvalue(r, i, 0));
        PGresult *d = PQexec(c, sql);
        cr_assert_eq(PQresultStatus(d), PGRES_TUPLES_OK, "%s", PQerrorMessage(c));
        const char *line = PQgetvalue(d, 0, 0);
        if (len + strlen(line) + 2 > cap)
            all = realloc(all, cap = (cap + strlen(line)) * 2);
        len += (size_t)sprintf(all + len, "%s\n", line);
        PQclear(d);
    }
    PQclear(r);
    PQfinish(c);
    return all;
}

static void s_text(const char *sql, char *out, size_t size)
{
    PGconn *c = hj_stack_pg(&stack);
    PGresult *r = PQexec(c, sql);
    cr_assert(PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1, "%s: %s", sql, PQerrorMessage(c));
    snprintf(out, size, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    PQfinish(c);
}

/* Reads that each service answers: it is still serving. */
static void s_all_serving(void)
{
    cr_assert_eq(hj_run(&stack, NULL, NULL, "community", "list", NULL), 0, "registry serves");
    cr_assert_eq(hj_run(&stack, NULL, NULL, "audit", "list", NULL), 0, "audit serves");
    cr_assert_eq(hj_run(&stack, NULL, NULL, "talk", "list", NULL), 0, "interviews serves");
}

static void s_start(void)
{
    static const char *const programs[] = {"hj-registryd", "hj-auditd", "hj-interviewsd", NULL};
    static const char *const services[] = {"registry", "audit", "interviews", NULL};
    cr_assert_eq(hj_stack_init(&stack), 0);
    stack.max_msg = MAX_MSG;
    cr_assert(hj_stack_spawn(&stack, "hj-busd") > 0);
    for (int i = 0; programs[i]; i++)
        cr_assert(hj_stack_spawn(&stack, programs[i]) > 0);
    for (int i = 0; services[i]; i++)
        cr_assert_eq(hj_stack_wait(&stack, services[i], 15000), 0);
    char spool[600];
    snprintf(spool, sizeof spool, "%s/spool", stack.run_dir);
    setenv("HJ_SPOOL", spool, 1);
    cr_assert_eq(hj_run(&stack, NULL, NULL, "district", "add", "--code", "KBS", "--name", "康巴什区", NULL), 0);
    cr_assert_eq(hj_run(&stack, NULL, NULL, "subdistrict", "add", "--code", "KBS-BH", "--name", "滨河街道",
                        "--district", "KBS", NULL), 0);
    cr_assert_eq(hj_run(&stack, NULL, NULL, "community", "add", "--code", "KBS-BH-01", "--name", "滨河社区",
                        "--subdistrict", "KBS-BH", NULL), 0);
    cr_assert_eq(hj_run(&stack, NULL, NULL, "person", "add", "--name", "王丽", "--gender", "female", NULL), 0);
    cr_assert_eq(hj_run(&stack, NULL, NULL, "person", "add", "--name", "李强", "--gender", "male", NULL), 0);
    s_text("SELECT id FROM registry.person WHERE name = '李强'", p1, sizeof p1);
    s_text("SELECT id FROM registry.person WHERE name = '王丽'", p2, sizeof p2);
    /* The relay has numbered every row, and the interviews projection has read them. */
    for (int i = 0; i < 100 && hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal WHERE seq IS NULL"); i++)
        usleep(50000);
    cr_assert_eq(hj_run(&stack, NULL, NULL, "talk", "coverage", "--all", NULL), 0);
}

static void teardown(void)
{
    for (int i = 0; i < ncases; i++)
        free(cases[i].body.data);
    ncases = 0;
    hj_stack_stop(&stack);
    unsetenv("HJ_SPOOL");
}

Test(bad_input, every_service_refuses_with_the_field_keeps_serving_and_changes_nothing, .fini = teardown,
     .timeout = 240)
{
    s_start();
    s_registry_cases();
    s_audit_cases();
    s_interviews_cases();
    char *before = s_database();
    for (int i = 0; i < ncases; i++) {
        const s_case_t *c = &cases[i];
        hj_status_t st = s_send(c, c->want == NO_ANSWER ? 1500 : 10000);
        cr_assert_eq(st.code, c->want, "%s / %s: code %d (%s, field '%s'), want %d", c->service, c->what, st.code,
                     st.message, st.field, c->want);
        if (c->want != NO_ANSWER)
            cr_assert_str_eq(st.field, c->field, "%s / %s: field '%s' (%s), want '%s'", c->service, c->what,
                             st.field, st.message, c->field);
        if (c->want == NO_ANSWER)
            s_all_serving(); /* the broker dropped that connection only */
    }
    s_all_serving();
    char *after = s_database();
    cr_assert_str_eq(after, before, "the database is unchanged");
    free(before);
    free(after);
    for (int i = 0; i < stack.nprocs; i++)
        cr_assert_eq(kill(stack.pid[i], 0), 0, "%s is still running", stack.program[i]);
}

/* ---- SQL metacharacters are text -------------------------------------------- */

#define NASTY "x'); DROP TABLE registry.person; -- \" \\ %_ $1 */ OR '1'='1"

static long s_stored(const char *sql)
{
    PGconn *c = hj_stack_pg(&stack);
    const char *v[1] = {NASTY};
    PGresult *r = PQexecParams(c, sql, 1, NULL, v, NULL, NULL, 0);
    cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s: %s", sql, PQerrorMessage(c));
    long n = atol(PQgetvalue(r, 0, 0));
    PQclear(r);
    PQfinish(c);
    return n;
}

Test(bad_input, sql_metacharacters_in_every_text_field_are_stored_as_text, .fini = teardown, .timeout = 120)
{
    s_start();
    char *out = NULL, *err = NULL, follow[256];
    long tables = hj_stack_scalar(&stack, "SELECT count(*) FROM information_schema.tables WHERE table_schema IN "
                                          "('bus', 'registry', 'audit', 'interviews')");
    long persons = hj_stack_scalar(&stack, "SELECT count(*) FROM registry.person");
    /* registry: every free-text field of a community and a person. */
    cr_assert_eq(hj_run(&stack, NULL, &err, "community", "add", "--code", "KBS-BH-02", "--name", NASTY,
                        "--subdistrict", "KBS-BH", NULL), 0, "%s", err);
    free(err);
    cr_assert_eq(hj_run(&stack, NULL, &err, "person", "add", "--name", NASTY, "--gender", "male", "--ethnicity",
                        NASTY, NULL), 0, "%s", err);
    free(err);
    cr_assert_eq(s_stored("SELECT count(*) FROM registry.community WHERE name = $1"), 1);
    cr_assert_eq(s_stored("SELECT count(*) FROM registry.person WHERE name = $1 AND ethnicity = $1"), 1);
    /* audit: term, auditors, scope title / note / requested_by, finding text / responsible / evidence. */
    cr_assert_eq(hj_run(&stack, NULL, &err, "audit", "open", "--community", "KBS-BH-01", "--term", NASTY, "--from",
                        "2021-01-01", "--to", "2025-12-31", "--auditor", NASTY, NULL), 0, "%s", err);
    free(err);
    cr_assert_eq(hj_run(&stack, NULL, &err, "audit", "scope", "add", "KBS-BH-01", "--term", NASTY, "--title", NASTY,
                        "--note", NASTY, "--basis", "representatives", "--signers", "12", "--eligible", "30",
                        "--requested-by", NASTY, "--requested-on", "2026-01-10", NULL), 0, "%s", err);
    free(err);
    cr_assert_eq(hj_run(&stack, NULL, &err, "audit", "advance", "KBS-BH-01", "--term", NASTY, "--to", "fieldwork",
                        NULL), 0, "%s", err);
    free(err);
    cr_assert_eq(hj_run(&stack, NULL, &err, "audit", "finding", "add", "KBS-BH-01", "--term", NASTY, "--item", "8",
                        "--severity", "irregularity", "--text", NASTY, "--responsible", NASTY, "--evidence", NASTY,
                        NULL), 0, "%s", err);
    free(err);
    cr_assert_eq(s_stored("SELECT count(*) FROM audit.engagement WHERE term = $1 AND auditors = ARRAY[$1]"), 1);
    cr_assert_eq(s_stored("SELECT count(*) FROM audit.scope_item WHERE title = $1 AND note = $1 AND "
                          "requested_by = $1"), 1);
    cr_assert_eq(s_stored("SELECT count(*) FROM audit.finding WHERE text = $1 AND responsible = $1 AND "
                          "evidence = ARRAY[$1]"), 1);
    /* interviews: summary, topic, an outside party's name, a follow-up's action and owner. */
    snprintf(follow, sizeof follow, "%s|%s|2026-12-31", NASTY, NASTY);
    cr_assert_eq(hj_run(&stack, NULL, &err, "talk", "add", "--community", "KBS-BH-01", "--phase", "survey", "--date",
                        "2026-01-10", "--interviewer", p1, "--party", "property_company", "--name", NASTY,
                        "--summary", NASTY, "--topic", NASTY, "--follow-up", follow, NULL), 0, "%s", err);
    free(err);
    cr_assert_eq(s_stored("SELECT count(*) FROM interviews.talk WHERE summary = $1 AND interviewee_name = $1"), 1);
    cr_assert_eq(s_stored("SELECT count(*) FROM interviews.talk_topic WHERE topic = $1"), 1);
    cr_assert_eq(s_stored("SELECT count(*) FROM interviews.follow_up WHERE action = $1 AND owner = $1"), 1);
    /* Nothing was run: every table is there, and nobody else's rows changed. */
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM information_schema.tables WHERE table_schema IN "
                                         "('bus', 'registry', 'audit', 'interviews')"), tables);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM registry.person"), persons + 1);
    /* As a filter it matches nothing (not everything). */
    cr_assert_eq(hj_run(&stack, &out, NULL, "community", "list", "--subdistrict", "' OR '1'='1", "--json", NULL), 0);
    cr_assert_null(strstr(out, "KBS-BH-01"), "%s", out);
    free(out);
    cr_assert_eq(hj_run(&stack, &out, NULL, "talk", "list", "--community", "' OR '1'='1", "--json", NULL), 1,
                 "a community code is letters, digits, '-' and '_'");
    free(out);
    cr_assert_eq(hj_run(&stack, &out, NULL, "audit", "list", "--community", "' OR '1'='1", "--json", NULL), 0);
    cr_assert_null(strstr(out, "KBS-BH-01"), "%s", out);
    free(out);
    s_all_serving();
}

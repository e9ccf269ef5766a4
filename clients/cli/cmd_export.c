/* hj export TABLE — the ledgers as CSV for spreadsheets (台账导出).
 *
 * One core for every table: a table is a list of columns (Chinese header,
 * English header, a getter) and a fetch that pages through the same list
 * requests the list commands send, handing each row to s_emit. The core
 * writes the header, one CSV record a row (services/common/hj_csv), and the
 * file: stdout, or --out FILE through a temporary file in the same directory
 * renamed into place, so a half-written ledger never appears. */
#include "audit.pb-c.h"
#include "cmd_audit.h"
#include "cmd_board.h"
#include "cmd_prep.h"
#include "cmd_talk.h"
#include "hj_csv.h"
#include "interviews.pb-c.h"
#include "tally.pb-c.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define S_PAGE_MAX 1000 /* the most any list request returns at once */

/* ---- the core --------------------------------------------------------------- */

/* A cell's text when it must be made (joined lists, numbers, amounts). */
typedef struct {
    char *data;
    size_t len, cap;
    int failed;
} s_buf_t;

/* One output row: the record, and what it belongs to or consists of (a
 * training row's attendee, a finding's audit). */
typedef struct {
    const void *rec;
    const void *sub;
} s_row_t;

/* A cell of the row: a string the record holds, a static label, or buf's text.
 * arg is the column's own (a field offset, a gate number ...). */
typedef const char *(*s_get_t)(const s_row_t *row, size_t arg, int en, s_buf_t *buf);

typedef struct {
    const char *zh, *en;
    s_get_t get;
    size_t arg;
} s_column_t;

typedef struct s_export s_export_t;

typedef struct {
    const char *name;
    const s_column_t *columns;
    size_t ncolumns;
    int (*fetch)(s_export_t *x);
    int server_subdistrict; /* its list requests filter by subdistrict themselves */
    void (*init)(void);     /* fills in the headers kept elsewhere, or NULL */
} s_table_t;

struct s_export {
    cli_t *cli;
    const s_table_t *table;
    int en;
    uint32_t page;
    const char *community, *subdistrict; /* filters, "" = none */
    char **codes;                        /* the subdistrict's communities (client-side filter) */
    size_t ncodes;
    hj_csv_writer_t *writer;
    s_buf_t *bufs;           /* one a column */
    struct s_pushes *pushes; /* board: publicity summed by community / subdistrict */
    size_t npushes;
    const char **cells;
    size_t rows;
};

static void s_cat(s_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void s_cat(s_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || b->failed) {
        b->failed = 1;
        return;
    }
    if (b->len + (size_t)n + 1 > b->cap) {
        size_t cap = (b->len + (size_t)n + 1) * 2;
        char *grown = realloc(b->data, cap);
        if (!grown) {
            b->failed = 1;
            return;
        }
        b->data = grown;
        b->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* The items joined with the language's separator (、 or "; "). */
static const char *s_join(s_buf_t *b, char *const *items, size_t n, int en)
{
    for (size_t i = 0; i < n; i++)
        s_cat(b, "%s%s", i ? (en ? "; " : "、") : "", items[i]);
    return b->len ? b->data : "";
}

static int s_in_subdistrict(const s_export_t *x, const char *community, const char *subdistrict)
{
    if (!x->subdistrict[0] || x->table->server_subdistrict)
        return 1;
    if (subdistrict)
        return strcmp(subdistrict, x->subdistrict) == 0;
    for (size_t i = 0; i < x->ncodes; i++)
        if (strcmp(x->codes[i], community) == 0)
            return 1;
    return 0;
}

/* Writes one row (unless the subdistrict filter leaves it out). subdistrict:
 * the row's own, or NULL to look its community up. */
static int s_emit(s_export_t *x, const void *rec, const void *sub, const char *community,
                  const char *subdistrict)
{
    s_row_t row = {rec, sub};
    if (!s_in_subdistrict(x, community, subdistrict))
        return CLI_OK;
    for (size_t c = 0; c < x->table->ncolumns; c++) {
        s_buf_t *b = &x->bufs[c];
        b->len = 0;
        if (b->data)
            b->data[0] = 0;
        x->cells[c] = x->table->columns[c].get(&row, x->table->columns[c].arg, x->en, b);
        if (b->failed) {
            fprintf(stderr, "hj: out of memory\n");
            return CLI_USAGE;
        }
    }
    if (hj_csv_write(x->writer, x->cells, x->table->ncolumns) != 0) {
        fprintf(stderr, "hj: could not write row %zu: %s\n", x->rows + 1, strerror(errno));
        return CLI_USAGE;
    }
    x->rows++;
    return CLI_OK;
}

/* One page of a list request: sends it with the cursor `after` and `limit`,
 * emits its rows, and gives back how many items came and the last one's id. */
typedef int (*s_page_t)(s_export_t *x, const char *after, char last[64], size_t *got);

/* Every page, until a page comes back empty. */
static int s_pages(s_export_t *x, s_page_t page)
{
    char after[64] = "", last[64];
    for (;;) {
        size_t got = 0;
        last[0] = 0;
        int rc = page(x, after, last, &got);
        if (rc != CLI_OK || got == 0)
            return rc;
        if (strcmp(last, after) == 0) {
            fprintf(stderr, "hj: the list does not move past %s\n", after);
            return CLI_REFUSED;
        }
        snprintf(after, sizeof after, "%s", last);
    }
}

/* ---- getters shared by the tables -------------------------------------------- */

#define S_FIELD(row, type, arg) (*(type const *)((const char *)(row) + (arg)))

/* A string field of the record (arg = its offset). */
static const char *s_str(const s_row_t *row, size_t arg, int en, s_buf_t *buf)
{
    (void)en, (void)buf;
    return S_FIELD(row->rec, char *, arg);
}

/* A categorical word of the record: its Chinese label, or the word with en. */
static const char *s_word(const s_row_t *row, size_t arg, int en, s_buf_t *buf)
{
    (void)buf;
    const char *word = S_FIELD(row->rec, char *, arg);
    return en ? word : prep_zh(word);
}

/* A uint32 field of the record. */
static const char *s_uint(const s_row_t *row, size_t arg, int en, s_buf_t *buf)
{
    (void)en;
    s_cat(buf, "%" PRIu32, S_FIELD(row->rec, uint32_t, arg));
    return buf->data;
}

/* A repeated string field (arg = the offset of its count; the array follows). */
static const char *s_list(const s_row_t *row, size_t arg, int en, s_buf_t *buf)
{
    return s_join(buf, S_FIELD(row->rec, char **, arg + sizeof(size_t)),
                  S_FIELD(row->rec, size_t, arg), en);
}

static const char *s_yes_no(int yes, int en)
{
    return yes ? (en ? "yes" : "是") : (en ? "no" : "否");
}

/* ---- reserve: 后备人选台账, the columns `hj reserve export` writes --------------- */

static const char *s_reserve_cell(const s_row_t *row, size_t arg, int en, s_buf_t *buf)
{
    const char *cells[PREP_RESERVE_COLUMNS];
    (void)buf;
    prep_reserve_row(row->rec, en, cells);
    return cells[arg];
}

/* Filled from prep_reserve_columns (one list of the ledger's columns). */
static s_column_t s_reserve_columns[PREP_RESERVE_COLUMNS];

static void s_reserve_init(void)
{
    for (size_t c = 0; c < PREP_RESERVE_COLUMNS; c++)
        s_reserve_columns[c] =
            (s_column_t){prep_reserve_columns[c][0], prep_reserve_columns[c][1], s_reserve_cell, c};
}

/* ---- registry lists: reserve, publicity, training ------------------------------ */

/* One page of a list: q sent as op to svc; each item to each(), the page's
 * cursor (the last item's `cursor` field, or its field 1 when NULL: its id or
 * code) into last. */
static int s_list_page(s_export_t *x, const prep_service_t *svc, unsigned op,
                       const ProtobufCMessage *q, const char *cursor, char last[64], size_t *got,
                       int (*each)(s_export_t *x, const ProtobufCMessage *item))
{
    ProtobufCMessage *reply;
    const ProtobufCMessage *list;
    int rc = prep_fetch(x->cli, svc, op, q, PREP_LOOKUP, NULL, &reply, &list);
    if (rc != CLI_OK)
        return rc;
    /* Every list reply carries `repeated items = 1`. */
    const ProtobufCFieldDescriptor *items =
        protobuf_c_message_descriptor_get_field(list->descriptor, 1);
    size_t n = items ? S_FIELD(list, size_t, items->quantifier_offset) : 0;
    ProtobufCMessage *const *item =
        items ? S_FIELD(list, ProtobufCMessage **, items->offset) : NULL;
    for (size_t i = 0; i < n && rc == CLI_OK; i++) {
        const ProtobufCFieldDescriptor *id =
            cursor ? protobuf_c_message_descriptor_get_field_by_name(item[i]->descriptor, cursor)
                   : protobuf_c_message_descriptor_get_field(item[i]->descriptor, 1);
        snprintf(last, 64, "%s", S_FIELD(item[i], char *, id->offset));
        rc = each(x, item[i]);
    }
    *got = n;
    protobuf_c_message_free_unpacked(reply, NULL);
    return rc;
}

/* Sends the registry list `op` (a ListQuery) for one page; each item to each(). */
static int s_registry_page(s_export_t *x, int op, const char *after, char last[64], size_t *got,
                           int (*each)(s_export_t *x, const ProtobufCMessage *item))
{
    Hj__Registry__ListQuery q = HJ__REGISTRY__LIST_QUERY__INIT;
    /* The communities list takes its subdistrict filter in `community`. */
    int communities = op == HJ__REGISTRY__REQUEST__OP_COMMUNITY_LIST;
    q.community = (char *)(communities ? x->subdistrict : x->community);
    q.subdistrict = (char *)(communities ? "" : x->table->server_subdistrict ? x->subdistrict : "");
    q.after = (char *)after;
    q.limit = x->page;
    return s_list_page(x, &prep_registry, (unsigned)op, &q.base, NULL, last, got, each);
}

static int s_reserve_row(s_export_t *x, const ProtobufCMessage *m)
{
    const Hj__Registry__Reserve *r = (const Hj__Registry__Reserve *)m;
    return s_emit(x, r, NULL, r->community, NULL);
}

static int s_reserve_page(s_export_t *x, const char *after, char last[64], size_t *got)
{
    return s_registry_page(x, HJ__REGISTRY__REQUEST__OP_RESERVE_LIST, after, last, got,
                           s_reserve_row);
}

static int s_reserve_fetch(s_export_t *x)
{
    return s_pages(x, s_reserve_page);
}

/* The subdistrict's communities, for the lists that cannot filter by it. */
static int s_code_row(s_export_t *x, const ProtobufCMessage *m)
{
    const Hj__Registry__Community *c = (const Hj__Registry__Community *)m;
    char **grown = realloc(x->codes, (x->ncodes + 1) * sizeof *grown);
    if (!grown || !(grown[x->ncodes] = strdup(c->code))) {
        if (grown)
            x->codes = grown;
        fprintf(stderr, "hj: out of memory\n");
        return CLI_USAGE;
    }
    x->codes = grown;
    x->ncodes++;
    return CLI_OK;
}

static int s_codes_page(s_export_t *x, const char *after, char last[64], size_t *got)
{
    return s_registry_page(x, HJ__REGISTRY__REQUEST__OP_COMMUNITY_LIST, after, last, got,
                           s_code_row);
}

/* publicity: 宣传动员, one row a record */
static int s_publicity_row(s_export_t *x, const ProtobufCMessage *m)
{
    const Hj__Registry__Publicity *p = (const Hj__Registry__Publicity *)m;
    return s_emit(x, p, NULL, p->community, p->subdistrict);
}

static int s_publicity_page(s_export_t *x, const char *after, char last[64], size_t *got)
{
    return s_registry_page(x, HJ__REGISTRY__REQUEST__OP_PUBLICITY_LIST, after, last, got,
                           s_publicity_row);
}

static int s_publicity_fetch(s_export_t *x)
{
    return s_pages(x, s_publicity_page);
}

#define P_(field) offsetof(Hj__Registry__Publicity, field)
static const s_column_t s_publicity_columns[] = {
    {"编号", "id", s_str, P_(id)},
    {"日期", "date", s_str, P_(date)},
    {"社区", "community", s_str, P_(community)},
    {"街道", "subdistrict", s_str, P_(subdistrict)},
    {"渠道", "channel", s_word, P_(channel)},
    {"类别", "kind", s_word, P_(kind)},
    {"次数", "count", s_uint, P_(count)},
    {"标题", "title", s_str, P_(title)},
    {"记录人", "recorded_by", s_str, P_(recorded_by)},
};

/* training: 培训骨干, one row an attendee of a session */
static int s_training_row(s_export_t *x, const ProtobufCMessage *m)
{
    const Hj__Registry__Training *t = (const Hj__Registry__Training *)m;
    int rc = CLI_OK;
    for (size_t i = 0; i < t->n_attendees && rc == CLI_OK; i++)
        rc = s_emit(x, t, t->attendees[i], t->community, t->subdistrict);
    return rc;
}

static int s_training_page(s_export_t *x, const char *after, char last[64], size_t *got)
{
    return s_registry_page(x, HJ__REGISTRY__REQUEST__OP_TRAINING_LIST, after, last, got,
                           s_training_row);
}

static int s_training_fetch(s_export_t *x)
{
    return s_pages(x, s_training_page);
}

static const char *s_attendee(const s_row_t *row, size_t arg, int en, s_buf_t *buf)
{
    (void)buf;
    const Hj__Registry__Attendee *a = row->sub;
    const char *v = S_FIELD(a, char *, arg);
    return arg == offsetof(Hj__Registry__Attendee, role) && !en ? prep_zh(v) : v;
}

#define T_(field) offsetof(Hj__Registry__Training, field)
#define A_(field) offsetof(Hj__Registry__Attendee, field)
static const s_column_t s_training_columns[] = {
    {"培训编号", "training_id", s_str, T_(id)},
    {"日期", "date", s_str, T_(date)},
    {"社区", "community", s_str, T_(community)},
    {"街道", "subdistrict", s_str, T_(subdistrict)},
    {"培训内容", "topics", s_list, T_(n_topics)},
    {"授课人", "trainer", s_str, T_(trainer)},
    {"参训人编号", "person_id", s_attendee, A_(person_id)},
    {"参训人", "attendee", s_attendee, A_(person_name)},
    {"身份", "role", s_attendee, A_(role)},
};

/* ---- talks: 谈心谈话, one row a talk --------------------------------------------- */

static int s_talk_row(s_export_t *x, const ProtobufCMessage *m)
{
    const Hj__Interviews__Talk *t = (const Hj__Interviews__Talk *)m;
    return s_emit(x, t, NULL, t->community, NULL);
}

static int s_talks_page(s_export_t *x, const char *after, char last[64], size_t *got)
{
    Hj__Interviews__TalkQuery q = HJ__INTERVIEWS__TALK_QUERY__INIT;
    q.community = (char *)x->community;
    q.after = (char *)after;
    q.limit = x->page;
    return s_list_page(x, &prep_interviews, HJ__INTERVIEWS__REQUEST__OP_TALK_LIST, &q.base, "id",
                       last, got, s_talk_row);
}

/* The lists that filter by community but not by subdistrict (talks, audits):
 * with a subdistrict, one community of it at a time, so each request is an
 * index range on the server and nothing outside the subdistrict is fetched. */
static int s_by_community(s_export_t *x, s_page_t page)
{
    if (!x->subdistrict[0] || x->community[0])
        return s_pages(x, page);
    int rc = CLI_OK;
    for (size_t i = 0; i < x->ncodes && rc == CLI_OK; i++) {
        x->community = x->codes[i];
        rc = s_pages(x, page);
    }
    x->community = "";
    return rc;
}

static int s_talks_fetch(s_export_t *x)
{
    return s_by_community(x, s_talks_page);
}

static const char *s_phase(const s_row_t *row, size_t arg, int en, s_buf_t *buf)
{
    (void)arg, (void)buf;
    return talk_phase_text(((const Hj__Interviews__Talk *)row->rec)->phase, en);
}

/* arg 0: the interviewee's name; 1: their standing (a sitting member, a
 * person of the registry, or an outside party's role); 2: the person id. */
static const char *s_interviewee(const s_row_t *row, size_t arg, int en, s_buf_t *buf)
{
    (void)buf;
    const Hj__Interviews__Interviewee *e = ((const Hj__Interviews__Talk *)row->rec)->interviewee;
    if (!e)
        return "";
    if (arg == 0)
        return e->name;
    if (arg == 2)
        return e->person_id;
    if (e->kind != HJ__INTERVIEWS__INTERVIEWEE_KIND__REGISTRY_PERSON)
        return talk_role_text(e->role, en);
    if (e->sitting_member)
        return en ? "sitting_member" : "两委成员";
    return en ? "registry_person" : "登记人员";
}

/* The open follow-ups: "action（owner，due）" joined. */
static const char *s_open_follow_ups(const s_row_t *row, size_t arg, int en, s_buf_t *buf)
{
    (void)arg;
    const Hj__Interviews__Talk *t = row->rec;
    size_t k = 0;
    for (size_t i = 0; i < t->n_follow_ups; i++) {
        const Hj__Interviews__FollowUp *f = t->follow_ups[i];
        if (f->closed_on[0])
            continue;
        s_cat(buf, en ? "%s%s (%s, due %s)" : "%s%s（%s，%s前）", k++ ? (en ? "; " : "；") : "",
              f->action, f->owner, f->due_date);
    }
    return buf->len ? buf->data : "";
}

static const char *s_concern(const s_row_t *row, size_t arg, int en, s_buf_t *buf)
{
    (void)arg, (void)buf;
    return s_yes_no(((const Hj__Interviews__Talk *)row->rec)->concern_raised, en);
}

#define K_(field) offsetof(Hj__Interviews__Talk, field)
static const s_column_t s_talk_columns[] = {
    {"编号", "id", s_str, K_(id)},
    {"日期", "date", s_str, K_(date)},
    {"社区", "community", s_str, K_(community)},
    {"阶段", "phase", s_phase, 0},
    {"谈话对象", "interviewee", s_interviewee, 0},
    {"对象身份", "interviewee_role", s_interviewee, 1},
    {"对象人员编号", "interviewee_person_id", s_interviewee, 2},
    {"谈话人", "interviewer_names", s_list, K_(n_interviewer_names)},
    {"谈话主题", "topics", s_list, K_(n_topics)},
    {"谈话摘要", "summary", s_str, K_(summary)},
    {"需跟进问题", "concern_raised", s_concern, 0},
    {"未办结事项数", "open_follow_ups", s_uint, K_(open_follow_ups)},
    {"未办结事项", "open_follow_up_items", s_open_follow_ups, 0},
    {"记录人", "recorded_by", s_str, K_(recorded_by)},
};

/* ---- findings: 审计发现问题 of every audit in scope ------------------------------- */

/* One audit as `hj audit show` reads it: its findings, each a row. */
static int s_audit_findings(s_export_t *x, const char *audit_id)
{
    Hj__Audit__AuditRef ref = HJ__AUDIT__AUDIT_REF__INIT;
    ProtobufCMessage *reply;
    const ProtobufCMessage *m;
    ref.key = (char *)audit_id;
    int rc = prep_fetch(x->cli, &prep_audit, HJ__AUDIT__REQUEST__OP_SHOW, &ref.base, PREP_LOOKUP,
                        &hj__audit__audit_view__descriptor, &reply, &m);
    if (rc != CLI_OK)
        return rc;
    const Hj__Audit__AuditView *v = (const Hj__Audit__AuditView *)m;
    for (size_t i = 0; v->engagement && i < v->n_findings && rc == CLI_OK; i++)
        rc = s_emit(x, v->findings[i], v->engagement, v->engagement->community, NULL);
    protobuf_c_message_free_unpacked(reply, NULL);
    return rc;
}

/* An audit's findings, when it is one of the subdistrict's. */
static int s_audit_line(s_export_t *x, const ProtobufCMessage *m)
{
    const Hj__Audit__StatusLine *l = (const Hj__Audit__StatusLine *)m;
    return l->audit_id[0] && s_in_subdistrict(x, l->community, NULL)
               ? s_audit_findings(x, l->audit_id)
               : CLI_OK;
}

static int s_audits_page(s_export_t *x, const char *after, char last[64], size_t *got)
{
    Hj__Audit__ListQuery q = HJ__AUDIT__LIST_QUERY__INIT;
    q.limit = x->page;
    q.after = (char *)after;
    q.community = (char *)x->community;
    return s_list_page(x, &prep_audit, HJ__AUDIT__REQUEST__OP_LIST, &q.base, "audit_id", last, got,
                       s_audit_line);
}

static int s_findings_fetch(s_export_t *x)
{
    return s_by_community(x, s_audits_page);
}

/* arg: 0 the audit's state, 1 its term */
static const char *s_audit(const s_row_t *row, size_t arg, int en, s_buf_t *buf)
{
    const Hj__Audit__Engagement *e = row->sub;
    if (arg == 1)
        return e->term;
    if (!en)
        return audit_state_zh(e->state);
    char word[48];
    audit_word(&hj__audit__state__descriptor, e->state, word);
    s_cat(buf, "%s", word);
    return buf->data;
}

/* arg: 0 severity, 1 remedy */
static const char *s_finding_enum(const s_row_t *row, size_t arg, int en, s_buf_t *buf)
{
    const Hj__Audit__Finding *f = row->rec;
    int value = arg == 0 ? (int)f->severity : (int)f->remedy;
    if (!en)
        return arg == 0 ? audit_severity_zh(value) : audit_remedy_zh(value);
    char word[48];
    audit_word(arg == 0 ? &hj__audit__severity__descriptor : &hj__audit__remedy__descriptor, value,
               word);
    s_cat(buf, "%s", word);
    return buf->data;
}

/* Yuan with two decimals from the integer fen ("" when no money is involved). */
static const char *s_amount(const s_row_t *row, size_t arg, int en, s_buf_t *buf)
{
    (void)arg, (void)en;
    const Hj__Audit__Finding *f = row->rec;
    if (!f->has_amount)
        return "";
    uint64_t v = f->amount_fen < 0 ? (uint64_t)(-(f->amount_fen + 1)) + 1 : (uint64_t)f->amount_fen;
    s_cat(buf, "%s%" PRIu64 ".%02" PRIu64, f->amount_fen < 0 ? "-" : "", v / 100, v % 100);
    return buf->data;
}

#define F_(field) offsetof(Hj__Audit__Finding, field)
static const s_column_t s_finding_columns[] = {
    {"审计编号", "audit_id", s_str, F_(audit_id)},
    {"社区", "community", s_str, F_(community)},
    {"任期", "term", s_audit, 1},
    {"审计状态", "audit_state", s_audit, 0},
    {"问题序号", "no", s_uint, F_(no)},
    {"审计事项序号", "scope_item", s_uint, F_(scope_item)},
    {"审计事项", "scope_title", s_str, F_(scope_title)},
    {"严重程度", "severity", s_finding_enum, 0},
    {"金额（元）", "amount_yuan", s_amount, 0},
    {"问题描述", "text", s_str, F_(text)},
    {"责任人", "responsible", s_str, F_(responsible)},
    {"整改状态", "remedy", s_finding_enum, 1},
    {"整改说明", "remedy_note", s_str, F_(remedy_note)},
    {"证据", "evidence", s_list, F_(n_evidence)},
};

/* ---- board: the readiness board, one row a community --------------------------- */

/* The board's 宣传次数 counts a subdistrict-wide push on every board of the
 * subdistrict (its residents saw it); a spreadsheet sums the column, so the
 * export gives each community its own pushes and each subdistrict a row of
 * its own for the pushes to all of it: the column adds up to what was done. */
typedef struct s_pushes {
    char code[64]; /* a community, or the subdistrict of a subdistrict-wide push */
    int subdistrict;
    uint32_t count;
} s_pushes_t;

/* What a board row carries beside the board (row->sub). */
typedef struct {
    uint32_t pushes;
    int subdistrict_row; /* the subdistrict-wide row: no gates, no election */
} s_board_extra_t;

static uint32_t *s_push_slot(s_export_t *x, const char *code, int subdistrict)
{
    for (size_t i = 0; i < x->npushes; i++)
        if (x->pushes[i].subdistrict == subdistrict && strcmp(x->pushes[i].code, code) == 0)
            return &x->pushes[i].count;
    s_pushes_t *grown = realloc(x->pushes, (x->npushes + 1) * sizeof *grown);
    if (!grown)
        return NULL;
    x->pushes = grown;
    s_pushes_t *p = &x->pushes[x->npushes++];
    snprintf(p->code, sizeof p->code, "%s", code);
    p->subdistrict = subdistrict;
    p->count = 0;
    return &p->count;
}

static int s_push_row(s_export_t *x, const ProtobufCMessage *m)
{
    const Hj__Registry__Publicity *p = (const Hj__Registry__Publicity *)m;
    uint32_t *slot =
        p->community[0] ? s_push_slot(x, p->community, 0) : s_push_slot(x, p->subdistrict, 1);
    if (!slot) {
        fprintf(stderr, "hj: out of memory\n");
        return CLI_USAGE;
    }
    *slot += p->count;
    return CLI_OK;
}

static int s_push_page(s_export_t *x, const char *after, char last[64], size_t *got)
{
    return s_registry_page(x, HJ__REGISTRY__REQUEST__OP_PUBLICITY_LIST, after, last, got,
                           s_push_row);
}

static int s_board_fetch(s_export_t *x)
{
    Hj__Tally__Reply *reply = NULL;
    const Hj__Tally__Snapshot *s = NULL;
    int rc = board_snapshot(x->cli, x->community, x->subdistrict, &reply, &s);
    if (rc != CLI_OK || (rc = s_pages(x, s_push_page)) != CLI_OK)
        goto out;
    for (size_t i = 0; i < s->n_communities && rc == CLI_OK; i++) {
        const Hj__Tally__CommunityBoard *b = s->communities[i];
        const uint32_t *own = s_push_slot(x, b->code, 0);
        s_board_extra_t extra = {own ? *own : 0, 0};
        rc = s_emit(x, b, &extra, b->code, b->subdistrict);
    }
    /* One export of one community has no subdistrict row: its board is asked for alone. */
    for (size_t i = 0; i < x->npushes && rc == CLI_OK && !x->community[0]; i++) {
        if (!x->pushes[i].subdistrict)
            continue;
        Hj__Tally__CommunityBoard wide = HJ__TALLY__COMMUNITY_BOARD__INIT;
        s_board_extra_t extra = {x->pushes[i].count, 1};
        wide.name = x->en ? "(subdistrict-wide)" : "（全街道）";
        wide.subdistrict = x->pushes[i].code;
        rc = s_emit(x, &wide, &extra, "", wide.subdistrict);
    }
out:
    if (reply)
        protobuf_c_message_free_unpacked(&reply->base, NULL);
    return rc;
}

/* The pushes column: the community's own, or the subdistrict-wide ones. */
static const char *s_board_pushes(const s_row_t *row, size_t arg, int en, s_buf_t *buf)
{
    (void)arg, (void)en;
    s_cat(buf, "%" PRIu32, ((const s_board_extra_t *)row->sub)->pushes);
    return buf->data;
}

/* A number of the board, "" on the subdistrict row (it has no gates or election). */
static const char *s_board_uint(const s_row_t *row, size_t arg, int en, s_buf_t *buf)
{
    return ((const s_board_extra_t *)row->sub)->subdistrict_row ? "" : s_uint(row, arg, en, buf);
}

static const Hj__Tally__Gate *s_gate(const s_row_t *row, int id)
{
    const Hj__Tally__CommunityBoard *b = row->rec;
    for (size_t i = 0; i < b->n_gates; i++)
        if ((int)b->gates[i]->id == id)
            return b->gates[i];
    return NULL;
}

/* arg = gate id: its state */
static const char *s_gate_state(const s_row_t *row, size_t arg, int en, s_buf_t *buf)
{
    (void)buf;
    const Hj__Tally__Gate *g = s_gate(row, (int)arg);
    const char *word = g ? board_state_word(g->state, en, 1) : NULL;
    return word ? word : "";
}

/* arg = gate id: its reason, and who overrode it why */
static const char *s_gate_reason(const s_row_t *row, size_t arg, int en, s_buf_t *buf)
{
    const Hj__Tally__Gate *g = s_gate(row, (int)arg);
    if (!g)
        return "";
    s_cat(buf, "%s", board_gate_reason(g, en));
    if (g->state == HJ__TALLY__GATE_STATE__OVERRIDDEN)
        s_cat(buf, en ? "; overridden by %s: %s" : "；%s 越过：%s", g->override_actor,
              g->override_reason);
    return buf->data;
}

/* A counter (arg = its offset in Counters). */
static const char *s_counter(const s_row_t *row, size_t arg, int en, s_buf_t *buf)
{
    const Hj__Tally__Counters *k = ((const Hj__Tally__CommunityBoard *)row->rec)->counters;
    s_row_t counters = {k, NULL};
    return k ? s_uint(&counters, arg, en, buf) : "";
}

/* The counters' state words: audit_state (planned ...), plan_state (draft ...). */
static const char *s_counter_word(const s_row_t *row, size_t arg, int en, s_buf_t *buf)
{
    (void)buf;
    const Hj__Tally__Counters *k = ((const Hj__Tally__CommunityBoard *)row->rec)->counters;
    const char *word = k ? S_FIELD(k, char *, arg) : "";
    if (en || !word[0])
        return word;
    if (arg == offsetof(Hj__Tally__Counters, audit_state)) {
        const ProtobufCEnumValue *v = NULL;
        for (unsigned i = 0; i < hj__audit__state__descriptor.n_values && !v; i++) {
            char name[48];
            if (strcmp(audit_word(&hj__audit__state__descriptor,
                                  hj__audit__state__descriptor.values[i].value, name),
                       word) == 0)
                v = &hj__audit__state__descriptor.values[i];
        }
        return v ? audit_state_zh(v->value) : word;
    }
    return prep_zh(word);
}

static const char *s_election(const s_row_t *row, size_t arg, int en, s_buf_t *buf)
{
    (void)buf;
    const char *v = S_FIELD(row->rec, char *, arg);
    if (en || !v[0])
        return v;
    if (arg == offsetof(Hj__Tally__CommunityBoard, election_state))
        return strcmp(v, "scheduled") == 0 ? "已排期" : strcmp(v, "open") == 0 ? "已开启" : v;
    return arg == offsetof(Hj__Tally__CommunityBoard, election_body) ? prep_zh(v) : v;
}

#define B_(field) offsetof(Hj__Tally__CommunityBoard, field)
#define C_(field) offsetof(Hj__Tally__Counters, field)
/* A gate's state and reason; their headers (hj board's gate names) from s_board_init. */
#define GATE(id)                                                                                   \
    {NULL, NULL, s_gate_state, id},                                                                \
    {                                                                                              \
        NULL, NULL, s_gate_reason, id                                                              \
    }
static s_column_t s_board_columns[] = {
    {"社区编号", "community", s_str, B_(code)},
    {"社区名称", "name", s_str, B_(name)},
    {"街道", "subdistrict", s_str, B_(subdistrict)},
    {"指导组", "guidance_group", s_str, B_(guidance_group)},
    GATE(1),
    GATE(2),
    GATE(3),
    GATE(4),
    GATE(5),
    GATE(6),
    GATE(7),
    GATE(8),
    {"未通过门槛数", "red_gates", s_board_uint, B_(red_gates)},
    {"宣传次数", "publicity_own", s_board_pushes, 0},
    {"后备人选在库", "reserve_active", s_counter, C_(reserve_active)},
    {"资格联审通过", "reserve_cleared", s_counter, C_(reserve_cleared)},
    {"已提名", "reserve_nominated", s_counter, C_(reserve_nominated)},
    {"在任两委成员", "members_sitting", s_counter, C_(members_sitting)},
    {"已分析研判", "members_assessed", s_counter, C_(members_assessed)},
    {"调研摸底谈话", "talks_survey", s_counter, C_(talks_survey)},
    {"准备阶段谈话", "talks_preparation", s_counter, C_(talks_preparation)},
    {"其他谈话", "talks_other", s_counter, C_(talks_other)},
    {"谈话外部对象", "outside_parties_talked_to", s_counter, C_(outside_parties_talked_to)},
    {"未办结跟进事项", "open_follow_ups", s_counter, C_(open_follow_ups)},
    {"谈话覆盖人数", "talk_covered", s_counter, C_(talk_covered)},
    {"应培训人数", "training_required", s_counter, C_(training_required)},
    {"已培训人数", "training_done", s_counter, C_(training_done)},
    {"未销号整顿事项", "rectification_open", s_counter, C_(rectification_open)},
    {"审计状态", "audit_state", s_counter_word, C_(audit_state)},
    {"审计未整改问题", "audit_open_findings", s_counter, C_(audit_open_findings)},
    {"其中严重问题", "audit_serious_open", s_counter, C_(audit_serious_open)},
    {"方案状态", "plan_state", s_counter_word, C_(plan_state)},
    {"逾期任务", "tasks_overdue", s_counter, C_(tasks_overdue)},
    {"选举", "election_body", s_election, B_(election_body)},
    {"选举日期", "election_date", s_election, B_(election_date)},
    {"职数", "election_seats", s_board_uint, B_(election_seats)},
    {"选举状态", "election_state", s_election, B_(election_state)},
};
_Static_assert(sizeof s_board_columns / sizeof s_board_columns[0] == 4 + 2 * BOARD_GATES + 25,
               "every gate has a state and a reason column");

static void s_board_init(void)
{
    static char reason[BOARD_GATES][2][48];
    for (int g = 1; g <= BOARD_GATES; g++) {
        s_column_t *state = &s_board_columns[4 + 2 * (g - 1)], *why = state + 1;
        state->zh = board_gate_name(g, 0);
        state->en = board_gate_name(g, 1);
        snprintf(reason[g - 1][0], sizeof reason[g - 1][0], "%s说明", state->zh);
        snprintf(reason[g - 1][1], sizeof reason[g - 1][1], "%s_reason", state->en);
        why->zh = reason[g - 1][0];
        why->en = reason[g - 1][1];
    }
}

/* ---- the tables ------------------------------------------------------------------ */

#define N_(a) (sizeof(a) / sizeof((a)[0]))
static const s_table_t s_tables[] = {
    {"reserve", s_reserve_columns, PREP_RESERVE_COLUMNS, s_reserve_fetch, 1, s_reserve_init},
    {"talks", s_talk_columns, N_(s_talk_columns), s_talks_fetch, 0, NULL},
    {"findings", s_finding_columns, N_(s_finding_columns), s_findings_fetch, 0, NULL},
    {"training", s_training_columns, N_(s_training_columns), s_training_fetch, 1, NULL},
    {"publicity", s_publicity_columns, N_(s_publicity_columns), s_publicity_fetch, 1, NULL},
    {"board", s_board_columns, N_(s_board_columns), s_board_fetch, 1, s_board_init},
};

static const char *s_table_names(void)
{
    static char names[128];
    size_t len = 0;
    for (size_t i = 0; i < N_(s_tables) && len < sizeof names; i++)
        len += (size_t)snprintf(names + len, sizeof names - len, "%s%s", i ? ", " : "",
                                s_tables[i].name);
    return names;
}

/* ---- the file -------------------------------------------------------------------- */

/* --out FILE: a temporary file beside it (mode as a new file would get). */
static FILE *s_open_tmp(const char *path, char *tmp, size_t size)
{
    const char *slash = strrchr(path, '/');
    int dir = slash ? (int)(slash - path + 1) : 0;
    if ((size_t)snprintf(tmp, size, "%.*s.%s.XXXXXX", dir, path, slash ? slash + 1 : path) >=
        size) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    int fd = mkstemp(tmp);
    if (fd < 0)
        return NULL;
    mode_t mask = umask(0);
    umask(mask);
    FILE *f = fchmod(fd, 0666 & ~mask) == 0 ? fdopen(fd, "wb") : NULL;
    if (!f) {
        close(fd);
        unlink(tmp);
    }
    return f;
}

/* Flushes and, for --out, syncs and renames into place; on failure removes the
 * temporary file (an existing FILE is left as it was). */
static int s_finish(FILE *f, const char *path, const char *tmp, int rc)
{
    int failed = fflush(f) != 0 || ferror(f);
    if (!path) {
        if (rc == CLI_OK && failed) {
            fprintf(stderr, "hj: could not write to stdout: %s\n", strerror(errno));
            rc = CLI_USAGE;
        }
        return rc;
    }
    failed = failed || fsync(fileno(f)) != 0;
    failed = fclose(f) != 0 || failed;
    if (rc == CLI_OK && !failed && rename(tmp, path) == 0)
        return CLI_OK;
    if (rc == CLI_OK)
        fprintf(stderr, "hj: could not write %s: %s\n", path, strerror(errno));
    unlink(tmp);
    return rc == CLI_OK ? CLI_USAGE : rc;
}

int cmd_export(cli_t *cli, const char *name)
{
    s_export_t x = {.cli = cli, .page = S_PAGE_MAX};
    const char *format = cli_opt(cli, "format"), *lang = cli_opt_or(cli, "lang", "zh");
    const char *path = cli_opt(cli, "out");
    int excel = cli_flag(cli, "excel"), rc;
    for (size_t i = 0; i < N_(s_tables) && !x.table; i++)
        if (strcmp(name, s_tables[i].name) == 0)
            x.table = &s_tables[i];
    if (!x.table)
        return cli_usage("unknown table '%s': hj export TABLE --format csv, TABLE one of %s", name,
                         s_table_names());
    if (cli->npos > 0)
        return cli_usage("hj export TABLE takes one table (%s)", s_table_names());
    if (!format || strcmp(format, "csv") != 0)
        return cli_usage("--format must be csv (the only format): hj export %s --format csv", name);
    if (strcmp(lang, "zh") != 0 && strcmp(lang, "en") != 0)
        return cli_usage("--lang must be zh or en");
    if (path && !path[0])
        return cli_usage("--out needs a file name");
    x.en = strcmp(lang, "en") == 0;
    x.community = cli_opt_or(cli, "community", "");
    x.subdistrict = cli_opt_or(cli, "subdistrict", "");
    if ((rc = prep_uint(cli, "page-size", 1, S_PAGE_MAX, S_PAGE_MAX, &x.page)) != CLI_OK ||
        (rc = cli_unused(cli)) != CLI_OK)
        return rc;
    if (x.table->init)
        x.table->init();
    /* A subdistrict the table's lists cannot filter by: its communities first. */
    if (x.subdistrict[0] && !x.table->server_subdistrict &&
        (rc = s_pages(&x, s_codes_page)) != CLI_OK)
        goto out;

    size_t n = x.table->ncolumns;
    x.bufs = calloc(n, sizeof *x.bufs);
    x.cells = calloc(n, sizeof *x.cells);
    if (!x.bufs || !x.cells) {
        rc = CLI_USAGE;
        goto out;
    }
    char tmp[4096];
    FILE *f = path ? s_open_tmp(path, tmp, sizeof tmp) : stdout;
    if (!f) {
        rc = cli_usage("cannot write %s: %s", path, strerror(errno));
        goto out;
    }
    x.writer = hj_csv_writer_new_file(f, excel ? HJ_CSV_BOM | HJ_CSV_CRLF : 0);
    for (size_t c = 0; c < n; c++)
        x.cells[c] = x.en ? x.table->columns[c].en : x.table->columns[c].zh;
    if (!x.writer || hj_csv_write(x.writer, x.cells, n) != 0) {
        fprintf(stderr, "hj: could not write the header: %s\n", strerror(errno));
        rc = CLI_USAGE;
    } else
        rc = x.table->fetch(&x);
    hj_csv_writer_destroy(&x.writer);
    rc = s_finish(f, path, tmp, rc);
out:
    for (size_t c = 0; x.bufs && c < x.table->ncolumns; c++)
        free(x.bufs[c].data);
    free(x.bufs);
    free(x.cells);
    for (size_t i = 0; i < x.ncodes; i++)
        free(x.codes[i]);
    free(x.codes);
    free(x.pushes);
    return rc;
}

/* hj reserve — 后备人选台账: the reserve-candidate ledger, its vetting
 * (资格联审), and its CSV import/export (export -> import round-trips). */
#include "cmd_prep.h"
#include "hj_csv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Requests larger than this would exceed the broker's message limit (1 MiB by default). */
#define S_REQUEST_MAX 1000000

/* The ledger's CSV columns (cmd_prep.h): Chinese headers by default, English with --lang en. */
enum {
    C_ID,
    C_PERSON,
    C_NAME,
    C_COMMUNITY,
    C_COMMITTEE,
    C_SOURCE,
    C_ADDED,
    C_STATUS,
    C_VETTING,
    C_REASON,
    C_NOTE,
    C_COUNT
};
_Static_assert(C_COUNT == PREP_RESERVE_COLUMNS, "one ledger column list");
const char *const prep_reserve_columns[PREP_RESERVE_COLUMNS][2] = {
    {"编号", "id"},          {"人员编号", "person_id"},
    {"姓名", "name"},        {"社区", "community"},
    {"委员会", "committee"}, {"推荐来源", "source"},
    {"入库日期", "added"},   {"状态", "status"},
    {"资格联审", "vetting"}, {"否决原因", "bar_reason"},
    {"备注", "note"},
};
static const char *s_committees[] = {"", "party", "residents"};

void prep_reserve_row(const Hj__Registry__Reserve *r, int en, const char *row[PREP_RESERVE_COLUMNS])
{
    int c = r->committee >= 1 && r->committee <= 2 ? r->committee : 0;
    const char *cells[C_COUNT] = {r->id,
                                  r->person_id,
                                  r->person_name,
                                  r->community,
                                  en ? s_committees[c] : prep_zh(s_committees[c]),
                                  r->source,
                                  r->added,
                                  en ? r->status : prep_zh(r->status),
                                  en ? r->vetting : prep_zh(r->vetting),
                                  en ? r->bar_reason : prep_zh(r->bar_reason),
                                  r->note};
    memcpy(row, cells, sizeof cells);
}

static void s_table_row(cli_table_t *t, const ProtobufCMessage *record)
{
    const Hj__Registry__Reserve *r = (const Hj__Registry__Reserve *)record;
    int c = r->committee >= 1 && r->committee <= 2 ? r->committee : 0;
    char added[48];
    snprintf(added, sizeof added, "%s%s", r->added, prep_voided_mark(r->voided));
    const char *row[] = {r->code,
                         r->id,
                         r->community,
                         prep_label(s_committees[c], 0),
                         r->person_name,
                         r->source,
                         added,
                         prep_label(r->status, 1),
                         prep_label(r->vetting, 2),
                         r->bar_reason[0] ? prep_label(r->bar_reason, 3) : ""};
    cli_table_row(t, row);
}

static void s_print(const ProtobufCMessage *m)
{
    static const char *head[] = {"CODE",   "ID",    "COMMUNITY", "COMMITTEE", "PERSON",
                                 "SOURCE", "ADDED", "STATUS",    "VETTING",   "REASON"};
    const Hj__Registry__Reserve *r =
        prep_table_record(m, 10, head, s_table_row, &hj__registry__reserve__descriptor);
    if (!r)
        return;
    if (r->note[0])
        printf("note: %s\n", r->note);
    if (r->voided)
        printf("%s  %s\n", prep_voided_mark(1) + 1, r->void_reason);
}

static void s_print_report(const ProtobufCMessage *m)
{
    const Hj__Registry__ImportReport *r = (const Hj__Registry__ImportReport *)m;
    printf("%u rows: %u added, %u updated\n", r->rows, r->added, r->updated);
}

static int s_committee(const char *value)
{
    const char *word = prep_word(value);
    for (int i = 1; i <= 2; i++)
        if (strcmp(word, s_committees[i]) == 0)
            return i;
    return 0; /* the service names the field */
}

/* The ledger columns a file must have (named when missing). */
static int s_check(const hj_csv_record_t *rec, const int *col)
{
    int bad = 0;
    static const int required[] = {C_COMMUNITY, C_COMMITTEE, C_ADDED};
    for (size_t k = 0; k < sizeof required / sizeof required[0]; k++)
        if (col[required[k]] < 0) {
            fprintf(stderr, "hj: line %zu: the column %s (%s) is missing\n", rec->line,
                    prep_reserve_columns[required[k]][0], prep_reserve_columns[required[k]][1]);
            bad = 1;
        }
    if (col[C_PERSON] < 0 && col[C_NAME] < 0) {
        fprintf(stderr, "hj: line %zu: a person_id (人员编号) or name (姓名) column is needed\n",
                rec->line);
        bad = 1;
    }
    return bad ? -1 : 0;
}

/* A cell copied into a, def when the column is absent or the cell empty. */
static char *s_cell(hj_arena_t *a, const hj_csv_record_t *rec, int col, const char *def)
{
    const char *v = col >= 0 ? rec->fields[col] : "";
    return hj_arena_strdup(a, v[0] ? v : def);
}

/* A cell written by people (状态 在库) as the word the service knows, in a. */
static char *s_word(hj_arena_t *a, const hj_csv_record_t *rec, int col, const char *def)
{
    return hj_arena_strdup(a, prep_word(col >= 0 && rec->fields[col][0] ? rec->fields[col] : def));
}

/* One ledger row, its strings in a. */
static int s_row(const hj_csv_record_t *rec, const int *col, ProtobufCMessage *msg, hj_arena_t *a)
{
    Hj__Registry__Reserve *r = (Hj__Registry__Reserve *)msg;
    r->line = (uint32_t)rec->line;
    r->id = s_cell(a, rec, col[C_ID], "");
    r->person_id = s_cell(a, rec, col[C_PERSON], "");
    r->person_name = s_cell(a, rec, col[C_NAME], "");
    r->community = s_cell(a, rec, col[C_COMMUNITY], "");
    r->committee = s_committee(col[C_COMMITTEE] >= 0 ? rec->fields[col[C_COMMITTEE]] : "");
    r->source = s_cell(a, rec, col[C_SOURCE], "");
    r->added = s_cell(a, rec, col[C_ADDED], "");
    r->status = s_word(a, rec, col[C_STATUS], "active");
    r->vetting = s_word(a, rec, col[C_VETTING], "pending");
    r->bar_reason = s_word(a, rec, col[C_REASON], "");
    r->note = s_cell(a, rec, col[C_NOTE], "");
    return 0;
}

/* One request for the whole file (one UUID: a retry cannot half-import). When
 * the service refuses rows, every bad line is listed from a check request. */
static int s_import(cli_t *cli, const char *verb)
{
    static const prep_csv_t spec = {&prep_reserve_columns[0][0],        C_COUNT, 2,
                                    &hj__registry__reserve__descriptor, s_check, s_row};
    Hj__Registry__Request req = HJ__REGISTRY__REQUEST__INIT;
    Hj__Registry__ReserveImport imp = HJ__REGISTRY__RESERVE_IMPORT__INIT;
    Hj__Registry__Reply *reply;
    hj_arena_t rows = {0};
    const char *path = cli->pos[0];
    char id[37];
    (void)verb;
    int rc = prep_csv_read(path, &spec, &rows, &imp.rows, &imp.n_rows);
    if (rc != CLI_OK)
        goto out;
    req.request_id = (char *)cli_request_id(cli, id);
    req.op_case = HJ__REGISTRY__REQUEST__OP_RESERVE_IMPORT;
    req.reserve_import = &imp;
    if (protobuf_c_message_get_packed_size(&req.base) > S_REQUEST_MAX) {
        rc = cli_usage("%s is too large for one import (%zu rows): split it", path, imp.n_rows);
        goto out;
    }
    rc = prep_call(cli, &req, &reply);
    if (rc == CLI_OK) {
        rc = prep_output(cli, reply, "ledger imported", s_print_report);
        goto out;
    }
    if (rc != CLI_REFUSED)
        goto out;
    req.request_id = "";
    req.op_case = HJ__REGISTRY__REQUEST__OP_RESERVE_CHECK;
    req.reserve_check = &imp;
    if (prep_call(cli, &req, &reply) != CLI_OK)
        goto out;
    const Hj__Registry__ImportReport *r = reply->import_report;
    for (size_t i = 0; r && i < r->n_problems; i++)
        fprintf(stderr, "hj: %s line %u: %s: %s\n", path, r->problems[i]->line,
                r->problems[i]->field, r->problems[i]->message);
    hj__registry__reply__free_unpacked(reply, NULL);
out:
    hj_arena_free(&rows);
    return rc;
}

/* Pages through the ledger and writes it as the CSV import reads. */
static int s_export(cli_t *cli, const char *verb)
{
    Hj__Registry__Request req = HJ__REGISTRY__REQUEST__INIT;
    Hj__Registry__ListQuery q = HJ__REGISTRY__LIST_QUERY__INIT;
    Hj__Registry__Reply *reply = NULL;
    const char *path = cli_opt(cli, "out"), *lang = cli_opt_or(cli, "lang", "zh");
    char after[37] = "";
    int rc, en = strcmp(lang, "en") == 0;
    (void)verb;
    if (!en && strcmp(lang, "zh") != 0)
        return cli_usage("--lang must be zh or en");
    if ((rc = prep_list_query(cli, &q)) != CLI_OK)
        return rc;
    q.state = (char *)prep_enum(cli, "status", "");
    q.limit = 1000;
    if ((rc = cli_unused(cli)) != CLI_OK)
        return rc;
    FILE *f = path ? fopen(path, "wb") : stdout;
    if (!f)
        return cli_usage("cannot write %s: %s", path, strerror(errno));
    hj_csv_writer_t *w = hj_csv_writer_new_file(f, en ? 0 : HJ_CSV_BOM);
    const char *header[C_COUNT];
    for (int c = 0; c < C_COUNT; c++)
        header[c] = prep_reserve_columns[c][en];
    if (!w || hj_csv_write(w, header, C_COUNT) != 0)
        rc = CLI_USAGE;
    req.op_case = HJ__REGISTRY__REQUEST__OP_RESERVE_LIST;
    req.reserve_list = &q;
    for (size_t got = 1000; rc == CLI_OK && got == 1000;) {
        q.after = after;
        if ((rc = prep_call(cli, &req, &reply)) != CLI_OK)
            break;
        const Hj__Registry__Reserves *list = reply->reserves;
        got = list ? list->n_items : 0;
        /* The file is the data; what the device's scope left out is said aside. */
        if (list && list->withheld && !after[0])
            fprintf(stderr,
                    en ? "%u more not in this device's scope\n"
                       : "（另有 %u 条不在本设备范围内）\n",
                    list->withheld);
        for (size_t i = 0; i < got && rc == CLI_OK; i++) {
            const Hj__Registry__Reserve *r = list->items[i];
            const char *row[C_COUNT];
            prep_reserve_row(r, en, row);
            if (hj_csv_write(w, row, C_COUNT) != 0)
                rc = CLI_USAGE;
            snprintf(after, sizeof after, "%s", r->id);
        }
        hj__registry__reply__free_unpacked(reply, NULL);
    }
    hj_csv_writer_destroy(&w);
    if ((path && fclose(f) != 0) || (!path && fflush(f) != 0))
        rc = rc ? rc : CLI_USAGE;
    if (rc == CLI_USAGE)
        fprintf(stderr, "hj: could not write the ledger to %s\n", path ? path : "stdout");
    return rc;
}

static int s_add(cli_t *cli, const char *verb)
{
    Hj__Registry__Reserve r = HJ__REGISTRY__RESERVE__INIT;
    (void)verb;
    prep_texts(cli, (const char *const[]){"person", "community", "source", "added", "note", NULL},
               (char **const[]){&r.person_id, &r.community, &r.source, &r.added, &r.note, NULL});
    r.committee = s_committee(prep_enum(cli, "committee", ""));
    r.status = (char *)prep_enum(cli, "status", "active");
    r.vetting = (char *)prep_enum(cli, "vetting", "pending");
    r.bar_reason = (char *)prep_enum(cli, "reason", "");
    return prep_write(cli, HJ__REGISTRY__REQUEST__OP_RESERVE_ADD, &r.base,
                      cli->en ? "reserve candidate added" : "后备人选已入台账", s_print);
}

static int s_update(cli_t *cli, const char *verb)
{
    Hj__Registry__ReserveUpdate u = HJ__REGISTRY__RESERVE_UPDATE__INIT;
    (void)verb;
    u.id = (char *)cli->pos[0];
    u.status = (char *)prep_enum(cli, "status", "");
    u.vetting = (char *)prep_enum(cli, "vetting", "");
    u.bar_reason = (char *)prep_enum(cli, "reason", "");
    u.note = (char *)cli_opt_or(cli, "note", "");
    return prep_write(cli, HJ__REGISTRY__REQUEST__OP_RESERVE_UPDATE, &u.base,
                      cli->en ? "reserve entry updated" : "后备人选台账条目已更新", s_print);
}

/* The record by its code (X0042) or UUID (issue #20). */
int cmd_reserve(cli_t *cli, const char *verb)
{
    static const prep_verb_t verbs[] = {{"add", 0, s_add},
                                        {"update", 1, s_update},
                                        {"import", 1, s_import},
                                        {"export", 0, s_export},
                                        {NULL, 0, NULL}};
    static const prep_filter_t filters[] = {{"status", PREP_WORD, "state"},
                                            {"include-void", PREP_FLAG, "include_void"},
                                            {NULL, 0, NULL}};
    return prep_kind_run(cli, verb, "reserve", verbs, filters, s_print);
}

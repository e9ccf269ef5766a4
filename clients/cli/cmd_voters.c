/* hj voters — the named voter roll of an election (选民登记, issue 21): import
 * from CSV (all or nothing), list, objections by name, the posting export
 * (张榜公布) and proxies between entries. The counts-only verbs (set, show,
 * object, decide) stay in cmd_election.c. */
#include "cli.h"
#include "cmd_prep.h"
#include "hj_csv.h"
#include "tally.pb-c.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Requests larger than this would exceed the broker's message limit (1 MiB by default). */
#define S_REQUEST_MAX 1000000

/* The roll's CSV columns: Chinese headers by default, English accepted. */
enum { C_NAME, C_GENDER, C_BIRTH, C_GROUP, C_PERSON, C_COUNT };
static const char *const s_columns[C_COUNT][3] = {
    {"姓名", "name", NULL},      {"性别", "gender", NULL},        {"出生日期", "birth_date", NULL},
    {"居民小组", "group", "户"}, {"人员编号", "person_id", NULL},
};

/* 男 / 女 as the service's words; anything else goes as written (the service names the line). */
static const char *s_gender(const char *g)
{
    return strcmp(g, "男") == 0 ? "male" : strcmp(g, "女") == 0 ? "female" : g;
}

/* The roll's columns a file must have (named when missing): all but 人员编号. */
static int s_check(const hj_csv_record_t *rec, const int *col)
{
    int bad = 0;
    for (int c = 0; c < C_PERSON; c++)
        if (col[c] < 0) {
            fprintf(stderr, "hj: line %zu: the column %s (%s) is missing\n", rec->line,
                    s_columns[c][0], s_columns[c][1]);
            bad = 1;
        }
    return bad ? -1 : 0;
}

/* One row of the roll, its strings in a. */
static int s_row(const hj_csv_record_t *rec, const int *col, ProtobufCMessage *msg, hj_arena_t *a)
{
    Hj__Tally__Voter *one = (Hj__Tally__Voter *)msg;
    one->line = (uint32_t)rec->line;
    one->name = hj_arena_strdup(a, rec->fields[col[C_NAME]]);
    one->gender = hj_arena_strdup(a, s_gender(rec->fields[col[C_GENDER]]));
    one->birth_date = hj_arena_strdup(a, rec->fields[col[C_BIRTH]]);
    one->group_name = hj_arena_strdup(a, rec->fields[col[C_GROUP]]);
    one->person_id = hj_arena_strdup(a, col[C_PERSON] >= 0 ? rec->fields[col[C_PERSON]] : "");
    return 0;
}

static void s_print_list(const Hj__Tally__VoterList *l, int en)
{
    static const char *head[] = {"NO", "NAME", "GENDER", "BIRTH", "GROUP", "ON ROLL"};
    printf("voter roll of election %s (%s, election day %s): %u voters\n", l->election,
           l->community, l->election_date, l->voters);
    if (l->n_entries) {
        cli_table_t *t = cli_table_new(6, head);
        for (size_t i = 0; i < l->n_entries; i++) {
            const Hj__Tally__Voter *v = l->entries[i];
            char no[16];
            snprintf(no, sizeof no, "%u", v->no);
            const char *row[] = {no,
                                 v->name,
                                 v->gender,
                                 v->birth_date,
                                 v->group_name,
                                 v->removed ? "removed" : "yes"};
            cli_table_row(t, row);
        }
        cli_table_print(t);
        cli_table_destroy(&t);
    }
    for (size_t i = 0; i < l->n_objections; i++) {
        const Hj__Tally__VoterObjection *o = l->objections[i];
        printf("  objection to %s %s (filed %s): %s — %s%s%s\n", o->action, o->name, o->filed_on,
               o->reason, o->decision[0] ? o->decision : "open", o->decided_on[0] ? " on " : "",
               o->decided_on);
    }
    if (l->next[0])
        printf("next: %s\n", en || !l->next_zh[0] ? l->next : l->next_zh);
}

/* The posting file: names and groups only (no birth dates, no numbers). */
static int s_write_posting(const char *path, const Hj__Tally__VoterList *l, int en)
{
    FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "wb");
    if (!f)
        return cli_usage("cannot write %s: %s", path, strerror(errno));
    hj_csv_writer_t *w = hj_csv_writer_new_file(f, en ? 0 : HJ_CSV_BOM);
    const char *header[2] = {s_columns[C_NAME][en], s_columns[C_GROUP][en]};
    int rc = w && hj_csv_write(w, header, 2) == 0 ? CLI_OK : CLI_USAGE;
    for (size_t i = 0; rc == CLI_OK && i < l->n_entries; i++) {
        const char *row[2] = {l->entries[i]->name, l->entries[i]->group_name};
        if (hj_csv_write(w, row, 2) != 0)
            rc = CLI_USAGE;
    }
    hj_csv_writer_destroy(&w);
    if ((f != stdout && fclose(f) != 0) || rc != CLI_OK)
        return cli_usage("cannot write %s", path);
    return CLI_OK;
}

static int s_print(cli_t *cli, const Hj__Tally__Reply *reply, const char *done, int en)
{
    const ProtobufCMessage *m =
        reply->result_case == HJ__TALLY__REPLY__RESULT_VOTER_LIST ? &reply->voter_list->base
        : reply->result_case == HJ__TALLY__REPLY__RESULT_VOTER_OBJECTION_VIEW
            ? &reply->voter_objection_view->base
        : reply->result_case == HJ__TALLY__REPLY__RESULT_PROXY ? &reply->proxy->base
                                                               : NULL;
    int rc = prep_answer(cli, m, done);
    if (rc != CLI_OK || cli->json)
        return rc;
    if (reply->result_case == HJ__TALLY__REPLY__RESULT_VOTER_LIST)
        s_print_list(reply->voter_list, en);
    else if (reply->result_case == HJ__TALLY__REPLY__RESULT_VOTER_OBJECTION_VIEW) {
        const Hj__Tally__VoterObjection *o = reply->voter_objection_view;
        printf("objection to %s %s%s%s: %s — %s; %u voters on the roll\n", o->action, o->name,
               o->group_name[0] ? " of " : "", o->group_name, o->reason,
               o->decision[0] ? o->decision : "open", o->voters);
    } else {
        const Hj__Tally__Proxy *p = reply->proxy;
        printf("proxy recorded: %s (voter %s) votes for %s (voter %s); %s now holds %u\n",
               p->holder_name, p->holder, p->principal_name, p->principal, p->holder_name, p->held);
    }
    return CLI_OK;
}

static int s_import(cli_t *cli, const char *election, const char *path)
{
    static const prep_csv_t spec = {&s_columns[0][0], C_COUNT, 3, &hj__tally__voter__descriptor,
                                    s_check,          s_row};
    Hj__Tally__Request req = HJ__TALLY__REQUEST__INIT;
    Hj__Tally__VoterImport imp = HJ__TALLY__VOTER_IMPORT__INIT;
    Hj__Tally__Reply *reply = NULL;
    hj_arena_t rows = {0};
    char id[37];
    int rc = prep_csv_read(path, &spec, &rows, &imp.voters, &imp.n_voters);
    if (rc != CLI_OK)
        goto out;
    imp.election = (char *)election;
    req.request_id = (char *)cli_request_id(cli, id);
    req.op_case = HJ__TALLY__REQUEST__OP_VOTERS_IMPORT;
    req.voters_import = &imp;
    if (protobuf_c_message_get_packed_size(&req.base) > S_REQUEST_MAX)
        rc = cli_usage("%s is too large for one import (%zu voters): split it", path, imp.n_voters);
    else if ((rc = prep_call_to(cli, "tally", &req.base, &hj__tally__reply__descriptor,
                                (ProtobufCMessage **)&reply)) == CLI_OK) {
        rc = s_print(cli, reply, "voter roll imported", 0);
        hj__tally__reply__free_unpacked(reply, NULL);
    }
out:
    hj_arena_free(&rows);
    return rc;
}

/* One request of the named roll: op as the member op_case names (a write
 * unless a read: list, posting), its answer shown after done, or written to
 * the posting file out. CLI_* exit code. */
static int s_send(cli_t *cli, uint32_t op_case, const ProtobufCMessage *op, int how,
                  const char *done, const char *out)
{
    ProtobufCMessage *answer;
    int rc = prep_send_to(cli, &prep_tally, op_case, op, how, &answer);
    if (rc != CLI_OK)
        return rc;
    const Hj__Tally__Reply *reply = (const Hj__Tally__Reply *)answer;
    int en = cli->en; /* --lang / HJ_LANG, checked once by hj */
    if (out && reply->result_case == HJ__TALLY__REPLY__RESULT_VOTER_LIST) {
        const Hj__Tally__VoterList *l = reply->voter_list;
        if ((rc = s_write_posting(out, l, en)) == CLI_OK && strcmp(out, "-") != 0 && !cli->json)
            printf("posting of %u voters written to %s (names and groups only)\nnext: %s\n",
                   l->voters, out, en || !l->next_zh[0] ? l->next : l->next_zh);
    } else
        rc = s_print(cli, reply, done, en);
    protobuf_c_message_free_unpacked(answer, NULL);
    return rc;
}

/* hj voters objection ELECTION --name N: filed with its reason, or decided
 * (--uphold / --reject). */
static int s_objection(cli_t *cli, const char *election)
{
    Hj__Tally__VoterObjection o = HJ__TALLY__VOTER_OBJECTION__INIT;
    int uphold = cli_flag(cli, "uphold"), reject = cli_flag(cli, "reject");
    o.election = (char *)election;
    o.name = (char *)cli_opt_or(cli, "name", "");
    if (uphold && reject)
        return cli_usage("--uphold or --reject, not both");
    if (uphold || reject) {
        o.decision = uphold ? "upheld" : "dismissed";
        return s_send(cli, HJ__TALLY__REQUEST__OP_VOTER_DECIDE, &o.base, PREP_WRITE,
                      uphold ? "objection upheld: the roll is corrected"
                             : "objection rejected: the roll stays",
                      NULL);
    }
    o.reason = (char *)cli_opt_or(cli, "reason", "");
    o.group = o.group_name = (char *)cli_opt_or(cli, "group", "");
    o.gender = (char *)s_gender(cli_opt_or(cli, "gender", ""));
    o.birth_date = (char *)cli_opt_or(cli, "birth", "");
    return s_send(cli, HJ__TALLY__REQUEST__OP_VOTER_OBJECTION, &o.base, PREP_WRITE,
                  "objection filed", NULL);
}

/* hj voters import|list|objection|posting|proxy ELECTION ...; the others go to the counts-only
 * roll. */
int cmd_voters_roll(cli_t *cli, const char *verb)
{
    if (strcmp(verb, "import") && strcmp(verb, "list") && strcmp(verb, "objection") &&
        strcmp(verb, "posting") && strcmp(verb, "proxy"))
        return cmd_voters(cli, verb);
    if (strcmp(verb, "import") == 0)
        return cli->npos == 2 ? s_import(cli, cli->pos[0], cli->pos[1])
                              : cli_usage("hj voters import ELECTION-ID FILE.csv");
    if (cli->npos != 1)
        return cli_usage("hj voters %s ELECTION-ID ... (see hj voters --help)", verb);
    const char *election = cli->pos[0];
    if (strcmp(verb, "list") == 0) {
        Hj__Tally__ElectionRef ref = HJ__TALLY__ELECTION_REF__INIT;
        ref.id = (char *)election;
        return s_send(cli, HJ__TALLY__REQUEST__OP_VOTERS_LIST, &ref.base, 0, NULL, NULL);
    } else if (strcmp(verb, "objection") == 0)
        return s_objection(cli, election);
    else if (strcmp(verb, "posting") == 0) {
        Hj__Tally__VoterPosting post = HJ__TALLY__VOTER_POSTING__INIT;
        const char *out = cli_opt(cli, "out");
        if (!out)
            return cli_usage("--out FILE is required (- for the terminal)");
        post.election = (char *)election;
        post.posted_on = (char *)cli_opt_or(cli, "posted", "");
        return s_send(cli, HJ__TALLY__REQUEST__OP_VOTERS_POSTING, &post.base, PREP_WRITE, NULL,
                      out);
    }
    Hj__Tally__Proxy proxy = HJ__TALLY__PROXY__INIT;
    proxy.election = (char *)election;
    proxy.holder = (char *)cli_opt_or(cli, "holder", "");
    proxy.principal = (char *)cli_opt_or(cli, "for", "");
    return s_send(cli, HJ__TALLY__REQUEST__OP_PROXY_ADD, &proxy.base, PREP_WRITE, NULL, NULL);
}

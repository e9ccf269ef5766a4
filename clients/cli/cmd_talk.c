/* hj talk — talks (谈心谈话) recorded by field teams, and their coverage of
 * the sitting committee members. */
#include "cli.h"
#include "cli_enum.h"
#include "cmd_prep.h"
#include "cmd_talk.h"
#include "hj_envelope.h"
#include "interviews.pb-c.h"
#include "json_doc.h"
#include "person_ref.h"
#include "record_ref.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_REPEAT_MAX 32
#define S_FILE_MAX (1024 * 1024)

static const char *s_phase_names[] = {"", "survey", "preparation", "other"};
static const char *s_phase_zh[] = {"", "调研摸底", "准备阶段", "其他"};
static const char *s_role_names[] = {
    "",           "property_company", "owners_committee", "resident_representative", "party_member",
    "other_party"};
static const char *s_role_zh[] = {"", "物业公司负责人", "业委会成员", "居民代表", "党员", "其他"};
#define S_NPHASES 4
#define S_NROLES 6
/* What officials may type for --phase and --party: the word or its Chinese (cli_enum). */
static const cli_enum_t s_phase_enum[] = {{"survey", "调研摸底", "调研"},
                                          {"preparation", "准备阶段", "换届准备"},
                                          {"other", "其他", NULL},
                                          {NULL, NULL, NULL}};
static const cli_enum_t s_role_enum[] = {{"property_company", "物业公司负责人", "物业公司"},
                                         {"owners_committee", "业委会成员", "业委会"},
                                         {"resident_representative", "居民代表", NULL},
                                         {"party_member", "党员", NULL},
                                         {"other_party", "其他", NULL},
                                         {NULL, NULL, NULL}};

static int s_lookup(const char *value, const char *const *names, int n)
{
    for (int i = 1; i < n; i++)
        if (strcmp(value, names[i]) == 0)
            return i;
    return -1;
}

static const char *s_name(const char *const *names, int n, int i)
{
    return i > 0 && i < n ? names[i] : "?";
}

const char *talk_phase_text(int phase, int en)
{
    return s_name(en ? s_phase_names : s_phase_zh, S_NPHASES, phase);
}

const char *talk_role_text(int role, int en)
{
    return s_name(en ? s_role_names : s_role_zh, S_NROLES, role);
}

/* Every value of a repeatable option, in the order given. -1 when too many. */
static int s_opts(cli_t *cli, const char *key, const char **out, int max)
{
    int n = 0;
    for (int i = 0; i < cli->nopt; i++)
        if (strcmp(cli->opt[i].key, key) == 0) {
            cli->opt[i].used = 1;
            if (n == max)
                return -1;
            out[n++] = cli->opt[i].value;
        }
    return n;
}

/* A request and everything its messages point to, freed together. */
typedef struct {
    Hj__Interviews__Request req;
    Hj__Interviews__Talk talk;
    Hj__Interviews__Interviewee interviewee;
    Hj__Interviews__FollowUp follow_up[S_REPEAT_MAX];
    Hj__Interviews__FollowUp *follow_up_ptrs[S_REPEAT_MAX];
    const char *interviewers[S_REPEAT_MAX];
    const char *topics[S_REPEAT_MAX];
    char *follow_up_text[S_REPEAT_MAX]; /* --follow-up copies, split in place */
    json_doc_t *doc;                    /* --from: the strings point into it */
    char request_id[37];
    char interviewer_ids[S_REPEAT_MAX][37]; /* resolved from codes or names */
    char person_id[37];
} s_add_t;

static void s_add_init(s_add_t *a)
{
    memset(a, 0, sizeof *a);
    hj__interviews__request__init(&a->req);
    hj__interviews__talk__init(&a->talk);
    hj__interviews__interviewee__init(&a->interviewee);
    a->talk.interviewee = &a->interviewee;
    a->talk.interviewers = (char **)a->interviewers;
    a->talk.topics = (char **)a->topics;
    a->talk.follow_ups = a->follow_up_ptrs;
    for (int i = 0; i < S_REPEAT_MAX; i++) {
        hj__interviews__follow_up__init(&a->follow_up[i]);
        a->follow_up_ptrs[i] = &a->follow_up[i];
    }
}

static void s_add_free(s_add_t *a)
{
    for (int i = 0; i < S_REPEAT_MAX; i++)
        free(a->follow_up_text[i]);
    json_doc_destroy(&a->doc);
}

/* ---- a record from flags ----------------------------------------------- */

/* "ACTION|OWNER|YYYY-MM-DD": split at the last two '|' (the action may hold one). */
static int s_follow_up_flag(s_add_t *a, int i, const char *value)
{
    char *text = a->follow_up_text[i] = strdup(value);
    char *due = text ? strrchr(text, '|') : NULL;
    if (!due)
        return cli_usage("--follow-up must be \"ACTION|OWNER|YYYY-MM-DD\"");
    *due++ = 0;
    char *owner = strrchr(text, '|');
    if (!owner)
        return cli_usage("--follow-up must be \"ACTION|OWNER|YYYY-MM-DD\"");
    *owner++ = 0;
    a->follow_up[i].action = text;
    a->follow_up[i].owner = owner;
    a->follow_up[i].due_date = due;
    return CLI_OK;
}

static int s_add_from_flags(cli_t *cli, s_add_t *a)
{
    Hj__Interviews__Talk *t = &a->talk;
    const char *phase = cli_opt(cli, "phase"), *person = cli_opt(cli, "person");
    const char *party = cli_opt(cli, "party"), *follow[S_REPEAT_MAX];
    int n, rc;
    if (!phase)
        return cli_usage(
            "--phase is required: survey (调研摸底), preparation (准备阶段) or other (其他)");
    if ((rc = cli_enum(cli, "phase", s_phase_enum, NULL, &phase)) != CLI_OK)
        return rc;
    t->phase = s_lookup(phase, s_phase_names, S_NPHASES);
    if (!person == !party)
        return cli_usage("give the interviewee as --person ID (a registry person) or as "
                         "--party ROLE --name NAME (an outside party)");
    if (person)
        a->interviewee.person_id = (char *)person;
    else {
        if ((rc = cli_enum(cli, "party", s_role_enum, NULL, &party)) != CLI_OK)
            return rc;
        a->interviewee.role = s_lookup(party, s_role_names, S_NROLES);
        a->interviewee.name = (char *)cli_opt_or(cli, "name", "");
    }
    t->community = (char *)cli_opt_or(cli, "community", "");
    t->date = (char *)cli_opt_or(cli, "date", "");
    t->summary = (char *)cli_opt_or(cli, "summary", "");
    t->concern_raised = cli_flag(cli, "concern");
    if ((n = s_opts(cli, "interviewer", a->interviewers, S_REPEAT_MAX)) < 0)
        return cli_usage("at most %d --interviewer", S_REPEAT_MAX);
    t->n_interviewers = (size_t)n;
    if ((n = s_opts(cli, "topic", a->topics, S_REPEAT_MAX)) < 0)
        return cli_usage("at most %d --topic", S_REPEAT_MAX);
    t->n_topics = (size_t)n;
    if ((n = s_opts(cli, "follow-up", follow, S_REPEAT_MAX)) < 0)
        return cli_usage("at most %d --follow-up", S_REPEAT_MAX);
    for (int i = 0; i < n; i++)
        if ((rc = s_follow_up_flag(a, i, follow[i])) != CLI_OK)
            return rc;
    t->n_follow_ups = (size_t)n;
    cli_request_id(cli, a->request_id);
    return CLI_OK;
}

/* ---- a record from a JSON file ----------------------------------------- */

typedef struct {
    const char *path;
} s_file_t;

__attribute__((format(printf, 3, 4))) static int
s_json_error(const s_file_t *f, const json_doc_t *v, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return cli_usage("%s:%d: %s", f->path, v->line, msg);
}

static int s_json_string(const s_file_t *f, const json_doc_t *v, const char *key, char **out)
{
    if (v->type != JSON_DOC_STRING)
        return s_json_error(f, v, "\"%s\" must be a string, not %s", key,
                            json_doc_type_name(v->type));
    *out = v->text;
    return CLI_OK;
}

/* A word of names, or (issue #20) one of its Chinese spellings in zh, as
 * the command line and the CSV imports accept them. */
static int s_json_enum(const s_file_t *f, const json_doc_t *v, const char *key,
                       const char *const *names, int n, const cli_enum_t *zh, const char *allowed,
                       int *out)
{
    char *s = NULL;
    int rc = s_json_string(f, v, key, &s);
    if (rc != CLI_OK)
        return rc;
    const char *word = cli_enum_word(zh, s);
    if ((*out = s_lookup(word ? word : s, names, n)) < 0)
        return s_json_error(f, v, "\"%s\" must be one of %s", key, allowed);
    return CLI_OK;
}

static int s_json_strings(const s_file_t *f, const json_doc_t *v, const char *key, const char **out,
                          size_t *n)
{
    if (v->type != JSON_DOC_ARRAY)
        return s_json_error(f, v, "\"%s\" must be an array of strings, not %s", key,
                            json_doc_type_name(v->type));
    if (v->n > S_REPEAT_MAX)
        return s_json_error(f, v, "\"%s\" has too many items%s", key, "");
    for (size_t i = 0; i < v->n; i++) {
        int rc = s_json_string(f, v->items[i], key, (char **)&out[i]);
        if (rc != CLI_OK)
            return rc;
    }
    *n = v->n;
    return CLI_OK;
}

/* The keys of object `v` must all be among `allowed` (NULL-terminated). */
static int s_json_keys(const s_file_t *f, const json_doc_t *v, const char *what,
                       const char *const *allowed)
{
    if (v->type != JSON_DOC_OBJECT)
        return s_json_error(f, v, "%s must be an object, not %s", what,
                            json_doc_type_name(v->type));
    for (size_t i = 0; i < v->n; i++) {
        int known = 0;
        for (int k = 0; allowed[k] && !known; k++)
            known = strcmp(v->keys[i], allowed[k]) == 0;
        if (!known) {
            char list[256] = "";
            for (int k = 0; allowed[k]; k++)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", k ? ", " : "",
                         allowed[k]);
            return cli_usage("%s:%d: unknown key \"%s\" in %s (allowed: %s)", f->path,
                             v->items[i]->line, v->keys[i], what, list);
        }
    }
    return CLI_OK;
}

static int s_json_interviewee(const s_file_t *f, const json_doc_t *v, s_add_t *a)
{
    static const char *const keys[] = {"person_id", "role", "name", NULL};
    int rc = s_json_keys(f, v, "\"interviewee\"", keys), role;
    for (size_t i = 0; rc == CLI_OK && i < v->n; i++) {
        const char *key = v->keys[i];
        if (strcmp(key, "person_id") == 0)
            rc = s_json_string(f, v->items[i], key, &a->interviewee.person_id);
        else if (strcmp(key, "name") == 0)
            rc = s_json_string(f, v->items[i], key, &a->interviewee.name);
        else if ((rc = s_json_enum(
                      f, v->items[i], key, s_role_names, S_NROLES, s_role_enum,
                      "property_company (物业公司负责人), owners_committee (业委会成员), "
                      "resident_representative (居民代表), party_member (党员), "
                      "other_party (其他)",
                      &role)) == CLI_OK)
            a->interviewee.role = role;
    }
    return rc;
}

static int s_json_follow_ups(const s_file_t *f, const json_doc_t *v, s_add_t *a)
{
    static const char *const keys[] = {"action", "owner", "due_date", NULL};
    if (v->type != JSON_DOC_ARRAY)
        return s_json_error(f, v, "\"%s\" must be an array of objects, not %s", "follow_ups",
                            json_doc_type_name(v->type));
    if (v->n > S_REPEAT_MAX)
        return s_json_error(f, v, "\"%s\" has too many items%s", "follow_ups", "");
    for (size_t i = 0; i < v->n; i++) {
        const json_doc_t *item = v->items[i];
        Hj__Interviews__FollowUp *fu = &a->follow_up[i];
        int rc = s_json_keys(f, item, "a follow-up", keys);
        for (size_t k = 0; rc == CLI_OK && k < item->n; k++) {
            const char *key = item->keys[k];
            char **into = strcmp(key, "action") == 0  ? &fu->action
                          : strcmp(key, "owner") == 0 ? &fu->owner
                                                      : &fu->due_date;
            rc = s_json_string(f, item->items[k], key, into);
        }
        if (rc != CLI_OK)
            return rc;
    }
    a->talk.n_follow_ups = v->n;
    return CLI_OK;
}

static int s_read_file(const char *path, char **text, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return cli_usage("cannot open %s: %s", path, strerror(errno));
    char *buf = malloc(S_FILE_MAX + 1);
    size_t n = buf ? fread(buf, 1, S_FILE_MAX + 1, fp) : 0;
    int bad = ferror(fp);
    fclose(fp);
    if (!buf || bad || n > S_FILE_MAX) {
        free(buf);
        return cli_usage("cannot read %s (%s)", path,
                         n > S_FILE_MAX ? "larger than 1 MiB" : "read error");
    }
    buf[n] = 0;
    *text = buf;
    *len = n;
    return CLI_OK;
}

static int s_add_from_file(const char *path, s_add_t *a)
{
    static const char *const keys[] = {"id",           "community",      "phase",  "date",
                                       "interviewers", "interviewee",    "topics", "summary",
                                       "follow_ups",   "concern_raised", NULL};
    s_file_t f = {path};
    Hj__Interviews__Talk *t = &a->talk;
    char *text = NULL, err[256];
    size_t len = 0;
    int rc = s_read_file(path, &text, &len), phase;
    if (rc != CLI_OK)
        return rc;
    a->doc = json_doc_parse(text, len, err, sizeof err);
    free(text);
    if (!a->doc)
        return cli_usage("%s: not valid JSON: %s", path, err);
    const json_doc_t *root = a->doc;
    if ((rc = s_json_keys(&f, root, "the talk", keys)) != CLI_OK)
        return rc;
    for (size_t i = 0; rc == CLI_OK && i < root->n; i++) {
        const char *key = root->keys[i];
        const json_doc_t *v = root->items[i];
        if (strcmp(key, "id") == 0)
            rc = s_json_string(&f, v, key, &t->id);
        else if (strcmp(key, "community") == 0)
            rc = s_json_string(&f, v, key, &t->community);
        else if (strcmp(key, "date") == 0)
            rc = s_json_string(&f, v, key, &t->date);
        else if (strcmp(key, "summary") == 0)
            rc = s_json_string(&f, v, key, &t->summary);
        else if (strcmp(key, "phase") == 0) {
            rc = s_json_enum(&f, v, key, s_phase_names, S_NPHASES, s_phase_enum,
                             "survey (调研摸底), preparation (准备阶段), other (其他)", &phase);
            t->phase = phase;
        } else if (strcmp(key, "interviewers") == 0)
            rc = s_json_strings(&f, v, key, a->interviewers, &t->n_interviewers);
        else if (strcmp(key, "topics") == 0)
            rc = s_json_strings(&f, v, key, a->topics, &t->n_topics);
        else if (strcmp(key, "interviewee") == 0)
            rc = s_json_interviewee(&f, v, a);
        else if (strcmp(key, "follow_ups") == 0)
            rc = s_json_follow_ups(&f, v, a);
        else if (v->type != JSON_DOC_BOOL)
            rc = s_json_error(&f, v, "\"%s\" must be true or false, not %s", key,
                              json_doc_type_name(v->type));
        else
            t->concern_raised = v->boolean;
    }
    if (rc != CLI_OK)
        return rc;
    /* The id made when the record was written is what makes a resubmission harmless. */
    if (!t->id[0])
        return cli_usage("%s: \"id\" is required: the talk's UUID, made when the record was "
                         "written (hj talk template makes one)",
                         path);
    if (!hj_uuid_valid(t->id))
        return cli_usage("%s: \"id\" must be a UUID", path);
    snprintf(a->request_id, sizeof a->request_id, "%s", t->id);
    return CLI_OK;
}

/* ---- output ------------------------------------------------------------ */

static void s_interviewee_text(const Hj__Interviews__Interviewee *e, const char *code, char *out,
                               size_t size)
{
    if (!e)
        snprintf(out, size, "?");
    else if (e->kind == HJ__INTERVIEWS__INTERVIEWEE_KIND__REGISTRY_PERSON)
        snprintf(out, size, "%s%s%s%s", e->name, e->sitting_member ? " (sitting member)" : "",
                 code && code[0] ? " " : "", code ? code : "");
    else
        snprintf(out, size, "%s (%s)", e->name, s_name(s_role_zh, S_NROLES, e->role));
}

static void s_join(char *const *items, size_t n, const char *sep, char *out, size_t size)
{
    out[0] = 0;
    for (size_t i = 0; i < n; i++)
        snprintf(out + strlen(out), size - strlen(out), "%s%s", i ? sep : "", items[i]);
}

static void s_print_talk(const Hj__Interviews__Talk *t)
{
    char text[2048];
    printf("talk          %s  %s\n", t->code, t->id);
    printf("community     %s\n", t->community);
    printf("phase         %s (%s)\n", s_name(s_phase_names, S_NPHASES, t->phase),
           s_name(s_phase_zh, S_NPHASES, t->phase));
    printf("date          %s\n", t->date);
    for (size_t i = 0; i < t->n_interviewers; i++)
        printf("%-13s %s  %s\n", i ? "" : "interviewers",
               i < t->n_interviewer_names ? t->interviewer_names[i] : "", t->interviewers[i]);
    s_interviewee_text(t->interviewee, t->interviewee_code, text, sizeof text);
    printf("interviewee   %s", text);
    if (t->interviewee && t->interviewee->person_id[0])
        printf("  %s", t->interviewee->person_id);
    printf("\n");
    s_join(t->topics, t->n_topics, "; ", text, sizeof text);
    printf("topics        %s\n", t->n_topics ? text : "-");
    printf("summary       %s\n", t->summary);
    printf("concern       %s\n",
           t->concern_raised ? "yes: raised a concern that must be acted on" : "no");
    if (t->n_follow_ups) {
        static const char *head[] = {"  #", "ACTION", "OWNER", "DUE", "STATUS"};
        cli_table_t *tab = cli_table_new(5, head);
        for (size_t i = 0; i < t->n_follow_ups; i++) {
            const Hj__Interviews__FollowUp *f = t->follow_ups[i];
            char num[16], status[32];
            snprintf(num, sizeof num, "  %u", f->number);
            snprintf(status, sizeof status, "%s%s", f->closed_on[0] ? "closed " : "open",
                     f->closed_on);
            const char *row[] = {num, f->action, f->owner, f->due_date, status};
            cli_table_row(tab, row);
        }
        printf("follow-ups    %u open of %zu\n", t->open_follow_ups, t->n_follow_ups);
        cli_table_print(tab);
        cli_table_destroy(&tab);
    } else
        printf("follow-ups    none\n");
    printf("recorded      %s by %s\n", t->recorded_at, t->recorded_by);
    if (t->voided)
        printf("已作废 voided  %s\n", t->void_reason);
}

static void s_print_talks(Hj__Interviews__Talk *const *items, size_t n)
{
    static const char *head[] = {"CODE",        "ID",           "DATE",       "COMMUNITY", "PHASE",
                                 "INTERVIEWEE", "INTERVIEWERS", "FOLLOW-UPS", "CONCERN"};
    cli_table_t *tab = cli_table_new(9, head);
    for (size_t i = 0; i < n; i++) {
        const Hj__Interviews__Talk *t = items[i];
        char who[512], by[1024], follow[32];
        s_interviewee_text(t->interviewee, t->interviewee_code, who, sizeof who);
        s_join(t->interviewer_names, t->n_interviewer_names, ", ", by, sizeof by);
        snprintf(follow, sizeof follow, "%u open / %zu", t->open_follow_ups, t->n_follow_ups);
        char date[32];
        snprintf(date, sizeof date, "%s%s", t->date, t->voided ? " (已作废)" : "");
        const char *row[] = {t->code,
                             t->id,
                             date,
                             t->community,
                             s_name(s_phase_names, S_NPHASES, t->phase),
                             who,
                             by,
                             follow,
                             t->concern_raised ? "yes" : "no"};
        cli_table_row(tab, row);
    }
    cli_table_print(tab);
    cli_table_destroy(&tab);
}

static void s_percent(uint32_t members, uint32_t per_mille, char *out, size_t size)
{
    if (!members)
        snprintf(out, size, "-");
    else
        snprintf(out, size, "%u.%u%%", per_mille / 10, per_mille % 10);
}

static void s_print_coverage(const Hj__Interviews__Coverage *c, int district)
{
    static const char *head[] = {"COMMUNITY", "MEMBER", "CODE", "SEATS",
                                 "LAST PREPARATION TALK (准备阶段)"};
    static const char *sum_head[] = {"COMMUNITY", "NAME", "TALKED TO", "COVERAGE", "COMPLETE"};
    cli_table_t *members = cli_table_new(5, head), *sums = cli_table_new(5, sum_head);
    for (size_t i = 0; i < c->n_communities; i++) {
        const Hj__Interviews__CommunityCoverage *k = c->communities[i];
        char seats[512], fraction[32], pct[16];
        for (size_t j = 0; j < k->n_items; j++) {
            const Hj__Interviews__MemberCoverage *m = k->items[j];
            s_join(m->seats, m->n_seats, ", ", seats, sizeof seats);
            const char *row[] = {k->community, m->name, m->code, seats,
                                 m->last_talk_date[0] ? m->last_talk_date : "not yet"};
            cli_table_row(members, row);
        }
        snprintf(fraction, sizeof fraction, "%u/%u", k->covered, k->members);
        s_percent(k->members, k->per_mille, pct, sizeof pct);
        const char *row[] = {k->community, k->name, fraction, pct,
                             k->members ? (k->complete ? "yes" : "no") : "no sitting members"};
        cli_table_row(sums, row);
    }
    cli_table_print(members);
    printf("\n");
    cli_table_print(sums);
    if (district) {
        char pct[16];
        s_percent(c->members, c->per_mille, pct, sizeof pct);
        printf("\ndistrict: %u/%u sitting members talked to (%s); %u of %zu communities complete\n",
               c->covered, c->members, pct, c->complete_communities, c->n_communities);
    }
    cli_table_destroy(&members);
    cli_table_destroy(&sums);
}

static int s_output(cli_t *cli, Hj__Interviews__Reply *reply, const char *done, int district)
{
    /* The result the oneof carries, or the whole reply when it carries none. */
    const ProtobufCMessage *result = cli_oneof(&reply->base);
    if (cli->json)
        cli_json(result ? result : &reply->base);
    else {
        /* The talk's code first: what a field team notes to correct it later. */
        if (done && reply->result_case == HJ__INTERVIEWS__REPLY__RESULT_TALK)
            printf("%s  %s\n", reply->talk->code, done);
        else if (done)
            printf("%s\n", done);
        if (reply->result_case == HJ__INTERVIEWS__REPLY__RESULT_TALK)
            s_print_talk(reply->talk);
        else if (reply->result_case == HJ__INTERVIEWS__REPLY__RESULT_TALKS) {
            s_print_talks(reply->talks->items, reply->talks->n_items);
            cli_withheld(cli, &reply->talks->base);
        } else if (reply->result_case == HJ__INTERVIEWS__REPLY__RESULT_COVERAGE)
            s_print_coverage(reply->coverage, district);
    }
    hj__interviews__reply__free_unpacked(reply, NULL);
    return CLI_OK;
}

/* One interviews request, a write when it says what it did (done), and its answer. */
static int s_send(cli_t *cli, uint32_t op_case, const ProtobufCMessage *op, const char *done,
                  int district)
{
    ProtobufCMessage *reply;
    int rc = prep_send_to(cli, &prep_interviews, op_case, op, done ? PREP_WRITE : 0, &reply);

    return rc ? rc : s_output(cli, (Hj__Interviews__Reply *)reply, done, district);
}

/* ---- the verbs --------------------------------------------------------- */

/* Interviewers and interviewee as given (UUID, code or name) become ids:
 * the interviewee among the community's persons, interviewers among its
 * subdistrict's cadres (person_ref.h). */
static int s_resolve(cli_t *cli, s_add_t *a)
{
    Hj__Interviews__Talk *t = &a->talk;
    int rc = CLI_OK;
    for (size_t i = 0; rc == CLI_OK && i < t->n_interviewers; i++)
        if ((rc = person_ref(cli, "--interviewer", t->interviewers[i], t->community, 1,
                             a->interviewer_ids[i])) == CLI_OK)
            t->interviewers[i] = a->interviewer_ids[i];
    if (rc == CLI_OK && a->interviewee.person_id[0] &&
        (rc = person_ref(cli, "--person", a->interviewee.person_id, t->community, 0,
                         a->person_id)) == CLI_OK)
        a->interviewee.person_id = a->person_id;
    return rc;
}

static int s_add(cli_t *cli)
{
    s_add_t a;
    Hj__Interviews__Reply *reply = NULL;
    const char *from = cli_opt(cli, "from");
    s_add_init(&a);
    int rc = from ? s_add_from_file(from, &a) : s_add_from_flags(cli, &a);
    if (rc == CLI_OK && (rc = cli_unused(cli)) == CLI_OK)
        rc = s_resolve(cli, &a);
    if (rc == CLI_OK) {
        a.req.request_id = a.request_id;
        a.req.op_case = HJ__INTERVIEWS__REQUEST__OP_TALK_ADD;
        a.req.talk_add = &a.talk;
        rc = prep_call_to(cli, "interviews", &a.req.base, &hj__interviews__reply__descriptor,
                          (ProtobufCMessage **)&reply);
    }
    s_add_free(&a);
    return rc ? rc : s_output(cli, reply, cli->en ? "talk recorded" : "谈话已记录", 0);
}

/* An empty record to fill in offline, with its UUID already made. */
static int s_template(cli_t *cli)
{
    char id[37], today[11];
    const char *community = cli_opt_or(cli, "community", "");
    const char *phase;
    int rc = cli_enum(cli, "phase", s_phase_enum, "preparation", &phase);
    if (rc != CLI_OK || (rc = cli_unused(cli)) != CLI_OK)
        return rc;
    hj_uuid_new(id);
    hj_date_today(today);
    printf("{\n"
           "  \"id\": \"%s\",\n"
           "  \"community\": \"%s\",\n"
           "  \"phase\": \"%s\",\n"
           "  \"date\": \"%s\",\n"
           "  \"interviewers\": [],\n"
           "  \"interviewee\": {\"person_id\": \"\"},\n"
           "  \"topics\": [],\n"
           "  \"summary\": \"\",\n"
           "  \"follow_ups\": [],\n"
           "  \"concern_raised\": false\n"
           "}\n",
           id, community, phase, today);
    return CLI_OK;
}

/* hj talk list: every page with --all, and what was left out. */
static int s_list(cli_t *cli)
{
    Hj__Interviews__Request req = HJ__INTERVIEWS__REQUEST__INIT;
    Hj__Interviews__TalkQuery q = HJ__INTERVIEWS__TALK_QUERY__INIT;
    const char *phase = cli_opt(cli, "phase"), *limit = cli_opt(cli, "limit");
    const char *interviewer = cli_opt(cli, "interviewer");
    char interviewer_id[37];
    cli_list_t list;
    int rc;
    if ((rc = cli_enum(cli, "phase", s_phase_enum, NULL, &phase)) != CLI_OK)
        return rc;
    if (phase)
        q.phase = s_lookup(phase, s_phase_names, S_NPHASES);
    if (limit) {
        char *end;
        long v = strtol(limit, &end, 10);
        if (*end || v < 1 || v > 1000)
            return cli_usage("--limit must be a number from 1 to 1000");
        q.limit = (uint32_t)v;
    }
    q.community = (char *)cli_opt_or(cli, "community", "");
    q.date_from = (char *)cli_opt_or(cli, "since", "");
    q.date_to = (char *)cli_opt_or(cli, "until", "");
    q.after = (char *)cli_opt_or(cli, "after", "");
    q.include_void = cli_flag(cli, "include-void");
    cli_opt(cli, "lang"); /* the footer's and the withheld note's language */
    cli_flag(cli, "all");
    if ((rc = cli_unused(cli)) != CLI_OK)
        return rc;
    if (interviewer && (rc = person_ref(cli, "--interviewer", interviewer, q.community, 1,
                                        interviewer_id)) != CLI_OK)
        return rc;
    q.interviewer = interviewer ? interviewer_id : "";
    req.op_case = HJ__INTERVIEWS__REQUEST__OP_TALK_LIST;
    req.talk_list = &q;
    if ((rc = cli_list(cli, "interviews", &req.base, &q.after, &hj__interviews__reply__descriptor,
                       &list)) != CLI_OK)
        return rc;
    if (cli->json)
        cli_list_json(&list);
    else {
        s_print_talks((Hj__Interviews__Talk *const *)list.items, list.n_items);
        cli_list_footer(cli, &list);
        cli_withheld(cli, list.list);
    }
    cli_list_free(&list);
    return CLI_OK;
}

int cmd_talk(cli_t *cli, const char *verb)
{
    int rc;
    /* The record by its code (X0042) or UUID (issue #20). */
    if ((rc = record_ref_pos(cli, verb, (const char *const[]){"void", "update", NULL}, "talk")) !=
        CLI_OK)
        return rc;
    if (strcmp(verb, "add") == 0)
        return s_add(cli);
    if (strcmp(verb, "template") == 0)
        return s_template(cli);
    if (strcmp(verb, "show") == 0) {
        Hj__Interviews__Get get = HJ__INTERVIEWS__GET__INIT;
        if (cli->npos < 1)
            return cli_usage("hj talk show ID");
        get.id = (char *)cli->pos[0];
        return s_send(cli, HJ__INTERVIEWS__REQUEST__OP_TALK_GET, &get.base, NULL, 0);
    } else if (strcmp(verb, "list") == 0) {
        return s_list(cli);
    } else if (strcmp(verb, "void") == 0) {
        Hj__Interviews__TalkVoid tv = HJ__INTERVIEWS__TALK_VOID__INIT;
        if (cli->npos < 1)
            return cli_usage("hj talk void ID --reason TEXT");
        tv.id = (char *)cli->pos[0];
        tv.reason = (char *)cli_opt_or(cli, "reason", "");
        return s_send(cli, HJ__INTERVIEWS__REQUEST__OP_TALK_VOID, &tv.base,
                      prep_voided_done("谈话", "talk"), 0);
    } else if (strcmp(verb, "update") == 0) {
        Hj__Interviews__TalkUpdate tu = HJ__INTERVIEWS__TALK_UPDATE__INIT;
        if (cli->npos < 1)
            return cli_usage(
                "hj talk update ID [--summary TEXT] [--date YYYY-MM-DD] [--reason TEXT]");
        tu.id = (char *)cli->pos[0];
        prep_texts(cli, (const char *const[]){"summary", "date", "reason", NULL},
                   (char **const[]){&tu.summary, &tu.date, &tu.reason, NULL});
        return s_send(cli, HJ__INTERVIEWS__REQUEST__OP_TALK_UPDATE, &tu.base,
                      prep_corrected_done("谈话", "talk"), 0);
    } else if (strcmp(verb, "coverage") == 0) {
        Hj__Interviews__CoverageQuery cq = HJ__INTERVIEWS__COVERAGE_QUERY__INIT;
        int district = cli_flag(cli, "all");
        if ((cli->npos < 1) == !district)
            return cli_usage("hj talk coverage COMMUNITY | --all");
        cq.community = district ? "" : (char *)cli->pos[0];
        return s_send(cli, HJ__INTERVIEWS__REQUEST__OP_COVERAGE, &cq.base, NULL, district);
    } else if (strcmp(verb, "close") == 0) {
        Hj__Interviews__FollowUpClose close = HJ__INTERVIEWS__FOLLOW_UP_CLOSE__INIT;
        char today[11];
        const char *number = cli_opt(cli, "follow-up");

        char *end = NULL;
        long n = number ? strtol(number, &end, 10) : 0;
        if (cli->npos < 1 || !number || *end || n < 1 || n > 1000)
            return cli_usage("hj talk close TALK-ID --follow-up N [--on YYYY-MM-DD]");
        hj_date_today(today);
        close.talk_id = (char *)cli->pos[0];
        close.number = (uint32_t)n;
        close.closed_on = (char *)cli_opt_or(cli, "on", today);
        return s_send(cli, HJ__INTERVIEWS__REQUEST__OP_FOLLOW_UP_CLOSE, &close.base,
                      cli->en ? "follow-up closed" : "后续事项已办结", 0);
    }
    return cli_usage("hj talk add|template|list|show|close|coverage|void|update");
}

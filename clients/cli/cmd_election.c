/* hj election — schedule an election, open it (refused while a gate is
 * red, unless the district overrides the gate with a reason). */
#include "cli.h"
#include "cli_enum.h"
#include "cmd_prep.h"
#include "hj_envelope.h"
#include "hj_text.h"
#include "person_ref.h"

#include <openssl/sha.h>
#include "tally.pb-c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const s_gate_word[] = {
    "",      "audit",    "rectification", "upgrade",    "plan",
    "talks", "training", "candidates",    "voter_list",
};
#define S_GATES 8

/* What officials may type for the categorical options: the word or its Chinese (cli_enum). */
static const cli_enum_t s_body_enum[] = {
    {"party", "党组织", "党组织委员会"}, {"residents", "居委会", "居民委员会"}, {NULL, NULL, NULL}};
static const cli_enum_t s_mode_enum[] = {{"ordinary", "选民直接选举", "直接选举"},
                                         {"household", "户代表选举", "户代表"},
                                         {"representative", "居民代表选举", "居民代表"},
                                         {NULL, NULL, NULL}};
static const cli_enum_t s_state_enum[] = {{"scheduled", "已安排", NULL},
                                          {"open", "进行中", NULL},
                                          {"certified", "已确认", NULL},
                                          {NULL, NULL, NULL}};
static const cli_enum_t s_box_kind_enum[] = {
    {"main", "主票箱", "中心会场"}, {"mobile", "流动票箱", NULL}, {NULL, NULL, NULL}};
static const cli_enum_t s_decision_enum[] = {
    {"upheld", "成立", "支持"}, {"dismissed", "驳回", "不成立"}, {NULL, NULL, NULL}};

static int s_gate_parse(const char *word)
{
    for (int g = 1; g <= S_GATES; g++)
        if (strcmp(word, s_gate_word[g]) == 0)
            return g;
    return 0;
}

/* --override GATE --reason TEXT, in pairs, as many as given. */
static int s_overrides(cli_t *cli, Hj__Tally__GateOverride *store, Hj__Tally__GateOverride **ptrs,
                       size_t *n)
{
    *n = 0;
    for (int i = 0; i < cli->nopt; i++) {
        if (strcmp(cli->opt[i].key, "override") != 0)
            continue;
        cli->opt[i].used = 1;
        int gate = s_gate_parse(cli->opt[i].value);
        if (!gate)
            return cli_usage("--override takes a gate: audit, rectification, upgrade, plan, "
                             "talks, training, candidates, voter_list (got '%s')",
                             cli->opt[i].value);
        if (i + 1 >= cli->nopt || strcmp(cli->opt[i + 1].key, "reason") != 0)
            return cli_usage("--override %s must be followed by --reason TEXT (the journal "
                             "records it with your name)",
                             cli->opt[i].value);
        if (*n >= S_GATES)
            return cli_usage("at most %d overrides", S_GATES);
        cli->opt[i + 1].used = 1;
        Hj__Tally__GateOverride *o = &store[*n];
        hj__tally__gate_override__init(o);
        o->gate = (Hj__Tally__GateId)gate;
        o->reason = (char *)cli->opt[i + 1].value;
        ptrs[(*n)++] = o;
        i++;
    }
    for (int i = 0; i < cli->nopt; i++)
        if (strcmp(cli->opt[i].key, "reason") == 0 && !cli->opt[i].used)
            return cli_usage("--reason belongs right after an --override GATE");
    return CLI_OK;
}

static void s_print(const Hj__Tally__Election *e, const char *done)
{
    static const char *marks[] = {"?", "✗", "✓", "⊘"};
    printf("%s: the %s election of %s on %s, %u seats (profile %s), id %s\n", done, e->body,
           e->community, e->date, e->seats, e->profile, e->id);
    for (size_t i = 0; i < e->n_gates; i++) {
        const Hj__Tally__Gate *g = e->gates[i];
        printf("  %s %s", marks[g->state <= 3 ? g->state : 0], g->reason);
        if (g->state == HJ__TALLY__GATE_STATE__OVERRIDDEN)
            printf(" — overridden by %s: %s", g->override_actor, g->override_reason);
        printf("\n");
    }
}

/* The election as scheduled, or as opened. */
static void s_show(const ProtobufCMessage *e, int opened)
{
    s_print((const Hj__Tally__Election *)e, opened ? "opened" : "scheduled");
}

static int s_seats(cli_t *cli, uint32_t *seats)
{
    const char *v = cli_opt(cli, "seats");
    if (!v)
        return cli_usage("--seats N is required (the seats of the committee)");
    return cli_u32(v, "--seats", 1000, seats);
}

static int s_election_day(cli_t *cli, const char *verb);
static int s_election_list(cli_t *cli);

int cmd_election(cli_t *cli, const char *verb)
{
    Hj__Tally__ElectionSchedule s = HJ__TALLY__ELECTION_SCHEDULE__INIT;
    Hj__Tally__ElectionOpen o = HJ__TALLY__ELECTION_OPEN__INIT;
    Hj__Tally__GateOverride store[S_GATES], *ptrs[S_GATES];
    const ProtobufCMessage *op;
    uint32_t op_case;
    int rc;
    if (strcmp(verb, "schedule") == 0 && cli->npos == 1) {
        s.community = (char *)cli->pos[0];
        s.date = (char *)cli_opt_or(cli, "date", "");
        if ((rc = cli_enum_lenient(cli, "body", s_body_enum, "", (const char **)&s.body)) !=
                CLI_OK ||
            (rc = cli_enum(cli, "mode", s_mode_enum, "", (const char **)&s.mode)) != CLI_OK ||
            (rc = s_seats(cli, &s.seats)) != CLI_OK)
            return rc;
        op_case = HJ__TALLY__REQUEST__OP_ELECTION_SCHEDULE;
        op = &s.base;
    } else if (strcmp(verb, "open") == 0 && cli->npos == 1) {
        o.community = (char *)cli->pos[0];
        if ((rc = cli_enum_lenient(cli, "body", s_body_enum, "", (const char **)&o.body)) != CLI_OK)
            return rc;
        if ((rc = s_overrides(cli, store, ptrs, &o.n_overrides)) != CLI_OK)
            return rc;
        o.overrides = ptrs;
        op_case = HJ__TALLY__REQUEST__OP_ELECTION_OPEN;
        op = &o.base;
    } else if (strcmp(verb, "list") == 0)
        return s_election_list(cli);
    else
        return s_election_day(cli, verb);
    return prep_fetch_show(cli, &prep_tally, op_case, op, PREP_WRITE,
                           &hj__tally__election__descriptor, s_show,
                           op_case == HJ__TALLY__REQUEST__OP_ELECTION_OPEN);
}

/* ---- election day ----------------------------------------------------------------- */

/* Every value of a repeated option, in order (marks them used). */
static size_t s_all(cli_t *cli, const char *key, const char **out, size_t max)
{
    size_t n = 0;
    for (int i = 0; i < cli->nopt; i++)
        if (strcmp(cli->opt[i].key, key) == 0) {
            cli->opt[i].used = 1;
            if (n < max)
                out[n++] = cli->opt[i].value;
        }
    return n;
}

static int s_uint(cli_t *cli, const char *key, int required, uint32_t *out)
{
    const char *v = cli_opt(cli, key);
    char field[64];
    *out = 0;
    if (!v)
        return required ? cli_usage("--%s N is required", key) : CLI_OK;
    snprintf(field, sizeof field, "--%s", key);
    return cli_u32(v, field, UINT32_MAX, out);
}

static const char *s_pad(const char *s, size_t cols, char *buf, size_t size)
{
    if (hj_text_pad(buf, size, s, strlen(s), cols, HJ_TEXT_ALIGN_LEFT) != 0)
        snprintf(buf, size, "%s", s);
    return buf;
}

/* A reason in the language asked for: Chinese unless --lang en (the
 * English one where a server sent no Chinese). */
static const char *s_said(const char *en_text, const char *zh_text, int en)
{
    return en || !zh_text || !zh_text[0] ? en_text : zh_text;
}

static void s_print_count(const Hj__Tally__Count *k, int en)
{
    char name[256];
    printf("round %u (%s, %u seat%s): %u of %u returned ballots counted (%u valid, %u invalid); "
           "%u issued; electorate %u, present %u\n",
           k->round, k->round_kind, k->seats_to_fill, k->seats_to_fill == 1 ? "" : "s", k->counted,
           k->returned, k->valid, k->invalid, k->issued, k->electorate, k->present);
    for (size_t i = 0; i < k->n_boxes; i++) {
        const Hj__Tally__Box *b = k->boxes[i];
        printf("  box %s %s (%s): %u issued, %u returned, %u counted%s%s\n",
               s_pad(b->name, 10, name, sizeof name), b->kind,
               b->entry[0] ? b->entry : "not counted", b->issued, b->returned, b->counted,
               b->counted == b->returned ? "" : " ...", b->counted == b->returned ? "" : "");
    }
    if (k->quorum_reason[0])
        printf("  %s\n", s_said(k->quorum_reason, k->quorum_reason_zh, en));
    if (k->ballots_reason[0])
        printf("  %s\n", s_said(k->ballots_reason, k->ballots_reason_zh, en));
    printf("  %-3s %s %8s  %s\n", "#", s_pad("NAME", 12, name, sizeof name), "VOTES",
           k->complete ? "STATUS" : "STATUS IF THE SHARES HOLD (counting)");
    size_t written = 0;
    for (size_t i = 0; i < k->n_persons; i++) {
        const Hj__Tally__PersonCount *p = k->persons[i];
        char no[24];
        if (p->writein)
            snprintf(no, sizeof no, "w%u", (unsigned)++written);
        else
            snprintf(no, sizeof no, "%u", (unsigned)(i + 1));
        printf("  %-3s %s %8llu  %s%s%s\n", no, s_pad(p->name, 12, name, sizeof name),
               (unsigned long long)p->votes, p->status, p->stands_further ? ", stands further" : "",
               p->writein ? " (written in)" : "");
        /* While counting, the rule's words speak of the projection's numbers. */
        if (p->reason[0] && k->complete)
            printf("      %s\n", s_said(p->reason, p->reason_zh, en));
    }
    printf("  outcome%s: %s%s%s\n", k->complete ? "" : " (projected)", k->outcome,
           k->outcome_reason[0] ? " — " : "", s_said(k->outcome_reason, k->outcome_reason_zh, en));
}

static void s_print_result(const Hj__Tally__Result *r, int en)
{
    const Hj__Tally__Election *e = r->election;
    printf("the %s election of %s on %s: %u seats, %s mode, profile %s, %s\n", e->body,
           e->community, e->date, e->seats, e->mode, e->profile, e->state);
    printf("candidates:");
    for (size_t i = 0; i < e->n_candidates; i++)
        printf(" %u.%s", e->candidates[i]->position, e->candidates[i]->name);
    printf("\n");
    for (size_t i = 0; i < r->n_rounds; i++) {
        printf("\n");
        s_print_count(r->rounds[i], en);
    }
    printf("\nelected (%zu of %u):", r->n_elected, e->seats);
    for (size_t i = 0; i < r->n_elected; i++)
        printf("%s %s", i ? "," : "", r->elected[i]);
    printf("\n");
    if (r->vacant)
        printf("暂缺 %u (vacant): by-election (补选) due by %s\n", r->vacant, r->vacancy_due);
    if (r->reduced)
        printf("减少名额 %u (seats reduced): %u seats\n", r->reduced, e->seats - r->reduced);
    for (size_t i = 0; i < r->n_closures; i++) {
        const Hj__Tally__SeatClosure *c = r->closures[i];
        printf("  %s %u after round %u by %s at %s UTC: %s\n      %s\n",
               strcmp(c->kind, "vacant") == 0 ? "暂缺" : "减少名额", c->seats, c->after_round,
               c->actor, c->at, c->reason, s_said(c->rule, c->rule_zh, en));
    }
    printf("next: %s\n", s_said(r->next, r->next_zh, en));
    if (r->n_amendments)
        printf("history (recounts and amendments):\n");
    for (size_t i = 0; i < r->n_amendments; i++) {
        const Hj__Tally__Amendment *a = r->amendments[i];
        printf("  %s %s (round %u, box %s) by %s at %s UTC: %s\n",
               strcmp(a->kind, "recount") == 0 ? "recount" : "amendment", a->id, a->round, a->box,
               a->actor, a->at, a->reason);
        if (a->before && a->after)
            printf("    was %u valid, %u invalid; now %u valid, %u invalid\n", a->before->valid,
                   a->before->invalid, a->after->valid, a->after->invalid);
        for (int side = 0; side < 2; side++) {
            const Hj__Tally__BoxTotal *t = side ? a->after : a->before;
            if (!t)
                continue;
            printf("    %s votes", side ? "now" : "was");
            for (size_t k = 0; k < t->n_votes; k++)
                printf("%s%u", k ? "," : " ", t->votes[k]);
            for (size_t k = 0; k < t->n_writeins; k++)
                printf("; written in %s %u", t->writeins[k]->name, t->writeins[k]->votes);
            printf("\n");
        }
    }
}

/* "NAME:main|mobile:ISSUED:RETURNED" */
static int s_box_spec(const char *spec, Hj__Tally__Box *b, char *buf, size_t size)
{
    snprintf(buf, size, "%s", spec);
    char *kind = strchr(buf, ':'), *issued = kind ? strchr(kind + 1, ':') : NULL,
         *returned = issued ? strchr(issued + 1, ':') : NULL;
    if (!returned)
        return cli_usage("--box takes NAME:main|mobile:ISSUED:RETURNED (got '%s')", spec);
    *kind++ = *issued++ = *returned++ = 0;
    char field[320];
    const char *word;
    uint32_t i, r;
    int rc;
    snprintf(field, sizeof field, "--box %s kind", buf);
    if ((rc = cli_enum_value(field, kind, s_box_kind_enum, &word)) != CLI_OK)
        return rc;
    snprintf(field, sizeof field, "--box %s issued", buf);
    if ((rc = cli_u32(issued, field, UINT32_MAX, &i)) != CLI_OK)
        return rc;
    snprintf(field, sizeof field, "--box %s returned", buf);
    if ((rc = cli_u32(returned, field, UINT32_MAX, &r)) != CLI_OK)
        return rc;
    hj__tally__box__init(b);
    b->name = buf;
    b->kind = (char *)word;
    b->issued = i;
    b->returned = r;
    return CLI_OK;
}

/* One ballot: "MARKS[|NAME[>K]]..." (y yes, n no, a abstain, - blank). */
static int s_ballot_spec(char *spec, Hj__Tally__Ballot *b, Hj__Tally__WriteIn *w,
                         Hj__Tally__WriteIn **wp, size_t max_w)
{
    hj__tally__ballot__init(b);
    char *save = NULL, *part = strtok_r(spec, "|", &save);
    b->marks = part ? part : "";
    b->writeins = wp;
    while ((part = strtok_r(NULL, "|", &save))) {
        if (b->n_writeins >= max_w)
            return cli_usage("at most %zu write-ins on one ballot", max_w);
        Hj__Tally__WriteIn *x = &w[b->n_writeins];
        hj__tally__write_in__init(x);
        char *gt = strchr(part, '>');
        if (gt) {
            *gt = 0;
            int rc = cli_u32(gt + 1, "--ballot write-in beside (NAME>K)", UINT32_MAX, &x->beside);
            if (rc != CLI_OK)
                return rc;
        }
        x->name = part;
        wp[b->n_writeins++] = x;
    }
    return CLI_OK;
}

/* The request id of batch i of a file: derived from the base id, so a
 * resubmission of the whole file with --request-id BASE counts each batch once. */
static void s_batch_id(const char *base, size_t i, char out[37])
{
    unsigned char d[SHA256_DIGEST_LENGTH];
    char in[64];
    snprintf(in, sizeof in, "%s/%zu", base, i);
    SHA256((const unsigned char *)in, strlen(in), d);
    d[6] = (unsigned char)((d[6] & 0x0f) | 0x40);
    d[8] = (unsigned char)((d[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", d[0],
             d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10], d[11], d[12], d[13],
             d[14], d[15]);
}

#define S_BATCH 1000
#define S_WRITEINS 16

/* Sends ballots in batches of S_BATCH; prints a receipt per batch. */
static int s_ballots(cli_t *cli, const char *election, const char *box, char **specs, size_t n)
{
    char base[37], id[37];
    const char *given = cli_opt(cli, "request-id");
    snprintf(base, sizeof base, "%s", given ? given : "");
    if (!given)
        cli_request_id(cli, base);
    if (cli_unused(cli) != CLI_OK)
        return CLI_USAGE;
    Hj__Tally__Ballot *ballots = calloc(S_BATCH, sizeof *ballots);
    Hj__Tally__Ballot **ptrs = calloc(S_BATCH, sizeof *ptrs);
    Hj__Tally__WriteIn *w = calloc((size_t)S_BATCH * S_WRITEINS, sizeof *w);
    Hj__Tally__WriteIn **wp = calloc((size_t)S_BATCH * S_WRITEINS, sizeof *wp);
    int rc = ballots && ptrs && w && wp ? CLI_OK : CLI_UNREACHABLE;
    size_t batches = (n + S_BATCH - 1) / S_BATCH;
    for (size_t b = 0; rc == CLI_OK && b < batches; b++) {
        Hj__Tally__Request req = HJ__TALLY__REQUEST__INIT;
        Hj__Tally__BallotBatch batch = HJ__TALLY__BALLOT_BATCH__INIT;
        Hj__Tally__Reply *reply = NULL;
        size_t from = b * S_BATCH, count = n - from < S_BATCH ? n - from : S_BATCH;
        for (size_t i = 0; rc == CLI_OK && i < count; i++) {
            rc = s_ballot_spec(specs[from + i], &ballots[i], &w[i * S_WRITEINS],
                               &wp[i * S_WRITEINS], S_WRITEINS);
            ptrs[i] = &ballots[i];
        }
        if (rc != CLI_OK)
            break;
        batch.election = (char *)election;
        batch.box = (char *)box;
        batch.ballots = ptrs;
        batch.n_ballots = count;
        if (batches == 1)
            snprintf(id, sizeof id, "%s", base);
        else
            s_batch_id(base, b, id);
        req.request_id = id;
        req.op_case = HJ__TALLY__REQUEST__OP_BALLOTS_ENTER;
        req.ballots_enter = &batch;
        rc = cli_call(cli, "tally", &req.base, &hj__tally__reply__descriptor,
                      (ProtobufCMessage **)&reply);
        if (rc != CLI_OK) {
            if (batches > 1)
                fprintf(stderr,
                        "hj: batch %zu of %zu (ballots %zu-%zu) was not entered; batches before "
                        "it were. Run the same command with --request-id %s: entered batches "
                        "are not counted twice\n",
                        b + 1, batches, from + 1, from + count, base);
            break;
        }
        const Hj__Tally__Receipt *r =
            reply->result_case == HJ__TALLY__REPLY__RESULT_RECEIPT ? reply->receipt : NULL;
        if (cli->json && r)
            cli_json(&r->base);
        else if (r && r->box) {
            printf("box %s: %u of %u returned ballots entered (this batch: %u valid, %u invalid)\n",
                   r->box->name, r->box->counted, r->box->returned, r->valid, r->invalid);
            for (size_t i = 0; i < r->n_invalid_reasons; i++)
                printf("  invalid: %s\n", r->invalid_reasons[i]);
        }
        if (!cli->json && r && r->count && b + 1 == batches)
            s_print_count(r->count, cli->en);
        protobuf_c_message_free_unpacked(&reply->base, NULL);
    }
    if (rc == CLI_OK && batches > 1 && !cli->json)
        printf("(entered as request %s: resubmitting with --request-id %s counts nothing twice)\n",
               base, base);
    free(ballots);
    free(ptrs);
    free(w);
    free(wp);
    return rc;
}

static int s_read_specs(cli_t *cli, const char *path, char ***specs, size_t *n, char **text)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "hj: cannot read %s\n", path);
        return CLI_USAGE;
    }
    size_t cap = 0, len = 0;
    char buf[4096];
    size_t got;
    *text = NULL;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0) {
        if (len + got + 1 > cap) {
            cap = (len + got + 1) * 2;
            char *grown = realloc(*text, cap);
            if (!grown) {
                fclose(f);
                return CLI_UNREACHABLE;
            }
            *text = grown;
        }
        memcpy(*text + len, buf, got);
        len += got;
    }
    fclose(f);
    if (!*text)
        return cli_usage("%s holds no ballots", path);
    (*text)[len] = 0;
    size_t lines = 1;
    for (size_t i = 0; i < len; i++)
        lines += (*text)[i] == '\n';
    *specs = calloc(lines + 1, sizeof **specs);
    if (!*specs)
        return CLI_UNREACHABLE;
    *n = 0;
    char *save = NULL;
    for (char *line = strtok_r(*text, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save))
        if (line[0] && line[0] != '#')
            (*specs)[(*n)++] = line;
    (void)cli;
    return *n ? CLI_OK : cli_usage("%s holds no ballots", path);
}

/* --votes 1,2,3 and --writein NAME:VOTES into a BoxTotal. */
static int s_box_total(cli_t *cli, Hj__Tally__BoxTotal *t, uint32_t *votes,
                       Hj__Tally__WriteInVotes *wv, Hj__Tally__WriteInVotes **wp, char specs[][128])
{
    int rc;
    const char *list = cli_opt(cli, "votes");
    if ((rc = s_uint(cli, "valid", 1, &t->valid)) != CLI_OK ||
        (rc = s_uint(cli, "invalid", 1, &t->invalid)) != CLI_OK)
        return rc;
    if (!list || !*list)
        return cli_usage("--votes N,N,... is required: one count a candidate, in ballot order");
    t->box = (char *)cli_opt_or(cli, "box", "");
    t->votes = votes;
    char item[32];
    for (const char *p = list;;) {
        size_t len = strcspn(p, ",");
        if (t->n_votes >= 64)
            return cli_usage("--votes: at most 64 counts");
        /* The item as typed (cut short only past any count's length: still refused). */
        snprintf(item, sizeof item, "%.*s", (int)(len < sizeof item - 1 ? len : sizeof item - 1),
                 p);
        if ((rc = cli_u32(item, "--votes", UINT32_MAX, &votes[t->n_votes])) != CLI_OK)
            return rc;
        t->n_votes++;
        if (!p[len])
            break;
        p += len + 1;
    }
    const char *w[64];
    size_t nw = s_all(cli, "writein", w, 64);
    t->writeins = wp;
    for (size_t i = 0; i < nw; i++) {
        snprintf(specs[i], 128, "%s", w[i]);
        char *colon = strrchr(specs[i], ':');
        if (!colon)
            return cli_usage("--writein takes NAME:VOTES (got '%s')", w[i]);
        *colon = 0;
        hj__tally__write_in_votes__init(&wv[i]);
        wv[i].name = specs[i];
        char field[160];
        snprintf(field, sizeof field, "--writein %.127s", specs[i]);
        if ((rc = cli_u32(colon + 1, field, UINT32_MAX, &wv[i].votes)) != CLI_OK)
            return rc;
        wp[t->n_writeins++] = &wv[i];
    }
    return CLI_OK;
}

static int s_print_reply(cli_t *cli, Hj__Tally__Reply *reply, const char *done, int en)
{
    /* The results these verbs show; any other is "nothing to show". */
    static const ProtobufCMessageDescriptor *const shown[] = {
        &hj__tally__result__descriptor,    &hj__tally__receipt__descriptor,
        &hj__tally__election__descriptor,  &hj__tally__voter_roll__descriptor,
        &hj__tally__objection__descriptor, &hj__tally__proxy__descriptor};
    const ProtobufCMessage *m = cli_oneof(&reply->base);
    size_t k = 0;
    while (m && k < sizeof shown / sizeof shown[0] && m->descriptor != shown[k])
        k++;
    if (k == sizeof shown / sizeof shown[0])
        m = NULL;
    int rc = prep_answer(cli, m, done);
    if (rc != CLI_OK || cli->json)
        return rc;
    if (reply->result_case == HJ__TALLY__REPLY__RESULT_RESULT_VIEW)
        s_print_result(reply->result_view, en);
    else if (reply->result_case == HJ__TALLY__REPLY__RESULT_RECEIPT && reply->receipt->count)
        s_print_count(reply->receipt->count, en);
    else if (reply->result_case == HJ__TALLY__REPLY__RESULT_ELECTION) {
        const Hj__Tally__Election *e = reply->election;
        printf("the %s election of %s (%s), %u seats; candidates in ballot order:\n", e->body,
               e->community, e->id, e->seats);
        for (size_t i = 0; i < e->n_candidates; i++)
            printf("  %u. %s  %s\n", e->candidates[i]->position, e->candidates[i]->name,
                   e->candidates[i]->person_id);
    } else if (reply->result_case == HJ__TALLY__REPLY__RESULT_VOTER_ROLL) {
        const Hj__Tally__VoterRoll *v = reply->voter_roll;
        printf("voter roll of %s: %u voters, %u households, %u representatives; published %s\n",
               v->community, v->voters, v->households, v->representatives,
               v->published_on[0] ? v->published_on : "not yet");
        for (size_t i = 0; i < v->n_objections; i++) {
            const Hj__Tally__Objection *o = v->objections[i];
            printf("  objection %s by %s on %s: %s — %s%s%s\n", o->id, o->filed_by, o->filed_on,
                   o->about, o->decision[0] ? o->decision : "open", o->decided_on[0] ? " on " : "",
                   o->decided_on);
        }
    } else if (reply->result_case == HJ__TALLY__REPLY__RESULT_OBJECTION) {
        const Hj__Tally__Objection *o = reply->objection;
        printf("objection %s (%s) by %s on %s: %s\n", o->id, o->decision[0] ? o->decision : "open",
               o->filed_by, o->filed_on, o->about);
    } else if (reply->result_case == HJ__TALLY__REPLY__RESULT_PROXY) {
        const Hj__Tally__Proxy *p = reply->proxy;
        printf("proxy recorded: %s (%s) votes for %s (%s); %s now holds %u\n", p->holder_name,
               p->holder, p->principal_name, p->principal, p->holder_name, p->held);
    }
    return CLI_OK;
}

/* --person values by id, code (P0042) or name, resolved by person_ref among
 * the persons of the election's community (one read of the election, only
 * when a value is not already an id, so an offline list of ids still
 * spools). CLI_OK with values[i] pointing to ids[i], or the failure. */
static int s_candidates(cli_t *cli, const char *election, const char **values, size_t n,
                        char (*ids)[37])
{
    Hj__Tally__Request req = HJ__TALLY__REQUEST__INIT;
    Hj__Tally__ElectionRef ref = HJ__TALLY__ELECTION_REF__INIT;
    Hj__Tally__Reply *reply = NULL;
    char community[64] = "";
    size_t named = 0;
    int rc;
    for (size_t i = 0; i < n; i++)
        named += !hj_uuid_valid(values[i]);
    if (!named)
        return CLI_OK;
    ref.id = (char *)election;
    req.op_case = HJ__TALLY__REQUEST__OP_RESULT;
    req.result = &ref;
    rc = cli_call(cli, "tally", &req.base, &hj__tally__reply__descriptor,
                  (ProtobufCMessage **)&reply);
    if (rc == CLI_UNREACHABLE)
        fprintf(stderr,
                "hj: --person by name or code needs the election's community, which cannot be read "
                "now; nothing was saved. Offline, give the persons' ids (UUID).\n");
    if (rc != CLI_OK)
        return rc;
    if (reply->result_case == HJ__TALLY__REPLY__RESULT_RESULT_VIEW && reply->result_view->election)
        snprintf(community, sizeof community, "%s", reply->result_view->election->community);
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return person_refs(cli, "--person", (char **)values, n, community, 0, ids);
}

/* One request of election day or of the counts-only roll: op as the member
 * op_case names, sent as how says (PREP_WRITE: stamped with a request id),
 * its answer shown after done. CLI_* exit code. */
static int s_send(cli_t *cli, uint32_t op_case, const ProtobufCMessage *op, int how,
                  const char *done, int en)
{
    ProtobufCMessage *reply;
    int rc = prep_send_to(cli, &prep_tally, op_case, op, how, &reply);
    if (rc != CLI_OK)
        return rc;
    rc = s_print_reply(cli, (Hj__Tally__Reply *)reply, done, en);
    protobuf_c_message_free_unpacked(reply, NULL);
    return rc;
}

/* hj election ballots ELECTION --box NAME (--ballot SPEC ... | --from FILE). */
static int s_ballots_verb(cli_t *cli, const char *election)
{
    const char *box = cli_opt(cli, "box"), *from = cli_opt(cli, "from");
    const char *given[S_BATCH];
    size_t n = s_all(cli, "ballot", given, S_BATCH);
    char **specs = NULL, *text = NULL;
    int rc;
    if (!box)
        return cli_usage("--box NAME is required");
    if (from && n)
        return cli_usage("give ballots with --ballot or --from FILE, not both");
    if (from) {
        if ((rc = s_read_specs(cli, from, &specs, &n, &text)) != CLI_OK) {
            free(specs);
            free(text);
            return rc;
        }
    } else {
        if (!n)
            return cli_usage("--ballot MARKS[|NAME>K]... or --from FILE (one ballot a line)");
        specs = calloc(n + 1, sizeof *specs);
        for (size_t i = 0; specs && i < n; i++)
            specs[i] = strdup(given[i]);
    }
    rc = specs ? s_ballots(cli, election, box, specs, n) : CLI_UNREACHABLE;
    if (!from)
        for (size_t i = 0; specs && i < n; i++)
            free(specs[i]);
    free(specs);
    free(text);
    return rc;
}

static int s_election_day(cli_t *cli, const char *verb)
{
    static const char *persons[64];
    static char person_ids[64][37];
    static Hj__Tally__Box boxes[20];
    static Hj__Tally__Box *box_ptrs[20];
    static char box_specs[20][256];
    static uint32_t votes[64];
    static Hj__Tally__WriteInVotes wv[64];
    static Hj__Tally__WriteInVotes *wp[64];
    static char wspecs[64][128];
    int rc;
    if (cli->npos != 1)
        return cli_usage("hj election %s ELECTION-ID ... (see hj election --help)", verb);
    const char *election = cli->pos[0];
    int en = cli->en; /* --lang / HJ_LANG, checked once by hj */
    if (strcmp(verb, "candidates") == 0) {
        Hj__Tally__CandidateList list = HJ__TALLY__CANDIDATE_LIST__INIT;
        list.election = (char *)election;
        list.n_person_ids = s_all(cli, "person", persons, 64);
        list.person_ids = (char **)persons;
        if ((rc = s_candidates(cli, election, persons, list.n_person_ids, person_ids)) != CLI_OK)
            return rc;
        return s_send(cli, HJ__TALLY__REQUEST__OP_CANDIDATES_SET, &list.base, PREP_WRITE,
                      "candidate list recorded", en);
    } else if (strcmp(verb, "round") == 0) {
        Hj__Tally__RoundOpen round = HJ__TALLY__ROUND_OPEN__INIT;
        const char *specs[20];
        size_t nb = s_all(cli, "box", specs, 20);
        round.election = (char *)election;
        for (size_t i = 0; i < nb; i++) {
            if ((rc = s_box_spec(specs[i], &boxes[i], box_specs[i], sizeof box_specs[i])) != CLI_OK)
                return rc;
            box_ptrs[i] = &boxes[i];
        }
        round.boxes = box_ptrs;
        round.n_boxes = nb;
        round.n_person_ids = s_all(cli, "person", persons, 64);
        round.person_ids = (char **)persons;
        if ((rc = s_uint(cli, "electorate", 0, &round.electorate)) != CLI_OK ||
            (rc = s_uint(cli, "present", 0, &round.present)) != CLI_OK ||
            (rc = s_candidates(cli, election, persons, round.n_person_ids, person_ids)) != CLI_OK)
            return rc;
        return s_send(cli, HJ__TALLY__REQUEST__OP_ROUND_OPEN, &round.base, PREP_WRITE,
                      "round opened", en);
    } else if (strcmp(verb, "ballots") == 0) {
        return s_ballots_verb(cli, election);
    } else if (strcmp(verb, "count") == 0 || strcmp(verb, "amend") == 0) {
        Hj__Tally__BoxTotal total = HJ__TALLY__BOX_TOTAL__INIT;
        total.election = (char *)election;
        if ((rc = s_box_total(cli, &total, votes, wv, wp, wspecs)) != CLI_OK)
            return rc;
        if (!total.box[0])
            return cli_usage("--box NAME is required");
        total.reason = (char *)cli_opt_or(cli, "reason", "");
        if (verb[0] == 'a' && (rc = s_uint(cli, "round", 1, &total.round)) != CLI_OK)
            return rc;
        if (verb[0] == 'a')
            return s_send(cli, HJ__TALLY__REQUEST__OP_AMEND, &total.base, PREP_WRITE,
                          "amendment recorded", en);
        return s_send(
            cli, HJ__TALLY__REQUEST__OP_BOX_COUNT, &total.base, PREP_WRITE,
            total.reason[0] ? "recount recorded beside the first count" : "box total recorded", en);
    } else if (strcmp(verb, "vacancy") == 0 || strcmp(verb, "reduce") == 0) {
        Hj__Tally__SeatClosure closure = HJ__TALLY__SEAT_CLOSURE__INIT;
        int vacancy = verb[0] == 'v';
        closure.election = (char *)election;
        closure.reason = (char *)cli_opt_or(cli, "reason", "");
        if ((rc = s_uint(cli, "seats", 1, &closure.seats)) != CLI_OK)
            return rc;
        if (!closure.reason[0])
            return cli_usage("--reason TEXT is required (the journal records it with your name)");
        return s_send(cli, vacancy ? HJ__TALLY__REQUEST__OP_VACANCY : HJ__TALLY__REQUEST__OP_REDUCE,
                      &closure.base, PREP_WRITE,
                      vacancy ? "seats left vacant (暂缺)" : "seats reduced (减少名额)", en);
    } else if (strcmp(verb, "result") == 0 || strcmp(verb, "certify") == 0) {
        Hj__Tally__ElectionRef ref = HJ__TALLY__ELECTION_REF__INIT;
        ref.id = (char *)election;
        if (verb[0] == 'r')
            return s_send(cli, HJ__TALLY__REQUEST__OP_RESULT, &ref.base, 0, NULL, en);
        return s_send(cli, HJ__TALLY__REQUEST__OP_CERTIFY, &ref.base, PREP_WRITE,
                      "result certified: it is locked; a correction is an amendment with its "
                      "reason",
                      en);
    } else if (strcmp(verb, "proxy") == 0) {
        Hj__Tally__Proxy proxy = HJ__TALLY__PROXY__INIT;
        proxy.election = (char *)election;
        prep_texts(cli, (const char *const[]){"holder", "holder-name", "for", "for-name", NULL},
                   (char **const[]){&proxy.holder, &proxy.holder_name, &proxy.principal,
                                    &proxy.principal_name, NULL});
        return s_send(cli, HJ__TALLY__REQUEST__OP_PROXY_ADD, &proxy.base, PREP_WRITE, NULL, en);
    }
    return cli_usage("unknown verb '%s' (see hj election --help)", verb);
}

/* hj election list: what officials read is Chinese (community names, body,
 * state); --json carries the ids. A page at a time (--limit, --after), every
 * page with --all, and a footer saying what was left out. */
static int s_election_list(cli_t *cli)
{
    Hj__Tally__Request req = HJ__TALLY__REQUEST__INIT;
    Hj__Tally__ElectionListQuery q = HJ__TALLY__ELECTION_LIST_QUERY__INIT;
    cli_list_t list;
    const char *limit = cli_opt(cli, "limit");
    char a[256], b[256];
    int rc;
    if (cli->npos != 0)
        return cli_usage(
            "hj election list [--community C] [--subdistrict S] [--state scheduled|open|certified] "
            "[--limit N] [--after ID] [--all]");
    q.community = (char *)cli_opt_or(cli, "community", "");
    q.subdistrict = (char *)cli_opt_or(cli, "subdistrict", "");
    if ((rc = cli_enum_lenient(cli, "state", s_state_enum, "", (const char **)&q.state)) != CLI_OK)
        return rc;
    q.after = (char *)cli_opt_or(cli, "after", "");
    if (limit && (rc = cli_u32(limit, "--limit", 1000, &q.limit)) != CLI_OK)
        return rc;
    if (limit && q.limit == 0)
        return cli_usage("--limit must be a number from 1 to 1000");
    req.op_case = HJ__TALLY__REQUEST__OP_ELECTION_LIST;
    req.election_list = &q;
    int en = cli->en;
    cli_flag(cli, "all");
    if ((rc = cli_unused(cli)) != CLI_OK ||
        (rc = cli_list(cli, "tally", &req.base, &q.after, &hj__tally__reply__descriptor, &list)) !=
            CLI_OK)
        return rc;
    if (cli->json) {
        cli_list_json(&list);
        cli_list_free(&list);
        return CLI_OK;
    }
    printf("%s %s %s %s %s %s\n", s_pad(en ? "COMMUNITY" : "社区", 24, a, sizeof a),
           s_pad(en ? "SUBDISTRICT" : "街道", 16, b, sizeof b), en ? "BODY      " : "选举对象  ",
           en ? "DAY       " : "选举日    ", en ? "STATE     " : "状态      ",
           en ? "SEATS" : "名额");
    for (size_t i = 0; i < list.n_items; i++) {
        const Hj__Tally__ElectionListItem *e = (const Hj__Tally__ElectionListItem *)list.items[i];
        int party = strcmp(e->body, "party") == 0;
        const char *state = strcmp(e->state, "certified") == 0 ? (en ? "certified" : "已确认")
                            : strcmp(e->state, "open") == 0    ? (en ? "open" : "进行中")
                                                               : (en ? "scheduled" : "已安排");
        char name[160], seats[96], body[48], st[48];
        snprintf(name, sizeof name, "%s", e->community_name[0] ? e->community_name : e->community);
        snprintf(seats, sizeof seats, "%u", e->seats);
        if (e->vacant)
            snprintf(seats + strlen(seats), sizeof seats - strlen(seats),
                     en ? ", %u vacant (by %s)" : "，暂缺%u（%s前补选）", e->vacant,
                     e->vacancy_due);
        if (e->reduced)
            snprintf(seats + strlen(seats), sizeof seats - strlen(seats),
                     en ? ", %u reduced" : "，减少%u", e->reduced);
        printf(
            "%s %s %s %s %s %s\n", s_pad(name, 24, a, sizeof a),
            s_pad(e->subdistrict_name[0] ? e->subdistrict_name : e->subdistrict, 16, b, sizeof b),
            s_pad(party ? (en ? "party" : "党组织") : (en ? "residents" : "居委会"), 10, body,
                  sizeof body),
            e->date, s_pad(state, 10, st, sizeof st), seats);
    }
    if (list.n_items == 0)
        printf(en ? "no election\n" : "没有选举\n");
    cli_list_footer(cli, &list);
    cli_list_free(&list);
    return CLI_OK;
}

/* hj voters — 选民登记: the voter roll, its publication, objections. */
int cmd_voters(cli_t *cli, const char *verb)
{
    int rc;
    if (cli->npos != 1)
        return cli_usage(
            "hj voters set|show|object COMMUNITY ... | hj voters decide OBJECTION-ID ...");
    if (strcmp(verb, "set") == 0) {
        Hj__Tally__VoterRoll roll = HJ__TALLY__VOTER_ROLL__INIT;
        roll.community = (char *)cli->pos[0];
        roll.published_on = (char *)cli_opt_or(cli, "published", "");
        if ((rc = s_uint(cli, "voters", 1, &roll.voters)) != CLI_OK ||
            (rc = s_uint(cli, "households", 0, &roll.households)) != CLI_OK ||
            (rc = s_uint(cli, "representatives", 0, &roll.representatives)) != CLI_OK)
            return rc;
        return s_send(cli, HJ__TALLY__REQUEST__OP_VOTER_ROLL_SET, &roll.base, PREP_WRITE,
                      "voter roll recorded", 0);
    } else if (strcmp(verb, "show") == 0) {
        Hj__Tally__SnapshotQuery q = HJ__TALLY__SNAPSHOT_QUERY__INIT;
        q.community = (char *)cli->pos[0];
        return s_send(cli, HJ__TALLY__REQUEST__OP_VOTER_ROLL_GET, &q.base, 0, NULL, 0);
    } else if (strcmp(verb, "object") == 0) {
        Hj__Tally__Objection o = HJ__TALLY__OBJECTION__INIT;
        o.community = (char *)cli->pos[0];
        prep_texts(cli, (const char *const[]){"by", "date", "about", NULL},
                   (char **const[]){&o.filed_by, &o.filed_on, &o.about, NULL});
        return s_send(cli, HJ__TALLY__REQUEST__OP_OBJECTION_FILE, &o.base, PREP_WRITE,
                      "objection filed", 0);
    } else if (strcmp(verb, "decide") == 0) {
        Hj__Tally__ObjectionDecision d = HJ__TALLY__OBJECTION_DECISION__INIT;
        d.id = (char *)cli->pos[0];
        if ((rc = cli_enum(cli, "decision", s_decision_enum, "", (const char **)&d.decision)) !=
            CLI_OK)
            return rc;
        d.date = (char *)cli_opt_or(cli, "date", "");
        d.note = (char *)cli_opt_or(cli, "note", "");
        return s_send(cli, HJ__TALLY__REQUEST__OP_OBJECTION_DECIDE, &d.base, PREP_WRITE,
                      "objection decided", 0);
    }
    return cli_usage("hj voters set|show|object|decide (see hj voters --help)");
}

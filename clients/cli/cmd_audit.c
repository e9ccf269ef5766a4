/* hj audit — term-end audits (任期审计) and the gate "no audit, no election". */
#include "audit.pb-c.h"
#include "cli.h"
#include "cmd_audit.h"
#include "cmd_prep.h"
#include "cli_enum.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *s_state_zh[] = {"未开展", "计划", "现场审计", "报告征求意见", "完成", "已公开"};
static const char *s_severity_zh[] = {"", "提示", "违规违纪", "严重/移送"};
static const char *s_remedy_zh[] = {"", "待整改", "已整改", "已移送"};

/* The lower-case proto name of an enum value, e.g. "draft_report". */
static const char *s_enum_name(const ProtobufCEnumDescriptor *d, int value, char buf[48])
{
    const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(d, value);
    size_t i = 0;
    if (!v)
        return "unknown";
    for (; v->name[i] && i + 1 < 48; i++)
        buf[i] = (char)tolower((unsigned char)v->name[i]);
    buf[i] = 0;
    return buf;
}

/* Looks `text` up among the enum's names (any case); the zero value never matches. */
static int s_enum_value(const ProtobufCEnumDescriptor *d, const char *text, int *value)
{
    char upper[48];
    size_t i = 0;
    for (; text[i] && i + 1 < sizeof upper; i++)
        upper[i] = (char)toupper((unsigned char)text[i]);
    upper[i] = 0;
    const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value_by_name(d, upper);
    if (!v || v->value == 0)
        return -1;
    *value = v->value;
    return 0;
}

/* The audit states an official may type in Chinese as well (issue #20:
 * --state 已公开, --to 完成), as s_state_zh shows them. */
static const cli_enum_t s_state_enum[] = {{"planned", "计划", "已计划"},
                                          {"fieldwork", "现场审计", NULL},
                                          {"draft_report", "报告征求意见", "审计报告"},
                                          {"completed", "完成", "已完成"},
                                          {"published", "已公开", "公开"},
                                          {NULL, NULL, NULL}};

/* --key as a value of enum d (any case), or of its Chinese spellings zh
 * (NULL: none); a value of neither is refused naming the option. */
static int s_enum_opt_zh(cli_t *cli, const char *key, const ProtobufCEnumDescriptor *d,
                         const cli_enum_t *zh, const char *choices, int *value)
{
    const char *text = cli_opt(cli, key), *word = zh ? cli_enum_word(zh, text) : NULL;
    char option[64];
    if (!text)
        return CLI_OK;
    if (s_enum_value(d, word ? word : text, value) == 0)
        return CLI_OK;
    snprintf(option, sizeof option, "--%s", key);
    return zh ? cli_enum_value(option, text, zh, &word)
              : cli_usage("--%s must be %s", key, choices);
}

static int s_enum_opt(cli_t *cli, const char *key, const ProtobufCEnumDescriptor *d,
                      const char *choices, int *value)
{
    return s_enum_opt_zh(cli, key, d, NULL, choices, value);
}

/* A required --key of enum d: said when absent, else as s_enum_opt. */
static int s_enum_need(cli_t *cli, const char *key, const ProtobufCEnumDescriptor *d,
                       const char *choices, int *value)
{
    if (!cli_opt(cli, key))
        return cli_usage("--%s is required", key);
    return s_enum_opt(cli, key, d, choices, value);
}

static int s_number(const char *text, const char *what, uint32_t *out)
{
    char *end;
    unsigned long v = text ? strtoul(text, &end, 10) : 0;
    if (!text || !*text || *end || text[0] == '-' || v == 0 || v > 100000000UL)
        return cli_usage("%s must be a positive number", what);
    *out = (uint32_t)v;
    return CLI_OK;
}

static int s_state_index(int s)
{
    return s >= 0 && s <= 5 ? s : 0;
}

const char *audit_word(const ProtobufCEnumDescriptor *d, int value, char buf[48])
{
    return s_enum_name(d, value, buf);
}

const char *audit_state_zh(int state)
{
    return s_state_zh[s_state_index(state)];
}

const char *audit_severity_zh(int severity)
{
    return severity >= 1 && severity <= 3 ? s_severity_zh[severity] : "";
}

const char *audit_remedy_zh(int remedy)
{
    return remedy >= 1 && remedy <= 3 ? s_remedy_zh[remedy] : "";
}

static const char *s_state_text(int state, char buf[64])
{
    char name[48];
    snprintf(buf, 64, "%s %s", s_enum_name(&hj__audit__state__descriptor, state, name),
             s_state_zh[s_state_index(state)]);
    return buf;
}

/* ---- output ---------------------------------------------------------------- */

static void s_print_serious(Hj__Audit__Finding **items, size_t n)
{
    char yuan[40];
    for (size_t i = 0; i < n; i++) {
        Hj__Audit__Finding *f = items[i];
        printf("!! serious finding still open (严重问题未整改): %s term %s finding %u: %s%s%s%s\n",
               f->community, f->term, f->no, f->text, f->has_amount ? " (" : "",
               f->has_amount ? cli_yuan(f->amount_fen, yuan) : "", f->has_amount ? " 元)" : "");
    }
}

static const char *const s_scope_head[] = {"NO", "STATUS", "KIND", "TITLE", "REQUESTED BY", "NOTE"};

static void s_scope_row(cli_table_t *t, const ProtobufCMessage *record)
{
    const Hj__Audit__ScopeItem *s = (const Hj__Audit__ScopeItem *)record;
    char no[16], status[48], kind[48], who[400] = "";
    snprintf(no, sizeof no, "%u", s->no);
    if (s->kind == HJ__AUDIT__SCOPE_KIND__REQUESTED)
        snprintf(who, sizeof who, "%s, %s (%u of %u %s)", s->requested_by, s->requested_on,
                 s->signers, s->eligible,
                 s->basis == HJ__AUDIT__BASIS__REPRESENTATIVES ? "representatives" : "residents");
    const char *row[] = {no,
                         s_enum_name(&hj__audit__scope_status__descriptor, s->status, status),
                         s_enum_name(&hj__audit__scope_kind__descriptor, s->kind, kind),
                         s->title,
                         who,
                         s->note};
    cli_table_row(t, row);
}

static const char *const s_finding_head[] = {"NO",     "ITEM",        "SEVERITY", "AMOUNT (元)",
                                             "REMEDY", "RESPONSIBLE", "FINDING",  "EVIDENCE"};

static void s_finding_row(cli_table_t *t, const ProtobufCMessage *record)
{
    const Hj__Audit__Finding *f = (const Hj__Audit__Finding *)record;
    char no[16], item[16], sev[96], sevname[48], yuan[40] = "", remedy[48], evidence[600] = "";
    snprintf(no, sizeof no, "%u", f->no);
    snprintf(item, sizeof item, "%u", f->scope_item);
    snprintf(sev, sizeof sev, "%s %s",
             s_enum_name(&hj__audit__severity__descriptor, f->severity, sevname),
             f->severity >= 1 && f->severity <= 3 ? s_severity_zh[f->severity] : "");
    if (f->has_amount)
        cli_yuan(f->amount_fen, yuan);
    for (size_t k = 0; k < f->n_evidence; k++) {
        size_t used = strlen(evidence);
        snprintf(evidence + used, sizeof evidence - used, "%s%s", k ? "; " : "", f->evidence[k]);
    }
    const char *row[] = {no,
                         item,
                         sev,
                         yuan,
                         s_enum_name(&hj__audit__remedy__descriptor, f->remedy, remedy),
                         f->responsible,
                         f->text,
                         evidence};
    cli_table_row(t, row);
}

static void s_print_view(const Hj__Audit__AuditView *v)
{
    const Hj__Audit__Engagement *e = v->engagement;
    char state[64], total[40], line[512] = "";
    if (!e)
        return;
    for (size_t i = 0; i < e->n_auditors; i++) {
        size_t used = strlen(line);
        snprintf(line + used, sizeof line - used, "%s%s", i ? "、" : "", e->auditors[i]);
    }
    printf("audit      %s\n", e->id);
    printf("community  %s   term %s   audited period %s..%s\n", e->community, e->term,
           e->period_from, e->period_to);
    printf("auditors   %s\n", line);
    printf("state      %s   opened %s%s%s%s%s\n", s_state_text(e->state, state), e->opened_on,
           e->completed_on[0] ? "   completed " : "", e->completed_on,
           e->published_on[0] ? "   published " : "", e->published_on);
    printf("findings   %zu (%u open), total %s 元\n", v->n_findings, v->open_findings,
           cli_yuan(v->amount_total_fen, total));
    s_print_serious(v->serious_open, v->n_serious_open);
    printf("\nscope (审计范围)\n");
    prep_rows(v->scope, v->n_scope, 6, s_scope_head, s_scope_row);
    if (v->n_findings) {
        printf("\nfindings (审计发现)\n");
        prep_rows(v->findings, v->n_findings, 8, s_finding_head, s_finding_row);
    }
    printf("\nmoves\n");
    static const char *head[] = {"FROM", "TO", "ON", "BY", "REASON"};
    cli_table_t *t = cli_table_new(5, head);
    for (size_t i = 0; i < v->n_moves; i++) {
        Hj__Audit__Move *m = v->moves[i];
        char from[48], to[48];
        const char *row[] = {s_enum_name(&hj__audit__state__descriptor, m->from, from),
                             s_enum_name(&hj__audit__state__descriptor, m->to, to), m->on, m->actor,
                             m->reason};
        cli_table_row(t, row);
    }
    cli_table_print(t);
    cli_table_destroy(&t);
}

/* One line a community (status) or an audit (list). */
static void s_line_row(cli_table_t *t, const ProtobufCMessage *record)
{
    const Hj__Audit__StatusLine *l = (const Hj__Audit__StatusLine *)record;
    char state[64], open[16], yuan[40] = "", serious[32] = "";
    snprintf(open, sizeof open, "%u", l->open_findings);
    if (l->audit_id[0])
        cli_yuan(l->amount_total_fen, yuan);
    if (l->serious_open)
        snprintf(serious, sizeof serious, "!! %u", l->serious_open);
    const char *row[] = {l->community,
                         l->name,
                         l->term,
                         s_state_text(l->state, state),
                         l->audit_id[0] ? open : "",
                         yuan,
                         l->published_on,
                         serious};
    cli_table_row(t, row);
}

static void s_print_gate(const Hj__Audit__Gate *g)
{
    char state[64];
    printf("%s audit gate (不经审计不得换届): %s\n", g->community,
           g->done ? "done — completed and published" : "NOT done");
    printf("state      %s%s%s\n", s_state_text(g->state, state), g->term[0] ? "   term " : "",
           g->term);
    if (g->published_on[0])
        printf("published  %s\n", g->published_on);
    if (g->reason[0])
        printf("reason     %s\n", g->reason);
    if (g->serious_open)
        printf("!! %u serious finding%s still open (严重问题未整改)\n", g->serious_open,
               g->serious_open == 1 ? "" : "s");
}

/* Whatever an audit reply carries, as text. */
static void s_print(const ProtobufCMessage *m)
{
    static const char *const line_head[] = {
        "COMMUNITY",     "NAME",        "TERM",      "STATE",
        "OPEN FINDINGS", "AMOUNT (元)", "PUBLISHED", "SERIOUS OPEN (严重问题未整改)"};
    const ProtobufCMessageDescriptor *type = prep_record_type(m);
    if (type == &hj__audit__audit_view__descriptor)
        s_print_view((const Hj__Audit__AuditView *)m);
    else if (type == &hj__audit__status_line__descriptor)
        prep_table(m, 8, line_head, s_line_row);
    else if (type == &hj__audit__gate__descriptor)
        s_print_gate((const Hj__Audit__Gate *)m);
    else if (type == &hj__audit__scope_item__descriptor)
        prep_table(m, 6, s_scope_head, s_scope_row);
    else if (type == &hj__audit__finding__descriptor)
        prep_table(m, 8, s_finding_head, s_finding_row);
}

/* ---- commands ---------------------------------------------------------------- */

/* One audit request, a write when it says what it did (done), and its answer. */
static int s_send(cli_t *cli, uint32_t op_case, const ProtobufCMessage *op, const char *done)
{
    ProtobufCMessage *reply;
    int rc = prep_send_to(cli, &prep_audit, op_case, op, done ? PREP_WRITE : 0, &reply);

    return rc ? rc : prep_reply(cli, reply, done, s_print);
}

static int s_ref(cli_t *cli, int pos, Hj__Audit__AuditRef *ref, const char *usage)
{
    if (cli->npos <= pos)
        return cli_usage("%s", usage);
    ref->key = (char *)cli->pos[pos];
    ref->term = (char *)cli_opt_or(cli, "term", "");
    return CLI_OK;
}

static int s_scope_add(cli_t *cli, Hj__Audit__AuditRef *ref)
{
    Hj__Audit__ScopeAdd add = HJ__AUDIT__SCOPE_ADD__INIT;
    Hj__Audit__ScopeItem item = HJ__AUDIT__SCOPE_ITEM__INIT;
    int rc, value = 0;
    if ((rc = s_ref(cli, 1, ref, "hj audit scope add KEY --title TEXT")) != CLI_OK)
        return rc;
    prep_texts(
        cli, (const char *const[]){"title", "note", "requested-by", "requested-on", NULL},
        (char **const[]){&item.title, &item.note, &item.requested_by, &item.requested_on, NULL});
    if ((rc = s_enum_opt(cli, "basis", &hj__audit__basis__descriptor,
                         "representatives or residents", &value)) != CLI_OK)
        return rc;
    item.basis = value;
    const char *signers = cli_opt(cli, "signers"), *eligible = cli_opt(cli, "eligible");
    if ((signers && (rc = s_number(signers, "--signers", &item.signers)) != CLI_OK) ||
        (eligible && (rc = s_number(eligible, "--eligible", &item.eligible)) != CLI_OK))
        return rc;
    add.audit = ref;
    add.item = &item;
    return s_send(cli, HJ__AUDIT__REQUEST__OP_SCOPE_ADD, &add.base, "scope item added");
}

static int s_scope(cli_t *cli)
{
    Hj__Audit__AuditRef ref = HJ__AUDIT__AUDIT_REF__INIT;
    Hj__Audit__ScopeSet set = HJ__AUDIT__SCOPE_SET__INIT;
    const char *sub = cli->npos > 0 ? cli->pos[0] : "";
    int rc, value = 0;
    if (strcmp(sub, "list") == 0) {
        if ((rc = s_ref(cli, 1, &ref, "hj audit scope list KEY")) != CLI_OK)
            return rc;
        return s_send(cli, HJ__AUDIT__REQUEST__OP_SCOPE_LIST, &ref.base, NULL);
    } else if (strcmp(sub, "add") == 0)
        return s_scope_add(cli, &ref);
    else if (strcmp(sub, "set") != 0)
        return cli_usage("hj audit scope list|add|set KEY ...");
    if ((rc = s_ref(cli, 1, &ref, "hj audit scope set KEY NO --status STATUS")) != CLI_OK)
        return rc;
    if (cli->npos < 3)
        return cli_usage("hj audit scope set KEY NO --status STATUS");
    if ((rc = s_number(cli->pos[2], "NO (the scope item's number)", &set.no)) != CLI_OK)
        return rc;
    if ((rc = s_enum_need(cli, "status", &hj__audit__scope_status__descriptor,
                          "not_started, examined, finding_raised or cleared", &value)) != CLI_OK)
        return rc;
    set.status = value;
    set.note = (char *)cli_opt_or(cli, "note", "");
    set.audit = &ref;
    return s_send(cli, HJ__AUDIT__REQUEST__OP_SCOPE_SET, &set.base, "scope item updated");
}

static int s_finding_add(cli_t *cli)
{
    Hj__Audit__AuditRef ref = HJ__AUDIT__AUDIT_REF__INIT;
    Hj__Audit__FindingAdd add = HJ__AUDIT__FINDING_ADD__INIT;
    Hj__Audit__Finding f = HJ__AUDIT__FINDING__INIT;
    char *evidence[CLI_MAX_ARGS];
    int rc, value = 0;
    if ((rc = s_ref(cli, 1, &ref, "hj audit finding add KEY --item NO --severity S --text T")) !=
        CLI_OK)
        return rc;
    if ((rc = s_number(cli_opt(cli, "item"), "--item (the scope item's number)", &f.scope_item)) !=
        CLI_OK)
        return rc;
    if ((rc = s_enum_need(cli, "severity", &hj__audit__severity__descriptor,
                          "observation, irregularity or serious", &value)) != CLI_OK)
        return rc;
    f.severity = value;
    prep_texts(cli, (const char *const[]){"amount", "text", "responsible", NULL},
               (char **const[]){&f.amount, &f.text, &f.responsible, NULL});
    f.evidence = evidence;
    f.n_evidence = prep_opts(cli, "evidence", evidence, CLI_MAX_ARGS);
    add.audit = &ref;
    add.finding = &f;
    return s_send(cli, HJ__AUDIT__REQUEST__OP_FINDING_ADD, &add.base, "finding recorded");
}

static int s_finding_update(cli_t *cli)
{
    Hj__Audit__AuditRef ref = HJ__AUDIT__AUDIT_REF__INIT;
    Hj__Audit__FindingUpdate u = HJ__AUDIT__FINDING_UPDATE__INIT;
    char *evidence[CLI_MAX_ARGS];
    int rc, value = 0;
    if ((rc = s_ref(cli, 1, &ref, "hj audit finding update KEY NO [--remedy R]")) != CLI_OK)
        return rc;
    if (cli->npos < 3)
        return cli_usage("hj audit finding update KEY NO [--remedy open|remedied|referred]");
    if ((rc = s_number(cli->pos[2], "NO (the finding's number)", &u.no)) != CLI_OK ||
        (rc = s_enum_opt(cli, "remedy", &hj__audit__remedy__descriptor,
                         "open, remedied or referred", &value)) != CLI_OK)
        return rc;
    u.remedy = value;
    u.responsible = (char *)cli_opt_or(cli, "responsible", "");
    u.note = (char *)cli_opt_or(cli, "note", "");
    u.evidence = evidence;
    u.n_evidence = prep_opts(cli, "evidence", evidence, CLI_MAX_ARGS);
    u.audit = &ref;
    return s_send(cli, HJ__AUDIT__REQUEST__OP_FINDING_UPDATE, &u.base, "finding updated");
}

static int s_list(cli_t *cli)
{
    Hj__Audit__Request req = HJ__AUDIT__REQUEST__INIT;
    Hj__Audit__ListQuery q = HJ__AUDIT__LIST_QUERY__INIT;
    const char *limit = cli_opt(cli, "limit");
    int rc, value = 0;
    q.community = (char *)cli_opt_or(cli, "community", "");
    q.after = (char *)cli_opt_or(cli, "after", "");
    if ((rc = s_enum_opt_zh(cli, "state", &hj__audit__state__descriptor, s_state_enum,
                            "planned, fieldwork, draft_report, completed or published", &value)) !=
        CLI_OK)
        return rc;
    q.state = value;
    if (limit && ((rc = s_number(limit, "--limit", &q.limit)) != CLI_OK || q.limit > 1000))
        return rc ? rc : cli_usage("--limit must be a number from 1 to 1000");
    req.op_case = HJ__AUDIT__REQUEST__OP_LIST;
    req.list = &q;
    cli_opt(cli, "lang"); /* the footer's language */
    return prep_list_to(cli, "audit", &req.base, &q.after, &hj__audit__reply__descriptor, 0,
                        s_print);
}

static int s_advance(cli_t *cli, int publish)
{
    Hj__Audit__AuditRef ref = HJ__AUDIT__AUDIT_REF__INIT;
    Hj__Audit__Advance adv = HJ__AUDIT__ADVANCE__INIT;
    int rc, value = 0;
    if ((rc = s_ref(cli, 0, &ref,
                    publish ? "hj audit publish KEY [--on DATE]"
                            : "hj audit advance KEY [--to STATE] [--reason TEXT]")) != CLI_OK)
        return rc;
    if (publish)
        value = HJ__AUDIT__STATE__PUBLISHED;
    else if ((rc = s_enum_opt_zh(cli, "to", &hj__audit__state__descriptor, s_state_enum,
                                 "planned, fieldwork, draft_report, completed or published",
                                 &value)) != CLI_OK)
        return rc;
    adv.to = value;
    adv.reason = (char *)cli_opt_or(cli, "reason", "");
    adv.on = (char *)cli_opt_or(cli, "on", "");
    adv.audit = &ref;
    return s_send(cli, HJ__AUDIT__REQUEST__OP_ADVANCE, &adv.base,
                  publish ? "audit published" : "audit moved");
}

int cmd_audit(cli_t *cli, const char *verb)
{
    int rc;
    if (strcmp(verb, "open") == 0) {
        Hj__Audit__Engagement e = HJ__AUDIT__ENGAGEMENT__INIT;
        char *auditors[CLI_MAX_ARGS];
        prep_texts(cli, (const char *const[]){"community", "term", "from", "to", "opened", NULL},
                   (char **const[]){&e.community, &e.term, &e.period_from, &e.period_to,
                                    &e.opened_on, NULL});
        e.auditors = auditors;
        e.n_auditors = prep_opts(cli, "auditor", auditors, CLI_MAX_ARGS);
        return s_send(cli, HJ__AUDIT__REQUEST__OP_OPEN, &e.base, "audit opened");
    } else if (strcmp(verb, "show") == 0) {
        Hj__Audit__AuditRef ref = HJ__AUDIT__AUDIT_REF__INIT;
        if ((rc = s_ref(cli, 0, &ref, "hj audit show KEY [--term TERM]")) != CLI_OK)
            return rc;
        return s_send(cli, HJ__AUDIT__REQUEST__OP_SHOW, &ref.base, NULL);
    } else if (strcmp(verb, "list") == 0)
        return s_list(cli);
    else if (strcmp(verb, "scope") == 0)
        return s_scope(cli);
    else if (strcmp(verb, "finding") == 0) {
        const char *sub = cli->npos > 0 ? cli->pos[0] : "";
        if (strcmp(sub, "add") == 0)
            return s_finding_add(cli);
        if (strcmp(sub, "update") == 0)
            return s_finding_update(cli);
        return cli_usage("hj audit finding add|update KEY ...");
    } else if (strcmp(verb, "advance") == 0 || strcmp(verb, "publish") == 0)
        return s_advance(cli, verb[0] == 'p');
    else if (strcmp(verb, "status") == 0) {
        Hj__Audit__StatusQuery sq = HJ__AUDIT__STATUS_QUERY__INIT;
        int all = cli_flag(cli, "all");
        if (all == (cli->npos > 0))
            return cli_usage("hj audit status --all | hj audit status CODE");
        sq.community = (char *)(all ? "" : cli->pos[0]);
        return s_send(cli, HJ__AUDIT__REQUEST__OP_STATUS, &sq.base, NULL);
    } else if (strcmp(verb, "gate") == 0) {
        Hj__Audit__GateQuery gq = HJ__AUDIT__GATE_QUERY__INIT;
        if (cli->npos < 1)
            return cli_usage("hj audit gate CODE [--term TERM]");
        gq.community = (char *)cli->pos[0];
        gq.term = (char *)cli_opt_or(cli, "term", "");
        return s_send(cli, HJ__AUDIT__REQUEST__OP_GATE, &gq.base, NULL);
    }
    return cli_usage("hj audit open|show|list|scope|finding|advance|publish|status|gate");
}

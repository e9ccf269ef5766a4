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

/* Every value of a repeatable option (--auditor A --auditor B). */
static char **s_opt_all(cli_t *cli, const char *key, size_t *n)
{
    static char *values[CLI_MAX_ARGS];
    *n = 0;
    for (int i = 0; i < cli->nopt; i++)
        if (strcmp(cli->opt[i].key, key) == 0) {
            cli->opt[i].used = 1;
            values[(*n)++] = (char *)cli->opt[i].value;
        }
    return values;
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

static void s_print_scope(Hj__Audit__ScopeItem **items, size_t n)
{
    static const char *head[] = {"NO", "STATUS", "KIND", "TITLE", "REQUESTED BY", "NOTE"};
    cli_table_t *t = cli_table_new(6, head);
    for (size_t i = 0; i < n; i++) {
        Hj__Audit__ScopeItem *s = items[i];
        char no[16], status[48], kind[48], who[400] = "";
        snprintf(no, sizeof no, "%u", s->no);
        if (s->kind == HJ__AUDIT__SCOPE_KIND__REQUESTED)
            snprintf(who, sizeof who, "%s, %s (%u of %u %s)", s->requested_by, s->requested_on,
                     s->signers, s->eligible,
                     s->basis == HJ__AUDIT__BASIS__REPRESENTATIVES ? "representatives"
                                                                   : "residents");
        const char *row[] = {no,
                             s_enum_name(&hj__audit__scope_status__descriptor, s->status, status),
                             s_enum_name(&hj__audit__scope_kind__descriptor, s->kind, kind),
                             s->title,
                             who,
                             s->note};
        cli_table_row(t, row);
    }
    cli_table_print(t);
    cli_table_destroy(&t);
}

static void s_print_findings(Hj__Audit__Finding **items, size_t n)
{
    static const char *head[] = {"NO",     "ITEM",        "SEVERITY", "AMOUNT (元)",
                                 "REMEDY", "RESPONSIBLE", "FINDING",  "EVIDENCE"};
    cli_table_t *t = cli_table_new(8, head);
    for (size_t i = 0; i < n; i++) {
        Hj__Audit__Finding *f = items[i];
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
            snprintf(evidence + used, sizeof evidence - used, "%s%s", k ? "; " : "",
                     f->evidence[k]);
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
    cli_table_print(t);
    cli_table_destroy(&t);
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
    s_print_scope(v->scope, v->n_scope);
    if (v->n_findings) {
        printf("\nfindings (审计发现)\n");
        s_print_findings(v->findings, v->n_findings);
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
static void s_print_lines(Hj__Audit__StatusLine **items, size_t n)
{
    static const char *head[] = {
        "COMMUNITY",     "NAME",        "TERM",      "STATE",
        "OPEN FINDINGS", "AMOUNT (元)", "PUBLISHED", "SERIOUS OPEN (严重问题未整改)"};
    cli_table_t *t = cli_table_new(8, head);
    for (size_t i = 0; i < n; i++) {
        Hj__Audit__StatusLine *l = items[i];
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
    cli_table_print(t);
    cli_table_destroy(&t);
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

static int s_output(cli_t *cli, Hj__Audit__Reply *reply, const char *done)
{
    if (cli->json) {
        /* The result the oneof carries, or the whole reply when it carries none. */
        const ProtobufCMessage *result = cli_oneof(&reply->base);
        cli_json(result ? result : &reply->base);
    } else {
        if (done)
            printf("%s\n", done);
        switch (reply->result_case) {
        case HJ__AUDIT__REPLY__RESULT_AUDIT:
            s_print_view(reply->audit);
            break;
        case HJ__AUDIT__REPLY__RESULT_LINES:
            s_print_lines(reply->lines->items, reply->lines->n_items);
            break;
        case HJ__AUDIT__REPLY__RESULT_SCOPE_ITEM:
            s_print_scope(&reply->scope_item, 1);
            break;
        case HJ__AUDIT__REPLY__RESULT_SCOPE:
            s_print_scope(reply->scope->items, reply->scope->n_items);
            break;
        case HJ__AUDIT__REPLY__RESULT_FINDING:
            s_print_findings(&reply->finding, 1);
            break;
        case HJ__AUDIT__REPLY__RESULT_GATE:
            s_print_gate(reply->gate);
            break;
        default:
            break;
        }
    }
    hj__audit__reply__free_unpacked(reply, NULL);
    return CLI_OK;
}

/* ---- commands ---------------------------------------------------------------- */

static int s_ref(cli_t *cli, int pos, Hj__Audit__AuditRef *ref, const char *usage)
{
    if (cli->npos <= pos)
        return cli_usage("%s", usage);
    ref->key = (char *)cli->pos[pos];
    ref->term = (char *)cli_opt_or(cli, "term", "");
    return CLI_OK;
}

static int s_scope(cli_t *cli, Hj__Audit__Request *req, const char **done)
{
    static Hj__Audit__AuditRef ref = HJ__AUDIT__AUDIT_REF__INIT;
    static Hj__Audit__ScopeAdd add = HJ__AUDIT__SCOPE_ADD__INIT;
    static Hj__Audit__ScopeItem item = HJ__AUDIT__SCOPE_ITEM__INIT;
    static Hj__Audit__ScopeSet set = HJ__AUDIT__SCOPE_SET__INIT;
    const char *sub = cli->npos > 0 ? cli->pos[0] : "";
    int rc, value = 0;
    if (strcmp(sub, "list") == 0) {
        if ((rc = s_ref(cli, 1, &ref, "hj audit scope list KEY")) != CLI_OK)
            return rc;
        req->op_case = HJ__AUDIT__REQUEST__OP_SCOPE_LIST;
        req->scope_list = &ref;
    } else if (strcmp(sub, "add") == 0) {
        if ((rc = s_ref(cli, 1, &ref, "hj audit scope add KEY --title TEXT")) != CLI_OK)
            return rc;
        item.title = (char *)cli_opt_or(cli, "title", "");
        item.note = (char *)cli_opt_or(cli, "note", "");
        if ((rc = s_enum_opt(cli, "basis", &hj__audit__basis__descriptor,
                             "representatives or residents", &value)) != CLI_OK)
            return rc;
        item.basis = value;
        const char *signers = cli_opt(cli, "signers"), *eligible = cli_opt(cli, "eligible");
        if ((signers && (rc = s_number(signers, "--signers", &item.signers)) != CLI_OK) ||
            (eligible && (rc = s_number(eligible, "--eligible", &item.eligible)) != CLI_OK))
            return rc;
        item.requested_by = (char *)cli_opt_or(cli, "requested-by", "");
        item.requested_on = (char *)cli_opt_or(cli, "requested-on", "");
        add.audit = &ref;
        add.item = &item;
        req->op_case = HJ__AUDIT__REQUEST__OP_SCOPE_ADD;
        req->scope_add = &add;
        *done = "scope item added";
    } else if (strcmp(sub, "set") == 0) {
        if ((rc = s_ref(cli, 1, &ref, "hj audit scope set KEY NO --status STATUS")) != CLI_OK)
            return rc;
        if (cli->npos < 3)
            return cli_usage("hj audit scope set KEY NO --status STATUS");
        if ((rc = s_number(cli->pos[2], "NO (the scope item's number)", &set.no)) != CLI_OK)
            return rc;
        if (!cli_opt(cli, "status"))
            return cli_usage("--status is required");
        if ((rc = s_enum_opt(cli, "status", &hj__audit__scope_status__descriptor,
                             "not_started, examined, finding_raised or cleared", &value)) != CLI_OK)
            return rc;
        set.status = value;
        set.note = (char *)cli_opt_or(cli, "note", "");
        set.audit = &ref;
        req->op_case = HJ__AUDIT__REQUEST__OP_SCOPE_SET;
        req->scope_set = &set;
        *done = "scope item updated";
    } else
        return cli_usage("hj audit scope list|add|set KEY ...");
    return CLI_OK;
}

static int s_finding(cli_t *cli, Hj__Audit__Request *req, const char **done)
{
    static Hj__Audit__AuditRef ref = HJ__AUDIT__AUDIT_REF__INIT;
    static Hj__Audit__FindingAdd add = HJ__AUDIT__FINDING_ADD__INIT;
    static Hj__Audit__Finding f = HJ__AUDIT__FINDING__INIT;
    static Hj__Audit__FindingUpdate u = HJ__AUDIT__FINDING_UPDATE__INIT;
    const char *sub = cli->npos > 0 ? cli->pos[0] : "";
    int rc, value = 0;
    if (strcmp(sub, "add") == 0) {
        if ((rc = s_ref(cli, 1, &ref,
                        "hj audit finding add KEY --item NO --severity S --text T")) != CLI_OK)
            return rc;
        if ((rc = s_number(cli_opt(cli, "item"), "--item (the scope item's number)",
                           &f.scope_item)) != CLI_OK)
            return rc;
        if (!cli_opt(cli, "severity"))
            return cli_usage("--severity is required");
        if ((rc = s_enum_opt(cli, "severity", &hj__audit__severity__descriptor,
                             "observation, irregularity or serious", &value)) != CLI_OK)
            return rc;
        f.severity = value;
        f.amount = (char *)cli_opt_or(cli, "amount", "");
        f.text = (char *)cli_opt_or(cli, "text", "");
        f.responsible = (char *)cli_opt_or(cli, "responsible", "");
        f.evidence = s_opt_all(cli, "evidence", &f.n_evidence);
        add.audit = &ref;
        add.finding = &f;
        req->op_case = HJ__AUDIT__REQUEST__OP_FINDING_ADD;
        req->finding_add = &add;
        *done = "finding recorded";
    } else if (strcmp(sub, "update") == 0) {
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
        u.evidence = s_opt_all(cli, "evidence", &u.n_evidence);
        u.audit = &ref;
        req->op_case = HJ__AUDIT__REQUEST__OP_FINDING_UPDATE;
        req->finding_update = &u;
        *done = "finding updated";
    } else
        return cli_usage("hj audit finding add|update KEY ...");
    return CLI_OK;
}

static void s_print_line_list(const ProtobufCMessage *m)
{
    const Hj__Audit__StatusLines *l = (const Hj__Audit__StatusLines *)m;
    s_print_lines(l->items, l->n_items);
}

int cmd_audit(cli_t *cli, const char *verb)
{
    Hj__Audit__Request req = HJ__AUDIT__REQUEST__INIT;
    Hj__Audit__Engagement e = HJ__AUDIT__ENGAGEMENT__INIT;
    Hj__Audit__AuditRef ref = HJ__AUDIT__AUDIT_REF__INIT;
    Hj__Audit__ListQuery q = HJ__AUDIT__LIST_QUERY__INIT;
    Hj__Audit__Advance adv = HJ__AUDIT__ADVANCE__INIT;
    Hj__Audit__StatusQuery sq = HJ__AUDIT__STATUS_QUERY__INIT;
    Hj__Audit__GateQuery gq = HJ__AUDIT__GATE_QUERY__INIT;
    Hj__Audit__Reply *reply;
    const char *done = NULL;
    char id[37];
    int rc, value = 0;
    if (strcmp(verb, "open") == 0) {
        e.community = (char *)cli_opt_or(cli, "community", "");
        e.term = (char *)cli_opt_or(cli, "term", "");
        e.period_from = (char *)cli_opt_or(cli, "from", "");
        e.period_to = (char *)cli_opt_or(cli, "to", "");
        e.opened_on = (char *)cli_opt_or(cli, "opened", "");
        e.auditors = s_opt_all(cli, "auditor", &e.n_auditors);
        req.op_case = HJ__AUDIT__REQUEST__OP_OPEN;
        req.open = &e;
        done = "audit opened";
    } else if (strcmp(verb, "show") == 0) {
        if ((rc = s_ref(cli, 0, &ref, "hj audit show KEY [--term TERM]")) != CLI_OK)
            return rc;
        req.op_case = HJ__AUDIT__REQUEST__OP_SHOW;
        req.show = &ref;
    } else if (strcmp(verb, "list") == 0) {
        const char *limit = cli_opt(cli, "limit");
        q.community = (char *)cli_opt_or(cli, "community", "");
        q.after = (char *)cli_opt_or(cli, "after", "");
        if ((rc = s_enum_opt_zh(cli, "state", &hj__audit__state__descriptor, s_state_enum,
                                "planned, fieldwork, draft_report, completed or published",
                                &value)) != CLI_OK)
            return rc;
        q.state = value;
        if (limit && ((rc = s_number(limit, "--limit", &q.limit)) != CLI_OK || q.limit > 1000))
            return rc ? rc : cli_usage("--limit must be a number from 1 to 1000");
        req.op_case = HJ__AUDIT__REQUEST__OP_LIST;
        req.list = &q;
        cli_opt(cli, "lang"); /* the footer's language */
        return prep_list_to(cli, "audit", &req.base, &q.after, &hj__audit__reply__descriptor, 0,
                            s_print_line_list);
    } else if (strcmp(verb, "scope") == 0) {
        if ((rc = s_scope(cli, &req, &done)) != CLI_OK)
            return rc;
    } else if (strcmp(verb, "finding") == 0) {
        if ((rc = s_finding(cli, &req, &done)) != CLI_OK)
            return rc;
    } else if (strcmp(verb, "advance") == 0 || strcmp(verb, "publish") == 0) {
        int publish = verb[0] == 'p';
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
        req.op_case = HJ__AUDIT__REQUEST__OP_ADVANCE;
        req.advance = &adv;
        done = publish ? "audit published" : "audit moved";
    } else if (strcmp(verb, "status") == 0) {
        int all = cli_flag(cli, "all");
        if (all == (cli->npos > 0))
            return cli_usage("hj audit status --all | hj audit status CODE");
        sq.community = (char *)(all ? "" : cli->pos[0]);
        req.op_case = HJ__AUDIT__REQUEST__OP_STATUS;
        req.status = &sq;
    } else if (strcmp(verb, "gate") == 0) {
        if (cli->npos < 1)
            return cli_usage("hj audit gate CODE [--term TERM]");
        gq.community = (char *)cli->pos[0];
        gq.term = (char *)cli_opt_or(cli, "term", "");
        req.op_case = HJ__AUDIT__REQUEST__OP_GATE;
        req.gate = &gq;
    } else
        return cli_usage("hj audit open|show|list|scope|finding|advance|publish|status|gate");
    switch (req.op_case) {
    case HJ__AUDIT__REQUEST__OP_OPEN:
    case HJ__AUDIT__REQUEST__OP_SCOPE_ADD:
    case HJ__AUDIT__REQUEST__OP_SCOPE_SET:
    case HJ__AUDIT__REQUEST__OP_FINDING_ADD:
    case HJ__AUDIT__REQUEST__OP_FINDING_UPDATE:
    case HJ__AUDIT__REQUEST__OP_ADVANCE:
        req.request_id = (char *)cli_request_id(cli, id);
        break;
    default:
        break;
    }
    rc = prep_call_to(cli, "audit", &req.base, &hj__audit__reply__descriptor,
                      (ProtobufCMessage **)&reply);
    return rc ? rc : s_output(cli, reply, done);
}

/* The bulk loader: see journal_fill.h for the mix. */
#include "journal_fill.h"
#include "interviews.pb-c.h"
#include "registry.pb-c.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A UUID (version 4 shape) made of the seed, the kind of id and a counter. */
static void s_uuid(char out[37], unsigned seed, unsigned what, size_t n)
{
    snprintf(out, 37, "%08x-%04x-4%03x-8%03x-%012llx", seed, what & 0xffff,
             (unsigned)(n >> 48) & 0xfff, 0u, (unsigned long long)(n & 0xffffffffffffULL));
}

/* day - back days, YYYY-MM-DD. */
static void s_day_before(char out[11], const char *day, int back)
{
    struct tm tm = {0};
    sscanf(day, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    tm.tm_mday -= back;
    tm.tm_hour = 12;
    timegm(&tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

/* Appends a bytea in COPY text form (\\x hex). */
static int s_hex(FILE *f, const uint8_t *b, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    if (fputs("\\\\x", f) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (fputc(digits[b[i] >> 4], f) < 0 || fputc(digits[b[i] & 15], f) < 0)
            return -1;
    return 0;
}

/* One row: the message packed as its payload. */
static int s_row(FILE *f, const char *request_id, const char *service, const char *kind,
                 const char *community, const ProtobufCMessage *m, const char *at)
{
    uint8_t digest[32] = {0}, stack[512], *bytes = stack;
    size_t len = protobuf_c_message_get_packed_size(m);
    if (len > sizeof stack && !(bytes = malloc(len)))
        return -1;
    protobuf_c_message_pack(m, bytes);
    memcpy(digest, request_id, sizeof digest); /* any 32 bytes: nobody replays these */
    int rc = fprintf(f, "%s\t", request_id) < 0 || s_hex(f, digest, sizeof digest) != 0 ||
                     fprintf(f, "\t%s\t%s\t%s\tbulk-loader\t", service, kind, community) < 0 ||
                     s_hex(f, bytes, len) != 0 || fputc('\t', f) < 0 || s_hex(f, NULL, 0) != 0 ||
                     fprintf(f, "\t%s\n", at) < 0
                 ? -1
                 : 0;
    if (bytes != stack)
        free(bytes);
    return rc;
}

/* Sends what the stream holds and opens a new one. 0 / -1. */
static int s_flush(PGconn *c, FILE **out, char **buf, size_t *size)
{
    int rc = fclose(*out) == 0 && PQputCopyData(c, *buf, (int)*size) == 1 ? 0 : -1;
    free(*buf);
    *buf = NULL;
    *out = rc == 0 ? open_memstream(buf, size) : NULL;
    return *out ? 0 : -1;
}

int journal_fill(PGconn *c, const journal_fill_t *f, size_t n)
{
    char *buf = NULL;
    size_t size = 0;
    int rc = -1, copying = 0;
    PGresult *r = NULL;
    FILE *out = NULL;
    static const char *const channels[] = {"screen", "wechat_group", "notice_board"};
    static const char *const kinds[] = {"slogan", "policy_reading", "election_discipline",
                                        "good_practice"};
    if (f->n_communities == 0 || f->days < 1 || !(out = open_memstream(&buf, &size)))
        goto out;
    r = PQexec(c, "COPY bus.journal (request_id, request_digest, service, kind, community, actor, "
                  "payload, reply, committed_at) FROM STDIN");
    if (PQresultStatus(r) != PGRES_COPY_IN)
        goto out;
    copying = 1;
    PQclear(r);
    r = NULL;
    for (size_t i = 0; i < n; i++) {
        if (i % 10000 == 9999 && s_flush(c, &out, &buf, &size) != 0)
            goto out;
        char id[37], talk_id[37], day[11], record_day[11], at[64], interviewer[37];
        const char *community = f->communities[i % f->n_communities];
        int day_no = (int)(i * (size_t)f->days / (n ? n : 1)); /* 0 = the first of the days */
        s_day_before(day, f->last_day, f->days - 1 - day_no);
        /* Working hours 08:00..18:00, in order within the day. */
        size_t per_day = n / (size_t)f->days + 1, in_day = i % per_day;
        long us = (long)(in_day * (36000ULL * 1000000ULL / per_day));
        snprintf(at, sizeof at, "%s %02ld:%02ld:%02ld.%06ld+08", day, 8 + us / 3600000000L,
                 us / 60000000L % 60, us / 1000000L % 60, us % 1000000L);
        s_uuid(id, f->seed, 1, i);
        unsigned slot = (unsigned)(i % 100);
        if (slot < 70) {
            /* A talk (slots 60..69: the follow-up of the talk 60 rows before closed). */
            Hj__Interviews__Talk t = HJ__INTERVIEWS__TALK__INIT;
            Hj__Interviews__Interviewee e = HJ__INTERVIEWS__INTERVIEWEE__INIT;
            int closing = slot >= 60;
            size_t talk_no = closing ? i - 60 : i;
            s_uuid(talk_id, f->seed, 1, talk_no);
            s_uuid(interviewer, f->seed, 2, talk_no % 50);
            char *interviewers[1] = {interviewer};
            snprintf(record_day, sizeof record_day, "%s", day);
            if (talk_no % 20 == 7) /* back-filled */
                s_day_before(record_day, day, 1 + (int)(talk_no % 5));
            t.id = talk_id;
            t.community = (char *)community;
            t.phase = (Hj__Interviews__Phase)(1 + talk_no % 3);
            t.date = record_day;
            t.n_interviewers = 1;
            t.interviewers = interviewers;
            e.kind = HJ__INTERVIEWS__INTERVIEWEE_KIND__OUTSIDE_PARTY;
            e.role = (Hj__Interviews__OutsideRole)(1 + talk_no % 5);
            e.name = "座谈对象";
            t.interviewee = &e;
            t.summary = "了解情况";
            t.open_follow_ups = closing ? 0 : talk_no % 10 == 3;
            if (s_row(out, id, "interviews", closing ? "followup_closed" : "talk_recorded",
                      community, &t.base, at) != 0)
                goto out;
        } else if (slot < 85) {
            Hj__Registry__Publicity p = HJ__REGISTRY__PUBLICITY__INIT;
            int whole = slot == 84; /* now and then to the whole subdistrict */
            p.id = id;
            p.community = whole ? "" : (char *)community;
            p.subdistrict = (char *)f->subdistrict;
            p.channel = (char *)channels[i % 3];
            p.kind = (char *)kinds[i % 4];
            p.date = day;
            p.count = 1 + (uint32_t)(i % 7);
            p.title = "换届宣传";
            if (s_row(out, id, "registry", "publicity_added", whole ? "-" : community, &p.base,
                      at) != 0)
                goto out;
        } else {
            /* Slots 85..92 add a task due in 10 days, 93..99 mark the one 8 rows before done. */
            Hj__Registry__Task t = HJ__REGISTRY__TASK__INIT;
            int done = slot >= 93;
            char task_id[37], due[11], plan[37];
            s_uuid(task_id, f->seed, 3, done ? i - 8 : i);
            s_uuid(plan, f->seed, 4, i % f->n_communities);
            s_day_before(due, day, -10);
            t.id = task_id;
            t.plan_id = plan;
            t.community = (char *)community;
            t.title = "入户走访";
            t.owner = "网格员";
            t.due = due;
            t.state = done ? "done" : "open";
            if (s_row(out, id, "registry", done ? "task_done" : "task_added", community, &t.base,
                      at) != 0)
                goto out;
        }
    }
    if (s_flush(c, &out, &buf, &size) != 0)
        goto out;
    copying = 0;
    if (PQputCopyEnd(c, NULL) != 1)
        goto out;
    r = PQgetResult(c);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        goto out;
    rc = 0;
out:
    if (rc != 0)
        fprintf(stderr, "journal_fill: %s", PQerrorMessage(c));
    if (copying)
        PQputCopyEnd(c, "journal_fill failed");
    if (out)
        fclose(out);
    PQclear(r);
    while ((r = PQgetResult(c)))
        PQclear(r);
    free(buf);
    return rc;
}

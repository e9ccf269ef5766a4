/* Election day through the real CLI and daemons: the voter roll and its
 * objections, proxies, the candidate list, rounds, ballots entered one by
 * one (exactly once under resubmission) and boxes counted by hand, the
 * result with what happens next, the live count on the bus, a further
 * round, a void round, certification and amendments. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "hj.pb-c.h"
#include "hj_envelope.h"
#include "hj_seed.h"
#include "hj_stack.h"
#include "hj_suite.h"
#include "hj_wait.h"
#include "tally.pb-c.h"

#define ELECTION_R "e0000000-0000-4000-8000-00000000000a" /* residents, KBS-BH-02 */
#define ELECTION_P "e0000000-0000-4000-8000-00000000000b" /* party, KBS-BH-01 */
#define OFFICER "11111111-1111-4111-8111-111111111111"    /* interviewer, election committee */

/* Runs hj; asserts the exit code; returns stdout (exit 0) or stderr (malloc'd). */
static char *s_hj(int want, const char *const *argv)
{
    char *out = NULL, *err = NULL;
    int rc = hj_runv(&stack, &out, &err, argv);
    cr_assert_eq(rc, want, "hj %s %s exited %d, not %d: %s%s", argv[0], argv[1] ? argv[1] : "", rc,
                 want, out, err);
    if (want == 0) {
        free(err);
        return out;
    }
    free(out);
    return err;
}
#define OUT(...) s_hj(0, (const char *const[]){__VA_ARGS__, NULL})
#define OK(...) free(OUT(__VA_ARGS__))
#define REFUSED(...) s_hj(1, (const char *const[]){__VA_ARGS__, NULL})

/* One write of the suite's seed through the real hj; rc stays the first failure. */
#define SEED(rc, ...)                                                                              \
    ((rc) = (rc) ? (rc) : hj_seed_run(s, (const char *const[]){__VA_ARGS__, NULL}))

/* Real writes that turn gates 1-6 green for a community: a published audit,
 * a plan in force, a talk with its one sitting member, a trained committee.
 * 0, or -1 with hj's message on stderr. */
static int s_prepare(hj_stack_t *s, const char *community, int k)
{
    char d20[11], d10[11], d5[11], member[37], plan[37];
    int rc = 0;
    hj_date_from_today(-20, d20);
    hj_date_from_today(-10, d10);
    hj_date_from_today(-5, d5);
    snprintf(member, sizeof member, "22222222-2222-4222-8222-%012d", k);
    snprintf(plan, sizeof plan, "33333333-3333-4333-8333-%012d", k);
    SEED(rc, "person", "add", "--name", "现任委员", "--gender", "female", "--request-id", member);
    SEED(rc, "seat", "add", "--community", community, "--person", member, "--committee",
         "residents", "--role", "director", "--from", "2021-01-15");
    SEED(rc, "audit", "open", "--community", community, "--term", "2021-2026", "--from",
         "2021-01-01", "--to", "2026-10-31", "--auditor", "张审计", "--opened", d20);
    SEED(rc, "audit", "advance", community, "--on", d20);
    for (int no = 1; no <= 7; no++) {
        char n[4];
        snprintf(n, sizeof n, "%d", no);
        SEED(rc, "audit", "scope", "set", community, n, "--status", "examined");
    }
    SEED(rc, "audit", "advance", community, "--on", d10);
    SEED(rc, "audit", "advance", community, "--on", d10);
    SEED(rc, "audit", "publish", community, "--on", d5);
    SEED(rc, "plan", "add", "--community", community, "--title", "换届工作方案", "--text", "……",
         "--date", d20, "--request-id", plan);
    for (int step = 1; step <= 3; step++) {
        char n[4];
        snprintf(n, sizeof n, "%d", step);
        SEED(rc, "plan", "approve", plan, "--step", n, "--date", d10, "--by", "审批人");
    }
    SEED(rc, "talk", "add", "--community", community, "--phase", "preparation", "--date", d10,
         "--interviewer", OFFICER, "--person", member, "--summary", "谈换届");
    char name[64];
    snprintf(name, sizeof name, "%s选举委员会", community);
    SEED(rc, "body", "add", "--kind", "election_committee", "--name", name, "--community",
         community, "--leader", OFFICER, "--formed", d20);
    SEED(rc, "training", "add", "--date", d10, "--subdistrict", "KBS-BH", "--trainer", "区委组织部",
         "--topic", "选举程序", "--attendee", OFFICER ":election_committee_member");
    return rc;
}

/* The ids of nominees first .. first + n - 1 (候选人<first>...). */
static void s_nominee_ids(int first, int n, char ids[][37])
{
    for (int i = 0; i < n; i++)
        snprintf(ids[i], 37, "c0000000-0000-4000-8000-%012d", first + i);
}

/* n persons nominated (vetting cleared) for `committee` of `community`. 0 / -1. */
static int s_nominees(hj_stack_t *s, const char *community, const char *committee, int first, int n)
{
    char d10[11], ids[8][37];
    int rc = 0;
    hj_date_from_today(-10, d10);
    s_nominee_ids(first, n, ids);
    for (int i = 0; i < n; i++) {
        char name[32];
        snprintf(name, sizeof name, "候选人%d", first + i);
        SEED(rc, "person", "add", "--name", name, "--gender", i % 2 ? "male" : "female",
             "--request-id", ids[i]);
        SEED(rc, "reserve", "add", "--person", ids[i], "--community", community, "--committee",
             committee, "--added", d10, "--status", "nominated", "--vetting", "cleared");
    }
    return rc;
}

/* What every test starts from: the places, the officer, gates 1-6 green for
 * KBS-BH-02 (residents) and KBS-BH-01 (party), six residents' nominees
 * (候选人1-6) and six party nominees (候选人11-16), applied by hj-tallyd;
 * then the daemons stop, for the tests' copies of its database. 0 / -1. */
static int hj_suite_seed(hj_stack_t *s)
{
    int rc =
        hj_stack_start_all(s) == 0 && HJ_SEED_PLACES(s, "KBS-BH-01", "KBS-BH-02") == 0 ? 0 : -1;
    SEED(rc, "person", "add", "--name", "李强", "--gender", "male", "--request-id", OFFICER);
    if (rc == 0 && (s_prepare(s, "KBS-BH-02", 1) != 0 || s_prepare(s, "KBS-BH-01", 2) != 0 ||
                    s_nominees(s, "KBS-BH-02", "residents", 1, 6) != 0 ||
                    s_nominees(s, "KBS-BH-01", "party", 11, 6) != 0))
        rc = -1;
    return hj_stack_seed_done(s, rc);
}

/* The seed is a third of the writes of a test and the same for every one
 * (and starting a stack is seconds under ASan): the runner writes it once,
 * and each test starts its own stack on a copy of that database, so no test
 * sees another's election. */
TestSuite(election_day, .init = hj_suite_setup, .fini = hj_suite_teardown, .timeout = 240);

Test(election_day, a_residents_election_with_a_further_round)
{
    char today[11], d20[11], d18[11], d16[11], d10[11], ids[8][37], *out, *err;
    hj_date_from_today(0, today);
    hj_date_from_today(-20, d20);
    hj_date_from_today(-18, d18);
    hj_date_from_today(-16, d16);
    hj_date_from_today(-10, d10);
    /* The dashboard listens to the live count from the start. */
    void *ctx = zmq_ctx_new(), *sub = hj_stack_sub(&stack, ctx, NULL, "tally.count.", 100);
    cr_assert_not_null(sub, "no subscriber on the event bus");

    s_nominee_ids(1, 6, ids);
    OK("election", "schedule", "KBS-BH-02", "--body", "residents", "--date", today, "--seats", "5",
       "--request-id", ELECTION_R);

    /* 选民登记: published 20 days before election day turns gate 8 green. */
    err = REFUSED("election", "open", "KBS-BH-02", "--body", "residents");
    cr_assert(strstr(err, "1 gate is red (voter_list): voter list: not yet published"), "%s", err);
    free(err);
    OK("voters", "set", "KBS-BH-02", "--voters", "100", "--households", "40");
    err = REFUSED("voters", "object", "KBS-BH-02", "--by", "张大爷", "--date", d18, "--about",
                  "漏登");
    cr_assert(strstr(err, "not published") && strstr(err, "(field: community)"), "%s", err);
    free(err);
    char d19[11];
    hj_date_from_today(-19, d19);
    OK("voters", "set", "KBS-BH-02", "--voters", "100", "--households", "40", "--published", d19);
    out = OUT("gates", "KBS-BH-02");
    cr_assert(strstr(out, "居民委员会选举19天") && strstr(out, "至少需要20天"), "%s", out);
    free(out);
    OK("voters", "set", "KBS-BH-02", "--voters", "100", "--households", "40", "--published", d20);
    /* Objections within 5 days of publication, decided within 3 days of filing. */
    out = OUT("voters", "object", "KBS-BH-02", "--by", "张大爷", "--date", d18, "--about",
              "漏登一户", "--json");
    char objection[37] = "";
    const char *idp = strstr(out, "\"id\":\"");
    cr_assert(idp, "%s", out);
    memcpy(objection, idp + 6, 36);
    free(out);
    err = REFUSED("voters", "object", "KBS-BH-02", "--by", "李大妈", "--date", d10, "--about",
                  "迟到的申诉");
    cr_assert(strstr(err, "10 days after the list was published") && strstr(err, "within 5 days") &&
                  strstr(err, "(field: filed_on)"),
              "%s", err);
    free(err);
    err = REFUSED("voters", "decide", objection, "--decision", "upheld", "--date", d10);
    cr_assert(strstr(err, "within 3 days") && strstr(err, "(field: date)"), "%s", err);
    free(err);
    OK("voters", "decide", objection, "--decision", "upheld", "--date", d16, "--note", "补登");
    out = OUT("voters", "show", "KBS-BH-02");
    cr_assert(strstr(out, "100 voters") && strstr(out, "upheld"), "%s", out);
    free(out);

    /* The candidate list: more than seats, in the order given. */
    err = REFUSED("election", "candidates", ELECTION_R, "--person", ids[0], "--person", ids[1],
                  "--person", ids[2], "--person", ids[3], "--person", ids[4]);
    cr_assert(strstr(err, "not lawful") && strstr(err, "(field: candidates)"), "%s", err);
    free(err);
    err = REFUSED("election", "candidates", ELECTION_R, "--person", ids[0], "--person", OFFICER);
    cr_assert(strstr(err, "is not nominated") && strstr(err, "(field: person_ids[2])"), "%s", err);
    free(err);
    OK("election", "candidates", ELECTION_R, "--person", ids[5], "--person", ids[0], "--person",
       ids[1], "--person", ids[2], "--person", ids[3], "--person", ids[4]);
    out = OUT("election", "open", "KBS-BH-02", "--body", "residents");
    cr_assert(strstr(out, "opened") && !strstr(out, "✗") && !strstr(out, "⊘"),
              "every gate green: %s", out);
    free(out);

    /* Proxies: at most 3 held by one voter; a candidate cannot hold one. */
    for (int i = 1; i <= 4; i++) {
        char no[16];
        snprintf(no, sizeof no, "V%03d", i);
        const char *const argv[] = {"election", "proxy",         ELECTION_R, "--holder",
                                    "V100",     "--holder-name", "王老师",   "--for",
                                    no,         "--for-name",    "委托人",   NULL};
        if (i < 4)
            free(s_hj(0, argv));
        else {
            err = s_hj(1, argv);
            cr_assert(strstr(err, "would hold 4") && strstr(err, "(field: holder)"), "%s", err);
            free(err);
        }
    }
    err = REFUSED("election", "proxy", ELECTION_R, "--holder", "V200", "--holder-name", "候选人6",
                  "--for", "V201", "--for-name", "甲");
    cr_assert(strstr(err, "a candidate cannot hold a proxy"), "%s", err);
    free(err);

    /* Round 1: the main box ballot by ballot, the mobile box counted by hand. */
    out = OUT("election", "round", ELECTION_R, "--box", "主票箱:main:62:60", "--box",
              "流动票箱:mobile:12:10");
    cr_assert(strstr(out, "round 1 (first, 5 seats)") && strstr(out, "electorate 100"), "%s", out);
    free(out);
    /* Paper order: 候选人6, 候选人1..5. 20 ballots for the first five, 10 for 2-4 and 6, ... */
    const char *batch_id = "b0000000-0000-4000-8000-000000000001";
    const char *first[] = {"election", "ballots",      ELECTION_R,    "--box",
                           "主票箱",   "--request-id", batch_id,      "--ballot",
                           "nyyyyn",   "--ballot",     "nyyyyn",      "--ballot",
                           "yyyyyy",   "--ballot",     "nyyy-a|张三", NULL};
    out = s_hj(0, first);
    cr_assert(strstr(out, "4 of 60 returned ballots entered (this batch: 3 valid, 1 invalid)") &&
                  strstr(out, "ballot 3: 6 votes"),
              "%s", out);
    free(out);
    /* A laptop that never saw the answer sends the batch again: counted once. */
    out = s_hj(0, first);
    cr_assert(strstr(out, "4 of 60 returned ballots entered"), "a replay counts nothing: %s", out);
    free(out);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM tally.ballot"), 4);
    char path[512];
    snprintf(path, sizeof path, "%s/ballots.txt", stack.run_dir);
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fprintf(f, "# 主票箱, the other 56 ballots\n");
    for (int i = 0; i < 56; i++)
        fputs(i < 30 ? "nyyyn-\n" : i < 40 ? "nyy-yn\n" : i < 50 ? "yyn-nn\n" : "ynnnnn|李四\n", f);
    fclose(f);
    out = OUT("election", "ballots", ELECTION_R, "--box", "主票箱", "--from", path);
    cr_assert(strstr(out, "60 of 60 returned ballots entered"), "%s", out);
    cr_assert(strstr(out, "outcome (projected)"), "the mobile box is not counted yet: %s", out);
    free(out);
    /* A box total that does not add up is refused with its arithmetic. */
    err = REFUSED("election", "count", ELECTION_R, "--box", "流动票箱", "--valid", "9", "--invalid",
                  "2", "--votes", "1,9,9,9,2,0");
    cr_assert(strstr(err, "9 valid + 2 invalid = 11 ballots, but 10 were returned") &&
                  strstr(err, "(field: valid)"),
              "%s", err);
    free(err);
    err = REFUSED("election", "count", ELECTION_R, "--box", "流动票箱", "--valid", "9", "--invalid",
                  "1", "--votes", "1,9,10,9,2,0");
    cr_assert(
        strstr(err, "candidate 3 (候选人2) has 10 votes, but the box has only 9 valid ballots"),
        "%s", err);
    free(err);
    err = REFUSED("election", "count", ELECTION_R, "--box", "流动票箱", "--valid", "9", "--invalid",
                  "1", "--votes", "9,9,9,9,9,9");
    cr_assert(strstr(err, "54 votes in all, but 9 valid ballots carry at most 9 x 5 = 45"), "%s",
              err);
    free(err);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT counted FROM tally.box WHERE name = '流动票箱'"),
                 0);
    out = OUT("election", "count", ELECTION_R, "--box", "流动票箱", "--valid", "9", "--invalid",
              "1", "--votes", "1,9,9,4,2,0");
    free(out);
    /* 68 valid of 70 cast: more than 35 votes elects. 候选人1 62, 候选人2 52, 候选人3 37,
     * 候选人6 17, 候选人4 14, 候选人5 0; written in: 李四 6, 张三 1. Three elected; the
     * further round for two seats: the top three unelected with votes stand. */
    out = OUT("election", "result", ELECTION_R);
    cr_assert(strstr(out, "70 of 70 returned ballots counted (68 valid, 2 invalid)"), "%s", out);
    cr_assert(strstr(out, "outcome: further") &&
                  strstr(out, "elected (3 of 5): 候选人1, 候选人2, 候选人3"),
              "%s", out);
    /* What happens next names the people, in Chinese by default. */
    cr_assert(strstr(out, "next: 就2个名额另行选举：候选人为候选人6、候选人4、李四"), "%s", out);
    /* The reasons name the person and are Chinese unless --lang en. */
    cr_assert(
        strstr(out, "候选人1：62票，超过投票人数70的1/2（至少需要36票）：当选") &&
            strstr(out,
                   "候选人6：17票，未超过投票人数70的1/2（至少需要36票）：未当选；参加另行选举") &&
            strstr(out, "5个名额选出3个（候选人1、候选人2、候选人3）；另有2个名额须另行选举") &&
            !strstr(out, "ballots cast"),
        "%s", out);
    free(out);
    out = OUT("election", "result", ELECTION_R, "--lang", "en");
    cr_assert(
        strstr(out,
               "next: further round (另行选举) for 2 seat(s): standing 候选人6, 候选人4, 李四"),
        "%s", out);
    cr_assert(
        strstr(
            out,
            "候选人1: 62 votes, more than 1/2 of 70 ballots cast (at least 36 needed): elected") &&
            strstr(out, "3 of 5 seat(s) filled (候选人1, 候选人2, 候选人3)") &&
            !strstr(out, "candidate 1"),
        "%s", out);
    free(out);
    err = s_hj(2, (const char *const[]){"election", "result", ELECTION_R, "--lang", "fr", NULL});
    cr_assert(strstr(err, "--lang is zh (the default) or en (got 'fr')"), "%s", err);
    free(err);
    err = REFUSED("election", "certify", ELECTION_R);
    cr_assert(strstr(err, "3 of 5 seats filled") && strstr(err, "(field: result)"), "%s", err);
    free(err);

    /* The live count reached the bus: the last update is the whole round. */
    long counted = -1, seq = 0;
    for (int i = 0; i < 60 && counted != 70; i++) {
        char topic[128];
        Hj__Event *ev;
        if (hj_stack_event(sub, topic, sizeof topic, &ev) != 0)
            continue;
        cr_assert(ev && strcmp(topic, "tally.count." ELECTION_R) == 0, "%s", topic);
        Hj__Tally__Count *k = hj__tally__count__unpack(NULL, ev->payload.len, ev->payload.data);
        cr_assert(k && k->tally_seq == ev->seq && (long)ev->seq > seq,
                  "counts come in tally order");
        seq = (long)ev->seq;
        counted = k->counted;
        if (counted == 70)
            cr_assert(k->complete && strcmp(k->outcome, "further") == 0 &&
                      k->persons[1]->votes == 62);
        hj__tally__count__free_unpacked(k, NULL);
        hj__event__free_unpacked(ev, NULL);
    }
    cr_assert_eq(counted, 70, "the dashboard saw the round counted");
    zmq_close(sub);
    zmq_ctx_term(ctx);

    /* Round 2, the further round: the top unelected stand; 1/3 of cast elects. */
    out = OUT("election", "round", ELECTION_R, "--box", "主票箱:main:70:66");
    cr_assert(strstr(out, "round 2 (further, 2 seats)"), "%s", out);
    free(out);
    OK("election", "count", ELECTION_R, "--box", "主票箱", "--valid", "64", "--invalid", "2",
       "--votes", "40,30,10");
    out = OUT("election", "result", ELECTION_R, "--json");
    cr_assert(
        strstr(out, "\"elected\":[\"候选人1\",\"候选人2\",\"候选人3\",\"候选人6\",\"候选人4\"]"),
        "%s", out);
    free(out);
    out = OUT("election", "result", ELECTION_R, "--lang", "en");
    cr_assert(strstr(out, "at least 1/3 of 66 ballots cast (at least 22 needed): elected") &&
                  strstr(out, "next: all 5 seats filled: certify"),
              "%s", out);
    free(out);
    out = OUT("election", "certify", ELECTION_R);
    cr_assert(strstr(out, "result certified") && strstr(out, "已由test-admin于"), "%s", out);
    free(out);
    out = OUT("board", "KBS-BH-02");
    cr_assert(strstr(out, "居委会") && strstr(out, "已确认，操作：test-admin"), "%s", out);
    free(out);
    cr_assert_eq(hj_stack_scalar(
                     &stack, "SELECT count(*) FROM bus.journal WHERE service = 'tally' AND kind IN "
                             "('voter_roll_set', 'objection_filed', 'objection_decided', "
                             "'candidates_set', 'proxy_added', 'round_opened', 'ballots_entered', "
                             "'box_counted', 'election_certified')"),
                 3 + 1 + 1 + 1 + 3 + 2 + 2 + 2 + 1);
}

/* A party election of KBS-BH-01 for `seats` seats, opened today with n
 * candidates (ids[0..n-1], 候选人11...), decided by those present. */
static void s_party_election_of(const char *seats, int n, char ids[][37])
{
    char today[11], d20[11];
    const char *candidates[24] = {"election", "candidates", ELECTION_P};
    hj_date_from_today(0, today);
    hj_date_from_today(-20, d20);
    s_nominee_ids(11, n, ids);
    OK("election", "schedule", "KBS-BH-01", "--body", "party", "--date", today, "--seats", seats,
       "--request-id", ELECTION_P);
    OK("voters", "set", "KBS-BH-01", "--voters", "300", "--published", d20);
    for (int i = 0; i < n; i++) {
        candidates[3 + 2 * i] = "--person";
        candidates[4 + 2 * i] = ids[i];
    }
    free(s_hj(0, candidates));
    OK("election", "open", "KBS-BH-01", "--body", "party");
}

/* 3 seats, 4 candidates. */
static void s_party_election(char ids[][37])
{
    s_party_election_of("3", 4, ids);
}

Test(election_day, a_party_round_with_more_ballots_returned_than_issued_is_void_and_re_run)
{
    char ids[4][37], *out, *err;
    s_party_election(ids);
    err = REFUSED("election", "round", ELECTION_P, "--box", "会场票箱:main:45:46");
    cr_assert(strstr(err, "(field: electorate)"), "a party round needs who should attend: %s", err);
    free(err);
    OK("election", "round", ELECTION_P, "--electorate", "50", "--present", "45", "--box",
       "会场票箱:main:45:46");
    OK("election", "count", ELECTION_P, "--box", "会场票箱", "--valid", "46", "--invalid", "0",
       "--votes", "40,35,30,20");
    out = OUT("election", "result", ELECTION_P, "--lang", "en");
    cr_assert(
        strstr(out,
               "46 ballots returned is more than 45 issued: the round is void and the vote must be "
               "re-run") &&
            strstr(out, "outcome: void") && strstr(out, "elected (0 of 3)") &&
            strstr(out, "next: round 1 is void: re-run the vote"),
        "%s", out);
    free(out);
    /* The re-run: the same paper, the first round again. */
    out = OUT("election", "round", ELECTION_P, "--electorate", "50", "--present", "45", "--box",
              "会场票箱:main:45:45");
    cr_assert(strstr(out, "round 2 (first, 3 seats)"), "%s", out);
    free(out);
    OK("election", "count", ELECTION_P, "--box", "会场票箱", "--valid", "44", "--invalid", "1",
       "--votes", "40,35,30,20");
    out = OUT("election", "result", ELECTION_P, "--lang", "en");
    cr_assert(strstr(out, "turnout: 45 present of 50 who should attend is more than 4/5 of 50") &&
                  strstr(out, "more than 1/2 of 45 present (at least 23 needed): elected") &&
                  strstr(out, "elected (3 of 3): 候选人11, 候选人12, 候选人13"),
              "%s", out);
    free(out);
}

Test(election_day, a_certified_result_is_refused_an_edit_and_takes_an_amendment)
{
    char ids[4][37], *out, *err;
    s_party_election(ids);
    OK("election", "round", ELECTION_P, "--electorate", "50", "--present", "45", "--box",
       "会场票箱:main:45:45");
    OK("election", "count", ELECTION_P, "--box", "会场票箱", "--valid", "45", "--invalid", "0",
       "--votes", "40,35,24,22");
    OK("election", "certify", ELECTION_P);
    long journal = hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal");
    /* No edit: not the box, not its ballots, not a new round, not the certification. */
    const char *const edits[][16] = {
        {"election", "count", ELECTION_P, "--box", "会场票箱", "--valid", "44", "--invalid", "1",
         "--votes", "40,35,22,22"},
        {"election", "ballots", ELECTION_P, "--box", "会场票箱", "--ballot", "yyyn"},
        {"election", "round", ELECTION_P, "--electorate", "50", "--present", "45", "--box",
         "新票箱:main:1:1"},
        {"election", "certify", ELECTION_P},
    };
    for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
        err = s_hj(1, edits[i]);
        cr_assert(strstr(err, "FAILED_PRECONDITION") && strstr(err, "certified") &&
                      strstr(err, "(field: state)"),
                  "edit %zu: %s", i, err);
        free(err);
    }
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal"), journal,
                 "nothing written");
    /* An amendment needs its reason, adds up like a count, and is kept with who made it. */
    err = REFUSED("election", "amend", ELECTION_P, "--round", "1", "--box", "会场票箱", "--valid",
                  "44", "--invalid", "1", "--votes", "40,35,22,22", "--reason", "  ");
    cr_assert(strstr(err, "(field: reason)"), "%s", err);
    free(err);
    err = REFUSED("election", "amend", ELECTION_P, "--round", "1", "--box", "会场票箱", "--valid",
                  "44", "--invalid", "2", "--votes", "40,35,22,22", "--reason", "复核");
    cr_assert(strstr(err, "44 valid + 2 invalid = 46 ballots, but 45 were returned"), "%s", err);
    free(err);
    out = OUT("election", "amend", ELECTION_P, "--round", "1", "--box", "会场票箱", "--valid", "44",
              "--invalid", "1", "--votes", "40,35,22,22", "--reason",
              "复核发现一张选票多划一人，应为废票");
    cr_assert(strstr(out, "amendment recorded") && strstr(out, "by test-admin") &&
                  strstr(out, "复核发现一张选票多划一人，应为废票") &&
                  strstr(out, "was 45 valid, 0 invalid; now 44 valid, 1 invalid"),
              "%s", out);
    /* 候选人13 had 24 > 22.5: elected; amended to 22 it is not more than half of 45. */
    cr_assert(strstr(out, "elected (2 of 3): 候选人11, 候选人12"), "the amended count decides: %s",
              out);
    free(out);
    cr_assert_eq(hj_stack_scalar(
                     &stack, "SELECT count(*) FROM bus.journal WHERE kind = 'result_amended' AND "
                             "actor = 'test-admin'"),
                 1);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM tally.amendment"), 1);
    out = OUT("election", "result", ELECTION_P);
    cr_assert(strstr(out, "amendment ") && strstr(out, "已由test-admin于") &&
                  strstr(out, "修正后3个名额中只产生2名"),
              "%s", out);
    free(out);
    out = OUT("election", "result", ELECTION_P, "--lang", "en");
    cr_assert(strstr(out, "certified by test-admin") &&
                  strstr(out, "As amended, the count fills 2 of 3 seats"),
              "%s", out);
    free(out);
}

/* Every count the CLI reads goes through one strict parser: a number that does
 * not fit, a negative, a word, an exponent or nothing is a usage error (exit
 * 2) naming the flag and the text, and nothing is sent. The server refuses a
 * count that cannot be one, naming the field. */
Test(election_day, counts_that_do_not_fit_are_refused_with_the_field)
{
    char ids[4][37], *err;
    s_party_election(ids);
    /* More ballots issued than there are party members who should attend. */
    err = REFUSED("election", "round", ELECTION_P, "--electorate", "50", "--present", "45", "--box",
                  "会场票箱:main:51:45");
    cr_assert(strstr(err, "INVALID_ARGUMENT") &&
                  strstr(err, "51 ballots issued, but there are only 50") &&
                  strstr(err, "(field: boxes)"),
              "%s", err);
    free(err);
    err = s_hj(2, (const char *const[]){"election", "round", ELECTION_P, "--electorate", "50",
                                        "--present", "45", "--box", "会场票箱:main:45:-1", NULL});
    cr_assert(strstr(err, "hj: --box 会场票箱 returned: '-1' is negative"), "%s", err);
    free(err);
    err = s_hj(2, (const char *const[]){"election", "round", ELECTION_P, "--electorate",
                                        "4294967296", "--box", "会场票箱:main:45:45", NULL});
    cr_assert(strstr(err, "hj: --electorate: '4294967296' is above 4294967295"), "%s", err);
    free(err);
    OK("election", "round", ELECTION_P, "--electorate", "50", "--present", "45", "--box",
       "会场票箱:main:45:45");
    long journal = hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal");
    static const struct {
        const char *valid, *invalid, *votes, *writein, *message;
    } bad[] = {
        {"44", "1", "4294967297,35,24,22", NULL, "hj: --votes: '4294967297' is above 4294967295"},
        {"44", "1", "-5,35,24,22", NULL, "hj: --votes: '-5' is negative: a count is 0 or more"},
        {"44", "1", "abc,35,24,22", NULL, "hj: --votes: 'abc' is not a whole number"},
        {"44", "1", "40,35,,22", NULL, "hj: --votes: a number is missing"},
        {"44", "1", "40,35,24,22", "张三:abc", "hj: --writein 张三: 'abc' is not a whole number"},
        {"44", "1", "40,35,24,22", "张三:4294967297",
         "hj: --writein 张三: '4294967297' is above 4294967295"},
        {"1e3", "1", "40,35,24,22", NULL, "hj: --valid: '1e3' is not a whole number"},
        {"44", "", "40,35,24,22", NULL, "hj: --invalid: a number is missing"},
        {"44", "+1", "40,35,24,22", NULL, "hj: --invalid: '+1' is not a whole number"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *argv[16] = {"election",     "count",   ELECTION_P,   "--box",
                                "会场票箱",     "--valid", bad[i].valid, "--invalid",
                                bad[i].invalid, "--votes", bad[i].votes};
        if (bad[i].writein) {
            argv[11] = "--writein";
            argv[12] = bad[i].writein;
        }
        err = s_hj(2, argv);
        cr_assert(strstr(err, bad[i].message), "case %zu: %s", i, err);
        free(err);
    }
    /* A count that fits the wire but not the box: refused by the server, naming the field. */
    err = REFUSED("election", "count", ELECTION_P, "--box", "会场票箱", "--valid", "44",
                  "--invalid", "1", "--votes", "40,35,24,22", "--writein", "张三:4294967295");
    cr_assert(strstr(err, "INVALID_ARGUMENT") &&
                  strstr(err, "writeins[1].votes 4294967295 is too large") &&
                  strstr(err, "(field: writeins[1].votes)"),
              "%s", err);
    free(err);
    err = REFUSED("election", "count", ELECTION_P, "--box", "会场票箱", "--valid", "44",
                  "--invalid", "1", "--votes", "40,35,4294967291,22");
    cr_assert(strstr(err, "votes[3] 4294967291 is too large") && strstr(err, "(field: votes[3])"),
              "%s", err);
    free(err);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal"), journal,
                 "nothing written");
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT counted FROM tally.box WHERE name = '会场票箱'"),
                 0);
}

/* A write-in of a listed candidate's name is a vote for that candidate (once
 * a ballot, with the ballot's own "yes"), in a box entered ballot by ballot
 * and in a box counted by hand: never a second person of the same name. */
Test(election_day, a_write_in_of_a_listed_name_counts_for_that_candidate)
{
    char ids[4][37], *out, *err;
    s_party_election(ids);
    OK("election", "round", ELECTION_P, "--electorate", "50", "--present", "45", "--box",
       "票箱甲:main:3:3", "--box", "票箱乙:mobile:42:42");
    /* Paper: 候选人11..14. 候选人14 written in beside the "no" on candidate 3; 候选人12
     * marked "yes" and written in again: one vote each. */
    out = OUT("election", "ballots", ELECTION_P, "--box", "票箱甲", "--ballot", "yyn-|候选人14>3",
              "--ballot", "yyny|候选人12>3", "--ballot", "yyyn");
    cr_assert(strstr(out, "3 of 3 returned ballots entered (this batch: 3 valid, 0 invalid)"), "%s",
              out);
    free(out);
    /* By hand: a write-in column naming 候选人14 adds to 候选人14, and must still fit the box. */
    err = REFUSED("election", "count", ELECTION_P, "--box", "票箱乙", "--valid", "42", "--invalid",
                  "0", "--votes", "30,30,5,35", "--writein", "候选人14:10");
    cr_assert(
        strstr(
            err,
            "write-in 候选人14 is candidate 4 on the paper; with its 10 votes 候选人14 has 45, but "
            "the box has only 42 valid ballots") &&
            strstr(err, "(field: writeins)"),
        "%s", err);
    free(err);
    OK("election", "count", ELECTION_P, "--box", "票箱乙", "--valid", "42", "--invalid", "0",
       "--votes", "30,30,5,20", "--writein", "候选人14:10");
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM tally.writein"), 0,
                 "no second person");
    /* 候选人11 3+30, 候选人12 3+30, 候选人13 1+5, 候选人14 2+20+10. */
    out = OUT("election", "result", ELECTION_P, "--json");
    static const char *const want[] = {
        "11\",\"writein\":false,\"votes\":33,", "12\",\"writein\":false,\"votes\":33,",
        "13\",\"writein\":false,\"votes\":6,", "14\",\"writein\":false,\"votes\":32,"};
    for (size_t i = 0; i < 4; i++)
        cr_assert(strstr(out, want[i]), "%s: %s", want[i], out);
    cr_assert(!strstr(out, "\"writein\":true"), "%s", out);
    free(out);
    out = OUT("election", "result", ELECTION_P);
    cr_assert(strstr(out, "elected (3 of 3): 候选人11, 候选人12, 候选人14") &&
                  !strstr(out, "written in"),
              "%s", out);
    free(out);
}

/* A re-vote renumbers the paper: its reasons name the people (the tied
 * 候选人13 and 候选人14 are candidates 1 and 2 there), in Chinese and English. */
Test(election_day, a_re_vote_names_the_people_not_the_paper_positions)
{
    char ids[4][37], *out;
    s_party_election(ids);
    OK("election", "round", ELECTION_P, "--electorate", "50", "--present", "45", "--box",
       "会场票箱:main:45:45");
    OK("election", "count", ELECTION_P, "--box", "会场票箱", "--valid", "45", "--invalid", "0",
       "--votes", "40,35,30,30");
    out = OUT("election", "result", ELECTION_P);
    cr_assert(
        strstr(out, "候选人13：30票，超过到会人数45的1/"
                    "2（至少需要23票）：与另外1人得票相等，争最后1个名额，"
                    "仅在得票相等者中再次投票") &&
            strstr(out,
                   "最后1个名额得票相等（30票），仅在得票相等者中再次投票：候选人13、候选人14"),
        "%s", out);
    free(out);
    out = OUT("election", "round", ELECTION_P, "--electorate", "50", "--present", "44", "--box",
              "会场票箱:main:44:44");
    cr_assert(strstr(out, "round 2 (revote, 1 seat)"), "%s", out);
    free(out);
    OK("election", "count", ELECTION_P, "--box", "会场票箱", "--valid", "44", "--invalid", "0",
       "--votes", "19,25");
    out = OUT("election", "result", ELECTION_P);
    /* The party profile's re-vote: the most votes take the seat. */
    cr_assert(strstr(out, "候选人14：25票，得票最多：当选") &&
                  strstr(out, "候选人13：19票，但1个名额已由得票更多者当选：未当选") &&
                  strstr(out, "1个名额全部选出：候选人14当选") && !strstr(out, "号候选人"),
              "%s", out);
    free(out);
    out = OUT("election", "result", ELECTION_P, "--lang", "en");
    cr_assert(strstr(out, "候选人14: 25 votes, among the 1 with most votes: elected") &&
                  strstr(out, "all 1 seat(s) filled: 候选人14 elected") &&
                  !strstr(out, "candidate 2") &&
                  strstr(out, "elected (3 of 3): 候选人11, 候选人12, 候选人14"),
              "%s", out);
    free(out);
    out = OUT("election", "result", ELECTION_P, "--json");
    cr_assert(strstr(out, "\"reason_zh\":\"候选人14：25票") &&
                  strstr(out, "\"reason\":\"候选人14: 25 votes"),
              "%s", out);
    free(out);
}

/* The day a by-election is due: today (Asia/Shanghai) + months, YYYY-MM-DD. */
static void s_due(int months, char out[32])
{
    char sql[200];
    snprintf(sql, sizeof sql,
             "SELECT to_char((now() AT TIME ZONE 'Asia/Shanghai')::date + interval '%d months', "
             "'YYYYMMDD')::bigint",
             months);
    long d = hj_stack_scalar(&stack, sql);
    snprintf(out, 32, "%04ld-%02ld-%02ld", d / 10000 % 10000, d / 100 % 100, d % 100);
}

/* 暂缺: a residents' election whose further round fills 4 of 5 seats closes
 * the fifth as vacant (only after the further round, as its profile says),
 * with the by-election due in three months, and is certified. */
Test(election_day, a_residents_election_closed_with_one_seat_vacant_is_certified)
{
    char today[11], d20[11], ids[6][37], due[32], *out, *err;
    const char *vacancy_id = "f0000000-0000-4000-8000-000000000001";
    hj_date_from_today(0, today);
    hj_date_from_today(-20, d20);
    s_nominee_ids(1, 6, ids);
    OK("election", "schedule", "KBS-BH-02", "--body", "residents", "--date", today, "--seats", "5",
       "--request-id", ELECTION_R);
    OK("voters", "set", "KBS-BH-02", "--voters", "100", "--households", "40", "--published", d20);
    OK("election", "candidates", ELECTION_R, "--person", ids[0], "--person", ids[1], "--person",
       ids[2], "--person", ids[3], "--person", ids[4], "--person", ids[5]);
    OK("election", "open", "KBS-BH-02", "--body", "residents");
    /* Round 1: 70 cast, more than 35 elects 候选人1..3; two seats go to a further round. */
    OK("election", "round", ELECTION_R, "--box", "主票箱:main:70:70");
    OK("election", "count", ELECTION_R, "--box", "主票箱", "--valid", "70", "--invalid", "0",
       "--votes", "60,50,40,20,10,5");
    long journal = hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal");
    /* Not yet: the residents' profile keeps seats vacant only after the further round. */
    err = REFUSED("election", "vacancy", ELECTION_R, "--seats", "2", "--reason", "无人过半");
    cr_assert(strstr(err, "FAILED_PRECONDITION") &&
                  strstr(err, "only after a further round (另行选举)") &&
                  strstr(err, "(field: profile)"),
              "%s", err);
    free(err);
    err = REFUSED("election", "reduce", ELECTION_R, "--seats", "2", "--reason", "减少");
    cr_assert(strstr(err, "profile residents-2025 does not reduce the seats") &&
                  strstr(err, "(field: profile)"),
              "%s", err);
    free(err);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal"), journal,
                 "nothing written");
    /* Round 2, the further round: 1/3 of 66 cast is 22; only 候选人4 reaches it. */
    OK("election", "round", ELECTION_R, "--box", "主票箱:main:70:66");
    OK("election", "count", ELECTION_R, "--box", "主票箱", "--valid", "66", "--invalid", "0",
       "--votes", "30,15,10");
    err = REFUSED("election", "certify", ELECTION_R);
    cr_assert(strstr(err, "4 of 5 seats filled") && strstr(err, "(field: result)") &&
                  strstr(err, "or, as profile residents-2025 allows, leave them vacant (暂缺) (hj "
                              "election vacancy"),
              "%s", err);
    free(err);
    err =
        REFUSED("election", "vacancy", ELECTION_R, "--seats", "2", "--reason", "另行选举后仍不足");
    cr_assert(strstr(err, "1 seat(s) are empty (4 of 5 filled): 2 cannot be closed") &&
                  strstr(err, "(field: seats)"),
              "%s", err);
    free(err);
    err = s_hj(2, (const char *const[]){"election", "vacancy", ELECTION_R, "--seats", "1", NULL});
    cr_assert(strstr(err, "--reason TEXT is required"), "%s", err);
    free(err);
    s_due(3, due);
    const char *const vacancy[] = {"election",
                                   "vacancy",
                                   ELECTION_R,
                                   "--seats",
                                   "1",
                                   "--reason",
                                   "另行选举后当选人数仍不足",
                                   "--request-id",
                                   vacancy_id,
                                   NULL};
    out = s_hj(0, vacancy);
    char want[160];
    snprintf(want, sizeof want, "暂缺 1 (vacant): by-election (补选) due by %s", due);
    cr_assert(
        strstr(out, "seats left vacant (暂缺)") && strstr(out, want) &&
            strstr(out,
                   "第2轮后名额暂缺1名（5名中已有4名）；按规则 residents-2025 应在3个月内补选") &&
            strstr(out, "另行选举后当选人数仍不足"),
        "%s", out);
    free(out);
    /* The same request again writes nothing. */
    free(s_hj(0, vacancy));
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM tally.seat_closure"), 1);
    cr_assert_eq(
        hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal WHERE kind = 'seats_vacant'"), 1);
    out = OUT("election", "result", ELECTION_R, "--json");
    snprintf(want, sizeof want, "\"vacancy_due\":\"%s\"", due);
    cr_assert(strstr(out, "\"vacant\":1") && strstr(out, want) && strstr(out, "\"reduced\":0") &&
                  strstr(out, "\"elected\":[\"候选人1\",\"候选人2\",\"候选人3\",\"候选人4\"]"),
              "%s", out);
    free(out);
    out = OUT("election", "result", ELECTION_R, "--lang", "en");
    snprintf(want, sizeof want,
             "next: all 5 seats accounted for (4 elected, 1 vacant (暂缺), by-election due by %s)",
             due);
    cr_assert(strstr(out, want), "%s", out);
    free(out);
    out = OUT("election", "certify", ELECTION_R);
    cr_assert(strstr(out, "result certified") && strstr(out, "暂缺 1"), "%s", out);
    free(out);
    err = REFUSED("election", "vacancy", ELECTION_R, "--seats", "1", "--reason", "再来");
    cr_assert(strstr(err, "certified") && strstr(err, "(field: state)"), "%s", err);
    free(err);
    /* The board and the community's dossier show 暂缺 and the due day. */
    out = OUT("board", "KBS-BH-02");
    snprintf(want, sizeof want, "暂缺 1 名（%s 前补选）", due);
    cr_assert(strstr(out, want), "%s", out);
    free(out);
    out = OUT("report", "community", "KBS-BH-02");
    snprintf(want, sizeof want, "暂缺 1 名，应于 %s 前补选", due);
    cr_assert(strstr(out, want) && strstr(out, "已确认"), "%s", out);
    free(out);
    /* The briefing counts them. */
    out = OUT("report", "briefing");
    snprintf(want, sizeof want, "选举结果已确认1场；名额暂缺1名（最早应于%s前补选）；减少名额0名。",
             due);
    cr_assert(strstr(out, want), "%s", out);
    free(out);
}

/* 减少名额: a party election that elects 4 of 5 reduces the seats to 4 (its
 * profile: those elected at most one short), never when two short, never
 * as vacant; then it is certified. The count that makes it 2 short is a
 * recount, refused without its reason even with the same numbers, and kept
 * beside the first with one. */
Test(election_day, a_party_election_reduced_to_4_is_certified_and_recounts_keep_both_counts)
{
    char ids[6][37], *out, *err;
    s_party_election_of("5", 6, ids);
    OK("election", "round", ELECTION_P, "--electorate", "50", "--present", "45", "--box",
       "会场票箱:main:45:45");
    /* First count: 候选人11..13 only (more than 22.5 of 45 present); 张三 written in. */
    OK("election", "count", ELECTION_P, "--box", "会场票箱", "--valid", "45", "--invalid", "0",
       "--votes", "40,35,30,20,20,10", "--writein", "张三:5");
    long journal = hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal");
    /* Counting the box again, even with the same numbers, needs a reason. */
    err = REFUSED("election", "count", ELECTION_P, "--box", "会场票箱", "--valid", "45",
                  "--invalid", "0", "--votes", "40,35,30,20,20,10", "--writein", "张三:5");
    cr_assert(strstr(err, "FAILED_PRECONDITION") &&
                  strstr(err, "box 会场票箱 of round 1 was already counted") &&
                  strstr(err, "needs its reason") && strstr(err, "(field: box)"),
              "%s", err);
    free(err);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal"), journal,
                 "nothing written");
    err = REFUSED("election", "reduce", ELECTION_P, "--seats", "2", "--reason", "差两名");
    cr_assert(strstr(err, "at most 1 short (elected >= 4 of 5); 3 elected is 2 short") &&
                  strstr(err, "(field: seats)"),
              "%s", err);
    free(err);
    err = REFUSED("election", "vacancy", ELECTION_P, "--seats", "1", "--reason", "暂缺");
    cr_assert(strstr(err, "profile party-2020 does not leave seats vacant (暂缺); it reduces the "
                          "seats instead") &&
                  strstr(err, "(field: profile)"),
              "%s", err);
    free(err);
    /* The recount: 候选人14 has 25, not 20; 张三's votes were misread and go. */
    out =
        OUT("election", "count", ELECTION_P, "--box", "会场票箱", "--valid", "45", "--invalid", "0",
            "--votes", "40,35,30,25,20,10", "--reason", "监票人复核：候选人14漏计5票，张三系误读");
    cr_assert(strstr(out, "recount recorded beside the first count"), "%s", out);
    free(out);
    out = OUT("election", "result", ELECTION_P);
    cr_assert(strstr(out, "history (recounts and amendments):") &&
                  strstr(out, "监票人复核：候选人14漏计5票，张三系误读") &&
                  strstr(out, "was votes 40,35,30,20,20,10; written in 张三 5") &&
                  strstr(out, "now votes 40,35,30,25,20,10\n") && strstr(out, "  recount "),
              "both counts are shown: %s", out);
    cr_assert(strstr(out, "elected (4 of 5): 候选人11, 候选人12, 候选人13, 候选人14"), "%s", out);
    free(out);
    out = OUT("election", "result", ELECTION_P, "--json");
    cr_assert(!strstr(out, "\"writein\":true"),
              "the superseded write-in is no person of the round: %s", out);
    cr_assert(strstr(out, "\"kind\":\"recount\""), "%s", out);
    free(out);
    cr_assert_eq(
        hj_stack_scalar(&stack, "SELECT count(*) FROM tally.amendment WHERE kind = 'recount'"), 1);
    /* Now one short: reduced to 4, and certified. */
    err = REFUSED("election", "reduce", ELECTION_P, "--seats", "2", "--reason", "减少两名");
    cr_assert(strstr(err, "1 seat(s) are empty") && strstr(err, "(field: seats)"), "%s", err);
    free(err);
    out = OUT("election", "reduce", ELECTION_P, "--seats", "1", "--reason",
              "经上级党组织同意，减少名额");
    cr_assert(strstr(out, "seats reduced (减少名额)") &&
                  strstr(out, "减少名额 1 (seats reduced): 4 seats") &&
                  strstr(out, "减少名额1名，应选名额由5名减为4名"),
              "%s", out);
    free(out);
    out = OUT("election", "result", ELECTION_P, "--json");
    cr_assert(strstr(out, "\"reduced\":1") && strstr(out, "\"vacant\":0"), "%s", out);
    free(out);
    out = OUT("election", "certify", ELECTION_P);
    cr_assert(strstr(out, "result certified"), "%s", out);
    free(out);
    cr_assert_eq(
        hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal WHERE kind = 'seats_reduced'"),
        1);
}

/* A box whose ballots were entered one by one is recounted by hand only
 * with a reason; a write-in of the first count does not linger. */
Test(election_day, a_box_of_entered_ballots_is_recounted_only_with_a_reason)
{
    char ids[4][37], *out, *err;
    s_party_election(ids);
    OK("election", "round", ELECTION_P, "--electorate", "50", "--present", "45", "--box",
       "票箱甲:main:3:3");
    OK("election", "ballots", ELECTION_P, "--box", "票箱甲", "--ballot", "yyn-|王五>3", "--ballot",
       "yyyn", "--ballot", "yyyn");
    err = REFUSED("election", "count", ELECTION_P, "--box", "票箱甲", "--valid", "3", "--invalid",
                  "0", "--votes", "3,3,2,0");
    cr_assert(
        strstr(err, "box 票箱甲 of round 1 was already counted (ballots entered: 3 ballots") &&
            strstr(err, "(field: box)"),
        "%s", err);
    free(err);
    out = OUT("election", "count", ELECTION_P, "--box", "票箱甲", "--valid", "3", "--invalid", "0",
              "--votes", "3,3,2,0", "--reason", "王五一票系误录");
    free(out);
    out = OUT("election", "result", ELECTION_P, "--json");
    cr_assert(!strstr(out, "\"writein\":true") && strstr(out, "\"kind\":\"recount\"") &&
                  strstr(out, "{\"name\":\"王五\",\"votes\":1}"),
              "the history keeps 王五 in the first count, the round does not: %s", out);
    free(out);
}

/* hj election list: the communities by name, the body, the day and the
 * state in Chinese; --json carries the ids; filters by community and state. */
Test(election_day, the_election_list_names_communities_in_chinese)
{
    char today[11], *out, *err;
    hj_date_from_today(0, today);
    OK("election", "schedule", "KBS-BH-01", "--body", "party", "--date", today, "--seats", "3",
       "--request-id", ELECTION_P);
    OK("election", "schedule", "KBS-BH-02", "--body", "residents", "--date", today, "--seats", "5",
       "--request-id", ELECTION_R);
    out = OUT("election", "list");
    cr_assert(strstr(out, "社区") && strstr(out, "滨河社区") && strstr(out, "康和社区") &&
                  strstr(out, "滨河街道") && strstr(out, "党组织") && strstr(out, "居委会") &&
                  strstr(out, "已安排") && strstr(out, today),
              "%s", out);
    free(out);
    out = OUT("election", "list", "--community", "KBS-BH-02", "--json");
    cr_assert(strstr(out, "\"id\":\"" ELECTION_R "\"") &&
                  strstr(out, "\"community_name\":\"康和社区\"") && !strstr(out, ELECTION_P),
              "%s", out);
    free(out);
    out = OUT("election", "list", "--subdistrict", "KBS-BH", "--state", "open");
    cr_assert(strstr(out, "没有选举"), "%s", out);
    free(out);
    err = REFUSED("election", "list", "--state", "closed");
    cr_assert(strstr(err, "(field: state)"), "%s", err);
    free(err);
}

/* A serialization failure inside the count (forced here by a trigger) is a
 * collision to try again, not an internal error: the server answers
 * UNAVAILABLE, the field laptop keeps the count offline, and `hj sync`
 * sends it once the collision is gone. Nothing half-written meanwhile. */
Test(election_day, a_collision_in_the_count_is_answered_try_again_and_synced_later)
{
    char ids[4][37], *out = NULL, *err = NULL;
    s_party_election(ids);
    OK("election", "round", ELECTION_P, "--electorate", "50", "--present", "45", "--box",
       "会场票箱:main:45:45");
    PGconn *pg = hj_stack_pg(&stack);
    PGresult *r = PQexec(
        pg, "CREATE FUNCTION public.s_collide() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION 'forced' USING ERRCODE = '40001'; END $$; "
            "CREATE TRIGGER collide BEFORE UPDATE ON tally.box FOR EACH ROW "
            "EXECUTE FUNCTION public.s_collide()");
    cr_assert_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s", PQerrorMessage(pg));
    PQclear(r);
    long before = hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal");
    int rc =
        hj_run(&stack, &out, &err, "election", "count", ELECTION_P, "--box", "会场票箱", "--valid",
               "44", "--invalid", "1", "--votes", "40,35,30,20", "--tries", "1", NULL);
    cr_assert_eq(rc, 0, "saved offline is exit 0: %d %s%s", rc, out, err);
    cr_assert(strstr(err, "collided with this one; try again") && strstr(out, "saved offline"),
              "%s%s", out, err);
    free(out);
    free(err);
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM bus.journal"), before,
                 "nothing journaled");
    cr_assert_eq(hj_stack_scalar(&stack, "SELECT count(*) FROM tally.box WHERE valid > 0"), 0);
    r = PQexec(pg, "DROP TRIGGER collide ON tally.box; DROP FUNCTION public.s_collide()");
    cr_assert_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s", PQerrorMessage(pg));
    PQclear(r);
    PQfinish(pg);
    OK("sync");
    out = OUT("election", "result", ELECTION_P, "--lang", "en");
    cr_assert(strstr(out, "elected (3 of 3): 候选人11, 候选人12, 候选人13"), "%s", out);
    free(out);
}

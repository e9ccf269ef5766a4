/* The envelope helpers: status round trip, UUIDs, dates, field checks,
 * identity-card numbers, JSON output, configuration. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hj_config.h"
#include "hj_envelope.h"
#include "hj_idcard.h"
#include "hj_pbjson.h"
#include "registry.pb-c.h"

Test(envelope, status_packs_as_any_service_reply)
{
    hj_status_t st, back;
    size_t len;
    hj_status_set(&st, HJ__CODE__FAILED_PRECONDITION, "gate_audit",
                  "audit: fieldwork, %d items left", 2);
    uint8_t *buf = hj_status_pack(&st, &len);
    cr_assert(buf);
    cr_assert_eq(hj_status_unpack(buf, len, &back), 0);
    cr_assert_eq(back.code, HJ__CODE__FAILED_PRECONDITION);
    cr_assert_str_eq(back.field, "gate_audit");
    cr_assert_str_eq(back.message, "audit: fieldwork, 2 items left");
    /* The same bytes decode as a registry reply with that status. */
    Hj__Registry__Reply *r = hj__registry__reply__unpack(NULL, len, buf);
    cr_assert(r && r->status);
    cr_assert_eq(r->status->code, HJ__CODE__FAILED_PRECONDITION);
    cr_assert_eq(r->result_case, HJ__REGISTRY__REPLY__RESULT__NOT_SET);
    hj__registry__reply__free_unpacked(r, NULL);
    free(buf);
    cr_assert_str_eq(hj_code_name(HJ__CODE__UNAVAILABLE), "UNAVAILABLE");
    cr_assert_eq(hj_status_unpack((const uint8_t *)"\xff\xff", 2, &back), -1,
                 "garbage does not decode");
}

Test(envelope, uuids_are_v4_and_checked)
{
    char a[37], b[37];
    hj_uuid_new(a);
    hj_uuid_new(b);
    cr_assert(hj_uuid_valid(a));
    cr_assert_str_neq(a, b);
    cr_assert_eq(a[14], '4', "version 4: %s", a);
    cr_assert(strchr("89ab", a[19]), "RFC 4122 variant: %s", a);
    cr_assert_not(hj_uuid_valid("1b4e28ba-2fa1-4d2b-883f-0016d3cca42"));
    cr_assert_not(hj_uuid_valid("1b4e28ba+2fa1-4d2b-883f-0016d3cca427"));
    cr_assert_not(hj_uuid_valid("zb4e28ba-2fa1-4d2b-883f-0016d3cca427"));
    cr_assert_not(hj_uuid_valid(NULL));
}

struct date_case {
    char text[16];
    int valid;
};

ParameterizedTestParameters(envelope, dates)
{
    static struct date_case cases[] = {
        {"2026-11-26", 1}, {"2024-02-29", 1}, {"2000-02-29", 1}, {"2026-02-28", 1},
        {"2026-02-30", 0}, {"2025-02-29", 0}, {"2100-02-29", 0}, {"2026-04-31", 0},
        {"2026-13-01", 0}, {"2026-00-10", 0}, {"2026-1-01", 0},  {"26-11-26", 0},
        {"2026/11/26", 0}, {"2026-11-2x", 0}, {"", 0},           {"2026-11-26 ", 0},
    };
    return cr_make_param_array(struct date_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct date_case *c, envelope, dates)
{
    cr_assert_eq(hj_date_valid(c->text), c->valid, "%s", c->text);
}

Test(envelope, field_checks_name_the_field)
{
    hj_status_t st;
    cr_assert_eq(hj_check_text(&st, "name", "滨河社区", 200, 1), 0);
    cr_assert_eq(hj_check_text(&st, "name", "", 200, 1), -1);
    cr_assert_str_eq(st.field, "name");
    cr_assert_eq(st.code, HJ__CODE__INVALID_ARGUMENT);
    cr_assert_eq(hj_check_text(&st, "title", "\xe6\xbb", 200, 0), -1, "truncated UTF-8");
    cr_assert_str_eq(st.field, "title");
    cr_assert_eq(hj_check_text(&st, "code", "ABCDEFGHIJ", 9, 1), -1);
    cr_assert(strstr(st.message, "too long"), "%s", st.message);
    cr_assert_eq(hj_check_date(&st, "term_start", "2026-02-30", 1), -1);
    cr_assert_str_eq(st.field, "term_start");
    cr_assert_eq(hj_check_date(&st, "term_end", "", 0), 0, "optional and empty");
    char today[11];
    hj_date_today(today);
    cr_assert(hj_date_valid(today), "%s", today);
}

Test(envelope, codes_are_letters_digits_dash_and_underscore_naming_the_field)
{
    static const struct {
        const char *value;
        int required;
        const char *refusal; /* what the message says; NULL: the code is taken */
    } rows[] = {
        {"KBS-BH-01", 1, NULL},
        {"kbs_bh_01", 1, NULL},
        {"12345678901234567890123456789012", 1, NULL}, /* HJ_CODE_MAX bytes */
        {"", 0, NULL},
        {NULL, 0, NULL},
        {"", 1, "is required"},
        {NULL, 1, "is required"},
        {"123456789012345678901234567890123", 1, "too long"},
        {"KBS BH 01", 1, "letters, digits, '-' and '_'"},
        {"KBS' OR '1'='1", 1, "letters, digits, '-' and '_'"},
        {"KBS-BH-01;", 0, "letters, digits, '-' and '_'"},
        {"滨河", 1, "letters, digits, '-' and '_'"},
        {"KBS-BH-\xe6\xbb", 1, "not valid UTF-8"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        hj_status_t st = {.code = HJ__CODE__OK};
        const char *v = rows[i].value ? rows[i].value : "(null)";
        int rc = hj_check_code(&st, "community", rows[i].value, rows[i].required);
        cr_assert_eq(rc, rows[i].refusal ? -1 : 0, "code '%s' (required %d): %d", v,
                     rows[i].required, rc);
        if (!rows[i].refusal)
            continue;
        cr_assert_eq(st.code, HJ__CODE__INVALID_ARGUMENT, "code '%s'", v);
        cr_assert_str_eq(st.field, "community", "code '%s'", v);
        cr_assert(strstr(st.message, rows[i].refusal), "code '%s': %s", v, st.message);
    }
}

Test(envelope, identity_card_numbers_are_checked_masked_and_keyed)
{
    /* 11010519491231002X is the standard's own example number. */
    cr_assert(hj_idcard_valid("11010519491231002X"));
    cr_assert(hj_idcard_valid("11010519491231002x"));
    cr_assert_not(hj_idcard_valid("110105194912310021"), "wrong check character");
    cr_assert_not(hj_idcard_valid("1101051949123100"), "too short");
    cr_assert_not(hj_idcard_valid("11010519491231A02X"));
    char mask[19];
    hj_idcard_mask("11010519491231002x", mask);
    cr_assert_str_eq(mask, "1****************X", "the first and the last character only");
    uint8_t k1[32] = {1}, k2[32] = {2}, h1[32], h2[32], h3[32];
    hj_idcard_hash(k1, "11010519491231002X", h1);
    hj_idcard_hash(k1, "11010519491231002x", h2);
    hj_idcard_hash(k2, "11010519491231002X", h3);
    cr_assert_eq(memcmp(h1, h2, 32), 0, "the check character's case does not matter");
    cr_assert_neq(memcmp(h1, h3, 32), 0, "another key, another hash");
}

Test(envelope, json_output_covers_strings_enums_repeated_and_escapes)
{
    Hj__Registry__Community a = HJ__REGISTRY__COMMUNITY__INIT, b = HJ__REGISTRY__COMMUNITY__INIT;
    Hj__Registry__Community *items[] = {&a, &b};
    Hj__Registry__Communities list = HJ__REGISTRY__COMMUNITIES__INIT;
    a.code = "KBS-BH-01";
    a.name = "滨河\"社区\"\n";
    a.org_type = HJ__REGISTRY__ORG_TYPE__GENERAL_BRANCH;
    b.code = "KBS-BH-02";
    list.n_items = 2;
    list.items = items;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    hj_pbjson_write(f, &list.base);
    fclose(f);
    cr_assert(strstr(buf, "{\"items\":[{\"code\":\"KBS-BH-01\",\"name\":\"滨河\\\"社区\\\"\\n\""),
              "%s", buf);
    cr_assert(strstr(buf, "\"org_type\":\"general_branch\""), "%s", buf);
    cr_assert(
        strstr(buf,
               "\"org_type\":\"org_unspecified\",\"updated_at\":\"\"}],\"total\":0,\"next\":\"\"}"),
        "%s", buf);
    free(buf);
}

Test(envelope, retry_after_travels_with_the_status)
{
    hj_status_t st, back;
    size_t len;
    hj_status_set(&st, HJ__CODE__RESOURCE_EXHAUSTED, "device", "device obs-1 is sending too fast");
    st.retry_after_ms = 35;
    uint8_t *buf = hj_status_pack(&st, &len);
    cr_assert_eq(hj_status_unpack(buf, len, &back), 0);
    cr_assert_eq(back.code, HJ__CODE__RESOURCE_EXHAUSTED);
    cr_assert_str_eq(hj_code_name(back.code), "RESOURCE_EXHAUSTED");
    cr_assert_eq(back.retry_after_ms, 35);
    free(buf);
    /* A status set anew does not keep an old retry-after. */
    hj_status_set(&back, HJ__CODE__INVALID_ARGUMENT, "code", "bad");
    cr_assert_eq(back.retry_after_ms, 0);
}

Test(envelope, config_reads_environment_then_flags)
{
    hj_config_t cfg;
    setenv("HJ_BUS", "tcp://127.0.0.1:9100", 1);
    setenv("HJ_HEARTBEAT_MS", "250", 1);
    char *argv[] = {"hj-test", "--bus", "tcp://127.0.0.1:9200", "--credit", "8", NULL};
    cr_assert_eq(hj_config_load(&cfg, "hj-test", 5, argv), 0);
    cr_assert_str_eq(cfg.bus, "tcp://127.0.0.1:9200", "a flag beats the environment");
    cr_assert_eq(cfg.heartbeat_ms, 250);
    cr_assert_eq(cfg.credit, 8);
    cr_assert_str_eq(cfg.events, "tcp://127.0.0.1:7701", "default");
    char *bad[] = {"hj-test", "--credit", "-3", NULL};
    cr_assert_eq(hj_config_load(&cfg, "hj-test", 3, bad), -1);
    char *unknown[] = {"hj-test", "--colour", "red", NULL};
    cr_assert_eq(hj_config_load(&cfg, "hj-test", 3, unknown), -1);
    setenv("HJ_HEARTBEAT_MS", "soon", 1);
    char *none[] = {"hj-test", NULL};
    cr_assert_eq(hj_config_load(&cfg, "hj-test", 1, none), -1,
                 "a bad environment value is refused");
    unsetenv("HJ_HEARTBEAT_MS");
    unsetenv("HJ_BUS");
}

Test(envelope, config_device_limits)
{
    hj_config_t cfg;
    char *none[] = {"hj-test", NULL};
    cr_assert_eq(hj_config_load(&cfg, "hj-test", 1, none), 0);
    /* The defaults leave an honest device alone (README: fair share). */
    cr_assert_eq(cfg.device_rate, 200);
    cr_assert_eq(cfg.device_burst, 1000);
    cr_assert_eq(cfg.device_inflight, 16);
    setenv("HJ_DEVICE_RATE", "50", 1);
    char *argv[] = {"hj-test", "--device-burst", "80", "--device-inflight", "4", NULL};
    cr_assert_eq(hj_config_load(&cfg, "hj-test", 5, argv), 0);
    cr_assert_eq(cfg.device_rate, 50);
    cr_assert_eq(cfg.device_burst, 80);
    cr_assert_eq(cfg.device_inflight, 4);
    char *zero[] = {"hj-test", "--device-rate", "0", NULL};
    cr_assert_eq(hj_config_load(&cfg, "hj-test", 3, zero), -1,
                 "a rate of 0 would refuse everything");
    unsetenv("HJ_DEVICE_RATE");
}

/* A NUL inside a protobuf string would reach the service cut short (protobuf-c
 * hands strings over as C strings): found by the bad-input table, refused on
 * the wire since, naming the field, also inside nested messages. */

Test(envelope, wire_text_refuses_nul_and_bad_utf8_in_any_string_field)
{
    Hj__Registry__Request req = HJ__REGISTRY__REQUEST__INIT;
    Hj__Registry__Community m = HJ__REGISTRY__COMMUNITY__INIT;
    uint8_t buf[256];
    hj_status_t st;
    m.code = "KBS-BH-01";
    m.name = "滨河#社区";
    m.subdistrict = "KBS-BH";
    req.request_id = "6f0e3b1a-1111-4222-8333-444455556666";
    req.op_case = HJ__REGISTRY__REQUEST__OP_COMMUNITY_ADD;
    req.community_add = &m;
    size_t len = hj__registry__request__pack(&req, buf);
    memset(&st, 0, sizeof st);
    cr_assert_eq(hj_check_wire_text(&st, &hj__registry__request__descriptor, buf, len), 0,
                 "valid as it is");
    *(uint8_t *)memchr(buf, '#', len) = 0;
    cr_assert_eq(hj_check_wire_text(&st, &hj__registry__request__descriptor, buf, len), -1);
    cr_assert_eq(st.code, HJ__CODE__INVALID_ARGUMENT);
    cr_assert_str_eq(st.field, "name");
    cr_assert(strstr(st.message, "NUL"), "%s", st.message);
    m.name = "滨河社区";
    m.subdistrict = "KBS-\xc3\x28";
    len = hj__registry__request__pack(&req, buf);
    cr_assert_eq(hj_check_wire_text(&st, &hj__registry__request__descriptor, buf, len), -1);
    cr_assert_str_eq(st.field, "subdistrict");
    /* Not protobuf at all: left to the unpack, which refuses it as the body. */
    cr_assert_eq(hj_check_wire_text(&st, &hj__registry__request__descriptor,
                                    (const uint8_t *)"\xff\xff\xff", 3),
                 0);
    /* Bytes fields may hold anything. */
    Hj__Event ev = HJ__EVENT__INIT;
    uint8_t raw[] = {0, 0xff, 0};
    ev.payload.data = raw;
    ev.payload.len = sizeof raw;
    len = hj__event__pack(&ev, buf);
    cr_assert_eq(hj_check_wire_text(&st, &hj__event__descriptor, buf, len), 0);
}

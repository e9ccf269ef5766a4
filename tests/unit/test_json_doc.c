/* The strict JSON reader behind `hj talk add --from FILE.json`. */
#include <criterion/criterion.h>
#include <string.h>

#include "json_doc.h"

static json_doc_t *s_parse(const char *text, char *err)
{
    return json_doc_parse(text, strlen(text), err, 256);
}

/* Parsing must fail with a message that holds `want`. */
static void s_refuse(const char *text, const char *want)
{
    char err[256];
    json_doc_t *doc = s_parse(text, err);
    cr_expect_null(doc, "accepted: %s", text);
    cr_expect(strstr(err, want), "for %s: wanted \"%s\" in \"%s\"", text, want, err);
    json_doc_destroy(&doc);
}

Test(json_doc, reads_a_record_with_lines_types_and_escapes)
{
    char err[256];
    const char *text = "\xEF\xBB\xBF{\n"
                       "  \"summary\": \"王丽说\\\"好\\\"\\n\\u4efb\\u671f \\ud83d\\ude00\",\n"
                       "  \"topics\": [\"a\", \"b\"],\n"
                       "  \"concern\": true,\n"
                       "  \"count\": -12.5e+3,\n"
                       "  \"nothing\": null,\n"
                       "  \"inner\": {}\n"
                       "}\n";
    json_doc_t *doc = s_parse(text, err);
    cr_assert_not_null(doc, "%s", err);
    cr_assert_eq(doc->type, JSON_DOC_OBJECT);
    cr_assert_eq(doc->n, 6);
    cr_assert_str_eq(doc->keys[0], "summary");
    cr_assert_str_eq(doc->items[0]->text, "王丽说\"好\"\n任期 \xF0\x9F\x98\x80");
    cr_assert_eq(doc->items[0]->line, 2);
    cr_assert_eq(doc->items[1]->type, JSON_DOC_ARRAY);
    cr_assert_eq(doc->items[1]->n, 2);
    cr_assert_str_eq(doc->items[1]->items[1]->text, "b");
    cr_assert_eq(doc->items[1]->line, 3);
    cr_assert_eq(doc->items[2]->type, JSON_DOC_BOOL);
    cr_assert_eq(doc->items[2]->boolean, 1);
    cr_assert_eq(doc->items[3]->type, JSON_DOC_NUMBER);
    cr_assert_str_eq(doc->items[3]->text, "-12.5e+3");
    cr_assert_eq(doc->items[4]->type, JSON_DOC_NULL);
    cr_assert_eq(doc->items[5]->type, JSON_DOC_OBJECT);
    cr_assert_eq(doc->items[5]->n, 0);
    cr_assert_eq(doc->items[5]->line, 7);
    json_doc_destroy(&doc);
    cr_assert_null(doc, "destroy nulls the pointer");
    json_doc_destroy(&doc);
}

Test(json_doc, refuses_what_is_not_strict_json_and_names_the_line)
{
    s_refuse("{\"a\": 1,}", "trailing ','");
    s_refuse("[1, 2,]", "trailing ','");
    s_refuse("{\n\n\"a\": 1,\n\"a\": 2}", "line 4: key \"a\" appears twice");
    s_refuse("{'a': 1}", "expected a key in double quotes");
    s_refuse("{\"a\": 'x'}", "strings need double quotes");
    s_refuse("{\"a\": 1} // note", "unexpected text after the end");
    s_refuse("{\"a\": 1}\n{}", "line 2: unexpected text after the end");
    s_refuse("{\"a\" 1}", "expected ':'");
    s_refuse("{\"a\": 1 \"b\": 2}", "expected ',' or '}'");
    s_refuse("{\"a\": \"no end}", "unterminated string");
    s_refuse("{\"a\": \"line\nbreak\"}", "control character");
    s_refuse("{\"a\": \"\\x41\"}", "unknown escape");
    s_refuse("{\"a\": \"\\u12\"}", "four hex digits");
    s_refuse("{\"a\": \"\\ud83d\"}", "surrogate");
    s_refuse("{\"a\": \"\\ude00\"}", "surrogate");
    s_refuse("{\"a\": \"\\u0000\"}", "\\u0000");
    s_refuse("{\"a\": \"\xC3\x28\"}", "not valid UTF-8");
    s_refuse("{\"a\": 01}", "expected ',' or '}'");
    s_refuse("{\"a\": 1.}", "digits must follow '.'");
    s_refuse("{\"a\": 1e}", "digits must follow the exponent");
    s_refuse("{\"a\": tru}", "unexpected text");
    s_refuse("", "unexpected end");
    s_refuse("{\"a\": [", "unexpected end");
    char deep[100] = "";
    for (int i = 0; i < 40; i++)
        strcat(deep, "[");
    s_refuse(deep, "nested more than");
}

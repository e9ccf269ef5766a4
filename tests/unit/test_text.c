/*  Unit tests for hj_text: UTF-8 validation, display width, truncate, pad. */
#include <criterion/criterion.h>
#include <string.h>

#include "hj_text.h"

#define ELL HJ_TEXT_ELLIPSIS

static size_t s_width(const char *s)
{
    size_t w = 12345;
    cr_assert_eq(hj_text_width(s, strlen(s), &w), 0, "width of \"%s\"", s);
    return w;
}

//  Truncates s to max columns, checks the reported width, returns dst.
static const char *s_trunc(char *dst, size_t size, const char *s, size_t max, size_t expect_cols)
{
    size_t cols = 9999;
    cr_assert_eq(hj_text_truncate(dst, size, s, strlen(s), max, &cols), 0, "truncate \"%s\" to %zu",
                 s, max);
    cr_assert_eq(cols, expect_cols, "truncate \"%s\" to %zu: cols %zu", s, max, cols);
    cr_assert_eq(s_width(dst), expect_cols, "\"%s\" measures %zu", dst, s_width(dst));
    return dst;
}

Test(text, valid_utf8)
{
    const char *ok[] = {
        "",
        "plain ascii",
        "滨河社区",
        "康巴什区",
        "A栋3单元",
        "、。「」，",
        "\xF0\x9F\x98\x80", //  U+1F600
        "\xF4\x8F\xBF\xBF", //  U+10FFFF
        "\xEF\xBF\xBF",     //  U+FFFF
        "\xED\x9F\xBF",     //  U+D7FF, just below surrogates
        "\xEE\x80\x80",     //  U+E000, just above surrogates
        "\xC2\x80",
        "\xE0\xA0\x80",
        "\xF0\x90\x80\x80", //  smallest of each
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        cr_assert_eq(hj_utf8_valid(ok[i], strlen(ok[i])), 1, "case %zu", i);
    cr_assert_eq(hj_utf8_valid(NULL, 0), 1);
}

Test(text, invalid_utf8)
{
    struct {
        const char *s;
        size_t len;
        const char *why;
    } bad[] = {
        {"\xC0\x80", 2, "overlong NUL"},
        {"\xC1\xBF", 2, "overlong 2-byte"},
        {"\xE0\x80\xAF", 3, "overlong 3-byte"},
        {"\xE0\x9F\xBF", 3, "overlong 3-byte (U+07FF)"},
        {"\xF0\x80\x80\xAF", 4, "overlong 4-byte"},
        {"\xF0\x8F\xBF\xBF", 4, "overlong 4-byte (U+FFFF)"},
        {"\xED\xA0\x80", 3, "surrogate U+D800"},
        {"\xED\xBF\xBF", 3, "surrogate U+DFFF"},
        {"\xF4\x90\x80\x80", 4, "U+110000"},
        {"\xF5\x80\x80\x80", 4, "F5 lead"},
        {"\xFE", 1, "FE"},
        {"\xFF", 1, "FF"},
        {"\x80", 1, "lone continuation"},
        {"\xE6\xBB", 2, "truncated 滨"},
        {"\xE6\xBB\xA8\xE6", 4, "滨 then truncated"},
        {"\xF0\x9F\x98", 3, "truncated emoji"},
        {"\xE6\x41\xA8", 3, "ASCII inside a sequence"},
        {"a\0b", 3, "NUL inside len"},
        {"\0", 1, "lone NUL"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_assert_eq(hj_utf8_valid(bad[i].s, bad[i].len), 0, "%s", bad[i].why);
    //  Only the bytes inside len count.
    cr_assert_eq(hj_utf8_valid("ab\xE6\xBB\xA8", 2), 1);
    cr_assert_eq(hj_utf8_valid("ab\xE6\xBB\xA8", 4), 0);
}

Test(text, decode)
{
    uint32_t cp = 0;
    size_t n = 0;
    cr_assert_eq(hj_utf8_decode("滨", 3, &cp, &n), 0);
    cr_assert_eq(cp, 0x6EE8);
    cr_assert_eq(n, 3);
    cr_assert_eq(hj_utf8_decode("\xF4\x8F\xBF\xBF", 4, &cp, &n), 0);
    cr_assert_eq(cp, 0x10FFFF);
    cr_assert_eq(n, 4);
    cr_assert_eq(hj_utf8_decode("A", 1, &cp, &n), 0);
    cr_assert_eq(cp, 'A');
    cr_assert_eq(n, 1);
    cp = 7;
    n = 7;
    cr_assert_eq(hj_utf8_decode("\xED\xA0\x80", 3, &cp, &n), -1);
    cr_assert_eq(hj_utf8_decode("滨", 2, &cp, &n), -1);
    cr_assert_eq(hj_utf8_decode("", 0, &cp, &n), -1);
    cr_assert(cp == 7 && n == 7, "outputs untouched on failure");
}

Test(text, codepoint_width_table)
{
    struct {
        uint32_t cp;
        int w;
    } t[] = {
        {'A', 1},     {' ', 1},     {0x00, 0},    {'\t', 0},    {0x1B, 0},
        {0x7F, 0},    {0x85, 0},    {0x9F, 0},    {0xA0, 1},    {0xE9, 1},
        {0x0301, 0},  {0x0410, 1}, //  combining, Cyrillic
        {0x200B, 0},  {0x200D, 0},  {0xFEFF, 0},  {0xFE0F, 0},  {0x10FF, 1},
        {0x1100, 2},  {0x115F, 2},  {0x1160, 0}, //  Hangul jamo
        {0x2026, 1},                             //  … is narrow
        {0x2E7F, 1},  {0x2E80, 2},  {0x3000, 2},  {0x3001, 2},  {0x3002, 2},
        {0x300C, 2},  {0x300D, 2},  {0x302A, 0},  {0x303E, 2},  {0x303F, 1},
        {0x3041, 2},  {0x3099, 0},  {0x30AB, 2},  {0x4E00, 2},  {0x6EE8, 2},
        {0x9FFF, 2},  {0xA4CF, 2},  {0xA4D0, 1},  {0xAC00, 2},  {0xD7A3, 2},
        {0xD7A4, 1},  {0xF900, 2},  {0xFF01, 2},  {0xFF0C, 2},  {0xFF21, 2},
        {0xFF60, 2},  {0xFF61, 1},  {0xFF71, 1}, //  halfwidth katakana
        {0xFFE5, 2},  {0xFFE8, 1},  {0x1F600, 2}, {0x1F321, 1}, {0x20000, 2},
        {0x2FFFD, 2}, {0x3134A, 2}, {0xE0001, 0}, {0xE0100, 0}, {0x10FFFF, 1},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        cr_assert_eq(hj_text_cp_width(t[i].cp), t[i].w, "U+%04X: got %d want %d", (unsigned)t[i].cp,
                     hj_text_cp_width(t[i].cp), t[i].w);
}

Test(text, width_of_chinese_names)
{
    cr_assert_eq(s_width("滨河社区"), 8);
    cr_assert_eq(s_width("康巴什区"), 8);
    cr_assert_eq(s_width("鄂尔多斯市康巴什区滨河社区"), 26);
    cr_assert_eq(s_width(""), 0);
}

Test(text, width_of_mixed_text)
{
    cr_assert_eq(s_width("A栋3单元"), 8);
    cr_assert_eq(s_width("Room 302（滨河）"), 8 + 2 + 4 + 2);
    cr_assert_eq(s_width("、。「」，"), 10);
    cr_assert_eq(s_width("ＡＢＣ"), 6); //  fullwidth Latin
    cr_assert_eq(s_width("ひらがなカタカナ"), 16);
    cr_assert_eq(s_width("한국어"), 6);
    cr_assert_eq(s_width("ｶﾀｶﾅ"), 4);         //  halfwidth kana
    cr_assert_eq(s_width("caf\xC3\xA9"), 4);  //  precomposed é
    cr_assert_eq(s_width("cafe\xCC\x81"), 4); //  e + U+0301
    cr_assert_eq(s_width("a\xE2\x80\x8B"
                         "b"),
                 2);                      //  ZWSP
    cr_assert_eq(s_width("a\tb\r\n"), 2); //  controls are 0
    cr_assert_eq(s_width(ELL), 1);
    cr_assert_eq(s_width("Привет"), 6);
    cr_assert_eq(s_width("ok \xF0\x9F\x98\x80"), 5);
}

Test(text, width_rejects_invalid)
{
    size_t w = 77;
    cr_assert_eq(hj_text_width("ab\xE6\xBB", 4, &w), -1);
    cr_assert_eq(hj_text_width("a\0b", 3, &w), -1);
    cr_assert_eq(hj_text_width("\xC0\xAF", 2, &w), -1);
    cr_assert_eq(w, 77, "width untouched on failure");
    cr_assert_eq(hj_text_width("ab", 2, NULL), -1);
    cr_assert_eq(hj_text_width(NULL, 0, &w), 0);
    cr_assert_eq(w, 0);
}

Test(text, truncate_fits_unchanged)
{
    char buf[64];
    cr_assert_str_eq(s_trunc(buf, sizeof buf, "滨河社区", 8, 8), "滨河社区");
    cr_assert_str_eq(s_trunc(buf, sizeof buf, "滨河社区", 20, 8), "滨河社区");
    cr_assert_str_eq(s_trunc(buf, sizeof buf, "abc", 3, 3), "abc");
    cr_assert_str_eq(s_trunc(buf, sizeof buf, "", 0, 0), "");
}

Test(text, truncate_adds_ellipsis)
{
    char buf[64];
    cr_assert_str_eq(s_trunc(buf, sizeof buf, "滨河社区", 7, 7), "滨河社" ELL);
    cr_assert_str_eq(s_trunc(buf, sizeof buf, "滨河社区", 5, 5), "滨河" ELL);
    cr_assert_str_eq(s_trunc(buf, sizeof buf, "滨河社区", 3, 3), "滨" ELL);
    cr_assert_str_eq(s_trunc(buf, sizeof buf, "滨河社区", 1, 1), ELL);
    cr_assert_str_eq(s_trunc(buf, sizeof buf, "滨河社区", 0, 0), "");
    cr_assert_str_eq(s_trunc(buf, sizeof buf, "abcdef", 4, 4), "abc" ELL);
    cr_assert_str_eq(s_trunc(buf, sizeof buf, "abc滨河", 4, 4), "abc" ELL);
    cr_assert_str_eq(s_trunc(buf, sizeof buf, "康巴什区ABC", 9, 9), "康巴什区" ELL);
}

Test(text, truncate_wide_char_straddling_limit)
{
    char buf[64];
    //  budget for text is max-1; the next wide char would need one column
    //  more than is left, so it is dropped and a space keeps the width.
    cr_assert_str_eq(s_trunc(buf, sizeof buf, "滨河社区", 6, 6), "滨河" ELL " ");
    cr_assert_str_eq(s_trunc(buf, sizeof buf, "滨河社区", 4, 4), "滨" ELL " ");
    cr_assert_str_eq(s_trunc(buf, sizeof buf, "滨河社区", 2, 2), ELL " ");
    cr_assert_str_eq(s_trunc(buf, sizeof buf, "ab滨河", 4, 4), "ab" ELL " ");
    cr_assert_str_eq(s_trunc(buf, sizeof buf, "a滨河", 3, 3), "a" ELL " ");
}

Test(text, truncate_keeps_trailing_combining_mark)
{
    char buf[64];
    cr_assert_str_eq(s_trunc(buf, sizeof buf, "e\xCC\x81xyz", 2, 2), "e\xCC\x81" ELL);
}

Test(text, truncate_every_width_is_exact)
{
    const char *texts[] = {
        "滨河社区",     "康巴什区",        "A栋3单元",   "Room 302（滨河）",
        "a滨b河c社d区", "cafe\xCC\x81 滨", "、。「」，", "plain",
    };
    char buf[128];
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        size_t full = s_width(texts[i]);
        for (size_t max = 0; max <= full + 2; max++) {
            size_t cols;
            size_t want = max < full ? max : full;
            cr_assert_eq(hj_text_truncate(buf, sizeof buf, texts[i], strlen(texts[i]), max, &cols),
                         0);
            cr_assert(hj_utf8_valid(buf, strlen(buf)));
            cr_assert_eq(cols, want, "\"%s\" to %zu", texts[i], max);
            cr_assert_eq(s_width(buf), want, "\"%s\" to %zu -> \"%s\"", texts[i], max, buf);
            if (max < full && max > 0)
                cr_assert(strstr(buf, ELL) != NULL, "\"%s\"", buf);
            else
                cr_assert(strstr(buf, ELL) == NULL, "\"%s\"", buf);
        }
    }
}

Test(text, truncate_buffer_size)
{
    char buf[16];
    //  "滨河" + "…" = 9 bytes + NUL
    memset(buf, 'x', sizeof buf);
    cr_assert_eq(hj_text_truncate(buf, 10, "滨河社区", 12, 5, NULL), 0);
    cr_assert_str_eq(buf, "滨河" ELL);
    memset(buf, 'x', sizeof buf);
    cr_assert_eq(hj_text_truncate(buf, 9, "滨河社区", 12, 5, NULL), -1);
    cr_assert_str_eq(buf, "");
    cr_assert_eq(hj_text_truncate(buf, 0, "ab", 2, 5, NULL), -1);
    cr_assert_eq(hj_text_truncate(NULL, 10, "ab", 2, 5, NULL), -1);
    cr_assert_eq(hj_text_truncate(buf, 3, "ab", 2, 5, NULL), 0);
    cr_assert_str_eq(buf, "ab");
    cr_assert_eq(hj_text_truncate(buf, 2, "ab", 2, 5, NULL), -1);
}

Test(text, truncate_rejects_invalid)
{
    char buf[16] = "keep";
    cr_assert_eq(hj_text_truncate(buf, sizeof buf, "ab\xFF", 3, 10, NULL), -1);
    cr_assert_str_eq(buf, "");
    cr_assert_eq(hj_text_truncate(buf, sizeof buf, "ab\xED\xA0\x80", 5, 1, NULL), -1);
}

Test(text, pad_left_and_right)
{
    char buf[64];
    cr_assert_eq(hj_text_pad(buf, sizeof buf, "滨河", 6, 6, HJ_TEXT_ALIGN_LEFT), 0);
    cr_assert_str_eq(buf, "滨河  ");
    cr_assert_eq(hj_text_pad(buf, sizeof buf, "滨河", 6, 6, HJ_TEXT_ALIGN_RIGHT), 0);
    cr_assert_str_eq(buf, "  滨河");
    cr_assert_eq(hj_text_pad(buf, sizeof buf, "A栋", 4, 5, HJ_TEXT_ALIGN_RIGHT), 0);
    cr_assert_str_eq(buf, "  A栋");
    cr_assert_eq(hj_text_pad(buf, sizeof buf, "滨河", 6, 4, HJ_TEXT_ALIGN_RIGHT), 0);
    cr_assert_str_eq(buf, "滨河");
    cr_assert_eq(hj_text_pad(buf, sizeof buf, "", 0, 3, HJ_TEXT_ALIGN_LEFT), 0);
    cr_assert_str_eq(buf, "   ");
}

Test(text, pad_truncates_wide_text)
{
    char buf[64];
    cr_assert_eq(hj_text_pad(buf, sizeof buf, "滨河社区", 12, 5, HJ_TEXT_ALIGN_LEFT), 0);
    cr_assert_str_eq(buf, "滨河" ELL);
    cr_assert_eq(hj_text_pad(buf, sizeof buf, "滨河社区", 12, 6, HJ_TEXT_ALIGN_RIGHT), 0);
    cr_assert_str_eq(buf, "滨河" ELL " ");
    cr_assert_eq(s_width(buf), 6);
}

Test(text, pad_every_width_is_exact)
{
    const char *texts[] = {"滨河社区", "康巴什区", "A栋3单元", "x", ""};
    char buf[128];
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        for (size_t cols = 0; cols <= 12; cols++)
            for (int a = 0; a < 2; a++) {
                hj_text_align_t align = a ? HJ_TEXT_ALIGN_RIGHT : HJ_TEXT_ALIGN_LEFT;
                cr_assert_eq(hj_text_pad(buf, sizeof buf, texts[i], strlen(texts[i]), cols, align),
                             0);
                cr_assert_eq(s_width(buf), cols, "\"%s\" pad %zu -> \"%s\"", texts[i], cols, buf);
            }
}

Test(text, pad_errors)
{
    char buf[8];
    cr_assert_eq(hj_text_pad(buf, sizeof buf, "ab", 2, 8, HJ_TEXT_ALIGN_LEFT), -1);
    cr_assert_str_eq(buf, "");
    cr_assert_eq(hj_text_pad(buf, sizeof buf, "ab", 2, 7, HJ_TEXT_ALIGN_LEFT), 0);
    cr_assert_str_eq(buf, "ab     ");
    cr_assert_eq(hj_text_pad(buf, sizeof buf, "\xE6\xBB", 2, 4, HJ_TEXT_ALIGN_RIGHT), -1);
    cr_assert_eq(hj_text_pad(NULL, 0, "ab", 2, 4, HJ_TEXT_ALIGN_RIGHT), -1);
}

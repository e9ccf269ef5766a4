/*  Unit tests for hj_csv: reader, writer, round trip, errors with lines. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "hj_csv.h"

#define BOM "\xEF\xBB\xBF"

//  Reads one record and checks its line and fields (NULL-terminated list).
static void s_expect(hj_csv_reader_t *r, size_t line, const char *const *want)
{
    hj_csv_record_t rec;
    size_t n = 0;
    int rc = hj_csv_next(r, &rec);
    cr_assert_eq(rc, 1, "expected a record at line %zu, got %d (%s)", line, rc, hj_csv_error(r));
    while (want[n])
        n++;
    cr_assert_eq(rec.line, line, "record line %zu, want %zu", rec.line, line);
    cr_assert_eq(rec.count, n, "line %zu: %zu fields, want %zu", line, rec.count, n);
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(rec.lengths[i], strlen(want[i]), "line %zu field %zu", line, i);
        cr_assert_eq(memcmp(rec.fields[i], want[i], rec.lengths[i]), 0,
                     "line %zu field %zu: \"%s\" want \"%s\"", line, i, rec.fields[i], want[i]);
        cr_assert_eq(rec.fields[i][rec.lengths[i]], '\0');
    }
}

static void s_expect_end(hj_csv_reader_t *r)
{
    hj_csv_record_t rec;
    cr_assert_eq(hj_csv_next(r, &rec), 0, "expected end (%s)", hj_csv_error(r));
    cr_assert_eq(hj_csv_next(r, &rec), 0, "end is stable");
}

static hj_csv_reader_t *s_reader(const char *text)
{
    hj_csv_reader_t *r = hj_csv_reader_new(text, strlen(text));
    cr_assert_not_null(r);
    return r;
}

//  Reads records until an error; checks its line and message.
static void s_expect_error(const char *buf, size_t len, size_t line, const char *what)
{
    hj_csv_reader_t *r = hj_csv_reader_new(buf, len);
    hj_csv_record_t rec;
    char prefix[32];
    int rc;
    cr_assert_not_null(r);
    while ((rc = hj_csv_next(r, &rec)) == 1)
        ;
    cr_assert_eq(rc, -1, "expected an error (%s)", what);
    cr_assert_eq(hj_csv_error_line(r), line, "error line %zu want %zu: %s", hj_csv_error_line(r),
                 line, hj_csv_error(r));
    snprintf(prefix, sizeof prefix, "line %zu", line);
    cr_assert(strncmp(hj_csv_error(r), prefix, strlen(prefix)) == 0, "\"%s\" starts with \"%s\"",
              hj_csv_error(r), prefix);
    cr_assert(strstr(hj_csv_error(r), what) != NULL, "\"%s\" mentions \"%s\"", hj_csv_error(r),
              what);
    cr_assert_eq(hj_csv_next(r, &rec), -1, "errors are sticky");
    hj_csv_reader_destroy(&r);
}

#define ROW(...) ((const char *const[]){__VA_ARGS__, NULL})

Test(csv_read, simple_lf_and_crlf)
{
    hj_csv_reader_t *r = s_reader("id,name,district\n1,滨河社区,康巴什区\r\n2,x,y");
    s_expect(r, 1, ROW("id", "name", "district"));
    s_expect(r, 2, ROW("1", "滨河社区", "康巴什区"));
    s_expect(r, 3, ROW("2", "x", "y"));
    s_expect_end(r);
    cr_assert_str_eq(hj_csv_error(r), "");
    hj_csv_reader_destroy(&r);
    cr_assert_null(r);
    hj_csv_reader_destroy(&r);
}

Test(csv_read, empty_fields)
{
    hj_csv_reader_t *r = s_reader(",,\na,\n,b\n\"\"\n\"\",\"\"\n");
    s_expect(r, 1, ROW("", "", ""));
    s_expect(r, 2, ROW("a", ""));
    s_expect(r, 3, ROW("", "b"));
    s_expect(r, 4, ROW(""));
    s_expect(r, 5, ROW("", ""));
    s_expect_end(r);
    hj_csv_reader_destroy(&r);
}

Test(csv_read, quoted_fields)
{
    hj_csv_reader_t *r = s_reader("\"a,b\",\"say \"\"hi\"\"\",\"\"\"\",\" sp \"\n"
                                  "\"滨河,社区\",plain\n");
    s_expect(r, 1, ROW("a,b", "say \"hi\"", "\"", " sp "));
    s_expect(r, 2, ROW("滨河,社区", "plain"));
    s_expect_end(r);
    hj_csv_reader_destroy(&r);
}

Test(csv_read, line_numbers_after_multiline_field)
{
    hj_csv_reader_t *r = s_reader("id,note\n"                        //  1
                                  "1,\"滨河社区\n二号楼\n三单元\"\n" //  2..4
                                  "2,\"a\r\nb\"\r\n" //  5..6, CRLF kept inside quotes
                                  "3,康巴什区\n");   //  7
    s_expect(r, 1, ROW("id", "note"));
    s_expect(r, 2, ROW("1", "滨河社区\n二号楼\n三单元"));
    s_expect(r, 5, ROW("2", "a\r\nb"));
    s_expect(r, 7, ROW("3", "康巴什区"));
    s_expect_end(r);
    hj_csv_reader_destroy(&r);
}

Test(csv_read, blank_lines_skipped_but_counted)
{
    hj_csv_reader_t *r = s_reader("\na\n\r\n\nb\n\n");
    s_expect(r, 2, ROW("a"));
    s_expect(r, 5, ROW("b"));
    s_expect_end(r);
    hj_csv_reader_destroy(&r);
}

Test(csv_read, bom_is_skipped)
{
    hj_csv_reader_t *r = s_reader(BOM "名称,人口\n滨河社区,1200\n");
    s_expect(r, 1, ROW("名称", "人口"));
    s_expect(r, 2, ROW("滨河社区", "1200"));
    s_expect_end(r);
    hj_csv_reader_destroy(&r);

    r = s_reader(BOM "\"q\"\n");
    s_expect(r, 1, ROW("q"));
    s_expect_end(r);
    hj_csv_reader_destroy(&r);

    //  Only one BOM, only at the start.
    r = s_reader(BOM BOM "x\n");
    s_expect(r, 1, ROW(BOM "x"));
    hj_csv_reader_destroy(&r);
    r = s_reader("a\n" BOM "b\n");
    s_expect(r, 1, ROW("a"));
    s_expect(r, 2, ROW(BOM "b"));
    hj_csv_reader_destroy(&r);
}

Test(csv_read, empty_inputs)
{
    const char *inputs[] = {"", BOM, "\n", "\r\n\r\n", BOM "\n"};
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        hj_csv_reader_t *r = s_reader(inputs[i]);
        s_expect_end(r);
        hj_csv_reader_destroy(&r);
    }
    hj_csv_reader_t *r = hj_csv_reader_new(NULL, 0);
    cr_assert_not_null(r);
    s_expect_end(r);
    hj_csv_reader_destroy(&r);
    cr_assert_null(hj_csv_reader_new(NULL, 3));
}

Test(csv_read, many_and_long_fields)
{
    char text[4096];
    char big[1001];
    size_t n = 0;
    memset(big, 'z', 1000);
    big[1000] = '\0';
    for (int i = 0; i < 40; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "%s%d", i ? "," : "", i);
    n += (size_t)snprintf(text + n, sizeof text - n, "\n\"%s\",%s\n", big, big);
    hj_csv_reader_t *r = hj_csv_reader_new(text, n);
    hj_csv_record_t rec;
    cr_assert_eq(hj_csv_next(r, &rec), 1);
    cr_assert_eq(rec.count, 40);
    cr_assert_str_eq(rec.fields[0], "0");
    cr_assert_str_eq(rec.fields[39], "39");
    s_expect(r, 2, ROW(big, big));
    s_expect_end(r);
    hj_csv_reader_destroy(&r);
}

//  The malformed texts: each with the line and the words of its error.
typedef struct {
    const char *text;
    size_t len; //  0: strlen(text)
    size_t line;
    const char *what;
} s_bad_t;

static const s_bad_t s_bad[] = {
    {"a,b\nc,\"滨河\n社区\nno end\n", 0, 2, "unterminated"},
    {"\"", 0, 1, "unterminated"},
    {"x\ny\n\"a\"\"", 0, 3, "unterminated"},
    {"a,b\n\"multi\nline\",ok\nc,d\"e\n", 0, 4, "quote inside unquoted field"},
    {"ab\"c\"\n", 0, 1, "quote inside unquoted field"},
    {"x\n \"lead space\"\n", 0, 2, "quote inside unquoted field"},
    {"ok\n\"a\"b,c\n", 0, 2, "after closing quote"},
    {"\"a\n\"x\n", 0, 2, "after closing quote"},
    {"ok\n\"multi\nline\",\xFF\n", 0, 3, "invalid UTF-8"},
    {"a\nb\n\"x\n\xE6\xBB\"\n", 0, 4, "invalid UTF-8"}, //  truncated 滨 in quotes
    {"\xED\xA0\x80\n", 0, 1, "invalid UTF-8"},          //  surrogate
    {"a,\xC0\xAF\n", 0, 1, "invalid UTF-8"},            //  overlong
    {"a\nb,c\xE6", 0, 2, "invalid UTF-8"},              //  truncated at end of buffer
    {"a\nb\0c\n", 6, 2, "NUL"},
    {"a\nb\rc\n", 0, 2, "CR"},
    {"a\r", 0, 1, "CR"},
};

//  Every malformed text whose error says one of the words of `what`
//  (NULL-ended) gives that error at its line.
static void s_expect_errors(const char *const *what)
{
    size_t checked = 0;
    for (size_t i = 0; i < sizeof s_bad / sizeof s_bad[0]; i++)
        for (size_t w = 0; what[w]; w++)
            if (strcmp(s_bad[i].what, what[w]) == 0) {
                const s_bad_t *b = &s_bad[i];
                s_expect_error(b->text, b->len ? b->len : strlen(b->text), b->line, b->what);
                checked++;
            }
    cr_assert_gt(checked, 0, "no malformed text for %s", what[0]);
}

Test(csv_error, unterminated_quote_reports_opening_line)
{
    s_expect_errors((const char *const[]){"unterminated", NULL});
}

Test(csv_error, stray_quote_in_unquoted_field)
{
    s_expect_errors((const char *const[]){"quote inside unquoted field", NULL});
}

Test(csv_error, text_after_closing_quote)
{
    s_expect_errors((const char *const[]){"after closing quote", NULL});
}

Test(csv_error, invalid_utf8_with_line)
{
    s_expect_errors((const char *const[]){"invalid UTF-8", "NUL", NULL});
}

Test(csv_error, bare_cr)
{
    s_expect_errors((const char *const[]){"CR", NULL});
}

Test(csv_error, records_before_error_are_returned)
{
    const char *t = "1,滨河社区\n2,康巴什区\n3,\"oops\n";
    hj_csv_reader_t *r = s_reader(t);
    hj_csv_record_t rec;
    s_expect(r, 1, ROW("1", "滨河社区"));
    s_expect(r, 2, ROW("2", "康巴什区"));
    cr_assert_eq(hj_csv_next(r, &rec), -1);
    cr_assert_eq(hj_csv_error_line(r), 3);
    cr_assert(strstr(hj_csv_error(r), "field 2") != NULL, "%s", hj_csv_error(r));
    hj_csv_reader_destroy(&r);
}

static const char *s_write_one(hj_csv_writer_t *w, const char *const *row)
{
    size_t n = 0;
    while (row[n])
        n++;
    cr_assert_eq(hj_csv_write(w, row, n), 0);
    return hj_csv_writer_data(w, NULL);
}

Test(csv_write, quotes_only_when_needed)
{
    struct {
        const char *field;
        const char *out;
    } t[] = {
        {"plain", "plain"},
        {"滨河社区", "滨河社区"},
        {"a b", "a b"},
        {"a,b", "\"a,b\""},
        {"say \"hi\"", "\"say \"\"hi\"\"\""},
        {"two\nlines", "\"two\nlines\""},
        {"cr\rhere", "\"cr\rhere\""},
        {" lead", "\" lead\""},
        {"trail ", "\"trail \""},
        {"\ttab", "\"\ttab\""},
        {"", ""},
    };
    char want[64];
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        hj_csv_writer_t *w = hj_csv_writer_new(0);
        cr_assert_not_null(w);
        snprintf(want, sizeof want, "%s,x\n", t[i].out);
        cr_assert_str_eq(s_write_one(w, ROW(t[i].field, "x")), want);
        hj_csv_writer_destroy(&w);
        cr_assert_null(w);
        hj_csv_writer_destroy(&w);
    }
}

Test(csv_write, single_empty_field_is_quoted)
{
    hj_csv_writer_t *w = hj_csv_writer_new(0);
    cr_assert_str_eq(s_write_one(w, ROW("")), "\"\"\n");
    cr_assert_str_eq(s_write_one(w, ROW("", "")), "\"\"\n,\n");
    hj_csv_writer_destroy(&w);
}

Test(csv_write, crlf_and_bom_options)
{
    size_t len = 0;
    hj_csv_writer_t *w = hj_csv_writer_new(HJ_CSV_CRLF | HJ_CSV_BOM);
    cr_assert_str_eq(hj_csv_writer_data(w, &len), BOM);
    cr_assert_eq(len, 3);
    s_write_one(w, ROW("名称", "a\nb"));
    cr_assert_str_eq(s_write_one(w, ROW("x")), BOM "名称,\"a\nb\"\r\nx\r\n");
    hj_csv_writer_destroy(&w);

    w = hj_csv_writer_new(0);
    cr_assert_str_eq(hj_csv_writer_data(w, &len), "");
    cr_assert_eq(len, 0);
    cr_assert_str_eq(s_write_one(w, ROW("x", "y")), "x,y\n");
    hj_csv_writer_destroy(&w);
}

Test(csv_write, leading_bom_in_field_survives)
{
    hj_csv_writer_t *w = hj_csv_writer_new(0);
    const char *out = s_write_one(w, ROW(BOM "x", "y"));
    hj_csv_reader_t *r = s_reader(out);
    s_expect(r, 1, ROW(BOM "x", "y"));
    hj_csv_reader_destroy(&r);
    hj_csv_writer_destroy(&w);
}

Test(csv_write, rejects_bad_input_and_writes_nothing)
{
    hj_csv_writer_t *w = hj_csv_writer_new(0);
    size_t len;
    s_write_one(w, ROW("ok"));
    cr_assert_eq(hj_csv_write(w, ROW("good", "bad\xFF"), 2), -1);
    cr_assert_eq(hj_csv_write(w, ROW("\xED\xA0\x80"), 1), -1);
    cr_assert_eq(hj_csv_write(w, (const char *const[]){"a", NULL}, 2), -1);
    cr_assert_eq(hj_csv_write(w, ROW("a"), 0), -1);
    cr_assert_eq(hj_csv_write(w, NULL, 1), -1);
    cr_assert_eq(hj_csv_write(NULL, ROW("a"), 1), -1);
    cr_assert_str_eq(hj_csv_writer_data(w, &len), "ok\n");
    cr_assert_eq(len, 3);
    hj_csv_writer_destroy(&w);
    cr_assert_null(hj_csv_writer_new_file(NULL, 0));
}

Test(csv_write, file_writer_matches_memory_writer)
{
    const char *const *rows[] = {
        ROW("名称", "备注"),
        ROW("滨河社区", "a,\"b\"\nc"),
        ROW(""),
    };
    FILE *f = tmpfile();
    cr_assert_not_null(f);
    hj_csv_writer_t *fw = hj_csv_writer_new_file(f, HJ_CSV_BOM | HJ_CSV_CRLF);
    hj_csv_writer_t *mw = hj_csv_writer_new(HJ_CSV_BOM | HJ_CSV_CRLF);
    cr_assert_not_null(fw);
    cr_assert_null(hj_csv_writer_data(fw, NULL));
    for (size_t i = 0; i < 3; i++) {
        s_write_one(mw, rows[i]);
        s_write_one(fw, rows[i]);
    }
    cr_assert_eq(hj_csv_write(fw, ROW("\xFF"), 1), -1);
    size_t len;
    const char *want = hj_csv_writer_data(mw, &len);
    char got[256];
    cr_assert_eq(fseek(f, 0, SEEK_SET), 0);
    size_t n = fread(got, 1, sizeof got, f);
    cr_assert_eq(n, len);
    cr_assert_eq(memcmp(got, want, len), 0);
    hj_csv_writer_destroy(&fw);
    hj_csv_writer_destroy(&mw);
    fclose(f);
}

//  Writes rows, reads them back: same fields, lines where the LFs say.
static void s_round_trip(int flags)
{
    const char *const *rows[] = {
        ROW("社区", "街道", "备注"),
        ROW("滨河社区", "康巴什区", "普通"),
        ROW("逗号,社区", "引号\"社区\"", "换行\n社区"),
        ROW("CRLF\r\n内", " 前空格", "后空格 "),
        ROW("", "", ""),
        ROW(""),
        ROW("\"", ",", "\n"),
        ROW("鄂尔多斯市，康巴什区。「滨河」", "mixed ASCII 和 中文", "x"),
        ROW("end"),
    };
    size_t nrows = sizeof rows / sizeof rows[0];
    hj_csv_writer_t *w = hj_csv_writer_new(flags);
    size_t len;
    for (size_t i = 0; i < nrows; i++)
        s_write_one(w, rows[i]);
    const char *out = hj_csv_writer_data(w, &len);
    cr_assert_eq(memcmp(out, BOM, 3) == 0, (flags & HJ_CSV_BOM) != 0);

    hj_csv_reader_t *r = hj_csv_reader_new(out, len);
    size_t line = 1;
    for (size_t i = 0; i < nrows; i++) {
        s_expect(r, line, rows[i]);
        for (size_t f = 0; rows[i][f]; f++)
            for (const char *p = rows[i][f]; *p; p++)
                line += *p == '\n';
        line++;
    }
    s_expect_end(r);
    hj_csv_reader_destroy(&r);
    hj_csv_writer_destroy(&w);
}

Test(csv_round_trip, lf)
{
    s_round_trip(0);
}
Test(csv_round_trip, crlf)
{
    s_round_trip(HJ_CSV_CRLF);
}
Test(csv_round_trip, lf_bom)
{
    s_round_trip(HJ_CSV_BOM);
}
Test(csv_round_trip, crlf_bom)
{
    s_round_trip(HJ_CSV_CRLF | HJ_CSV_BOM);
}

/*  hj_csv - RFC 4180 CSV reader and writer.  See hj_csv.h. */
#include "hj_csv.h"
#include "hj_text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define S_BOM "\xEF\xBB\xBF"
#define S_BOM_LEN 3

//  Growable byte buffer, always NUL-terminated when data != NULL.

typedef struct {
    char *data;
    size_t len;
    size_t cap;
} s_buf_t;

static int s_buf_reserve(s_buf_t *b, size_t more)
{
    size_t cap = b->cap ? b->cap : 256;
    char *data;
    if (more > SIZE_MAX - b->len - 1)
        goto fail;
    if (b->len + more + 1 <= b->cap)
        return 0;
    while (cap < b->len + more + 1)
        cap = cap > SIZE_MAX / 2 ? b->len + more + 1 : cap * 2;
    data = realloc(b->data, cap);
    if (!data)
        goto fail;
    b->data = data;
    b->cap = cap;
    return 0;

fail:
    return -1;
}

static int s_buf_put(s_buf_t *b, const char *src, size_t n)
{
    if (s_buf_reserve(b, n) != 0)
        return -1;
    memcpy(b->data + b->len, src, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

static int s_buf_putc(s_buf_t *b, char c)
{
    return s_buf_put(b, &c, 1);
}

//  --------------------------------------------------------------------------
//  Reader

struct _hj_csv_reader_t {
    const char *buf;
    size_t len;
    size_t pos;
    size_t line;     //  line of buf[pos]
    s_buf_t data;    //  field bytes of the current record
    size_t *offsets; //  field starts in data
    size_t *lengths;
    const char **fields;
    size_t nfields;
    size_t fields_cap;
    size_t field_no; //  1-based, for error messages
    int failed;
    size_t error_line;
    char error[128];
};

typedef enum { S_FIELD_MORE, S_RECORD_END } s_field_end_t;

hj_csv_reader_t *hj_csv_reader_new(const char *buf, size_t len)
{
    hj_csv_reader_t *r = NULL;
    if (!buf && len > 0)
        goto fail;
    r = calloc(1, sizeof *r);
    if (!r)
        goto fail;
    r->buf = buf;
    r->len = len;
    r->line = 1;
    if (len >= S_BOM_LEN && memcmp(buf, S_BOM, S_BOM_LEN) == 0)
        r->pos = S_BOM_LEN;
    return r;

fail:
    return NULL;
}

void hj_csv_reader_destroy(hj_csv_reader_t **p)
{
    if (p && *p) {
        hj_csv_reader_t *r = *p;
        free(r->data.data);
        free(r->offsets);
        free(r->lengths);
        free(r->fields);
        free(r);
        *p = NULL;
    }
}

const char *hj_csv_error(hj_csv_reader_t *r)
{
    return r ? r->error : "no reader";
}

size_t hj_csv_error_line(hj_csv_reader_t *r)
{
    return r ? r->error_line : 0;
}

//  Records an error at line; returns -1.

static int s_fail(hj_csv_reader_t *r, size_t line, const char *what)
{
    r->failed = 1;
    r->error_line = line;
    if (r->field_no > 0)
        snprintf(r->error, sizeof r->error, "line %zu, field %zu: %s", line, r->field_no, what);
    else
        snprintf(r->error, sizeof r->error, "line %zu: %s", line, what);
    return -1;
}

//  Copies the byte at r->pos, or the whole UTF-8 sequence starting there;
//  counts LF.  Sets *err on failure.

static int s_take(hj_csv_reader_t *r, const char **err)
{
    const char *at = r->buf + r->pos;
    uint32_t cp;
    size_t n = 1;
    if (*at == '\0') {
        *err = "NUL byte";
        goto fail;
    }
    if ((unsigned char)*at >= 0x80 && hj_utf8_decode(at, r->len - r->pos, &cp, &n) != 0) {
        *err = "invalid UTF-8";
        goto fail;
    }
    if (s_buf_put(&r->data, at, n) != 0) {
        *err = "out of memory";
        goto fail;
    }
    if (*at == '\n')
        r->line++;
    r->pos += n;
    return 0;

fail:
    return -1;
}

//  Consumes a line end (LF or CRLF) at r->pos if there is one: 1 if it did.

static int s_line_end(hj_csv_reader_t *r)
{
    const char *b = r->buf;
    size_t n = 0;
    if (r->pos < r->len && b[r->pos] == '\n')
        n = 1;
    else if (r->pos + 1 < r->len && b[r->pos] == '\r' && b[r->pos + 1] == '\n')
        n = 2;
    r->pos += n;
    if (n)
        r->line++;
    return n > 0;
}

//  Parses a quoted field at r->pos (on its opening quote) and what follows
//  its closing quote.

static int s_quoted(hj_csv_reader_t *r, s_field_end_t *end)
{
    size_t err_line = r->line;
    const char *err = NULL;
    int closed = 0;
    r->pos++; //  opening quote
    while (!closed) {
        if (r->pos >= r->len) {
            err = "unterminated quoted field";
            goto fail; //  reported on the opening line
        }
        if (r->buf[r->pos] != '"') {
            if (s_take(r, &err) != 0) {
                err_line = r->line;
                goto fail;
            }
        } else if (r->pos + 1 < r->len && r->buf[r->pos + 1] == '"') {
            r->pos++; //  doubled quote: keep the second
            if (s_take(r, &err) != 0) {
                err_line = r->line;
                goto fail;
            }
        } else {
            r->pos++;
            closed = 1;
        }
    }
    if (r->pos >= r->len || s_line_end(r))
        *end = S_RECORD_END;
    else if (r->buf[r->pos] == ',') {
        r->pos++;
        *end = S_FIELD_MORE;
    } else {
        err = "unexpected character after closing quote";
        err_line = r->line;
        goto fail;
    }
    return 0;

fail:
    return s_fail(r, err_line, err);
}

//  Parses an unquoted field at r->pos and the comma or line end after it.

static int s_unquoted(hj_csv_reader_t *r, s_field_end_t *end)
{
    const char *err = NULL;
    *end = S_RECORD_END; //  unless a comma comes first
    while (r->pos < r->len) {
        char c = r->buf[r->pos];
        if (c == ',') {
            r->pos++;
            *end = S_FIELD_MORE;
            break;
        }
        if (s_line_end(r))
            break;
        if (c == '\r')
            err = "CR without LF outside quotes";
        else if (c == '"')
            err = "quote inside unquoted field";
        if (err || s_take(r, &err) != 0)
            goto fail;
    }
    return 0;

fail:
    return s_fail(r, r->line, err);
}

//  Closes the current field: NUL-terminates it and records its span.

static int s_end_field(hj_csv_reader_t *r, size_t start)
{
    if (r->nfields == r->fields_cap) {
        size_t cap = r->fields_cap ? r->fields_cap * 2 : 16;
        size_t *offsets = realloc(r->offsets, cap * sizeof *offsets);
        size_t *lengths;
        const char **fields;
        if (!offsets)
            goto fail;
        r->offsets = offsets;
        lengths = realloc(r->lengths, cap * sizeof *lengths);
        if (!lengths)
            goto fail;
        r->lengths = lengths;
        fields = realloc(r->fields, cap * sizeof *fields);
        if (!fields)
            goto fail;
        r->fields = fields;
        r->fields_cap = cap;
    }
    r->offsets[r->nfields] = start;
    r->lengths[r->nfields] = r->data.len - start;
    r->nfields++;
    if (s_buf_putc(&r->data, '\0') != 0)
        goto fail;
    return 0;

fail:
    return s_fail(r, r->line, "out of memory");
}

int hj_csv_next(hj_csv_reader_t *r, hj_csv_record_t *rec)
{
    s_field_end_t end = S_FIELD_MORE;
    size_t line;
    size_t i;
    int rc = -1;

    if (!r || !rec || r->failed)
        goto done;
    while (s_line_end(r))
        ; //  skip blank lines
    if (r->pos >= r->len) {
        rc = 0;
        goto done;
    }
    line = r->line;
    r->data.len = 0;
    r->nfields = 0;
    r->field_no = 0;
    while (end == S_FIELD_MORE) {
        size_t start = r->data.len;
        int step;
        r->field_no++;
        if (r->pos < r->len && r->buf[r->pos] == '"')
            step = s_quoted(r, &end);
        else
            step = s_unquoted(r, &end);
        if (step != 0 || s_end_field(r, start) != 0)
            goto done;
    }
    //  data no longer grows for this record: pointers are now stable.
    for (i = 0; i < r->nfields; i++)
        r->fields[i] = r->data.data + r->offsets[i];
    rec->count = r->nfields;
    rec->fields = r->fields;
    rec->lengths = r->lengths;
    rec->line = line;
    rc = 1;

done:
    return rc;
}

//  --------------------------------------------------------------------------
//  Writer

struct _hj_csv_writer_t {
    FILE *file; //  NULL: memory writer
    int flags;
    s_buf_t buf; //  memory: all output; file: one record
};

static hj_csv_writer_t *s_writer_new(FILE *file, int flags)
{
    hj_csv_writer_t *w = calloc(1, sizeof *w);
    if (!w)
        goto fail;
    w->file = file;
    w->flags = flags;
    if (s_buf_reserve(&w->buf, 0) != 0)
        goto fail;
    w->buf.data[0] = '\0';
    if (flags & HJ_CSV_BOM) {
        if (file) {
            if (fwrite(S_BOM, 1, S_BOM_LEN, file) != S_BOM_LEN)
                goto fail;
        } else if (s_buf_put(&w->buf, S_BOM, S_BOM_LEN) != 0)
            goto fail;
    }
    return w;

fail:
    hj_csv_writer_destroy(&w);
    return NULL;
}

hj_csv_writer_t *hj_csv_writer_new(int flags)
{
    return s_writer_new(NULL, flags);
}

hj_csv_writer_t *hj_csv_writer_new_file(FILE *file, int flags)
{
    return file ? s_writer_new(file, flags) : NULL;
}

void hj_csv_writer_destroy(hj_csv_writer_t **p)
{
    if (p && *p) {
        free((*p)->buf.data);
        free(*p);
        *p = NULL;
    }
}

const char *hj_csv_writer_data(hj_csv_writer_t *w, size_t *len)
{
    if (!w || w->file)
        return NULL;
    if (len)
        *len = w->buf.len;
    return w->buf.data;
}

static int s_needs_quotes(const char *s, size_t n, int alone)
{
    if (n == 0)
        return alone;
    if (strpbrk(s, ",\"\r\n"))
        return 1;
    if (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t')
        return 1;
    //  A leading BOM would be eaten by the reader at the start of a file.
    return n >= S_BOM_LEN && memcmp(s, S_BOM, S_BOM_LEN) == 0;
}

static int s_put_field(s_buf_t *b, const char *s, int alone)
{
    size_t n = strlen(s);
    size_t i;
    if (!hj_utf8_valid(s, n))
        goto fail;
    if (!s_needs_quotes(s, n, alone))
        return s_buf_put(b, s, n);
    if (s_buf_putc(b, '"') != 0)
        goto fail;
    for (i = 0; i < n; i++) {
        if (s[i] == '"' && s_buf_putc(b, '"') != 0)
            goto fail;
        if (s_buf_putc(b, s[i]) != 0)
            goto fail;
    }
    return s_buf_putc(b, '"');

fail:
    return -1;
}

int hj_csv_write(hj_csv_writer_t *w, const char *const *fields, size_t count)
{
    const char *eol;
    size_t start = w ? w->buf.len : 0; //  rolled back to on failure
    size_t i;
    if (!w || !fields || count == 0)
        goto fail;
    eol = (w->flags & HJ_CSV_CRLF) ? "\r\n" : "\n";
    for (i = 0; i < count; i++) {
        if (!fields[i] || (i > 0 && s_buf_putc(&w->buf, ',') != 0) ||
            s_put_field(&w->buf, fields[i], count == 1) != 0)
            goto fail;
    }
    if (s_buf_put(&w->buf, eol, strlen(eol)) != 0)
        goto fail;
    if (w->file) {
        size_t n = w->buf.len;
        w->buf.len = 0; //  the record leaves the buffer
        if (fwrite(w->buf.data, 1, n, w->file) != n)
            goto fail;
    }
    return 0;

fail:
    if (w && w->buf.data) {
        w->buf.len = start;
        w->buf.data[start] = '\0';
    }
    return -1;
}

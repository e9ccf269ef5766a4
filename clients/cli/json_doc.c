#include "json_doc.h"
#include "hj_text.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_DEPTH_MAX 32

typedef struct {
    const char *s;
    size_t len, pos;
    int line, depth;
    char *err;
    size_t err_size;
    int failed;
} s_parser_t;

static void *s_fail(s_parser_t *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void *s_fail(s_parser_t *p, const char *fmt, ...)
{
    if (!p->failed) {
        int n = snprintf(p->err, p->err_size, "line %d: ", p->line);
        va_list ap;
        va_start(ap, fmt);
        if (n >= 0 && (size_t)n < p->err_size)
            vsnprintf(p->err + n, p->err_size - (size_t)n, fmt, ap);
        va_end(ap);
        p->failed = 1;
    }
    return NULL;
}

static void s_skip_space(s_parser_t *p)
{
    while (p->pos < p->len) {
        char c = p->s[p->pos];
        if (c == '\n')
            p->line++;
        else if (c != ' ' && c != '\t' && c != '\r')
            return;
        p->pos++;
    }
}

static int s_peek(s_parser_t *p)
{
    return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1;
}

static json_doc_t *s_new(s_parser_t *p, json_doc_type_t type)
{
    json_doc_t *v = calloc(1, sizeof *v);
    if (!v)
        return s_fail(p, "out of memory");
    v->type = type;
    v->line = p->line;
    return v;
}

static int s_hex4(s_parser_t *p, uint32_t *out)
{
    uint32_t v = 0;
    if (p->len - p->pos < 4)
        return -1;
    for (int i = 0; i < 4; i++) {
        char c = p->s[p->pos++];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (uint32_t)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

static size_t s_utf8_encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* At the opening quote. Returns the decoded string (malloc'd) or NULL. */
static char *s_string(s_parser_t *p)
{
    /* The decoded text is never longer than the source. */
    size_t start = ++p->pos, at = 0;
    char *out = malloc(p->len - start + 1);
    if (!out)
        return s_fail(p, "out of memory");
    for (;;) {
        if (p->pos >= p->len) {
            free(out);
            return s_fail(p, "unterminated string");
        }
        unsigned char c = (unsigned char)p->s[p->pos++];
        if (c == '"')
            break;
        if (c < 0x20) {
            free(out);
            return s_fail(p, "a control character (such as a raw line break) inside a string: "
                             "write it as \\n or \\t");
        }
        if (c != '\\') {
            out[at++] = (char)c;
            continue;
        }
        if (p->pos >= p->len) {
            free(out);
            return s_fail(p, "unterminated string");
        }
        char e = p->s[p->pos++];
        const char *simple = strchr("\"\\/bfnrt", e);
        if (simple && e) {
            static const char map[] = "\"\\/\b\f\n\r\t";
            out[at++] = map[simple - "\"\\/bfnrt"];
            continue;
        }
        if (e != 'u') {
            free(out);
            return s_fail(p, "unknown escape \\%c in a string", e);
        }
        uint32_t cp, low;
        if (s_hex4(p, &cp) != 0) {
            free(out);
            return s_fail(p, "\\u must be followed by four hex digits");
        }
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (p->len - p->pos < 6 || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u' ||
                (p->pos += 2, s_hex4(p, &low) != 0) || low < 0xDC00 || low > 0xDFFF) {
                free(out);
                return s_fail(p, "a \\u surrogate must come as a high-low pair");
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            free(out);
            return s_fail(p, "a \\u surrogate must come as a high-low pair");
        }
        if (cp == 0) {
            free(out);
            return s_fail(p, "\\u0000 is not allowed in a string");
        }
        at += s_utf8_encode(cp, out + at);
    }
    out[at] = 0;
    if (!hj_utf8_valid(out, at)) {
        free(out);
        return s_fail(p, "a string is not valid UTF-8 (save the file as UTF-8)");
    }
    return out;
}

static json_doc_t *s_number(s_parser_t *p)
{
    size_t start = p->pos;
    int c;
    if (s_peek(p) == '-')
        p->pos++;
    if (s_peek(p) == '0')
        p->pos++;
    else if (s_peek(p) >= '1' && s_peek(p) <= '9')
        while ((c = s_peek(p)) >= '0' && c <= '9')
            p->pos++;
    else
        return s_fail(p, "malformed number");
    if (s_peek(p) == '.') {
        p->pos++;
        if (!((c = s_peek(p)) >= '0' && c <= '9'))
            return s_fail(p, "malformed number: digits must follow '.'");
        while ((c = s_peek(p)) >= '0' && c <= '9')
            p->pos++;
    }
    if (s_peek(p) == 'e' || s_peek(p) == 'E') {
        p->pos++;
        if (s_peek(p) == '+' || s_peek(p) == '-')
            p->pos++;
        if (!((c = s_peek(p)) >= '0' && c <= '9'))
            return s_fail(p, "malformed number: digits must follow the exponent");
        while ((c = s_peek(p)) >= '0' && c <= '9')
            p->pos++;
    }
    json_doc_t *v = s_new(p, JSON_DOC_NUMBER);
    if (v && !(v->text = strndup(p->s + start, p->pos - start))) {
        free(v);
        return s_fail(p, "out of memory");
    }
    return v;
}

static json_doc_t *s_value(s_parser_t *p);

/* Appends to an array or object; returns 0 / -1. */
static int s_append(s_parser_t *p, json_doc_t *into, json_doc_t *item, char *key)
{
    json_doc_t **items = realloc(into->items, (into->n + 1) * sizeof *items);
    if (items)
        into->items = items;
    char **keys =
        into->type == JSON_DOC_OBJECT ? realloc(into->keys, (into->n + 1) * sizeof *keys) : NULL;
    if (keys)
        into->keys = keys;
    if (!items || (into->type == JSON_DOC_OBJECT && !keys)) {
        s_fail(p, "out of memory");
        return -1;
    }
    into->items[into->n] = item;
    if (keys)
        into->keys[into->n] = key;
    into->n++;
    return 0;
}

static json_doc_t *s_container(s_parser_t *p, json_doc_type_t type)
{
    char close = type == JSON_DOC_ARRAY ? ']' : '}';
    json_doc_t *v = s_new(p, type);
    if (!v)
        return NULL;
    if (++p->depth > S_DEPTH_MAX) {
        json_doc_destroy(&v);
        return s_fail(p, "nested more than %d deep", S_DEPTH_MAX);
    }
    p->pos++;
    s_skip_space(p);
    if (s_peek(p) == close) {
        p->pos++;
        p->depth--;
        return v;
    }
    for (;;) {
        char *key = NULL;
        s_skip_space(p);
        if (type == JSON_DOC_OBJECT) {
            if (s_peek(p) != '"') {
                json_doc_destroy(&v);
                return s_fail(p, "expected a key in double quotes");
            }
            if (!(key = s_string(p))) {
                json_doc_destroy(&v);
                return NULL;
            }
            for (size_t i = 0; i < v->n; i++)
                if (strcmp(v->keys[i], key) == 0) {
                    s_fail(p, "key \"%s\" appears twice", key);
                    free(key);
                    json_doc_destroy(&v);
                    return NULL;
                }
            s_skip_space(p);
            if (s_peek(p) != ':') {
                s_fail(p, "expected ':' after the key \"%s\"", key);
                free(key);
                json_doc_destroy(&v);
                return NULL;
            }
            p->pos++;
        }
        json_doc_t *item = s_value(p);
        if (!item || s_append(p, v, item, key) != 0) {
            json_doc_destroy(&item);
            free(key);
            json_doc_destroy(&v);
            return NULL;
        }
        s_skip_space(p);
        int c = s_peek(p);
        p->pos++;
        if (c == close)
            break;
        if (c != ',') {
            json_doc_destroy(&v);
            return s_fail(p, "expected ',' or '%c' after %s", close,
                          type == JSON_DOC_ARRAY ? "an element" : "a member");
        }
        s_skip_space(p);
        if (s_peek(p) == close) {
            json_doc_destroy(&v);
            return s_fail(p, "a trailing ',' before '%c'", close);
        }
    }
    p->depth--;
    return v;
}

static json_doc_t *s_literal(s_parser_t *p, const char *word, json_doc_type_t type, int boolean)
{
    size_t n = strlen(word);
    if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
        return s_fail(p, "unexpected text (strings need double quotes)");
    p->pos += n;
    json_doc_t *v = s_new(p, type);
    if (v)
        v->boolean = boolean;
    return v;
}

static json_doc_t *s_value(s_parser_t *p)
{
    s_skip_space(p);
    int c = s_peek(p);
    switch (c) {
    case -1:
        return s_fail(p, "unexpected end of the file");
    case '{':
        return s_container(p, JSON_DOC_OBJECT);
    case '[':
        return s_container(p, JSON_DOC_ARRAY);
    case '"': {
        json_doc_t *v = s_new(p, JSON_DOC_STRING);
        if (v && !(v->text = s_string(p)))
            json_doc_destroy(&v);
        return v;
    }
    case 't':
        return s_literal(p, "true", JSON_DOC_BOOL, 1);
    case 'f':
        return s_literal(p, "false", JSON_DOC_BOOL, 0);
    case 'n':
        return s_literal(p, "null", JSON_DOC_NULL, 0);
    default:
        if (c == '-' || (c >= '0' && c <= '9'))
            return s_number(p);
        return s_fail(p, "unexpected character '%c' (strings need double quotes)", c);
    }
}

json_doc_t *json_doc_parse(const char *text, size_t len, char *err, size_t err_size)
{
    s_parser_t p = {.s = text, .len = len, .line = 1, .err = err, .err_size = err_size};
    if (err_size)
        err[0] = 0;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        p.pos = 3;
    json_doc_t *root = s_value(&p);
    if (!root)
        return NULL;
    s_skip_space(&p);
    if (p.pos < p.len) {
        json_doc_destroy(&root);
        return s_fail(&p, "unexpected text after the end of the JSON value");
    }
    return root;
}

void json_doc_destroy(json_doc_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    json_doc_t *v = *self_p;
    *self_p = NULL;
    for (size_t i = 0; i < v->n; i++) {
        json_doc_destroy(&v->items[i]);
        if (v->keys)
            free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->text);
    free(v);
}

const char *json_doc_type_name(json_doc_type_t type)
{
    static const char *names[] = {"null",     "true or false", "a number",
                                  "a string", "an array",      "an object"};
    return type <= JSON_DOC_OBJECT ? names[type] : "unknown";
}

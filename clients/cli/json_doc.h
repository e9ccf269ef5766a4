#ifndef HJ_JSON_DOC_H
#define HJ_JSON_DOC_H
/* A small, strict JSON reader for records prepared offline (hj talk add
 * --from FILE.json): RFC 8259 only (no comments, no trailing commas, no
 * single quotes), strings must be UTF-8 without NUL (\u0000 and lone
 * surrogates are refused: our texts travel as C strings), duplicate keys are
 * refused, nesting is limited. Every value remembers its line, so callers can
 * say where a wrong key or value is. A leading UTF-8 byte-order mark (some
 * Windows editors write one) is skipped. */
#include <stddef.h>

typedef enum {
    JSON_DOC_NULL,
    JSON_DOC_BOOL,
    JSON_DOC_NUMBER,
    JSON_DOC_STRING,
    JSON_DOC_ARRAY,
    JSON_DOC_OBJECT
} json_doc_type_t;

typedef struct json_doc json_doc_t;
struct json_doc {
    json_doc_type_t type;
    int line;           /* 1-based line where the value starts */
    int boolean;        /* BOOL */
    char *text;         /* STRING: the decoded UTF-8; NUMBER: the literal as written */
    size_t n;           /* ARRAY / OBJECT: number of items */
    json_doc_t **items; /* ARRAY elements, OBJECT values (in file order) */
    char **keys;        /* OBJECT keys, parallel to items */
};

/* Parses text[0..len). Returns the root, or NULL with a message naming the
 * line in err ("line 3: expected ',' or '}' after a member"). */
json_doc_t *json_doc_parse(const char *text, size_t len, char *err, size_t err_size);
void json_doc_destroy(json_doc_t **self_p);

/* "null", "true or false", "a number", "a string", "an array", "an object". */
const char *json_doc_type_name(json_doc_type_t type);

#endif

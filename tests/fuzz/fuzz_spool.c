/* libFuzzer target: the spool reader (clients/cli/spool.c), which reads back
 * what a field laptop stored, possibly half-written by a power cut. Any bytes
 * either parse as a record or are refused with a reason; a record that
 * parses writes back to a file that parses as the same record. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spool.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void s_same(const spool_record_t *a, const spool_record_t *b)
{
    int same = strcmp(a->service, b->service) == 0 && strcmp(a->request_id, b->request_id) == 0 &&
               strcmp(a->created, b->created) == 0 && a->argc == b->argc &&
               a->body_len == b->body_len && memcmp(a->body, b->body, a->body_len) == 0 &&
               a->refused == b->refused && a->refused_code == b->refused_code &&
               strcmp(a->refused_field, b->refused_field) == 0 &&
               strcmp(a->refused_message, b->refused_message) == 0 &&
               strcmp(a->refused_at, b->refused_at) == 0;
    for (int i = 0; same && i < a->argc; i++)
        same = strcmp(a->argv[i], b->argv[i]) == 0;
    if (!same) {
        fprintf(stderr, "a record changed on its way through a file\n");
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    spool_record_t rec, back;
    char err[256];
    if (spool_record_parse(&rec, data, size, err, sizeof err) != 0) {
        if (!err[0]) {
            fprintf(stderr, "refused without a reason\n");
            abort();
        }
        if (rec.body || rec.argv)
            abort(); /* nothing held after a refusal */
        return 0;
    }
    size_t len;
    uint8_t *again = spool_record_format(&rec, &len);
    if (!again) {
        fprintf(stderr, "a record that reads cannot be written\n");
        abort();
    }
    if (spool_record_parse(&back, again, len, err, sizeof err) != 0) {
        fprintf(stderr, "a written record does not read: %s\n", err);
        abort();
    }
    s_same(&rec, &back);
    spool_record_clear(&back);
    spool_record_clear(&rec);
    free(again);
    return 0;
}

/* libFuzzer target: the CSV reader (services/common/hj_csv). Any bytes either
 * read as records or stop with a "line N: ..." error; every record read
 * writes back (hj_csv_write) to CSV that reads as the same fields. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hj_csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void s_check_round_trip(const hj_csv_record_t *rec)
{
    hj_csv_writer_t *w = hj_csv_writer_new(0);
    if (!w)
        return;
    if (hj_csv_write(w, (const char *const *)rec->fields, rec->count) != 0) {
        fprintf(stderr, "a record the reader accepted cannot be written\n");
        abort();
    }
    size_t len;
    const char *text = hj_csv_writer_data(w, &len);
    hj_csv_reader_t *r = hj_csv_reader_new(text, len);
    hj_csv_record_t back;
    if (!r || hj_csv_next(r, &back) != 1 || back.count != rec->count) {
        fprintf(stderr, "written record does not read back: %s\n", r ? hj_csv_error(r) : "");
        abort();
    }
    for (size_t i = 0; i < rec->count; i++)
        if (back.lengths[i] != rec->lengths[i] ||
            memcmp(back.fields[i], rec->fields[i], rec->lengths[i]) != 0) {
            fprintf(stderr, "field %zu changed on the way back\n", i);
            abort();
        }
    hj_csv_record_t more;
    if (hj_csv_next(r, &more) != 0) {
        fprintf(stderr, "one record wrote as more than one\n");
        abort();
    }
    hj_csv_reader_destroy(&r);
    hj_csv_writer_destroy(&w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hj_csv_reader_t *r = hj_csv_reader_new((const char *)data, size);
    hj_csv_record_t rec;
    int rc;
    size_t last_line = 0;
    if (!r)
        return 0;
    while ((rc = hj_csv_next(r, &rec)) == 1) {
        if (rec.count < 1 || (last_line && rec.line <= last_line)) {
            fprintf(stderr, "record at line %zu after line %zu\n", rec.line, last_line);
            abort();
        }
        last_line = rec.line;
        for (size_t i = 0; i < rec.count; i++)
            if (rec.fields[i][rec.lengths[i]] != 0)
                abort(); /* fields are NUL-terminated */
        s_check_round_trip(&rec);
    }
    if (rc == -1 && (strncmp(hj_csv_error(r), "line ", 5) != 0 || hj_csv_error_line(r) == 0)) {
        fprintf(stderr, "error without its line: '%s'\n", hj_csv_error(r));
        abort();
    }
    if (rc == -1 && hj_csv_next(r, &rec) != -1)
        abort(); /* errors are sticky */
    hj_csv_reader_destroy(&r);
    return 0;
}

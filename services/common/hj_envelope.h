#ifndef HJ_ENVELOPE_H
#define HJ_ENVELOPE_H
/* The envelope: status, generic error replies, UUIDs and field checks that
 * every service's validator uses. */
#include <stddef.h>
#include <stdint.h>

#include "hj.pb-c.h"

typedef struct {
    Hj__Code code;
    char field[64]; /* offending field or rule; "" when none */
    char message[512];
    uint32_t retry_after_ms; /* RESOURCE_EXHAUSTED: wait this long, then send again */
} hj_status_t;

/* Sets st (retry_after_ms 0) and returns -1 unless code is OK (so validators can `return
 * hj_fail(...)`). */
int hj_status_set(hj_status_t *st, Hj__Code code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
const char *hj_code_name(Hj__Code code);

/* Status.message of an OK reply to a replayed write (the UUID was already
 * recorded; the result is the first answer's and nothing new was written). */
#define HJ_REPLAY_MESSAGE "replayed"

/* A list's `total` (and `withheld`) is counted up to this many rows: a page
 * costs what the page touches, not the whole table. HJ_LIST_COUNT_MAX + 1
 * means "more than HJ_LIST_COUNT_MAX" (the CLI prints "10,000+"). */
#define HJ_LIST_COUNT_MAX 10000

/* Packs `Reply{status}` (decodes as any service's Reply). Returns malloc'd bytes. */
uint8_t *hj_status_pack(const hj_status_t *st, size_t *len);
/* Reads the status out of any service's packed Reply. -1 when it does not decode. */
int hj_status_unpack(const uint8_t *data, size_t len, hj_status_t *st);

/* UUIDs as lowercase canonical text (36 characters + NUL). */
void hj_uuid_new(char out[37]);
int hj_uuid_valid(const char *s);

/* Field checks: each returns 0, or -1 with INVALID_ARGUMENT naming `field`. */
int hj_check_text(hj_status_t *st, const char *field, const char *value, size_t max_bytes,
                  int required);
int hj_check_date(hj_status_t *st, const char *field, const char *value, int required);
int hj_check_uuid(hj_status_t *st, const char *field, const char *value);
/* Text that is given and not only blanks (hj_check_text, required). */
int hj_check_required(hj_status_t *st, const char *field, const char *value, size_t max_bytes);
/* A date that has already come, today included (Asia/Shanghai). */
int hj_check_past_date(hj_status_t *st, const char *field, const char *value, int required);
/* A code officials type (community, subdistrict, district, election, box...):
 * at most HJ_CODE_MAX bytes of letters, digits, '-' and '_'. */
#define HJ_CODE_MAX 32
int hj_check_code(hj_status_t *st, const char *field, const char *value, int required);
/* Every string field of a packed message, checked on the wire against its
 * descriptor (nested messages too): -1 with INVALID_ARGUMENT naming the field
 * when one holds a NUL byte or is not UTF-8. protobuf-c hands strings over as
 * C strings, so a NUL would otherwise silently cut the value (and proto3
 * strings must be UTF-8). Bytes that are not protobuf are left to the unpack. */
int hj_check_wire_text(hj_status_t *st, const ProtobufCMessageDescriptor *desc, const uint8_t *data,
                       size_t len);
/* 1 when s is a real calendar date YYYY-MM-DD (so 2026-02-30 is not). */
int hj_date_valid(const char *s);
/* Days since 1970-01-01 of the civil date y-m-d (proleptic Gregorian; H. Hinnant's
 * days_from_civil): the one place dates become numbers to subtract. */
long hj_date_days(long y, long m, long d);
/* Today's date in Asia/Shanghai (the election calendar's time zone). */
void hj_date_today(char out[11]);
/* The day `days` from today in Asia/Shanghai (negative: in the past). */
void hj_date_from_today(int days, char out[11]);

#endif

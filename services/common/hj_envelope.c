#include "hj_envelope.h"
#include "hj_text.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

int hj_status_set(hj_status_t *st, Hj__Code code, const char *field, const char *fmt, ...)
{
    st->code = code;
    st->retry_after_ms = 0;
    snprintf(st->field, sizeof st->field, "%s", field ? field : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->message, sizeof st->message, fmt, ap);
    va_end(ap);
    return code == HJ__CODE__OK ? 0 : -1;
}

const char *hj_code_name(Hj__Code code)
{
    const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(&hj__code__descriptor, code);
    return v ? v->name : "UNKNOWN";
}

uint8_t *hj_status_pack(const hj_status_t *st, size_t *len)
{
    Hj__Status status = HJ__STATUS__INIT;
    Hj__Reply reply = HJ__REPLY__INIT;
    status.code = st->code;
    status.message = (char *)st->message;
    status.field = (char *)st->field;
    status.retry_after_ms = st->retry_after_ms;
    reply.status = &status;
    *len = hj__reply__get_packed_size(&reply);
    uint8_t *buf = malloc(*len ? *len : 1);
    if (buf)
        hj__reply__pack(&reply, buf);
    return buf;
}

int hj_status_unpack(const uint8_t *data, size_t len, hj_status_t *st)
{
    Hj__Reply *reply = hj__reply__unpack(NULL, len, data);
    if (!reply)
        return -1;
    memset(st, 0, sizeof *st);
    if (reply->status) {
        st->code = reply->status->code;
        snprintf(st->field, sizeof st->field, "%s", reply->status->field);
        snprintf(st->message, sizeof st->message, "%s", reply->status->message);
        st->retry_after_ms = reply->status->retry_after_ms;
    }
    hj__reply__free_unpacked(reply, NULL);
    return 0;
}

void hj_uuid_new(char out[37])
{
    uint8_t b[16];
    if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b) {
        /* getrandom on Linux does not fail for 16 bytes once the pool is up. */
        for (size_t i = 0; i < sizeof b; i++)
            b[i] = (uint8_t)rand();
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
             b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
}

int hj_uuid_valid(const char *s)
{
    if (!s || strlen(s) != 36)
        return 0;
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return 0;
        } else if (!isxdigit((unsigned char)s[i]))
            return 0;
    }
    return 1;
}

int hj_date_valid(const char *s)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
            return 0;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1)
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days[m - 1] + (m == 2 && leap);
}

long hj_date_days(long y, long m, long d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void hj_date_from_today(int days, char out[11])
{
    /* Asia/Shanghai has no daylight saving: UTC+8 all year. */
    time_t t = time(NULL) + 8 * 3600 + (time_t)days * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

void hj_date_today(char out[11])
{
    hj_date_from_today(0, out);
}

int hj_check_text(hj_status_t *st, const char *field, const char *value, size_t max_bytes,
                  int required)
{
    size_t n = value ? strlen(value) : 0;
    if (required && n == 0)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, field, "%s is required", field);
    if (n > max_bytes)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, field,
                             "%s is too long (%zu bytes, at most %zu)", field, n, max_bytes);
    if (n && !hj_utf8_valid(value, n))
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, field, "%s is not valid UTF-8", field);
    return 0;
}

int hj_check_date(hj_status_t *st, const char *field, const char *value, int required)
{
    if (!value || !*value)
        return required
                   ? hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, field, "%s is required", field)
                   : 0;
    if (!hj_date_valid(value))
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, field,
                             "%s is not a valid date YYYY-MM-DD", field);
    return 0;
}

int hj_check_required(hj_status_t *st, const char *field, const char *value, size_t max_bytes)
{
    if (hj_check_text(st, field, value, max_bytes, 1) != 0)
        return -1;
    for (const char *p = value; *p; p++)
        if (!isspace((unsigned char)*p))
            return 0;
    return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, field, "%s is required (it is blank)",
                         field);
}

int hj_check_past_date(hj_status_t *st, const char *field, const char *value, int required)
{
    char today[11];
    if (hj_check_date(st, field, value, required) != 0)
        return -1;
    hj_date_today(today);
    if (value[0] && strcmp(value, today) > 0)
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, field,
                             "%s %s is in the future (today is %s)", field, value, today);
    return 0;
}

int hj_check_uuid(hj_status_t *st, const char *field, const char *value)
{
    if (!hj_uuid_valid(value))
        return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, field, "%s must be a UUID", field);
    return 0;
}

int hj_check_code(hj_status_t *st, const char *field, const char *value, int required)
{
    if (hj_check_text(st, field, value, HJ_CODE_MAX, required) != 0)
        return -1;
    for (const char *p = value; p && *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
            return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, field,
                                 "%s may hold only letters, digits, '-' and '_'", field);
    return 0;
}

/* One varint at data[*pos]; -1 when it runs off the end or past ten bytes. */
static int s_wire_varint(const uint8_t *data, size_t len, size_t *pos, uint64_t *v)
{
    *v = 0;
    for (int shift = 0; shift < 70 && *pos < len; shift += 7) {
        uint8_t b = data[(*pos)++];
        *v |= (uint64_t)(b & 0x7f) << (shift < 64 ? shift : 63);
        if (!(b & 0x80))
            return 0;
    }
    return -1;
}

static int s_wire_text(hj_status_t *st, const ProtobufCMessageDescriptor *desc, const uint8_t *data,
                       size_t len, int depth)
{
    size_t pos = 0;
    uint64_t key, n;
    while (pos < len) {
        if (s_wire_varint(data, len, &pos, &key) != 0)
            return 0;
        switch (key & 7) {
        case 0:
            if (s_wire_varint(data, len, &pos, &n) != 0)
                return 0;
            break;
        case 1:
            pos += 8;
            break;
        case 5:
            pos += 4;
            break;
        case 2: {
            if (s_wire_varint(data, len, &pos, &n) != 0 || n > len - pos)
                return 0;
            const ProtobufCFieldDescriptor *f =
                key >> 3 <= UINT32_MAX
                    ? protobuf_c_message_descriptor_get_field(desc, (unsigned)(key >> 3))
                    : NULL;
            const char *text = (const char *)data + pos;
            if (f && f->type == PROTOBUF_C_TYPE_STRING && !hj_utf8_valid(text, (size_t)n))
                return hj_status_set(st, HJ__CODE__INVALID_ARGUMENT, f->name,
                                     memchr(text, 0, (size_t)n) ? "%s holds a NUL byte"
                                                                : "%s is not valid UTF-8",
                                     f->name);
            if (f && f->type == PROTOBUF_C_TYPE_MESSAGE && depth < 32 &&
                s_wire_text(st, f->descriptor, data + pos, (size_t)n, depth + 1) != 0)
                return -1;
            pos += (size_t)n;
            break;
        }
        default:
            return 0; /* groups and worse: the unpack refuses them */
        }
    }
    return 0;
}

int hj_check_wire_text(hj_status_t *st, const ProtobufCMessageDescriptor *desc, const uint8_t *data,
                       size_t len)
{
    return s_wire_text(st, desc, data, len, 0);
}

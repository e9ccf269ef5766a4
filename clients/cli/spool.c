/* The offline spool of hj: the record file format and the directory. */
#include "spool.h"
#include "hj_envelope.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/sha.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#define S_MAGIC "HJSPOOL 1\n"
#define S_MAGIC_LEN (sizeof S_MAGIC - 1)
#define S_KEY_MAX 31

static const char *const s_parts[] = {"waiting", "rejected", "damaged"};
#define S_NPARTS 3

/* ---- the record file ------------------------------------------------------ */

static int s_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int s_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (err && errlen)
        vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

void spool_record_clear(spool_record_t *rec)
{
    for (int i = 0; i < rec->argc; i++)
        free(rec->argv[i]);
    free(rec->argv);
    free(rec->body);
    memset(rec, 0, sizeof *rec);
}

/* A text value: no NUL inside, fits `size` with its terminator. */
static int s_text(const uint8_t *v, size_t n, char *out, size_t size, const char *key, char *err,
                  size_t errlen)
{
    if (n >= size)
        return s_err(err, errlen, "%s is too long (%zu bytes)", key, n);
    if (memchr(v, 0, n))
        return s_err(err, errlen, "%s holds a NUL byte", key);
    memcpy(out, v, n);
    out[n] = 0;
    return 0;
}

static int s_service_ok(const char *s)
{
    if (!s[0])
        return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
              *p == '-'))
            return 0;
    return 1;
}

static void s_hex(const uint8_t *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = 0;
}

/* One `KEY LEN\nVALUE\n` entry at data[*pos]. 0, or -1 with err. */
static int s_entry(const uint8_t *data, size_t len, size_t *pos, char key[S_KEY_MAX + 1],
                   const uint8_t **value, size_t *value_len, char *err, size_t errlen)
{
    size_t p = *pos, k = 0;
    while (p < len && data[p] != ' ') {
        uint8_t c = data[p++];
        if (!((c >= 'a' && c <= 'z') || c == '_' || (k && c >= '0' && c <= '9')) || k == S_KEY_MAX)
            return s_err(err, errlen, "damaged at byte %zu: not a field name", *pos);
        key[k++] = (char)c;
    }
    key[k] = 0;
    if (p == len)
        return s_err(err, errlen, "truncated: the file ends inside a field name (byte %zu)", *pos);
    if (k == 0)
        return s_err(err, errlen, "damaged at byte %zu: an empty field name", *pos);
    p++; /* ' ' */
    size_t n = 0, digits = 0;
    while (p < len && data[p] != '\n') {
        uint8_t c = data[p++];
        if (c < '0' || c > '9' || digits == 10 || (digits == 1 && n == 0))
            return s_err(err, errlen, "damaged: the length of %s is not a number", key);
        n = n * 10 + (size_t)(c - '0');
        digits++;
    }
    if (p == len)
        return s_err(err, errlen, "truncated: the file ends inside the length of %s", key);
    if (digits == 0 || n > SPOOL_FILE_MAX)
        return s_err(err, errlen, "damaged: the length of %s is not a number", key);
    p++; /* '\n' */
    if (len - p < n || len - p - n < 1)
        return s_err(err, errlen, "truncated: the file ends inside %s (%zu of %zu bytes)", key,
                     len - p < n ? len - p : n, n);
    if (data[p + n] != '\n')
        return s_err(err, errlen, "damaged: %s does not end where its length says", key);
    *value = data + p;
    *value_len = n;
    *pos = p + n + 1;
    return 0;
}

static int s_add_arg(spool_record_t *rec, const uint8_t *v, size_t n, char *err, size_t errlen)
{
    if (rec->argc == SPOOL_ARGS_MAX)
        return s_err(err, errlen, "more than %d arguments", SPOOL_ARGS_MAX);
    if (memchr(v, 0, n))
        return s_err(err, errlen, "an argument holds a NUL byte");
    char **grown = realloc(rec->argv, sizeof(char *) * (size_t)(rec->argc + 1));
    char *copy = malloc(n + 1);
    if (grown)
        rec->argv = grown;
    if (!grown || !copy) {
        free(copy);
        return s_err(err, errlen, "out of memory");
    }
    memcpy(copy, v, n);
    copy[n] = 0;
    rec->argv[rec->argc++] = copy;
    return 0;
}

static int s_parse(spool_record_t *rec, const uint8_t *data, size_t len, char *err, size_t errlen)
{
    enum {
        SERVICE = 1,
        ID = 2,
        CREATED = 4,
        BODY = 8,
        CODE = 16,
        FIELD = 32,
        MESSAGE = 64,
        AT = 128
    };
    unsigned seen = 0;
    size_t pos = S_MAGIC_LEN;
    if (len < S_MAGIC_LEN)
        return memcmp(data, S_MAGIC, len) == 0
                   ? s_err(err, errlen, "truncated: the file ends inside its header")
                   : s_err(err, errlen, "not a spool record (no HJSPOOL 1 header)");
    if (memcmp(data, S_MAGIC, S_MAGIC_LEN) != 0)
        return s_err(err, errlen, "not a spool record (no HJSPOOL 1 header)");
    for (;;) {
        char key[S_KEY_MAX + 1];
        const uint8_t *v = NULL;
        size_t n = 0, start = pos;
        unsigned bit = 0;
        if (pos == len)
            return s_err(err, errlen,
                         "truncated: no checksum at the end (the write did not finish)");
        if (s_entry(data, len, &pos, key, &v, &n, err, errlen) != 0)
            return -1;
        if (strcmp(key, "sha256") == 0) {
            uint8_t sum[SHA256_DIGEST_LENGTH];
            char hex[2 * SHA256_DIGEST_LENGTH + 1];
            SHA256(data, start, sum);
            s_hex(sum, sizeof sum, hex);
            if (n != 2 * SHA256_DIGEST_LENGTH || memcmp(v, hex, n) != 0)
                return s_err(err, errlen,
                             "checksum mismatch: the file was changed or only partly written");
            if (pos != len)
                return s_err(err, errlen, "damaged: %zu bytes after the checksum", len - pos);
            break;
        }
        int rc = 0;
        if (strcmp(key, "arg") == 0) {
            rc = s_add_arg(rec, v, n, err, errlen);
        } else if (strcmp(key, "service") == 0) {
            bit = SERVICE;
            rc = s_text(v, n, rec->service, sizeof rec->service, key, err, errlen);
            if (rc == 0 && !s_service_ok(rec->service))
                rc = s_err(err, errlen, "service is not a service name");
        } else if (strcmp(key, "request_id") == 0) {
            bit = ID;
            rc = s_text(v, n, rec->request_id, sizeof rec->request_id, key, err, errlen);
            if (rc == 0 && !hj_uuid_valid(rec->request_id))
                rc = s_err(err, errlen, "request_id is not a UUID");
        } else if (strcmp(key, "created") == 0) {
            bit = CREATED;
            rc = s_text(v, n, rec->created, sizeof rec->created, key, err, errlen);
        } else if (strcmp(key, "body") == 0) {
            bit = BODY;
            if (!(seen & BODY) && (rec->body = malloc(n ? n : 1)) != NULL) {
                memcpy(rec->body, v, n);
                rec->body_len = n;
            } else if (!(seen & BODY))
                rc = s_err(err, errlen, "out of memory");
        } else if (strcmp(key, "refused_code") == 0) {
            char num[12];
            char *end;
            bit = CODE;
            rc = s_text(v, n, num, sizeof num, key, err, errlen);
            long code = rc == 0 ? strtol(num, &end, 10) : 0;
            if (rc == 0 && (!num[0] || *end || code < 0 || code > 100))
                rc = s_err(err, errlen, "refused_code is not a status code");
            rec->refused_code = (int)code;
        } else if (strcmp(key, "refused_field") == 0) {
            bit = FIELD;
            rc = s_text(v, n, rec->refused_field, sizeof rec->refused_field, key, err, errlen);
        } else if (strcmp(key, "refused_message") == 0) {
            bit = MESSAGE;
            rc = s_text(v, n, rec->refused_message, sizeof rec->refused_message, key, err, errlen);
        } else if (strcmp(key, "refused_at") == 0) {
            bit = AT;
            rc = s_text(v, n, rec->refused_at, sizeof rec->refused_at, key, err, errlen);
        } else {
            rc = s_err(err, errlen, "damaged: unknown field \"%s\"", key);
        }
        if (rc != 0)
            return -1;
        if (seen & bit)
            return s_err(err, errlen, "damaged: %s appears twice", key);
        seen |= bit;
    }
    if ((seen & (SERVICE | ID | CREATED | BODY)) != (SERVICE | ID | CREATED | BODY))
        return s_err(err, errlen, "damaged: %s is missing",
                     !(seen & SERVICE) ? "service"
                     : !(seen & ID)    ? "request_id"
                     : !(seen & BODY)  ? "body"
                                       : "created");
    if ((seen & CODE) && (seen & (FIELD | MESSAGE | AT)) != (FIELD | MESSAGE | AT))
        return s_err(err, errlen, "damaged: the refusal is incomplete");
    if (!(seen & CODE) && (seen & (FIELD | MESSAGE | AT)))
        return s_err(err, errlen, "damaged: a refusal without its code");
    rec->refused = (seen & CODE) != 0;
    return 0;
}

int spool_record_parse(spool_record_t *rec, const uint8_t *data, size_t len, char *err,
                       size_t errlen)
{
    memset(rec, 0, sizeof *rec);
    if (err && errlen)
        err[0] = 0;
    if (len > SPOOL_FILE_MAX)
        return s_err(err, errlen, "larger than a spool record can be (%zu bytes)", len);
    if (s_parse(rec, data, len, err, errlen) != 0) {
        spool_record_clear(rec);
        return -1;
    }
    return 0;
}

typedef struct {
    uint8_t *data;
    size_t len, cap;
    int failed;
} s_buf_t;

static void s_put(s_buf_t *b, const void *p, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n)
            cap *= 2;
        uint8_t *grown = realloc(b->data, cap);
        if (!grown) {
            b->failed = 1;
            return;
        }
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static void s_put_entry(s_buf_t *b, const char *key, const void *v, size_t n)
{
    char head[64];
    int h = snprintf(head, sizeof head, "%s %zu\n", key, n);
    s_put(b, head, (size_t)h);
    s_put(b, v, n);
    s_put(b, "\n", 1);
}

static void s_put_text(s_buf_t *b, const char *key, const char *v)
{
    s_put_entry(b, key, v, strlen(v));
}

uint8_t *spool_record_format(const spool_record_t *rec, size_t *len)
{
    s_buf_t b = {0};
    uint8_t sum[SHA256_DIGEST_LENGTH];
    char hex[2 * SHA256_DIGEST_LENGTH + 1], code[16];
    if (!s_service_ok(rec->service) || !hj_uuid_valid(rec->request_id) ||
        rec->body_len > SPOOL_FILE_MAX / 2)
        return NULL;
    s_put(&b, S_MAGIC, S_MAGIC_LEN);
    s_put_text(&b, "service", rec->service);
    s_put_text(&b, "request_id", rec->request_id);
    s_put_text(&b, "created", rec->created);
    for (int i = 0; i < rec->argc && i < SPOOL_ARGS_MAX; i++)
        s_put_text(&b, "arg", rec->argv[i]);
    s_put_entry(&b, "body", rec->body ? (const void *)rec->body : "", rec->body_len);
    if (rec->refused) {
        snprintf(code, sizeof code, "%d", rec->refused_code);
        s_put_text(&b, "refused_code", code);
        s_put_text(&b, "refused_field", rec->refused_field);
        s_put_text(&b, "refused_message", rec->refused_message);
        s_put_text(&b, "refused_at", rec->refused_at);
    }
    if (!b.failed) {
        SHA256(b.data, b.len, sum);
        s_hex(sum, sizeof sum, hex);
        s_put_text(&b, "sha256", hex);
    }
    if (b.failed || b.len > SPOOL_FILE_MAX) {
        free(b.data);
        return NULL;
    }
    *len = b.len;
    return b.data;
}

int spool_record_copy(spool_record_t *dst, const spool_record_t *src)
{
    *dst = *src;
    dst->argv = NULL;
    dst->argc = 0;
    dst->body = malloc(src->body_len ? src->body_len : 1);
    if (!dst->body) {
        spool_record_clear(dst);
        return -1;
    }
    memcpy(dst->body, src->body, src->body_len);
    for (int i = 0; i < src->argc; i++)
        if (s_add_arg(dst, (const uint8_t *)src->argv[i], strlen(src->argv[i]), NULL, 0) != 0) {
            spool_record_clear(dst);
            return -1;
        }
    return 0;
}

const char *spool_record_summary(const spool_record_t *rec, char *buf, size_t size)
{
    if (rec->argc >= 3)
        snprintf(buf, size, "%s %s", rec->argv[1], rec->argv[2]);
    else if (rec->argc == 2)
        snprintf(buf, size, "%s", rec->argv[1]);
    else
        snprintf(buf, size, "%s request", rec->service);
    return buf;
}

/* ---- time ----------------------------------------------------------------- */

void spool_now(char created[32], uint64_t *usec)
{
    struct timeval tv;
    struct tm tm;
    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    char day[24];
    strftime(day, sizeof day, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(created, 32, "%s.%06ldZ", day, (long)tv.tv_usec);
    if (usec)
        *usec = (uint64_t)tv.tv_sec * 1000000u + (uint64_t)tv.tv_usec;
}

const char *spool_local_time(const char *utc, char *buf, size_t size)
{
    struct tm tm = {0};
    if (!utc || !strptime(utc, "%Y-%m-%dT%H:%M:%S", &tm)) {
        snprintf(buf, size, "%s", utc && utc[0] ? utc : "?");
        return buf;
    }
    /* Asia/Shanghai has no daylight saving: UTC+8 all year. */
    time_t t = timegm(&tm) + 8 * 3600;
    gmtime_r(&t, &tm);
    strftime(buf, size, "%Y-%m-%d %H:%M", &tm);
    return buf;
}

/* ---- the directory -------------------------------------------------------- */

struct spool {
    char dir[PATH_MAX];
    int lock_fd;
};

void spool_default_dir(char *out, size_t size)
{
    const char *env = getenv("HJ_SPOOL"), *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
    if (env && env[0])
        snprintf(out, size, "%s", env);
    else if (xdg && xdg[0])
        snprintf(out, size, "%s/huanjie/spool", xdg);
    else
        snprintf(out, size, "%s/.local/share/huanjie/spool", home && home[0] ? home : ".");
}

static int s_mkdirs(const char *path)
{
    char p[PATH_MAX + 32];
    snprintf(p, sizeof p, "%s", path);
    for (char *s = p + 1; *s; s++)
        if (*s == '/') {
            *s = 0;
            if (mkdir(p, 0700) != 0 && errno != EEXIST)
                return -1;
            *s = '/';
        }
    return mkdir(p, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

spool_t *spool_open(const char *dir, char *err, size_t errlen)
{
    spool_t *sp = calloc(1, sizeof *sp);
    char sub[PATH_MAX + 16];
    if (!sp) {
        s_err(err, errlen, "out of memory");
        return NULL;
    }
    sp->lock_fd = -1;
    snprintf(sp->dir, sizeof sp->dir, "%s", dir);
    for (int i = 0; i < S_NPARTS; i++) {
        snprintf(sub, sizeof sub, "%s/%s", dir, s_parts[i]);
        if (s_mkdirs(sub) != 0 || access(sub, W_OK | X_OK) != 0) {
            s_err(err, errlen, "%s: %s", sub, strerror(errno));
            free(sp);
            return NULL;
        }
    }
    return sp;
}

void spool_close(spool_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    spool_t *sp = *self_p;
    *self_p = NULL;
    if (sp->lock_fd >= 0)
        close(sp->lock_fd);
    free(sp);
}

const char *spool_path(const spool_t *sp)
{
    return sp->dir;
}

static void s_path(const spool_t *sp, const char *part, const char *name, char *out, size_t size)
{
    if (name)
        snprintf(out, size, "%s/%s/%s", sp->dir, part, name);
    else
        snprintf(out, size, "%s/%s", sp->dir, part);
}

static int s_fsync_dir(const spool_t *sp, const char *part)
{
    char path[PATH_MAX + 16];
    s_path(sp, part, NULL, path, sizeof path);
    int fd = open(path, O_RDONLY | O_DIRECTORY);
    int rc = fd >= 0 && fsync(fd) == 0 ? 0 : -1;
    if (fd >= 0)
        close(fd);
    return rc;
}

static int s_write_all(int fd, const uint8_t *data, size_t len)
{
    while (len) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Writes rec as part/name durably; returns the new file's fd, flock'ed. */
static int s_write_record(spool_t *sp, const char *part, const char *name,
                          const spool_record_t *rec, char *err, size_t errlen)
{
    char tmp[PATH_MAX + 128], final[PATH_MAX + 128];
    size_t len = 0;
    uint8_t *data = spool_record_format(rec, &len);
    int fd = -1;
    if (!data)
        return s_err(err, errlen, "the record cannot be written (too large or not a write)");
    snprintf(tmp, sizeof tmp, "%s/%s/.%s.tmp.%d", sp->dir, part, name, (int)getpid());
    s_path(sp, part, name, final, sizeof final);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || flock(fd, LOCK_EX) != 0 || s_write_all(fd, data, len) != 0 || fsync(fd) != 0 ||
        rename(tmp, final) != 0 || s_fsync_dir(sp, part) != 0) {
        s_err(err, errlen, "%s: %s", final, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        fd = -1;
    }
    free(data);
    return fd;
}

int spool_save(spool_t *sp, const spool_record_t *rec, spool_entry_t *e, char *err, size_t errlen)
{
    char created[32];
    uint64_t usec;
    spool_now(created, &usec);
    memset(e, 0, sizeof *e);
    e->fd = -1;
    if (spool_record_copy(&e->rec, rec) != 0)
        return s_err(err, errlen, "out of memory");
    if (!e->rec.created[0])
        snprintf(e->rec.created, sizeof e->rec.created, "%s", created);
    snprintf(e->part, sizeof e->part, "waiting");
    snprintf(e->name, sizeof e->name, "%016llx-%s", (unsigned long long)usec, rec->request_id);
    e->fd = s_write_record(sp, "waiting", e->name, &e->rec, err, errlen);
    if (e->fd < 0) {
        spool_record_clear(&e->rec);
        return -1;
    }
    return 0;
}

static int s_valid_part(const char *part)
{
    for (int i = 0; i < S_NPARTS; i++)
        if (strcmp(part, s_parts[i]) == 0)
            return 1;
    return 0;
}

spool_result_t spool_take(spool_t *sp, const char *part, const char *name, spool_entry_t *e,
                          char *err, size_t errlen)
{
    char path[PATH_MAX + 128];
    struct stat held, now;
    memset(e, 0, sizeof *e);
    e->fd = -1;
    if (!s_valid_part(part) || !name[0] || name[0] == '.' || strchr(name, '/') ||
        strlen(name) >= sizeof e->name) {
        s_err(err, errlen, "no such record");
        return SPOOL_GONE;
    }
    snprintf(e->part, sizeof e->part, "%s", part);
    snprintf(e->name, sizeof e->name, "%s", name);
    s_path(sp, part, name, path, sizeof path);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        s_err(err, errlen, "%s: %s", path, strerror(errno));
        return errno == ENOENT ? SPOOL_GONE : SPOOL_ERROR;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        close(fd);
        s_err(err, errlen, "another hj is sending it right now");
        return errno == EWOULDBLOCK ? SPOOL_BUSY : SPOOL_ERROR;
    }
    /* Still the file at this name (not removed or replaced while we waited)? */
    if (fstat(fd, &held) != 0 || held.st_nlink == 0 || stat(path, &now) != 0 ||
        now.st_ino != held.st_ino || now.st_dev != held.st_dev) {
        close(fd);
        s_err(err, errlen, "no longer there");
        return SPOOL_GONE;
    }
    e->fd = fd;
    if (!S_ISREG(held.st_mode) || (uint64_t)held.st_size > SPOOL_FILE_MAX) {
        s_err(err, errlen, "not a spool record (%s)",
              S_ISREG(held.st_mode) ? "too large" : "not a file");
        return SPOOL_DAMAGED;
    }
    size_t len = (size_t)held.st_size, got = 0;
    uint8_t *data = malloc(len ? len : 1);
    if (!data) {
        s_err(err, errlen, "out of memory");
        spool_release(e);
        return SPOOL_ERROR;
    }
    while (got < len) {
        ssize_t n = pread(fd, data + got, len - got, (off_t)got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    int rc = spool_record_parse(&e->rec, data, got, err, errlen);
    free(data);
    return rc == 0 ? SPOOL_OK : SPOOL_DAMAGED;
}

void spool_release(spool_entry_t *e)
{
    if (e->fd >= 0)
        close(e->fd);
    e->fd = -1;
    spool_record_clear(&e->rec);
}

int spool_drop(spool_t *sp, spool_entry_t *e)
{
    char path[PATH_MAX + 128];
    s_path(sp, e->part, e->name, path, sizeof path);
    int rc = unlink(path) == 0 || errno == ENOENT ? 0 : -1;
    if (rc == 0)
        rc = s_fsync_dir(sp, e->part);
    spool_release(e);
    return rc;
}

int spool_move(spool_t *sp, spool_entry_t *e, const char *to, const spool_record_t *rec)
{
    char path[PATH_MAX + 128], err[256];
    spool_record_t copy;
    if (!s_valid_part(to) || spool_record_copy(&copy, rec) != 0)
        return -1;
    int fd = s_write_record(sp, to, e->name, &copy, err, sizeof err);
    if (fd < 0) {
        spool_record_clear(&copy);
        return -1;
    }
    /* The new file is in place: the old one may go (same part: it was replaced). */
    if (strcmp(e->part, to) != 0) {
        s_path(sp, e->part, e->name, path, sizeof path);
        unlink(path);
        s_fsync_dir(sp, e->part);
    }
    spool_release(e);
    e->fd = fd;
    snprintf(e->part, sizeof e->part, "%s", to);
    e->rec = copy;
    return 0;
}

int spool_set_aside(spool_t *sp, spool_entry_t *e)
{
    char from[PATH_MAX + 128], to[PATH_MAX + 128];
    s_path(sp, e->part, e->name, from, sizeof from);
    s_path(sp, "damaged", e->name, to, sizeof to);
    int rc = strcmp(e->part, "damaged") == 0 ? 0 : rename(from, to);
    if (rc == 0)
        rc = s_fsync_dir(sp, "damaged") | s_fsync_dir(sp, e->part);
    spool_release(e);
    return rc;
}

static int s_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int spool_names(spool_t *sp, const char *part, char ***names, size_t *n)
{
    char path[PATH_MAX + 16];
    size_t cap = 0;
    struct dirent *d;
    *names = NULL;
    *n = 0;
    s_path(sp, part, NULL, path, sizeof path);
    DIR *dir = opendir(path);
    if (!dir)
        return -1;
    while ((d = readdir(dir)) != NULL) {
        if (d->d_name[0] == '.')
            continue; /* ., .., and files being written */
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            char **grown = realloc(*names, cap * sizeof(char *));
            if (!grown)
                break;
            *names = grown;
        }
        if (((*names)[*n] = strdup(d->d_name)) != NULL)
            (*n)++;
    }
    closedir(dir);
    if (*n)
        qsort(*names, *n, sizeof(char *), s_cmp);
    return 0;
}

void spool_names_free(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

size_t spool_count(spool_t *sp, const char *part)
{
    char **names;
    size_t n;
    if (spool_names(sp, part, &names, &n) != 0)
        return 0;
    spool_names_free(names, n);
    return n;
}

const char *spool_name_id(const char *name)
{
    const char *dash = strchr(name, '-');
    return dash && strlen(dash + 1) >= 36 ? dash + 1 : "";
}

int spool_find(spool_t *sp, const char *key, char part[16], char name[96], char *err, size_t errlen)
{
    int found = 0;
    size_t klen = strlen(key);
    char first_id[64] = "";
    if (klen < 4)
        return s_err(err, errlen, "give at least 4 characters of the request id");
    for (int p = 0; p < S_NPARTS; p++) {
        char **names;
        size_t n;
        if (spool_names(sp, s_parts[p], &names, &n) != 0)
            continue;
        for (size_t i = 0; i < n; i++) {
            const char *id = spool_name_id(names[i]);
            if (strcmp(names[i], key) != 0 && strncmp(id, key, klen) != 0)
                continue;
            if (found && strncmp(first_id, id, 36) != 0) {
                spool_names_free(names, n);
                return s_err(err, errlen, "'%s' is ambiguous: more than one record starts so", key);
            }
            if (!found) {
                snprintf(part, 16, "%s", s_parts[p]);
                snprintf(name, 96, "%s", names[i]);
                snprintf(first_id, sizeof first_id, "%.36s", id);
                found = 1;
            }
        }
        spool_names_free(names, n);
    }
    return found ? 0 : s_err(err, errlen, "no record '%s' in the spool", key);
}

int spool_sweep(spool_t *sp, void (*report)(const char *name, void *arg), void *arg)
{
    int moved = 0;
    for (int p = 0; p < S_NPARTS; p++) {
        char path[PATH_MAX + 16];
        struct dirent *d;
        s_path(sp, s_parts[p], NULL, path, sizeof path);
        DIR *dir = opendir(path);
        if (!dir)
            continue;
        while ((d = readdir(dir)) != NULL) {
            /* .NAME.tmp.PID */
            const char *tmp = d->d_name[0] == '.' ? strstr(d->d_name, ".tmp.") : NULL;
            char *end;
            if (!tmp)
                continue;
            long pid = strtol(tmp + 5, &end, 10);
            if (*end || pid <= 0 || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
                continue; /* its writer is still at work */
            char from[PATH_MAX + 300], to[PATH_MAX + 300], name[256];
            snprintf(name, sizeof name, "%.*s.partial", (int)(tmp - d->d_name - 1), d->d_name + 1);
            snprintf(from, sizeof from, "%s/%s", path, d->d_name);
            s_path(sp, "damaged", name, to, sizeof to);
            if (rename(from, to) == 0) {
                moved++;
                if (report)
                    report(name, arg);
            }
        }
        closedir(dir);
    }
    if (moved)
        s_fsync_dir(sp, "damaged");
    return moved;
}

int spool_lock_sync(spool_t *sp, int wait)
{
    char path[PATH_MAX + 16];
    if (sp->lock_fd >= 0)
        return 0;
    s_path(sp, "lock", NULL, path, sizeof path);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    if (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0) {
        int busy = errno == EWOULDBLOCK;
        close(fd);
        return busy ? 1 : -1;
    }
    sp->lock_fd = fd;
    return 0;
}

void spool_mark_synced(spool_t *sp)
{
    char path[PATH_MAX + 16], tmp[PATH_MAX + 32], text[32];
    s_path(sp, "last-sync", NULL, path, sizeof path);
    snprintf(tmp, sizeof tmp, "%s.tmp.%d", path, (int)getpid());
    int n = snprintf(text, sizeof text, "%lld\n", (long long)time(NULL));
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    if (s_write_all(fd, (const uint8_t *)text, (size_t)n) != 0 || fsync(fd) != 0 ||
        rename(tmp, path) != 0)
        unlink(tmp);
    close(fd);
}

time_t spool_last_sync(spool_t *sp)
{
    char path[PATH_MAX + 16];
    long long t = 0;
    s_path(sp, "last-sync", NULL, path, sizeof path);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    if (fscanf(f, "%lld", &t) != 1)
        t = 0;
    fclose(f);
    return (time_t)t;
}

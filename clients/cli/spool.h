#ifndef HJ_SPOOL_H
#define HJ_SPOOL_H
/* The offline spool of hj. Every write is stored here, fsync'd, before it is
 * sent, and leaves only once the system has answered it.
 *
 *   DIR/waiting/    not yet answered; `hj sync` sends them oldest first
 *   DIR/rejected/   refused by the server, with its reason, until the user
 *                   resubmits (same request id) or drops them
 *   DIR/damaged/    files that do not read back whole (a power cut while one
 *                   was written): reported, never sent
 *   DIR/lock        held by `hj sync`: one sync at a time
 *   DIR/last-sync   when a sync last reached the system and left nothing waiting
 *
 * A record is named <created: microseconds since the epoch, 16 hex digits>-<request id>,
 * so names sort oldest first. A process sending a record holds an exclusive
 * flock on its file; everyone else skips it. Files are written under a
 * dot-name, fsync'd, renamed into place, and the directory is fsync'd.
 *
 * The record file ("spool reader" = spool_record_parse):
 *
 *   HJSPOOL 1\n
 *   KEY LEN\n VALUE(LEN bytes) \n        repeated, in any order
 *   sha256 64\n HEX \n                    last: SHA-256 of every byte before this line
 *
 * keys: service, request_id, created (UTC, ISO 8601), arg (repeated: the
 * command line that made it), body (the packed request), and for a refused
 * record refused_code, refused_field, refused_message, refused_at. Anything
 * else, a missing key, a short file, or a checksum that does not match makes
 * the file damaged. */
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define SPOOL_FILE_MAX (64u * 1024 * 1024)
#define SPOOL_ARGS_MAX 128

typedef struct {
    char service[32];
    char request_id[37];
    char created[32]; /* 2026-03-01T02:22:33.123456Z */
    int argc;
    char **argv;   /* the command line that made the record (shown by `hj spool show`) */
    uint8_t *body; /* the packed request, exactly as sent */
    size_t body_len;
    /* A refusal (records in rejected/). */
    int refused;
    int refused_code; /* hj.Code */
    char refused_field[64];
    char refused_message[512];
    char refused_at[32];
} spool_record_t;

/* Reads one record file. 0, or -1 with what is wrong in err (the file is damaged);
 * on -1 rec holds nothing. */
int spool_record_parse(spool_record_t *rec, const uint8_t *data, size_t len, char *err,
                       size_t errlen);
/* The file's bytes (malloc'd, *len set), or NULL when rec cannot be written. */
uint8_t *spool_record_format(const spool_record_t *rec, size_t *len);
/* A deep copy of src into dst. 0 / -1. */
int spool_record_copy(spool_record_t *dst, const spool_record_t *src);
void spool_record_clear(spool_record_t *rec);
/* `group verb` of the command that made the record, e.g. "talk add". */
const char *spool_record_summary(const spool_record_t *rec, char *buf, size_t size);

typedef struct spool spool_t;

/* The spool directory: $HJ_SPOOL, else $XDG_DATA_HOME/huanjie/spool, else
 * ~/.local/share/huanjie/spool. */
void spool_default_dir(char *out, size_t size);
/* Opens (creating) the spool. NULL with the reason in err. */
spool_t *spool_open(const char *dir, char *err, size_t errlen);
void spool_close(spool_t **self_p);
const char *spool_path(const spool_t *sp);

/* One record file, held (flock'ed) while fd >= 0. */
typedef struct {
    int fd;
    char part[16]; /* "waiting", "rejected" or "damaged" */
    char name[96];
    spool_record_t rec;
} spool_entry_t;

typedef enum {
    SPOOL_OK = 0,
    SPOOL_BUSY,    /* another process holds it (it is being sent right now) */
    SPOOL_GONE,    /* removed or moved meanwhile */
    SPOOL_DAMAGED, /* held, but it does not read back (err says why) */
    SPOOL_ERROR = -1,
} spool_result_t;

/* Stores a new record in waiting/, durably, and holds it. 0 / -1 (err). */
int spool_save(spool_t *sp, const spool_record_t *rec, spool_entry_t *e, char *err, size_t errlen);
/* Takes (flock, read, parse) part/name without waiting for another holder. */
spool_result_t spool_take(spool_t *sp, const char *part, const char *name, spool_entry_t *e,
                          char *err, size_t errlen);
/* Deletes a held entry's file and lets go of it. 0 / -1. */
int spool_drop(spool_t *sp, spool_entry_t *e);
/* Rewrites a held entry as `rec` under the same name in part `to` (e.g. a
 * refused record into rejected/ with its reason, a retried one back into
 * waiting/), removes the old file; e then holds the new one. 0 / -1. */
int spool_move(spool_t *sp, spool_entry_t *e, const char *to, const spool_record_t *rec);
/* Moves a held damaged file as it is into damaged/ and lets go of it. 0 / -1. */
int spool_set_aside(spool_t *sp, spool_entry_t *e);
/* Lets go of an entry (the file stays). */
void spool_release(spool_entry_t *e);

/* The record names in part, sorted (oldest first). Free with spool_names_free. */
int spool_names(spool_t *sp, const char *part, char ***names, size_t *n);
void spool_names_free(char **names, size_t n);
size_t spool_count(spool_t *sp, const char *part);
/* The request id in a record name ("" when the name does not carry one). */
const char *spool_name_id(const char *name);
/* Finds a record by its request id or a unique prefix of it (or its file
 * name) in waiting/, rejected/ and damaged/. 0 found, -1 with err. */
int spool_find(spool_t *sp, const char *key, char part[16], char name[96], char *err,
               size_t errlen);

/* Files a writer left half-way (its process is gone: a crash or power cut
 * before the record was complete) are moved into damaged/. Calls report once
 * per file moved. Returns how many. */
int spool_sweep(spool_t *sp, void (*report)(const char *name, void *arg), void *arg);

/* One sync at a time: 0 held, 1 held by another process (only when !wait), -1 error. */
int spool_lock_sync(spool_t *sp, int wait);
/* Records that a sync just reached the system and left nothing waiting. */
void spool_mark_synced(spool_t *sp);
/* When that last happened (0: never). */
time_t spool_last_sync(spool_t *sp);

/* Current UTC time as the record's `created` text and as microseconds. */
void spool_now(char created[32], uint64_t *usec);
/* "2026-03-01 10:22 (Asia/Shanghai)" from a `created`-style UTC text. */
const char *spool_local_time(const char *utc, char *buf, size_t size);

#endif

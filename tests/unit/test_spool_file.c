/* The offline spool's record file and directory (clients/cli/spool.c). */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spool.h"

static char *s_argv[] = {"hj", "talk", "add", "--summary", "王丽同志表示'愿意'", "--concern"};
static const uint8_t s_body[] = {0x0a, 0x03, 'a', 0x00, 'b', '\n', 0xff, 0x52};
#define RID "5312195d-1cb8-4ac7-8e34-ea4cfa9c97d0"

static spool_record_t s_record(void)
{
    spool_record_t r = {0};
    snprintf(r.service, sizeof r.service, "interviews");
    snprintf(r.request_id, sizeof r.request_id, RID);
    snprintf(r.created, sizeof r.created, "2026-03-01T02:22:33.123456Z");
    r.argc = 6;
    r.argv = s_argv;
    r.body = (uint8_t *)s_body;
    r.body_len = sizeof s_body;
    return r;
}

static uint8_t *s_file(const spool_record_t *r, size_t *len)
{
    uint8_t *data = spool_record_format(r, len);
    cr_assert(data);
    return data;
}

Test(spool_record, round_trip_keeps_every_byte)
{
    spool_record_t r = s_record(), back;
    size_t len;
    char err[256];
    uint8_t *data = s_file(&r, &len);
    cr_assert_eq(spool_record_parse(&back, data, len, err, sizeof err), 0, "%s", err);
    cr_assert_str_eq(back.service, "interviews");
    cr_assert_str_eq(back.request_id, RID);
    cr_assert_str_eq(back.created, r.created);
    cr_assert_eq(back.argc, 6);
    cr_assert_str_eq(back.argv[4], "王丽同志表示'愿意'");
    cr_assert_eq(back.body_len, sizeof s_body);
    cr_assert_eq(memcmp(back.body, s_body, sizeof s_body), 0, "the body, NUL and newline included");
    cr_assert_not(back.refused);
    char what[64];
    cr_assert_str_eq(spool_record_summary(&back, what, sizeof what), "talk add");
    spool_record_clear(&back);
    free(data);
}

Test(spool_record, refusal_round_trips)
{
    spool_record_t r = s_record(), back;
    size_t len;
    char err[256];
    r.refused = 1;
    r.refused_code = 3;
    snprintf(r.refused_field, sizeof r.refused_field, "date");
    snprintf(r.refused_message, sizeof r.refused_message, "date 2026-02-30 is not a date");
    snprintf(r.refused_at, sizeof r.refused_at, "2026-03-01T03:00:00.000000Z");
    uint8_t *data = s_file(&r, &len);
    cr_assert_eq(spool_record_parse(&back, data, len, err, sizeof err), 0, "%s", err);
    cr_assert(back.refused);
    cr_assert_eq(back.refused_code, 3);
    cr_assert_str_eq(back.refused_field, "date");
    cr_assert_str_eq(back.refused_message, "date 2026-02-30 is not a date");
    spool_record_clear(&back);
    free(data);
}

/* A power cut can leave any prefix of the file: none of them reads as a record. */
Test(spool_record, every_truncation_is_detected)
{
    spool_record_t r = s_record(), back;
    size_t len;
    char err[256];
    uint8_t *data = s_file(&r, &len);
    for (size_t cut = 0; cut < len; cut++) {
        cr_assert_eq(spool_record_parse(&back, data, cut, err, sizeof err), -1,
                     "a file cut at %zu of %zu reads", cut, len);
        cr_assert(err[0], "a reason is given at %zu", cut);
    }
    cr_assert_eq(spool_record_parse(&back, data, len / 2, err, sizeof err), -1);
    cr_assert(strstr(err, "truncated"), "%s", err);
    free(data);
}

/* ... nor does a file whose tail the file system filled with zeros, or with one byte changed. */
Test(spool_record, zeroed_tail_and_flipped_bytes_are_detected)
{
    spool_record_t r = s_record(), back;
    size_t len;
    char err[256];
    uint8_t *data = s_file(&r, &len);
    for (size_t from = len / 3; from < len; from += 7) {
        uint8_t *copy = malloc(len);
        memcpy(copy, data, len);
        memset(copy + from, 0, len - from);
        cr_assert_eq(spool_record_parse(&back, copy, len, err, sizeof err), -1, "zeros from %zu",
                     from);
        free(copy);
    }
    for (size_t at = 0; at < len; at++) {
        data[at] ^= 0x20;
        cr_assert_eq(spool_record_parse(&back, data, len, err, sizeof err), -1, "byte %zu changed",
                     at);
        data[at] ^= 0x20;
    }
    cr_assert_eq(spool_record_parse(&back, data, len, err, sizeof err), 0);
    spool_record_clear(&back);
    free(data);
}

Test(spool_record, a_record_that_is_not_a_write_is_not_written)
{
    spool_record_t r = s_record();
    size_t len;
    snprintf(r.request_id, sizeof r.request_id, "not-a-uuid");
    cr_assert_null(spool_record_format(&r, &len));
    r = s_record();
    snprintf(r.service, sizeof r.service, "../etc");
    cr_assert_null(spool_record_format(&r, &len));
}

/* ---- the directory ------------------------------------------------------- */

static char s_dir[256];

static void s_fresh(void)
{
    snprintf(s_dir, sizeof s_dir, "/tmp/hj-spool-test-%d", (int)getpid());
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", s_dir);
    cr_assert_eq(system(cmd), 0);
}

static void s_cleanup(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", s_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", s_dir);
}

static spool_t *s_spool(void)
{
    char err[256];
    spool_t *sp = spool_open(s_dir, err, sizeof err);
    cr_assert(sp, "%s", err);
    return sp;
}

static void s_save(spool_t *sp, const char *rid, char name[96])
{
    spool_record_t r = s_record();
    spool_entry_t e;
    char err[256];
    snprintf(r.request_id, sizeof r.request_id, "%s", rid);
    cr_assert_eq(spool_save(sp, &r, &e, err, sizeof err), 0, "%s", err);
    if (name)
        snprintf(name, 96, "%s", e.name);
    spool_release(&e);
}

Test(spool_dir, saved_records_list_oldest_first_and_are_found_by_prefix, .init = s_fresh,
     .fini = s_cleanup)
{
    spool_t *sp = s_spool();
    char names[3][96], part[16], name[96], err[256];
    s_save(sp, "bbbbbbbb-1cb8-4ac7-8e34-ea4cfa9c97d0", names[0]);
    s_save(sp, "aaaaaaaa-1cb8-4ac7-8e34-ea4cfa9c97d0", names[1]);
    s_save(sp, "aaaabbbb-1cb8-4ac7-8e34-ea4cfa9c97d0", names[2]);
    char **list;
    size_t n;
    cr_assert_eq(spool_names(sp, "waiting", &list, &n), 0);
    cr_assert_eq(n, 3);
    for (size_t i = 0; i < 3; i++)
        cr_assert_str_eq(list[i], names[i], "saved order, not id order");
    spool_names_free(list, n);
    cr_assert_eq(spool_find(sp, "bbbb", part, name, err, sizeof err), 0, "%s", err);
    cr_assert_str_eq(name, names[0]);
    cr_assert_str_eq(part, "waiting");
    cr_assert_eq(spool_find(sp, "aaaa", part, name, err, sizeof err), -1);
    cr_assert(strstr(err, "ambiguous"), "%s", err);
    cr_assert_eq(spool_find(sp, "cccc", part, name, err, sizeof err), -1);
    spool_close(&sp);
}

Test(spool_dir, a_held_record_is_busy_for_everyone_else, .init = s_fresh, .fini = s_cleanup)
{
    spool_t *sp = s_spool();
    spool_record_t r = s_record();
    spool_entry_t held, other;
    char err[256];
    cr_assert_eq(spool_save(sp, &r, &held, err, sizeof err), 0, "%s", err);
    /* Another process trying to take it while we send it. */
    pid_t pid = fork();
    if (pid == 0) {
        spool_t *mine = spool_open(s_dir, err, sizeof err);
        _exit(mine && spool_take(mine, "waiting", held.name, &other, err, sizeof err) == SPOOL_BUSY
                  ? 0
                  : 1);
    }
    int status;
    waitpid(pid, &status, 0);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the other process sees it busy");
    /* Once dropped it is gone for a taker that opened it before. */
    char name[96];
    snprintf(name, sizeof name, "%s", held.name);
    cr_assert_eq(spool_drop(sp, &held), 0);
    cr_assert_eq(spool_take(sp, "waiting", name, &other, err, sizeof err), SPOOL_GONE);
    cr_assert_eq(spool_count(sp, "waiting"), 0);
    spool_close(&sp);
}

Test(spool_dir, refused_records_move_to_rejected_with_their_reason, .init = s_fresh,
     .fini = s_cleanup)
{
    spool_t *sp = s_spool();
    spool_record_t r = s_record();
    spool_entry_t e;
    char err[256], name[96];
    cr_assert_eq(spool_save(sp, &r, &e, err, sizeof err), 0, "%s", err);
    snprintf(name, sizeof name, "%s", e.name);
    e.rec.refused = 1;
    e.rec.refused_code = 5;
    snprintf(e.rec.refused_field, sizeof e.rec.refused_field, "community");
    snprintf(e.rec.refused_message, sizeof e.rec.refused_message, "no community KBS-BH-99");
    snprintf(e.rec.refused_at, sizeof e.rec.refused_at, "2026-03-01T03:00:00.000000Z");
    cr_assert_eq(spool_move(sp, &e, "rejected", &e.rec), 0);
    spool_release(&e);
    cr_assert_eq(spool_count(sp, "waiting"), 0);
    cr_assert_eq(spool_count(sp, "rejected"), 1);
    cr_assert_eq(spool_take(sp, "rejected", name, &e, err, sizeof err), SPOOL_OK, "%s", err);
    cr_assert_str_eq(e.rec.refused_field, "community");
    cr_assert_eq(e.rec.body_len, sizeof s_body);
    spool_release(&e);
    spool_close(&sp);
}

Test(spool_dir, half_written_files_are_set_aside, .init = s_fresh, .fini = s_cleanup)
{
    spool_t *sp = s_spool();
    char name[96], path[512], err[256];
    s_save(sp, RID, name);
    /* A power cut: the file is there but only half of it reached the disk. */
    snprintf(path, sizeof path, "%s/waiting/%s", s_dir, name);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(truncate(path, st.st_size / 2), 0);
    spool_entry_t e;
    cr_assert_eq(spool_take(sp, "waiting", name, &e, err, sizeof err), SPOOL_DAMAGED);
    cr_assert(strstr(err, "truncated"), "%s", err);
    cr_assert_eq(spool_set_aside(sp, &e), 0);
    cr_assert_eq(spool_count(sp, "waiting"), 0);
    cr_assert_eq(spool_count(sp, "damaged"), 1);
    /* A writer that died before its rename left a dot-file: swept into damaged/. */
    pid_t dead = fork();
    if (dead == 0)
        _exit(0);
    waitpid(dead, NULL, 0);
    snprintf(path, sizeof path, "%s/waiting/.0000000000000001-%s.tmp.%d", s_dir, RID, (int)dead);
    int fd = open(path, O_WRONLY | O_CREAT, 0600);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, "HJSPOOL 1\nserv", 14), 14);
    close(fd);
    /* ...but not one whose writer is still at work (this process). */
    snprintf(path, sizeof path, "%s/waiting/.0000000000000002-%s.tmp.%d", s_dir, RID,
             (int)getpid());
    fd = open(path, O_WRONLY | O_CREAT, 0600);
    close(fd);
    cr_assert_eq(spool_sweep(sp, NULL, NULL), 1);
    cr_assert_eq(spool_count(sp, "damaged"), 2);
    cr_assert_eq(spool_count(sp, "waiting"), 0, "dot-files are never listed as waiting");
    spool_close(&sp);
}

Test(spool_dir, one_sync_at_a_time, .init = s_fresh, .fini = s_cleanup)
{
    spool_t *a = s_spool(), *b = s_spool();
    cr_assert_eq(spool_lock_sync(a, 0), 0);
    pid_t pid = fork();
    if (pid == 0) {
        char err[256];
        spool_t *c = spool_open(s_dir, err, sizeof err);
        _exit(c && spool_lock_sync(c, 0) == 1 ? 0 : 1);
    }
    int status;
    waitpid(pid, &status, 0);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "a second sync finds the lock held");
    spool_close(&a);
    cr_assert_eq(spool_lock_sync(b, 0), 0, "free again once the first is done");
    cr_assert_eq(spool_last_sync(b), 0);
    spool_mark_synced(b);
    cr_assert(spool_last_sync(b) > 0);
    spool_close(&b);
}

/* Benchmark (not a test): what filling a reply by column name (hj_pgrow)
 * costs against the index runs it replaced, on a result of registry seats
 * made without a server. Prints ns per row for both. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hj_pgrow.h"
#include "registry.pb-c.h"

#define S_ROWS 2000
#define S_ROUNDS 200

static double s_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static PGresult *s_seats(void)
{
    static const char *const names[] = {"id",        "community",   "person_id",
                                        "committee", "role",        "term_start",
                                        "term_end",  "person_name", "person_code"};
    static const char *const values[] = {"5b0c2c8e-7d1a-4a57-9a55-0d1f7f0b7a10",
                                         "KBS-BH-01",
                                         "9e3f6a0c-1b2d-4c5e-8f90-a1b2c3d4e5f6",
                                         "2",
                                         "director",
                                         "2021-06-01",
                                         "",
                                         "王芳",
                                         "P0042"};
    PGresult *r = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
    PGresAttDesc attrs[9];
    memset(attrs, 0, sizeof attrs);
    for (int c = 0; c < 9; c++) {
        attrs[c].name = (char *)names[c];
        attrs[c].typid = 25;
        attrs[c].typlen = -1;
        attrs[c].atttypmod = -1;
    }
    if (!r || !PQsetResultAttrs(r, 9, attrs))
        return NULL;
    for (int i = 0; i < S_ROWS; i++)
        for (int c = 0; c < 9; c++)
            if (!PQsetvalue(r, i, c, (char *)values[c], (int)strlen(values[c])))
                return NULL;
    return r;
}

/* The index run registry_db.c had before hj_pgrow. */
static void s_by_index(PGresult *r, int i, void *item, hj_arena_t *a)
{
    (void)a;
    Hj__Registry__Seat *s = item;
    hj__registry__seat__init(s);
    s->id = PQgetvalue(r, i, 0);
    s->community = PQgetvalue(r, i, 1);
    s->person_id = PQgetvalue(r, i, 2);
    s->committee = atoi(PQgetvalue(r, i, 3));
    s->role = PQgetvalue(r, i, 4);
    s->term_start = PQgetvalue(r, i, 5);
    s->term_end = PQgetvalue(r, i, 6);
    s->person_name = PQgetvalue(r, i, 7);
    s->person_code = PQgetvalue(r, i, 8);
}

int main(void)
{
    PGresult *r = s_seats();
    if (!r) {
        fprintf(stderr, "bench_pgrow: could not build the result\n");
        return 1;
    }
    double by_index = 0, by_name = 0;
    for (int round = 0; round < S_ROUNDS; round++) {
        hj_arena_t a = {0};
        double t0 = s_now();
        void **x = hj_arena_rows(&a, r, S_ROWS, sizeof(Hj__Registry__Seat), s_by_index);
        double t1 = s_now();
        void **y = hj_pgrow_list(&a, r, S_ROWS, &hj__registry__seat__descriptor);
        double t2 = s_now();
        if (!x || !y || strcmp(((Hj__Registry__Seat *)y[S_ROWS - 1])->person_code, "P0042") != 0) {
            fprintf(stderr, "bench_pgrow: a fill failed\n");
            return 1;
        }
        by_index += t1 - t0;
        by_name += t2 - t1;
        hj_arena_free(&a);
    }
    printf("seats of 9 columns, %d rows x %d rounds\n", S_ROWS, S_ROUNDS);
    printf("by index (hj_arena_rows + row function): %.1f ns/row\n", by_index / S_ROWS / S_ROUNDS);
    printf("by name  (hj_pgrow_list):                %.1f ns/row\n", by_name / S_ROWS / S_ROUNDS);
    PQclear(r);
    return 0;
}

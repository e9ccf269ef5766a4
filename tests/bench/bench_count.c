/* hj-bench-count: how fast does the pure counting module count individually
 * entered ballots? 1,000,000 ballots, 9 seats, 15 candidates, party-2020
 * profile (so write-ins must stand beside a "no"). Ballots are generated with a
 * fixed-seed PRNG before timing; the count is timed with CLOCK_MONOTONIC,
 * best of 5. */
#include "rules.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { N_BALLOTS = 1000000, SEATS = 9, CANDIDATES = 15, WRITEIN_PERSONS = 20, RUNS = 5 };

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rng(void) /* xorshift64* */
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(void)
{
    tally_profile_t prof;
    tally_profile_error_t perr;
    if (!tally_profile_load_builtin("party-2020", &prof, &perr)) {
        fprintf(stderr, "profile: %s\n", perr.message);
        return 1;
    }

    uint8_t *marks = malloc((size_t)N_BALLOTS * CANDIDATES);
    tally_writein_t *w = malloc(sizeof *w * (N_BALLOTS / 100 + 1));
    tally_result_t *res = malloc(sizeof *res);
    if (!marks || !w || !res)
        return 1;

    /* popularity per candidate, in 1/1024: from about 90% down to about 20% */
    unsigned pop[CANDIDATES];
    for (int c = 0; c < CANDIDATES; c++)
        pop[c] = 920 - (unsigned)c * 50;
    size_t nw = 0;
    for (size_t i = 0; i < N_BALLOTS; i++) {
        uint8_t *m = marks + i * CANDIDATES;
        uint64_t r = rng();
        if ((r & 1023) < 10) { /* about 1%: ticks every box, too many marks */
            memset(m, TALLY_MARK_YES, CANDIDATES);
            continue;
        }
        unsigned yes = 0;
        for (int c = 0; c < CANDIDATES; c++) {
            uint64_t x = rng();
            if ((x & 1023) < pop[c] && yes < SEATS) {
                m[c] = TALLY_MARK_YES;
                yes++;
            } else
                m[c] = (uint8_t)(TALLY_MARK_NONE + (x >> 10) % 3 +
                                 ((x >> 10) % 3 != 0)); /* none, no, abstain */
        }
        if (((r >> 10) & 1023) < 3 && nw < N_BALLOTS / 100) { /* about 0.3%: a write-in */
            int beside = -1;
            for (int c = 0; c < CANDIDATES; c++)
                if (m[c] == TALLY_MARK_NO) {
                    beside = c;
                    break;
                }
            w[nw++] = (tally_writein_t){(uint32_t)i, (uint16_t)((r >> 20) % WRITEIN_PERSONS),
                                        (int16_t)beside};
        }
    }

    tally_round_t el = {
        .mode = TALLY_MODE_ORDINARY,
        .kind = TALLY_ROUND_FIRST,
        .seats = SEATS,
        .n_candidates = CANDIDATES,
        .n_writein_persons = WRITEIN_PERSONS,
        .electorate = 1100000,
        .present = 1000000,
        .issued = N_BALLOTS,
        .returned = N_BALLOTS,
    };
    tally_ballots_t b = {marks, N_BALLOTS, w, nw};

    double best = 1e30;
    for (int run = 0; run < RUNS; run++) {
        double t0 = now();
        int rc = tally_rules_count_ballots(&prof, &el, &b, res);
        double t1 = now();
        if (rc != 0) {
            fprintf(stderr, "count failed: %s\n", res->status.message);
            return 1;
        }
        if (t1 - t0 < best)
            best = t1 - t0;
    }
    printf("count: %d ballots, %d seats, %d candidates: %.0f ballots/s (best of %d)\n", N_BALLOTS,
           SEATS, CANDIDATES, N_BALLOTS / best, RUNS);
    printf("  %u valid, %u invalid (%u too many marks, %u write-in not beside a no), %zu "
           "write-ins; %s\n",
           res->valid_ballots, res->invalid_ballots, res->invalid_too_many, res->invalid_writein,
           nw, tally_rules_outcome_name(res->outcome));
    printf("  %s\n", res->outcome_reason);
    free(marks);
    free(w);
    free(res);
    return 0;
}

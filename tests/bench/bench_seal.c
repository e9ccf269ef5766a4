/* hj-bench-seal: what opening a sealed device file costs at each of
 * libsodium's Argon2id levels (INTERACTIVE, which device files use; MODERATE;
 * SENSITIVE with --sensitive, 1 GiB). Every `hj` command opens the file once,
 * so this is the time it adds to each command. One key is sealed per level,
 * then opened RUNS times; best and median of CLOCK_MONOTONIC, in ms. */
#include "hj_seal.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { RUNS = 5 };

static double s_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int s_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        unsigned long long ops;
        size_t mem;
    } levels[] = {
        {"interactive (device files)", crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE,
         crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE},
        {"moderate", crypto_pwhash_argon2id_OPSLIMIT_MODERATE,
         crypto_pwhash_argon2id_MEMLIMIT_MODERATE},
        {"sensitive", crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE,
         crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE},
    };
    int n = argc > 1 && strcmp(argv[1], "--sensitive") == 0 ? 3 : 2;
    uint8_t key[HJ_SEAL_KEY_BYTES], back[HJ_SEAL_KEY_BYTES];
    char params[HJ_SEAL_PARAMS_LEN], box[HJ_SEAL_BOX_LEN], err[256];
    if (sodium_init() < 0)
        return 1;
    randombytes_buf(key, sizeof key);
    printf("%-28s %4s %8s %10s %10s %10s\n", "level", "ops", "MiB", "seal ms", "open best",
           "open median");
    for (int l = 0; l < n; l++) {
        double t0 = s_now(), runs[RUNS];
        if (hj_seal_key(key, "correct horse battery staple", levels[l].ops, levels[l].mem, params,
                        box, err, sizeof err) != 0) {
            fprintf(stderr, "hj-bench-seal: %s: %s\n", levels[l].name, err);
            return 1;
        }
        double sealed = s_now() - t0;
        for (int r = 0; r < RUNS; r++) {
            t0 = s_now();
            if (hj_seal_open(params, box, "correct horse battery staple", back, err, sizeof err) !=
                    HJ_SEAL_OK ||
                memcmp(back, key, sizeof key) != 0) {
                fprintf(stderr, "hj-bench-seal: %s: %s\n", levels[l].name, err);
                return 1;
            }
            runs[r] = s_now() - t0;
        }
        qsort(runs, RUNS, sizeof runs[0], s_cmp);
        printf("%-28s %4llu %8zu %10.0f %10.0f %10.0f\n", levels[l].name, levels[l].ops,
               levels[l].mem >> 20, sealed * 1e3, runs[0] * 1e3, runs[RUNS / 2] * 1e3);
    }
    return 0;
}

/* hj_seal: a 32-byte key sealed under a passphrase (Argon2id + secretbox)
 * into text and opened from it; what is refused, and why; where the
 * passphrase comes from. Most tests derive with small limits (ops 1, 1 MiB)
 * to stay fast; one round trip uses the limits device files are sealed with. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sodium.h>
#include <zmq.h>

#include "hj_seal.h"

#define FAST_OPS 1ULL
#define FAST_MEM ((size_t)1 << 20)

static uint8_t s_key[HJ_SEAL_KEY_BYTES];

static void s_setup(void)
{
    int fd = open("/dev/urandom", O_RDONLY);
    cr_assert(fd >= 0 && read(fd, s_key, sizeof s_key) == (ssize_t)sizeof s_key);
    close(fd);
    unsetenv("HJ_DEVICE_PASSPHRASE");
}

TestSuite(seal, .init = s_setup);

static void s_seal(const char *passphrase, char params[HJ_SEAL_PARAMS_LEN],
                   char box[HJ_SEAL_BOX_LEN])
{
    char err[256] = "";
    cr_assert_eq(hj_seal_key(s_key, passphrase, FAST_OPS, FAST_MEM, params, box, err, sizeof err),
                 0, "%s", err);
}

static int s_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

Test(seal, a_key_sealed_with_the_device_limits_opens_with_its_passphrase)
{
    char params[HJ_SEAL_PARAMS_LEN], box[HJ_SEAL_BOX_LEN], err[256] = "", want[64];
    uint8_t back[HJ_SEAL_KEY_BYTES];
    cr_assert_eq(hj_seal_key(s_key, "长城 correct horse", HJ_SEAL_OPS, HJ_SEAL_MEM, params, box,
                             err, sizeof err),
                 0, "%s", err);
    snprintf(want, sizeof want, "argon2id13 ops=%llu mem=%zu", HJ_SEAL_OPS, HJ_SEAL_MEM);
    cr_assert_str_eq(params, want, "the algorithm and limits are recorded");
    cr_assert_eq(strlen(box), 120, "base64 of salt 16 | nonce 24 | box 48: %s", box);
    cr_assert_eq(hj_seal_open(params, box, "长城 correct horse", back, err, sizeof err), HJ_SEAL_OK,
                 "%s", err);
    cr_assert_eq(memcmp(back, s_key, sizeof back), 0);
}

Test(seal, the_recorded_limits_open_the_box_not_this_versions_defaults)
{
    char params[HJ_SEAL_PARAMS_LEN], box[HJ_SEAL_BOX_LEN], err[256] = "";
    uint8_t back[HJ_SEAL_KEY_BYTES];
    s_seal("pass", params, box);
    cr_assert_str_eq(params, "argon2id13 ops=1 mem=1048576");
    cr_assert_eq(hj_seal_open(params, box, "pass", back, err, sizeof err), HJ_SEAL_OK, "%s", err);
    cr_assert_eq(memcmp(back, s_key, sizeof back), 0);
    /* The same box read with other limits derives another key: not opened. */
    cr_assert_eq(hj_seal_open("argon2id13 ops=2 mem=1048576", box, "pass", back, err, sizeof err),
                 HJ_SEAL_WRONG);
}

Test(seal, a_wrong_passphrase_is_refused_and_leaves_no_key)
{
    char params[HJ_SEAL_PARAMS_LEN], box[HJ_SEAL_BOX_LEN], err[256] = "";
    uint8_t back[HJ_SEAL_KEY_BYTES];
    s_seal("the right one", params, box);
    memset(back, 0xa5, sizeof back);
    cr_assert_eq(hj_seal_open(params, box, "the wrong one", back, err, sizeof err), HJ_SEAL_WRONG);
    cr_assert_str_eq(err, "wrong passphrase");
    cr_assert(s_zero(back, sizeof back), "no half-opened key");
    cr_assert_eq(hj_seal_open(params, box, "", back, err, sizeof err), HJ_SEAL_WRONG);
    cr_assert_eq(hj_seal_open(params, box, "the right on", back, err, sizeof err), HJ_SEAL_WRONG);
}

Test(seal, a_changed_salt_nonce_or_box_does_not_open)
{
    char params[HJ_SEAL_PARAMS_LEN], box[HJ_SEAL_BOX_LEN], err[256] = "";
    uint8_t back[HJ_SEAL_KEY_BYTES];
    s_seal("pass", params, box);
    /* Characters 0 (salt), 30 (nonce), 70 and 115 (box, MAC): each one flipped
     * to another base64 letter changes the bytes under it. */
    const int at[] = {0, 30, 70, 115};
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        char changed[HJ_SEAL_BOX_LEN];
        snprintf(changed, sizeof changed, "%s", box);
        changed[at[i]] = changed[at[i]] == 'A' ? 'B' : 'A';
        memset(back, 0xa5, sizeof back);
        cr_assert_eq(hj_seal_open(params, changed, "pass", back, err, sizeof err), HJ_SEAL_WRONG,
                     "changed at %d: %s", at[i], err);
        cr_assert(s_zero(back, sizeof back));
    }
}

Test(seal, a_truncated_or_lengthened_box_is_refused_with_a_reason)
{
    char params[HJ_SEAL_PARAMS_LEN], box[HJ_SEAL_BOX_LEN], err[256] = "", longer[300];
    uint8_t back[HJ_SEAL_KEY_BYTES];
    s_seal("pass", params, box);
    box[116] = 0; /* a whole base64 quantum less: 87 bytes */
    cr_assert_eq(hj_seal_open(params, box, "pass", back, err, sizeof err), HJ_SEAL_INVALID);
    cr_assert(strstr(err, "87 bytes, not 88 (truncated?)"), "%s", err);
    box[115] = 0; /* mid-quantum: not base64 any more */
    cr_assert_eq(hj_seal_open(params, box, "pass", back, err, sizeof err), HJ_SEAL_INVALID);
    cr_assert(strstr(err, "not base64"), "%s", err);
    cr_assert_eq(hj_seal_open(params, "", "pass", back, err, sizeof err), HJ_SEAL_INVALID);
    cr_assert(strstr(err, "0 bytes, not 88"), "%s", err);
    s_seal("pass", params, box);
    snprintf(longer, sizeof longer, "%.116sAAAA", box); /* 90 bytes in 120 characters */
    cr_assert_eq(hj_seal_open(params, longer, "pass", back, err, sizeof err), HJ_SEAL_INVALID);
    cr_assert(strstr(err, "90 bytes, not 88"), "%s", err);
    snprintf(longer, sizeof longer, "%s%s", box, box);
    cr_assert_eq(hj_seal_open(params, longer, "pass", back, err, sizeof err), HJ_SEAL_INVALID);
    cr_assert(strstr(err, "longer than 88 bytes"), "%s", err);
}

Test(seal, a_box_that_is_not_base64_is_refused)
{
    char params[HJ_SEAL_PARAMS_LEN], box[HJ_SEAL_BOX_LEN], err[256] = "";
    uint8_t back[HJ_SEAL_KEY_BYTES];
    s_seal("pass", params, box);
    box[40] = '*';
    cr_assert_eq(hj_seal_open(params, box, "pass", back, err, sizeof err), HJ_SEAL_INVALID);
    cr_assert(strstr(err, "not base64"), "%s", err);
    cr_assert_eq(hj_seal_open(params, "光光光光", "pass", back, err, sizeof err), HJ_SEAL_INVALID);
    cr_assert(strstr(err, "not base64"), "%s", err);
    cr_assert_eq(hj_seal_open(params, NULL, "pass", back, err, sizeof err), HJ_SEAL_INVALID);
}

Test(seal, an_unknown_algorithm_or_absurd_limits_are_refused_before_deriving)
{
    char params[HJ_SEAL_PARAMS_LEN], box[HJ_SEAL_BOX_LEN], err[256] = "";
    uint8_t back[HJ_SEAL_KEY_BYTES];
    s_seal("pass", params, box);
    static const struct {
        const char *params, *reason;
    } cases[] = {
        {"scrypt ops=1 mem=1048576", "unknown seal algorithm 'scrypt'"},
        {"argon2i13 ops=1 mem=1048576", "unknown seal algorithm 'argon2i13'"},
        {"", "not 'argon2id13 ops=N mem=BYTES'"},
        {"argon2id13", "not 'argon2id13 ops=N mem=BYTES'"},
        {"argon2id13 ops=1", "not 'argon2id13 ops=N mem=BYTES'"},
        {"argon2id13 mem=1048576 ops=1", "not 'argon2id13 ops=N mem=BYTES'"},
        {"argon2id13 ops=1 mem=1048576 extra", "not 'argon2id13 ops=N mem=BYTES'"},
        {"argon2id13 ops=-1 mem=1048576", "not 'argon2id13 ops=N mem=BYTES'"},
        {"argon2id13 ops=1x mem=1048576", "not 'argon2id13 ops=N mem=BYTES'"},
        {"argon2id13 ops=99999999999999999999999 mem=1048576", "not 'argon2id13 ops=N mem=BYTES'"},
        {"argon2id13 ops=0 mem=1048576", "ops=0 is outside 1..64"},
        {"argon2id13 ops=1000000 mem=1048576", "ops=1000000 is outside 1..64"},
        {"argon2id13 ops=1 mem=1024", "mem=1024 is outside 8192..4294967296 bytes"},
        {"argon2id13 ops=1 mem=1099511627776", "mem=1099511627776 is outside"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        err[0] = 0;
        cr_assert_eq(hj_seal_open(cases[i].params, box, "pass", back, err, sizeof err),
                     HJ_SEAL_INVALID, "'%s' was not refused", cases[i].params);
        cr_assert(strstr(err, cases[i].reason), "'%s': %s", cases[i].params, err);
        cr_assert(s_zero(back, sizeof back));
    }
    /* Sealing checks the same limits. */
    cr_assert_eq(hj_seal_key(s_key, "pass", 0, FAST_MEM, params, box, err, sizeof err), -1);
    cr_assert(strstr(err, "ops=0"), "%s", err);
    cr_assert_eq(hj_seal_key(s_key, "pass", 1, HJ_SEAL_MEM_MAX + 1, params, box, err, sizeof err),
                 -1);
    cr_assert(strstr(err, "mem="), "%s", err);
}

Test(seal, the_sealed_text_never_holds_the_clear_key)
{
    char params[HJ_SEAL_PARAMS_LEN], box[HJ_SEAL_BOX_LEN], other[HJ_SEAL_BOX_LEN], z85[41];
    char err[256] = "";
    uint8_t raw[128];
    size_t len = 0;
    s_seal("pass", params, box);
    cr_assert(zmq_z85_encode(z85, s_key, sizeof s_key));
    cr_assert_null(strstr(box, z85));
    cr_assert_null(memmem(params, strlen(params), s_key, 8));
    /* Nor its bytes, anywhere in what the text decodes to. */
    cr_assert_eq(sodium_base642bin(raw, sizeof raw, box, strlen(box), NULL, &len, NULL,
                                   sodium_base64_VARIANT_ORIGINAL),
                 0);
    cr_assert_eq(len, 88);
    for (size_t i = 0; i + 8 <= sizeof s_key; i++)
        cr_assert_null(memmem(raw, len, s_key + i, 8), "8 key bytes at %zu appear in the box", i);
    /* A fresh salt and nonce each time: two seals of one key share nothing. */
    cr_assert_eq(hj_seal_key(s_key, "pass", FAST_OPS, FAST_MEM, params, other, err, sizeof err), 0);
    cr_assert_str_neq(box, other);
    cr_assert_neq(memcmp(box, other, 20), 0, "the salts differ");
}

Test(seal, an_empty_passphrase_seals_nothing)
{
    char params[HJ_SEAL_PARAMS_LEN], box[HJ_SEAL_BOX_LEN], err[256] = "";
    cr_assert_eq(hj_seal_key(s_key, "", FAST_OPS, FAST_MEM, params, box, err, sizeof err), -1);
    cr_assert(strstr(err, "empty passphrase"), "%s", err);
    cr_assert_str_empty(box);
    cr_assert_eq(hj_seal_key(s_key, NULL, FAST_OPS, FAST_MEM, params, box, err, sizeof err), -1);
}

Test(seal, the_passphrase_comes_from_HJ_DEVICE_PASSPHRASE)
{
    char buf[HJ_SEAL_PASSPHRASE_MAX], err[256] = "", big[HJ_SEAL_PASSPHRASE_MAX + 1];
    setenv("HJ_DEVICE_PASSPHRASE", "from the environment", 1);
    cr_assert_eq(hj_seal_passphrase("unused: ", 1, buf, err, sizeof err), 0, "%s", err);
    cr_assert_str_eq(buf, "from the environment");
    setenv("HJ_DEVICE_PASSPHRASE", "", 1);
    cr_assert_eq(hj_seal_passphrase("unused: ", 0, buf, err, sizeof err), 0,
                 "opening tries an empty one (it will be wrong)");
    cr_assert_eq(hj_seal_passphrase("unused: ", 1, buf, err, sizeof err), -1, "sealing refuses it");
    cr_assert(strstr(err, "HJ_DEVICE_PASSPHRASE is empty"), "%s", err);
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = 0;
    setenv("HJ_DEVICE_PASSPHRASE", big, 1);
    cr_assert_eq(hj_seal_passphrase("unused: ", 0, buf, err, sizeof err), -1);
    cr_assert(strstr(err, "longer than 511 bytes"), "%s", err);
}

Test(seal, with_no_terminal_and_no_variable_the_error_names_HJ_DEVICE_PASSPHRASE)
{
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    pid_t pid = fork();
    if (pid == 0) {
        /* A new session has no controlling terminal: /dev/tty cannot open. */
        char buf[HJ_SEAL_PASSPHRASE_MAX], err[256] = "";
        setsid();
        int rc = hj_seal_passphrase("Passphrase: ", 0, buf, err, sizeof err);
        ssize_t w = write(fds[1], err, strlen(err) + 1);
        _exit(rc == -1 && w > 0 ? 0 : 1);
    }
    char err[256] = "";
    int status = 0;
    close(fds[1]);
    cr_assert(read(fds[0], err, sizeof err - 1) > 0);
    waitpid(pid, &status, 0);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s", err);
    cr_assert(strstr(err, "no terminal") && strstr(err, "HJ_DEVICE_PASSPHRASE"), "%s", err);
}

#include "hj_seal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define S_SALT crypto_pwhash_argon2id_SALTBYTES
#define S_NONCE crypto_secretbox_NONCEBYTES
#define S_BOXED (HJ_SEAL_KEY_BYTES + crypto_secretbox_MACBYTES)
#define S_RAW (S_SALT + S_NONCE + S_BOXED) /* 88 bytes: salt | nonce | box */
#define S_TEXT (4 * ((S_RAW + 2) / 3))     /* its base64: 120 characters */
#define S_BASE64 "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="

/* sodium_init() is idempotent and thread-safe: calling it before each use is
 * "once before use" without a start-up step every program must remember. */
static int s_ready(char *err, size_t errlen)
{
    if (sodium_init() >= 0)
        return 0;
    snprintf(err, errlen, "libsodium could not be initialised");
    return -1;
}

static int s_limits_valid(unsigned long long ops, size_t mem, char *err, size_t errlen)
{
    if (ops < crypto_pwhash_argon2id_OPSLIMIT_MIN || ops > HJ_SEAL_OPS_MAX)
        snprintf(err, errlen, "seal ops=%llu is outside %llu..%llu", ops,
                 (unsigned long long)crypto_pwhash_argon2id_OPSLIMIT_MIN, HJ_SEAL_OPS_MAX);
    else if (mem < crypto_pwhash_argon2id_MEMLIMIT_MIN || mem > HJ_SEAL_MEM_MAX)
        snprintf(err, errlen, "seal mem=%zu is outside %zu..%zu bytes", mem,
                 (size_t)crypto_pwhash_argon2id_MEMLIMIT_MIN, HJ_SEAL_MEM_MAX);
    else
        return 0;
    return -1;
}

/* The box key from passphrase and salt. 0, or -1 with err (out of memory). */
static int s_derive(uint8_t key[crypto_secretbox_KEYBYTES], const char *passphrase,
                    const uint8_t *salt, unsigned long long ops, size_t mem, char *err,
                    size_t errlen)
{
    if (crypto_pwhash(key, crypto_secretbox_KEYBYTES, passphrase, strlen(passphrase), salt, ops,
                      mem, crypto_pwhash_ALG_ARGON2ID13) == 0)
        return 0;
    snprintf(err, errlen,
             "the key could not be derived from the passphrase (argon2id needs %zu MiB: "
             "out of memory?)",
             mem >> 20);
    return -1;
}

int hj_seal_key(const uint8_t key[HJ_SEAL_KEY_BYTES], const char *passphrase,
                unsigned long long ops, size_t mem, char params[HJ_SEAL_PARAMS_LEN],
                char box[HJ_SEAL_BOX_LEN], char *err, size_t errlen)
{
    uint8_t raw[S_RAW], derived[crypto_secretbox_KEYBYTES];
    uint8_t *salt = raw, *nonce = raw + S_SALT, *boxed = raw + S_SALT + S_NONCE;
    int rc = -1;
    params[0] = box[0] = 0;
    if (!passphrase || !*passphrase) {
        snprintf(err, errlen, "an empty passphrase seals nothing");
        return -1;
    }
    if (s_ready(err, errlen) != 0 || s_limits_valid(ops, mem, err, errlen) != 0)
        return -1;
    randombytes_buf(salt, S_SALT);
    randombytes_buf(nonce, S_NONCE);
    if (s_derive(derived, passphrase, salt, ops, mem, err, errlen) != 0)
        goto out;
    crypto_secretbox_easy(boxed, key, HJ_SEAL_KEY_BYTES, nonce, derived);
    snprintf(params, HJ_SEAL_PARAMS_LEN, "%s ops=%llu mem=%zu", HJ_SEAL_ALGORITHM, ops, mem);
    sodium_bin2base64(box, HJ_SEAL_BOX_LEN, raw, S_RAW, sodium_base64_VARIANT_ORIGINAL);
    rc = 0;
out:
    sodium_memzero(derived, sizeof derived);
    return rc;
}

/* The value of word "name=DIGITS" (at most 19 digits: no overflow) into v. 0 / -1. */
static int s_number(const char *word, const char *name, unsigned long long *v)
{
    size_t n = strlen(name), digits;
    if (!word || strncmp(word, name, n) != 0 || word[n] != '=')
        return -1;
    digits = strspn(word + n + 1, "0123456789");
    if (digits == 0 || digits > 19 || word[n + 1 + digits])
        return -1;
    *v = strtoull(word + n + 1, NULL, 10);
    return 0;
}

/* "argon2id13 ops=N mem=M" into ops and mem. 0, or -1 with err. */
static int s_params(const char *params, unsigned long long *ops, size_t *mem, char *err,
                    size_t errlen)
{
    char copy[HJ_SEAL_PARAMS_LEN], *save = NULL, *alg, *o, *m;
    unsigned long long mem_ull = 0;
    snprintf(copy, sizeof copy, "%s", params);
    alg = strtok_r(copy, " \t", &save);
    o = strtok_r(NULL, " \t", &save);
    m = strtok_r(NULL, " \t", &save);
    if (alg && strcmp(alg, HJ_SEAL_ALGORITHM) != 0)
        snprintf(err, errlen, "unknown seal algorithm '%s' (this version opens %s)", alg,
                 HJ_SEAL_ALGORITHM);
    else if (!alg || strlen(params) >= sizeof copy || s_number(o, "ops", ops) != 0 ||
             s_number(m, "mem", &mem_ull) != 0 || strtok_r(NULL, " \t", &save))
        snprintf(err, errlen, "seal is '%s', not '%s ops=N mem=BYTES'", params, HJ_SEAL_ALGORITHM);
    else {
        *mem = mem_ull > SIZE_MAX ? SIZE_MAX : (size_t)mem_ull;
        return s_limits_valid(*ops, *mem, err, errlen);
    }
    return -1;
}

hj_seal_rc_t hj_seal_open(const char *params, const char *box, const char *passphrase,
                          uint8_t key[HJ_SEAL_KEY_BYTES], char *err, size_t errlen)
{
    uint8_t raw[S_RAW + 2], derived[crypto_secretbox_KEYBYTES];
    uint8_t *salt = raw, *nonce = raw + S_SALT, *boxed = raw + S_SALT + S_NONCE;
    unsigned long long ops = 0;
    size_t mem = 0, len = 0;
    const char *end = NULL;
    hj_seal_rc_t rc = HJ_SEAL_INVALID;
    memset(key, 0, HJ_SEAL_KEY_BYTES);
    if (s_ready(err, errlen) != 0 || s_params(params ? params : "", &ops, &mem, err, errlen) != 0)
        return HJ_SEAL_INVALID;
    /* Longer text is refused before decoding; what fits decodes to at most S_RAW + 2. */
    if (box && strlen(box) > S_TEXT) {
        snprintf(err, errlen, "the sealed key is longer than %d bytes", S_RAW);
        goto out;
    }
    /* Only the alphabet: libsodium 1.0.18 decodes some bytes >= 0x80 as letters. */
    if (!box || box[strspn(box, S_BASE64)] ||
        sodium_base642bin(raw, sizeof raw, box, strlen(box), NULL, &len, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        *end) {
        snprintf(err, errlen, "the sealed key is not base64");
        goto out;
    }
    if (len != S_RAW) {
        snprintf(err, errlen, "the sealed key is %zu bytes, not %d%s", len, S_RAW,
                 len < S_RAW ? " (truncated?)" : "");
        goto out;
    }
    if (s_derive(derived, passphrase ? passphrase : "", salt, ops, mem, err, errlen) != 0)
        goto out;
    if (crypto_secretbox_open_easy(key, boxed, S_BOXED, nonce, derived) != 0) {
        memset(key, 0, HJ_SEAL_KEY_BYTES);
        snprintf(err, errlen, "wrong passphrase");
        rc = HJ_SEAL_WRONG;
    } else {
        rc = HJ_SEAL_OK;
    }
out:
    sodium_memzero(derived, sizeof derived);
    return rc;
}

void hj_seal_wipe(void *p, size_t n)
{
    sodium_memzero(p, n);
}

/* ---- asking on the terminal -------------------------------------------------- */

/* The terminal's settings while echo is off, so a signal (^C) puts them back. */
static volatile sig_atomic_t s_tty = -1;
static struct termios s_saved;

static void s_on_signal(int sig)
{
    if (s_tty >= 0)
        tcsetattr(s_tty, TCSANOW, &s_saved);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* One line from the terminal tty without echo, into buf. 0 / -1 with err. */
static int s_ask(int tty, const char *prompt, char *buf, size_t size, char *err, size_t errlen)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    struct sigaction sa = {0}, old[4];
    struct termios quiet;
    size_t n = 0;
    int rc = -1, over = 0;
    char c;
    if (tcgetattr(tty, &s_saved) != 0) {
        snprintf(err, errlen, "cannot set up the terminal: %s", strerror(errno));
        return -1;
    }
    sa.sa_handler = s_on_signal;
    for (int i = 0; i < 4; i++)
        sigaction(sigs[i], &sa, &old[i]);
    s_tty = tty;
    quiet = s_saved;
    quiet.c_lflag &= (tcflag_t) ~(ECHO | ECHOE | ECHOK | ECHONL);
    /* Echo off before the prompt: nothing typed in answer is ever shown. */
    if (tcsetattr(tty, TCSAFLUSH, &quiet) != 0 || write(tty, prompt, strlen(prompt)) < 0) {
        snprintf(err, errlen, "cannot set up the terminal: %s", strerror(errno));
        goto out;
    }
    ssize_t got;
    while ((got = read(tty, &c, 1)) == 1 && c != '\n' && c != '\r')
        if (n + 1 < size)
            buf[n++] = c;
        else
            over = 1;
    buf[n] = 0;
    if (got < 0)
        snprintf(err, errlen, "cannot read the passphrase: %s", strerror(errno));
    else if (over)
        snprintf(err, errlen, "the passphrase is longer than %zu bytes", size - 1);
    else
        rc = 0;
out:
    tcsetattr(tty, TCSANOW, &s_saved);
    s_tty = -1;
    for (int i = 0; i < 4; i++)
        sigaction(sigs[i], &old[i], NULL);
    if (write(tty, "\n", 1) < 0) {
        /* The answer is read; a missing newline on the screen changes nothing. */
    }
    if (rc != 0)
        sodium_memzero(buf, size);
    return rc;
}

/* For sealing: buf is not empty, and typed the same a second time. 0 / -1 with err. */
static int s_confirm(int tty, const char *buf, char *err, size_t errlen)
{
    char again[HJ_SEAL_PASSPHRASE_MAX] = "";
    int rc = -1;
    if (!buf[0])
        snprintf(err, errlen, "an empty passphrase seals nothing");
    else if (s_ask(tty, "Again, to confirm: ", again, sizeof again, err, errlen) != 0)
        ; /* err says why */
    else if (strcmp(buf, again) != 0)
        snprintf(err, errlen, "the two passphrases differ");
    else
        rc = 0;
    sodium_memzero(again, sizeof again);
    return rc;
}

int hj_seal_passphrase(const char *prompt, int twice, char buf[HJ_SEAL_PASSPHRASE_MAX], char *err,
                       size_t errlen)
{
    const char *env = getenv("HJ_DEVICE_PASSPHRASE");
    int tty = -1, rc = -1;
    buf[0] = 0;
    if (env && strlen(env) >= HJ_SEAL_PASSPHRASE_MAX)
        snprintf(err, errlen, "HJ_DEVICE_PASSPHRASE is longer than %d bytes",
                 HJ_SEAL_PASSPHRASE_MAX - 1);
    else if (env && twice && !*env)
        snprintf(err, errlen, "HJ_DEVICE_PASSPHRASE is empty: an empty passphrase seals nothing");
    else if (env)
        rc = snprintf(buf, HJ_SEAL_PASSPHRASE_MAX, "%s", env) < 0 ? -1 : 0;
    /* O_NOCTTY: asking must not make a terminal ours when we had none. */
    else if ((tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
        snprintf(err, errlen, "no terminal to ask for the passphrase on: set HJ_DEVICE_PASSPHRASE");
    else if (s_ask(tty, prompt, buf, HJ_SEAL_PASSPHRASE_MAX, err, errlen) == 0 &&
             (!twice || s_confirm(tty, buf, err, errlen) == 0))
        rc = 0;
    if (tty >= 0)
        close(tty);
    if (rc != 0)
        sodium_memzero(buf, HJ_SEAL_PASSPHRASE_MAX);
    return rc;
}

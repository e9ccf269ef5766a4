#ifndef HJ_SEAL_H
#define HJ_SEAL_H
/* A 32-byte key sealed at rest under a passphrase: what a device file keeps
 * instead of its secret key in clear (`hj admin device enrol --passphrase`),
 * so a stolen laptop is not a working credential.
 *
 * Argon2id (libsodium's crypto_pwhash, ARGON2ID13) stretches the passphrase
 * with a random salt into a key; crypto_secretbox (XSalsa20-Poly1305, random
 * nonce) seals the 32 bytes with it. Two texts carry the result:
 *   params  "argon2id13 ops=N mem=M"   how the key was derived, so a later
 *                                      version can raise the limits and still
 *                                      open what was sealed before
 *   box     base64 (RFC 4648, padded) of salt(16) | nonce(24) | box(32 + 16)
 * A wrong passphrase and an altered box are the same to Poly1305: both are
 * refused as a wrong passphrase. The derived key is wiped before returning. */
#include <stddef.h>
#include <stdint.h>

#define HJ_SEAL_KEY_BYTES 32
#define HJ_SEAL_ALGORITHM "argon2id13"
#define HJ_SEAL_PARAMS_LEN 64      /* "argon2id13 ops=N mem=M" + NUL */
#define HJ_SEAL_BOX_LEN 128        /* base64 of 88 bytes (120) + NUL */
#define HJ_SEAL_PASSPHRASE_MAX 512 /* a passphrase's bytes, with the NUL */

/* The limits a device file is sealed with: libsodium's INTERACTIVE (ops 2,
 * 64 MiB, about 0.1 s here). Every `hj` command opens the file again, so the
 * cost is paid per command; revoking the device bounds how long a thief may
 * guess. README.md "Device files at rest" gives the figures. */
#define HJ_SEAL_OPS 2ULL
#define HJ_SEAL_MEM ((size_t)64 << 20)

/* What opening a box is refused for, in the limits it is read with: a file
 * asking for more would make every open a denial of service. */
#define HJ_SEAL_OPS_MAX 64ULL
#define HJ_SEAL_MEM_MAX ((size_t)4 << 30)

typedef enum {
    HJ_SEAL_OK = 0,
    HJ_SEAL_INVALID = -1, /* params or box malformed, or the library failed: err says why */
    HJ_SEAL_WRONG = -2,   /* the box does not open with this passphrase (or was altered) */
} hj_seal_rc_t;

/* Seals key under passphrase (non-empty) with Argon2id at ops / mem into
 * params and box. 0, or -1 with err (empty passphrase, limits out of range,
 * out of memory). */
int hj_seal_key(const uint8_t key[HJ_SEAL_KEY_BYTES], const char *passphrase,
                unsigned long long ops, size_t mem, char params[HJ_SEAL_PARAMS_LEN],
                char box[HJ_SEAL_BOX_LEN], char *err, size_t errlen);

/* Opens box (as hj_seal_key made it, with these params) with passphrase into
 * key. HJ_SEAL_OK; HJ_SEAL_WRONG with err "wrong passphrase"; HJ_SEAL_INVALID
 * with err naming what is wrong (unknown algorithm, ops / mem out of range,
 * not base64, too short). key is all zero unless HJ_SEAL_OK. */
hj_seal_rc_t hj_seal_open(const char *params, const char *box, const char *passphrase,
                          uint8_t key[HJ_SEAL_KEY_BYTES], char *err, size_t errlen);

/* The passphrase into buf (HJ_SEAL_PASSPHRASE_MAX bytes): $HJ_DEVICE_PASSPHRASE
 * when it is set, else asked on /dev/tty with prompt, without echo; with
 * `twice`, asked again to confirm and an empty one refused (for sealing).
 * 0, or -1 with err (no terminal and no HJ_DEVICE_PASSPHRASE, a mismatch, an
 * empty passphrase when sealing, too long). Wipe buf with hj_seal_wipe. */
int hj_seal_passphrase(const char *prompt, int twice, char buf[HJ_SEAL_PASSPHRASE_MAX], char *err,
                       size_t errlen);

/* Zeroes secret memory in a way the compiler keeps (sodium_memzero). */
void hj_seal_wipe(void *p, size_t n);

#endif
